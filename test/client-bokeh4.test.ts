/**
 * Our client against our server as Bokeh 4.0.0-dev.5, over real sockets. The client is
 * not told the server's release: it reads it from the ACK's framing (a Bokeh 4 envelope),
 * and the server in 4.0 mode closes any connection that frames a message as Bokeh 3 does,
 * so every exchange below is Bokeh 4 on the wire. Binary columns go both ways: pull,
 * push, stream, patch, a UI event; SYNC makes the round trips.
 */
import { afterEach, describe, expect, test } from "vitest";
import { ClientSession, ColumnDataSource, Document, Model, pullSession, pushSession, type DocumentChangedEvent } from "../src/index.js";
import { BOKEH_4_SERVER_INFO } from "../src/protocol/codec.js";
import { BokehServer, type Application } from "../src/server/index.js";
import { until } from "./helpers/until.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

function track<T extends ClientSession>(session: T): T {
  cleanup.push(() => session.close());
  return session;
}

async function start(app: Application = () => {}, bokehVersion: "4.0.0-dev.5" | "3.10.0" = "4.0.0-dev.5"): Promise<{ server: BokehServer; lines: string[] }> {
  const lines: string[] = [];
  const server = await BokehServer.start({ port: 0, bokehVersion, apps: { "/": app }, log: (level, message) => lines.push(`${level} ${message}`) });
  cleanup.push(() => server.close());
  return { server, lines };
}

const columns = () => ({ x: new Float64Array([0.5, 1.5, Number.NaN]), n: new Int32Array([7, -7, 0]), label: ["a", "b", "c"] });
const sourceOf = (doc: Document | null) => doc!.getModelByName("s") as ColumnDataSource;

