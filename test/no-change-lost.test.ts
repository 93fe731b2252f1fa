/**
 * No change lost under repeated faults (issue 15), and the session's bound on waiting
 * changes (issue 12): a drop at any step of a resync, one reconnect loop at a time,
 * streams that land once and in order, models a resync replaced. Faults come from a
 * TCP proxy between the client and a real embedded server.
 */
import { afterEach, describe, expect, test } from "vitest";
import { ColumnDataSource, Document, Model, pullSession, pushSession, type BokehError, type ClientSession, type DocumentChangedEvent, type ResyncInfo } from "../src/index.js";
import { BokehServer, type Application } from "../src/server/index.js";
import { killChildServers, startChildServer } from "./helpers/child.js";
import { FaultProxy } from "./helpers/proxy.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
  await killChildServers();
});

const app: Application = (doc) => {
  doc.addRoot(new ColumnDataSource({ name: "source", data: { x: [0] } }));
  doc.addRoot(new Model("Div", { name: "div", text: "hello" }));
};

async function setup(apps: Record<string, Application> = { "/": app }): Promise<{ server: BokehServer; proxy: FaultProxy }> {
  const server = await BokehServer.start({ port: 0, apps, log: () => {} });
  cleanup.push(() => server.close());
  const proxy = await FaultProxy.start(server.url);
  cleanup.push(() => proxy.close());
  return { server, proxy };
}

function track<T extends ClientSession>(session: T): T {
  cleanup.push(() => session.close());
  return session;
}

const fast = { attempts: 10, initialDelay: 20, maxDelay: 100 };
const xOf = (session: ClientSession) => Array.from((session.document!.getModelByName("source") as ColumnDataSource).data.x as ArrayLike<number>);

/** What the server holds now: pulled by a second client, straight from the server. */
async function serverX(server: BokehServer, id: string): Promise<number[]> {
  const other = await pullSession({ url: server.url, sessionId: id });
  try {
    return xOf(other);
  } finally {
    await other.close();
  }
}

/** Resolves once the server's own document of session `id` has `rows` rows in `x` (checked at each of its changes). */
async function serverHasRows(server: BokehServer, id: string, rows: number): Promise<void> {
  const serverSession = await server.getSession(id);
  const document = serverSession!.document;
  const count = () => ((document.getModelByName("source") as ColumnDataSource).data.x as unknown[]).length;
  if (count() >= rows) return;
  await new Promise<void>((resolve) => {
    const off = document.onChange(() => {
      if (count() < rows) return;
      off();
      resolve();
    });
  });
}

/** The `disconnected` attempts in order, and each resync. */
function recordLoop(session: ClientSession): (string | number)[] {
  const seen: (string | number)[] = [];
  session.on("disconnected", ({ attempt }) => seen.push(attempt));
  session.on("resynced", () => seen.push("resynced"));
  return seen;
}

const nextResync = (session: ClientSession) => new Promise<ResyncInfo>((resolve) => session.once("resynced", resolve));

