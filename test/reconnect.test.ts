/**
 * Reconnect and resync (opt-in): a session left running survives dropped
 * connections, dead peers and server restarts, and never loses a local change
 * silently. Network faults come from a TCP proxy between client and a real server.
 */
import { afterEach, describe, expect, test } from "vitest";
import { ClientSession, ColumnDataSource, Document, Model, pullSession, pushSession, type BokehError, type DocumentChangedEvent } from "../src/index.js";
import { BokehServer, type Application } from "../src/server/index.js";
import { killChildServers, startChildServer } from "./helpers/child.js";
import { FaultProxy } from "./helpers/proxy.js";
import { until } from "./helpers/until.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
  await killChildServers();
});

const app: Application = (doc) => {
  doc.title = "reconnect";
  doc.addRoot(new Model("Div", { name: "div", text: "hello" }));
  doc.addRoot(new ColumnDataSource({ name: "source", data: { x: [1, 2, 3] } }));
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

function record(session: ClientSession): string[] {
  const seen: string[] = [];
  for (const name of ["disconnected", "reconnected", "resynced", "gaveUp", "close"] as const) session.on(name, () => seen.push(name));
  return seen;
}

const fast = { initialDelay: 20, maxDelay: 100 };

describe("reconnect and resync", () => {
  test("off by default, like Python: a dropped connection ends the session", async () => {
    const { proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url }));
    const seen = record(session);
    proxy.cut();
    await until(() => seen.includes("close"), "close");
    expect(seen).toEqual(["close"]);
    await expect(session.forceRoundtrip()).rejects.toMatchObject({ code: "ERR_BOKEH_CONNECTION_CLOSED" });
  });

  test("a pulled session re-pulls, keeps the model objects, and re-sends unconfirmed and queued changes", async () => {
    const { server, proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: fast }));
    const seen = record(session);
    const resynced = new Promise((r) => session.once("resynced", r));
    const div = session.document!.getModelByName("div")!;
    const source = session.document!.getModelByName("source") as ColumnDataSource;

    proxy.blackhole(); // the next change is sent but never reaches the server
    const sent = proxy.clientBytes();
    div.set("text", "sent, never confirmed");
    await sent;
    proxy.cut();
    proxy.blackhole(false);
    source.stream({ x: [4] }); // made while disconnected: queued
    expect(await resynced).toEqual({ mode: "pull", replayed: 2, rejected: 0, skipped: 0, replaced: [] });
    expect(seen.slice(0, 3)).toEqual(["disconnected", "reconnected", "resynced"]);
    expect(session.document!.getModelByName("div")).toBe(div); // same object as before
    await session.flush();
    const other = track(await pullSession({ url: server.url, sessionId: session.id }));
    expect(other.document!.getModelByName("div")!.get("text")).toBe("sent, never confirmed");
    expect((other.document!.getModelByName("source") as ColumnDataSource).data.x).toEqual([1, 2, 3, 4]);
  });

  test("changes another client made while we were away arrive with the re-pull, as server changes", async () => {
    const { server, proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: fast }));
    const div = session.document!.getModelByName("div")!;
    const fromServer: DocumentChangedEvent[] = [];
    session.document!.onChange((e) => e.setter === session && fromServer.push(e));
    proxy.blackhole();
    const other = track(await pullSession({ url: server.url, sessionId: session.id }));
    other.document!.getModelByName("div")!.set("text", "changed while away");
    await other.flush();
    proxy.cut();
    proxy.blackhole(false);
    await new Promise((r) => session.once("resynced", r));
    expect(div.get("text")).toBe("changed while away");
    expect(fromServer.map((e) => e.kind)).toEqual(["ModelChanged"]);
  });

  test("a pushed session re-pushes its document, with every change made while disconnected", async () => {
    const { server, proxy } = await setup({ "/": () => {} });
    // for the release our server speaks, whose version the pulled JSON says
    const doc = new Document({ roots: [new Model("Div", { name: "div", text: "pushed" })] });
    const session = track(await pushSession(doc, { url: proxy.url, reconnect: fast }));
    proxy.cut();
    doc.getModelByName("div")!.set("text", "changed while disconnected");
    doc.addRoot(new Model("Div", { name: "second" }));
    const info = await new Promise((r) => session.once("resynced", r));
    expect(info).toMatchObject({ mode: "push" });
    const other = track(await pullSession({ url: server.url, sessionId: session.id }));
    expect(JSON.stringify(other.document!.toJSON())).toBe(JSON.stringify(doc.toJSON()));
  });

  test("server restarted with the session gone: changes that no longer fit are reported with the changes themselves", async () => {
    const first = await startChildServer({ rows: 3 });
    const port = Number(new URL(first.url).port);
    const session = track(await pullSession({ url: first.url, reconnect: { ...fast, attempts: 50 } }));
    const rejected: [BokehError, readonly DocumentChangedEvent[]][] = [];
    session.on("patchRejected", (error, events) => rejected.push([error, events]));
    const oldDiv = session.document!.getModelByName("div")!;
    await first.kill();
    oldDiv.set("text", "for a model the new server does not have");
    await startChildServer({ rows: 3, port });
    await new Promise((r) => session.once("resynced", r));
    const newDiv = session.document!.getModelByName("div")!;
    expect(newDiv).not.toBe(oldDiv); // a fresh session: fresh models
    expect(newDiv.get("text")).toBe("hello");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]![0]).toMatchObject({ code: "ERR_BOKEH_CHANGES_REJECTED" });
    expect(rejected[0]![1].map((e) => e.kind === "ModelChanged" && e.new)).toEqual(["for a model the new server does not have"]);
    await expect(session.flush()).rejects.toMatchObject({ code: "ERR_BOKEH_CHANGES_REJECTED" });
  });

  test("a dead peer (half-open connection) is noticed by the heartbeat, then the session reconnects", async () => {
    const { proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: fast, heartbeat: 100 }));
    const disconnected = new Promise<{ error: BokehError }>((r) => session.once("disconnected", r));
    proxy.blackhole();
    const { error } = await disconnected;
    // The heartbeat noticed it (not a request timeout, nor the TCP stack: nothing else would within the test's time).
    expect(error.message).toMatch(/no answer to a heartbeat ping within 100 ms/);
    proxy.blackhole(false);
    await new Promise((r) => session.once("resynced", r));
    expect(session.connected).toBe(true);
  });

  test("gives up after the configured attempts: gaveUp, close, and flush() reports the unsent changes", async () => {
    const { proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: { ...fast, attempts: 3 } }));
    const seen = record(session);
    const disconnected = new Promise((r) => session.once("disconnected", r));
    const closed = new Promise((r) => session.once("close", r));
    proxy.refuse();
    proxy.cut();
    await disconnected;
    session.document!.getModelByName("div")!.set("text", "never sent");
    await closed;
    expect(seen).toEqual(["disconnected", "disconnected", "disconnected", "gaveUp", "close"]);
    expect(session.errorReason).toBe("NETWORK_ERROR");
    const error = await session.flush().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_BOKEH_CHANGES_LOST", message: expect.stringMatching(/^1 local change\(s\) could not be sent: /) });
    expect((error as { changes: DocumentChangedEvent[] }).changes.map((e) => e.kind === "ModelChanged" && e.new)).toEqual(["never sent"]);
  });

  test("a token that expired by reconnect time is a typed refusal: no pointless retries", async () => {
    const { proxy } = await setup();
    const { generateToken, resolveSigning } = await import("../src/protocol/token.js");
    const sessionId = "token-expiry-session";
    const token = generateToken(sessionId, resolveSigning({ signSessions: false }), { expiration: 1 });
    const session = track(new ClientSession({ websocketUrl: `${proxy.url.replace("http", "ws")}/ws`, sessionId, token, reconnect: fast }));
    await session.pull();
    const seen = record(session);
    const gaveUp = new Promise<BokehError>((r) => session.once("gaveUp", r));
    await new Promise((r) => setTimeout(r, 1100));
    proxy.cut();
    expect(await gaveUp).toMatchObject({ code: "ERR_BOKEH_SESSION_REFUSED" });
    expect(seen.filter((s) => s === "disconnected")).toHaveLength(1);
    expect(session.errorReason).toBe("SESSION_REFUSED");
    expect(session.connected).toBe(false);
  });

  test("changes queued while disconnected are bounded; overflow throws a typed error at the change", async () => {
    const { proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, reconnect: { ...fast, initialDelay: 10_000 }, maxQueuedChanges: 3 }));
    proxy.refuse();
    proxy.cut();
    await until(() => !session.connected, "disconnect");
    const div = session.document!.getModelByName("div")!;
    div.set("text", "1");
    div.set("text", "2");
    div.set("text", "3");
    expect(() => div.set("text", "4")).toThrow(expect.objectContaining({ code: "ERR_BOKEH_QUEUE_FULL", limit: 3 }));
    expect(session.pendingChanges).toBe(3);
  });

  test("backpressure: drain() waits while the network is behind", async () => {
    const { proxy } = await setup();
    const session = track(await pullSession({ url: proxy.url, highWaterMark: 256 * 1024, maxMessageSize: 1024 ** 3 }));
    const source = session.document!.getModelByName("source") as ColumnDataSource;
    proxy.stall();
    for (let i = 0; i < 20; i++) {
      source.stream({ x: new Float64Array(500_000) });
      await new Promise((r) => setImmediate(r));
    }
    // The socket is behind: the latest chunks wait in the session instead of piling up in it.
    expect(session.pendingChanges).toBeGreaterThan(0);
    const drain = session.drain();
    proxy.stall(false);
    await drain;
    await session.flush();
    expect(source.length).toBe(3 + 20 * 500_000);
  });
});