describe("our client and our server, both Bokeh 4", () => {
  test("pull: typed columns arrive as typed arrays; the server's changes follow; nothing closed for a wrong framing", async () => {
    const { server, lines } = await start((doc) => doc.addRoot(new ColumnDataSource({ name: "s", data: columns() })));
    const session = track(await pullSession({ url: server.url }));
    const source = sourceOf(session.document);
    expect(source.data).toEqual(columns());
    expect(source.data.n).toBeInstanceOf(Int32Array);

    const serverSource = sourceOf((await server.getSession(session.id))!.document);
    serverSource.stream({ x: new Float64Array([9]), n: new Int32Array([90]), label: ["d"] });
    await until(() => source.length === 4, "the server's stream at the client");
    expect(Array.from(source.data.n as Int32Array)).toEqual([7, -7, 0, 90]);
    expect(lines.filter((line) => /closing|1002/.test(line))).toEqual([]);
  });

  test("push, then stream and patch typed columns both ways between the pusher and a puller", async () => {
    const { server } = await start();
    const pusher = track(await pushSession(new Document({ title: "pushed", roots: [new ColumnDataSource({ name: "s", data: columns() })] }), { url: server.url, sessionId: "shared" }));
    const puller = track(await pullSession({ url: server.url, sessionId: "shared" }));
    expect(puller.document!.title).toBe("pushed");
    const pushed = sourceOf(pusher.document);
    const pulled = sourceOf(puller.document);
    expect(pulled.data).toEqual(columns());

    pushed.stream({ x: new Float64Array([-1.5]), n: new Int32Array([40]), label: ["e"] });
    await until(() => pulled.length === 4, "the pusher's stream at the puller");
    pulled.stream({ x: new Float64Array([2.25]), n: new Int32Array([-50]), label: ["f"] });
    await until(() => pushed.length === 5, "the puller's stream at the pusher");
    expect(Array.from(pushed.data.n as Int32Array)).toEqual([7, -7, 0, 40, -50]);
    expect(pulled.data.x).toBeInstanceOf(Float64Array);

    const patched: DocumentChangedEvent["kind"][] = [];
    pushed.document!.onChange((event) => patched.push(event.kind));
    pulled.patch({ n: [[0, 1000]], x: [[1, 0.25]] });
    await until(() => patched.includes("ColumnsPatched"), "the puller's patch at the pusher");
    expect(Array.from(pushed.data.n as Int32Array).slice(0, 2)).toEqual([1000, -7]);
    expect((pushed.data.x as Float64Array)[1]).toBe(0.25);
    expect(pushed.data.n).toBeInstanceOf(Int32Array);
    // The server's own copy agrees.
    expect(sourceOf((await server.getSession("shared"))!.document).data).toEqual(pushed.data);
  });

  test("a UI event from the client reaches the server app, whose reaction (a typed column) comes back before forceRoundtrip() resolves", async () => {
    const { server } = await start((doc) => {
      doc.addRoot(new Model("Button", { name: "button", label: "Click", subscribed_events: new Set(["button_click"]) }));
      doc.addRoot(new ColumnDataSource({ name: "s", data: columns() }));
      doc.onEvent("button_click", () => sourceOf(doc).updateData({ x: new Float64Array([42, 43, 44]) }));
    });
    const session = track(await pullSession({ url: server.url }));
    session.document!.sendEvent("button_click", { model: session.document!.getModelByName("button")! });
    await session.forceRoundtrip(); // a SYNC: the OK comes after the server handled the event and sent its reaction
    expect(sourceOf(session.document).data.x).toEqual(new Float64Array([42, 43, 44]));
  });

  test("forceRoundtrip() and flush() on Bokeh 4: a change is on the server once they resolve", async () => {
    const { server } = await start((doc) => doc.addRoot(new Model("Div", { name: "div", text: "before" })));
    const session = track(await pullSession({ url: server.url }));
    const serverDoc = (await server.getSession(session.id))!.document;
    session.document!.getModelByName("div")!.set("text", "after");
    await session.forceRoundtrip();
    expect(serverDoc.getModelByName("div")!.get("text")).toBe("after");
    session.document!.getModelByName("div")!.set("text", "flushed");
    await session.flush();
    expect(serverDoc.getModelByName("div")!.get("text")).toBe("flushed");
  });

  test("requestServerInfo() on Bokeh 4, which has no SERVER-INFO: what its framing tells, from a SYNC round trip", async () => {
    const { server, lines } = await start();
    const session = track(new ClientSession({ websocketUrl: `${server.url.replace("http", "ws")}ws` }));
    expect(await session.requestServerInfo()).toEqual(BOKEH_4_SERVER_INFO);
    expect(BOKEH_4_SERVER_INFO.version_info.bokeh).toBe("4.0");
    expect(session.connected).toBe(true); // not closed for sending a message Bokeh 4 does not have
    expect(lines.filter((line) => /unknown message type/.test(line))).toEqual([]);
  });

  test("a change Bokeh 4 cannot carry (over 10,000 arrays in one event) is refused before it is sent, with a typed error; the session carries on", async () => {
    const { server } = await start((doc) => doc.addRoot(new ColumnDataSource({ name: "s", data: columns() })));
    const session = track(await pullSession({ url: server.url }));
    const rejected: unknown[] = [];
    session.on("patchRejected", (error) => rejected.push(error));
    sourceOf(session.document).data = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`c${i}`, new Float64Array([i])]));
    const error = await session.flush().then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_BOKEH_PROTOCOL" });
    expect((error as Error).message).toMatch(/cannot carry more than 10000 buffers/);
    expect(rejected).toHaveLength(1);
    expect(session.connected).toBe(true);
    sourceOf(session.document).data = columns();
    await session.flush();
    expect(sourceOf((await server.getSession(session.id))!.document).data).toEqual(columns());
  });

  test("one client process, two servers: Bokeh 3.10 and Bokeh 4, each in its own framing, no option set", async () => {
    const three = await start((doc) => doc.addRoot(new ColumnDataSource({ name: "s", data: columns() })), "3.10.0");
    const four = await start((doc) => doc.addRoot(new ColumnDataSource({ name: "s", data: columns() })));
    const a = track(await pullSession({ url: three.server.url }));
    const b = track(await pullSession({ url: four.server.url }));
    expect((await a.requestServerInfo()).version_info.bokeh).toBe("3.10.0");
    expect(await b.requestServerInfo()).toEqual(BOKEH_4_SERVER_INFO);
    // A document pulled from 3.10 pushed to 4.0 arrives whole.
    const moved = track(await pushSession(a.document!, { url: four.server.url, sessionId: "moved" }));
    expect(moved.connected).toBe(true);
    const back = track(await pullSession({ url: four.server.url, sessionId: "moved" }));
    expect(sourceOf(back.document).data).toEqual(columns());
  });
});