describe("a drop during the resync", () => {
  test("reset as the resync's PULL-DOC-REPLY passes: one loop goes on, and the row streamed meanwhile lands once (the issue's reproduction)", async () => {
    const { server, proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: fast }));
    const loop = recordLoop(session);
    const source = session.document!.getModelByName("source") as ColumnDataSource;
    source.stream({ x: [1] });
    await session.flush();

    const resetDone = proxy.resetOn("PULL-DOC-REPLY"); // the next resync's pull is cut as its reply passes
    const resynced = nextResync(session);
    proxy.cut();
    source.stream({ x: [2] });
    await resetDone;
    const info = await resynced;
    await session.flush();

    expect(loop).toEqual([1, 2, "resynced"]); // one loop: its second attempt, never a second "attempt 1"
    expect(info).toMatchObject({ mode: "pull", replayed: 1, rejected: 0 });
    expect(xOf(session)).toEqual([0, 1, 2]);
    expect(await serverX(server, session.id)).toEqual([0, 1, 2]);
  });

  test("reset as the replayed changes go out, twice: they are sent again each time, and land once", async () => {
    const { server, proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: fast }));
    const source = session.document!.getModelByName("source") as ColumnDataSource;
    const loop = recordLoop(session);
    proxy.cut();
    source.stream({ x: [7] });
    const reset = proxy.resetOn("PATCH-DOC", "up", 2); // the replay's PATCH-DOC, on two connections in turn
    await reset;
    await nextResync(session);
    await session.flush();
    expect(loop.filter((s) => s === "resynced")).toHaveLength(3);
    expect(xOf(session)).toEqual([0, 7]);
    expect(await serverX(server, session.id)).toEqual([0, 7]);
  });

  test("a pushed session reset as its re-push's OK passes: pushed again, with the change made meanwhile", async () => {
    const { server, proxy } = await setup({ "/": () => {} });
    const doc = new Document({ roots: [new Model("Div", { name: "div", text: "pushed" })] });
    const session = track(await pushSession(doc, { url: proxy.url, reconnect: fast }));
    const loop = recordLoop(session);
    const reset = proxy.resetOn('"msgtype": "OK"'); // the re-push's answer
    proxy.cut();
    doc.getModelByName("div")!.set("text", "changed while disconnected");
    await reset;
    const info = await nextResync(session);
    expect(info).toMatchObject({ mode: "push" });
    expect(loop).toEqual([1, 2, "resynced"]);
    const other = track(await pullSession({ url: server.url, sessionId: session.id }));
    expect(other.document!.getModelByName("div")!.get("text")).toBe("changed while disconnected");
  });
});

describe("streams land once, in the order they were made", () => {
  test("a stream the server applied, whose OK was lost with the connection, is not sent again", async () => {
    const { server, proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: fast }));
    const source = session.document!.getModelByName("source") as ColumnDataSource;
    proxy.blackholeDownstream(); // the server gets the stream; its OK never comes back
    source.stream({ x: [1] });
    source.stream({ x: [2] }); // same tick: one batch
    await serverHasRows(server, session.id, 3); // the server applied both
    const resynced = nextResync(session);
    proxy.cut();
    proxy.blackholeDownstream(false);
    source.stream({ x: [3] }); // made while disconnected: sent after the resync
    const info = await resynced;
    await session.flush();
    expect(info).toMatchObject({ mode: "pull", skipped: 2, replayed: 1 });
    expect(xOf(session)).toEqual([0, 1, 2, 3]);
    expect(await serverX(server, session.id)).toEqual([0, 1, 2, 3]);
  });

  test("a stream that never reached the server is sent again, after those that did, in order", async () => {
    const { server, proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: fast }));
    const source = session.document!.getModelByName("source") as ColumnDataSource;
    proxy.blackholeDownstream();
    source.stream({ x: [1] });
    await serverHasRows(server, session.id, 2);
    proxy.blackhole(); // from now on nothing reaches the server either
    source.stream({ x: [2] });
    await proxy.clientBytes();
    const resynced = nextResync(session);
    proxy.cut();
    proxy.blackhole(false);
    proxy.blackholeDownstream(false);
    const info = await resynced;
    await session.flush();
    expect(info).toMatchObject({ skipped: 1, replayed: 1 });
    expect(xOf(session)).toEqual([0, 1, 2]);
    expect(await serverX(server, session.id)).toEqual([0, 1, 2]);
  });
});