describe("a connection dropped while a request is on its way", () => {
  // The request reaches the proxy and goes no further; then the connection is cut.
  // Resolves with the request's outcome: its value, or the error it rejected with.
  async function dropDuring<T>(proxy: FaultProxy, request: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
    proxy.blackhole();
    const reached = proxy.clientBytes();
    const outcome = request().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await reached;
    proxy.cut();
    proxy.blackhole(false);
    return outcome;
  }

  const wsUrl = (proxy: FaultProxy) => `${proxy.url.replace("http", "ws")}/ws`;

  test("pull: a typed error without reconnect; with reconnect, the pull completes on the new connection", async () => {
    const { proxy } = await setup();
    const plain = track(new ClientSession({ websocketUrl: wsUrl(proxy) }));
    await plain.connect();
    const { error: failed } = await dropDuring(proxy, () => plain.pull());
    expect(failed).toMatchObject({ code: "ERR_BOKEH_CONNECTION_CLOSED" });
    expect(plain.document).toBeNull();

    const session = track(new ClientSession({ websocketUrl: wsUrl(proxy), reconnect: fast }));
    await session.connect();
    const seen = record(session);
    const { value: doc, error } = await dropDuring(proxy, () => session.pull());
    expect(error).toBeUndefined();
    expect(seen.slice(0, 3)).toEqual(["disconnected", "reconnected", "resynced"]);
    expect(doc!.getModelByName("div")!.get("text")).toBe("hello");
    expect(session.document).toBe(doc);
  });

  test("push: a typed error without reconnect (the document stays unattached, push again later); with reconnect, it lands", async () => {
    const { server, proxy } = await setup({ "/": () => {} });
    const doc = new Document({ roots: [new Model("Div", { name: "div", text: "pushed" })] });
    const plain = track(new ClientSession({ websocketUrl: wsUrl(proxy) }));
    await plain.connect();
    const { error: failed } = await dropDuring(proxy, () => plain.push(doc));
    expect(failed).toMatchObject({ code: "ERR_BOKEH_CONNECTION_CLOSED" });
    expect(plain.document).toBeNull();

    const session = track(new ClientSession({ websocketUrl: wsUrl(proxy), reconnect: fast }));
    await session.connect();
    expect(await dropDuring(proxy, () => session.push(doc))).toEqual({ value: undefined });
    expect(session.document).toBe(doc);
    doc.getModelByName("div")!.set("text", "changed after the push");
    await session.flush();
    const other = track(await pullSession({ url: server.url, sessionId: session.id }));
    expect(other.document!.getModelByName("div")!.get("text")).toBe("changed after the push");
  });

  test("flush: without reconnect it names the changes that were not confirmed; with reconnect they land", async () => {
    const { server, proxy } = await setup();
    const plain = track(await pullSession({ url: proxy.url }));
    const { error: failed } = await dropDuring(proxy, () => {
      plain.document!.getModelByName("div")!.set("text", "lost?");
      return plain.flush();
    });
    expect(failed).toMatchObject({ code: "ERR_BOKEH_CHANGES_LOST", cause: { code: "ERR_BOKEH_CONNECTION_CLOSED" } });
    expect(String((failed as Error).message)).toMatch(/^1 local change\(s\) were not confirmed before the connection was lost: /);
    expect((failed as { changes: DocumentChangedEvent[] }).changes.map((e) => e.kind === "ModelChanged" && e.new)).toEqual(["lost?"]);

    const session = track(await pullSession({ url: proxy.url, reconnect: fast }));
    const flushed = await dropDuring(proxy, () => {
      session.document!.getModelByName("div")!.set("text", "confirmed after the reconnection");
      return session.flush();
    });
    expect(flushed).toEqual({ value: undefined });
    const other = track(await pullSession({ url: server.url, sessionId: session.id }));
    expect(other.document!.getModelByName("div")!.get("text")).toBe("confirmed after the reconnection");
  });
});
