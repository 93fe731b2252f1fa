/**
 * The window of PATCH-DOCs in flight (`maxPatchesInFlight`, docs/decisions.md): while the
 * server is behind, changes wait and go out together when it answers, every one of them
 * applied on the server, in order. The server is a real embedded server in a child process,
 * made busy with SIGSTOP; a TCP proxy in front of it counts the messages the client sends.
 */
import { afterEach, describe, expect, test } from "vitest";
import { ClientSession, pullSession, type ColumnDataSource, type Model } from "../src/index.js";
import { killChildServers, startChildServer, type ChildServer } from "./helpers/child.js";
import { FaultProxy } from "./helpers/proxy.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
  await killChildServers();
});

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function setup(options: { maxPatchesInFlight?: number; highWaterMark?: number } = {}): Promise<{ child: ChildServer; proxy: FaultProxy; session: ClientSession; div: Model }> {
  const child = await startChildServer({ recordText: true });
  const proxy = await FaultProxy.start(child.url);
  cleanup.push(() => proxy.close());
  const session = await pullSession({ url: proxy.url, ...options });
  cleanup.push(() => session.close());
  // The server stops answering (busy, as a Python server is under load); it reads its socket again on SIGCONT.
  child.process.kill("SIGSTOP");
  cleanup.push(async () => void child.process.kill("SIGCONT"));
  return { child, proxy, session, div: session.document!.getModelByName("div")! };
}

/** The server's record of every value "div"'s text took, as a second client pulls it. */
async function serverLog(url: string, id: string): Promise<string[]> {
  const other = await pullSession({ url, sessionId: id });
  try {
    return String(other.document!.getModelByName("log")!.get("text")).split(",");
  } finally {
    await other.close();
  }
}

const values = Array.from({ length: 50 }, (_, i) => `v${i + 1}`);

/** Sets the div's text to each of `values`, one per turn of the event loop. */
async function editOnePerTurn(div: Model): Promise<void> {
  for (const value of values) {
    div.set("text", value);
    await turn();
  }
}

describe("the window of PATCH-DOCs in flight", () => {
  test("while the server is behind, changes made one per turn wait, then go out as one PATCH-DOC; the server applies each, in order", async () => {
    const { child, proxy, session, div } = await setup();
    await editOnePerTurn(div);
    await proxy.whenSent("PATCH-DOC", 4);
    // Four went out, one per turn; the other 46 wait for an OK.
    expect(session.pendingChanges).toBe(46);
    expect(proxy.sent("PATCH-DOC")).toBe(4);

    child.process.kill("SIGCONT");
    await session.flush();
    expect(session.pendingChanges).toBe(0);
    expect(proxy.sent("PATCH-DOC")).toBe(5); // the 46 together
    expect(await serverLog(child.url, session.id)).toEqual(values);
    expect(div.get("text")).toBe("v50");
  });

  test("changes that waited go out when an OK makes room, without flush()", async () => {
    const { child, proxy, session, div } = await setup();
    await editOnePerTurn(div);
    await proxy.whenSent("PATCH-DOC", 4);
    child.process.kill("SIGCONT");
    await proxy.whenSent("PATCH-DOC", 5); // sent by the first OK
    expect(proxy.sent("PATCH-DOC")).toBe(5);
    await session.forceRoundtrip();
    expect(session.pendingChanges).toBe(0);
    expect(await serverLog(child.url, session.id)).toEqual(values);
  });

  test("a request made while changes wait is sent after them: forceRoundtrip() resolves once the server applied them all", async () => {
    const { child, proxy, session, div } = await setup();
    await editOnePerTurn(div);
    await proxy.whenSent("PATCH-DOC", 4);
    const roundtrip = session.forceRoundtrip();
    await proxy.whenSent("SERVER-INFO-REQ", 1);
    expect(proxy.sent("PATCH-DOC")).toBe(5); // the waiting changes went out first
    child.process.kill("SIGCONT");
    await roundtrip;
    expect(await serverLog(child.url, session.id)).toEqual(values);
  });

  test("maxPatchesInFlight: Infinity sends each turn's change at once, whatever is in flight", async () => {
    const { child, proxy, session, div } = await setup({ maxPatchesInFlight: Infinity });
    await editOnePerTurn(div);
    await proxy.whenSent("PATCH-DOC", 50);
    expect(session.pendingChanges).toBe(0);
    child.process.kill("SIGCONT");
    await session.flush();
    expect(proxy.sent("PATCH-DOC")).toBe(50);
    expect(await serverLog(child.url, session.id)).toEqual(values);
  });

  test("drain() waits while the changes waiting for the window are over highWaterMark, and not for a few small ones", async () => {
    const { child, proxy, session, div } = await setup({ highWaterMark: 64 * 1024 });
    await editOnePerTurn(div);
    await proxy.whenSent("PATCH-DOC", 4);
    await session.drain(); // 46 small changes wait: far below highWaterMark
    expect(session.pendingChanges).toBe(46);

    const source = session.document!.getModelByName("source") as ColumnDataSource;
    for (let i = 0; i < 10; i++) {
      source.stream({ x: new Float64Array(2_000).fill(i), y: new Float64Array(2_000) }); // 32 KB each
      await turn();
    }
    // 320 KB of rows wait for the window: drain() resolves only once the server's OKs sent them.
    expect(session.pendingChanges).toBe(56);
    const drained = session.drain().then(() => session.pendingChanges);
    child.process.kill("SIGCONT");
    expect(await drained).toBe(0); // resolved once an OK had sent them (the window was full until then)
    await session.flush();
    const other = await pullSession({ url: child.url, sessionId: session.id });
    cleanup.push(() => other.close());
    expect((other.document!.getModelByName("source") as ColumnDataSource).length).toBe(10 + 10 * 2_000);
  });

  test("a window below 1 is refused when the session is made", () => {
    expect(() => new ClientSession({ websocketUrl: "ws://127.0.0.1:1/ws", maxPatchesInFlight: 0 })).toThrow(RangeError);
    expect(() => new ClientSession({ websocketUrl: "ws://127.0.0.1:1/ws", maxPatchesInFlight: Number.NaN })).toThrow(/maxPatchesInFlight must be at least 1/);
  });
});