describe("models a resync replaced", () => {
  test("a restarted server: `resynced` names each replaced model and its replacement by name", async () => {
    const first = await startChildServer({ rows: 3 });
    const port = Number(new URL(first.url).port);
    const session = track(await pullSession({ url: first.url, reconnect: { ...fast, attempts: 50 } }));
    const oldDiv = session.document!.getModelByName("div")!;
    const oldSource = session.document!.getModelByName("source")!;
    const resynced = nextResync(session);
    await first.kill();
    await startChildServer({ rows: 3, port });
    const info = await resynced;
    const newDiv = session.document!.getModelByName("div")!;
    expect(newDiv).not.toBe(oldDiv);
    const byOld = new Map(info.replaced.map(({ old, replacement }) => [old, replacement]));
    expect(byOld.get(oldDiv)).toBe(newDiv);
    expect(byOld.get(oldSource)).toBe(session.document!.getModelByName("source"));

    // An edit through a reference kept from before the restart goes nowhere, and says so.
    const detached = new Promise<{ model: Model; change: DocumentChangedEvent; replacement: Model | null }>((r) => session.once("detachedChange", r));
    oldDiv.set("text", "edited through a stale reference");
    const report = await detached;
    expect(report.model).toBe(oldDiv);
    expect(report.replacement).toBe(newDiv);
    expect(report.change).toMatchObject({ kind: "ModelChanged", attr: "text", new: "edited through a stale reference" });
    await session.flush();
    expect(newDiv.get("text")).toBe("hello");
  });

  test("a model another client removed: a local edit to it is reported, at once or when it would have been sent", async () => {
    const { server } = await setup();
    const session = track(await pullSession({ url: server.url }));
    const other = track(await pullSession({ url: server.url, sessionId: session.id }));
    const div = session.document!.getModelByName("div")!;
    const removed = new Promise((r) => session.document!.onChange((e) => e.kind === "RootRemoved" && r(e)));
    other.document!.removeRoot(other.document!.getModelByName("div")!);
    await other.flush();
    await removed;
    const reports: DocumentChangedEvent[] = [];
    session.on("detachedChange", ({ change }) => reports.push(change));
    div.set("text", "into the void");
    await session.flush();
    expect(reports.map((c) => c.kind === "ModelChanged" && c.new)).toEqual(["into the void"]);
  });
});

describe("the bound on waiting changes", () => {
  test("a change beyond maxQueuedChanges is refused before it is made: the model keeps its value, nothing is lost", async () => {
    const { server, proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: { ...fast, initialDelay: 60_000 }, maxQueuedChanges: 3 }));
    const disconnected = new Promise((r) => session.once("disconnected", r));
    proxy.cut();
    await disconnected;
    const div = session.document!.getModelByName("div")!;
    const source = session.document!.getModelByName("source") as ColumnDataSource;
    div.set("text", "1");
    div.set("text", "2");
    source.stream({ x: [1] });
    expect(() => div.set("text", "4")).toThrow(expect.objectContaining({ code: "ERR_BOKEH_QUEUE_FULL", limit: 3 }));
    expect(() => source.stream({ x: [2] })).toThrow(expect.objectContaining({ code: "ERR_BOKEH_QUEUE_FULL" }));
    expect(div.get("text")).toBe("2"); // the refused change never happened
    expect(xOf(session)).toEqual([0, 1]);
    expect(session.pendingChanges).toBe(3);
    await session.close().catch(() => {});
    expect(session.document).not.toBeNull(); // kept after close, as in Python
    expect(await serverX(server, session.id)).toEqual([0]); // the session never reconnected: the server has none of them
  });

  test("several attributes in one set(): all of them, or none", async () => {
    const { proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: { ...fast, initialDelay: 60_000 }, maxQueuedChanges: 2 }));
    const disconnected = new Promise((r) => session.once("disconnected", r));
    proxy.cut();
    await disconnected;
    const div = session.document!.getModelByName("div")!;
    div.set("text", "one");
    expect(() => div.set({ text: "two", name: "renamed" })).toThrow(expect.objectContaining({ code: "ERR_BOKEH_QUEUE_FULL" }));
    expect(div.get("text")).toBe("one");
    expect(div.get("name")).toBe("div");
  });
});

describe("changes reported with the changes themselves", () => {
  test("the session ends with changes waiting: patchRejected carries them, flush() and close() reject with them", async () => {
    const { proxy } = await setup();
    const session = await pullSession({ url: proxy.url });
    const reported: [BokehError, readonly DocumentChangedEvent[]][] = [];
    session.on("patchRejected", (error, events) => reported.push([error, events]));
    proxy.blackhole();
    session.document!.getModelByName("div")!.set("text", "in flight when the connection dies");
    await proxy.clientBytes();
    const closed = new Promise((r) => session.once("close", r));
    proxy.cut();
    await closed;
    expect(reported.map(([e, events]) => [e.code, events.length])).toEqual([["ERR_BOKEH_CHANGES_LOST", 1]]);
    await expect(session.flush()).rejects.toMatchObject({ code: "ERR_BOKEH_CHANGES_LOST", changes: reported[0]![1] });
    await expect(session.close()).rejects.toMatchObject({ code: "ERR_BOKEH_CHANGES_LOST" });
    expect(session.document!.getModelByName("div")!.get("text")).toBe("in flight when the connection dies");
  });
});
