/**
 * The embedded server as Bokeh 4.0.0-dev.5, talked to the way a browser's BokehJS 4 talks
 * to it: over a real websocket, every frame read by BokehJS 4's own Receiver and every
 * message written by its own `Message.send` (test/helpers/bokehjs4.ts). No recordings of a
 * Bokeh 4 server exist; these check the wire against BokehJS 4's code.
 */
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { ColumnDataSource, Document, generateToken, type DocJson } from "../src/index.js";
import { BokehServer } from "../src/server/index.js";
import { BokehJS4Peer, loadBokehJS4Protocol, type BokehJS4Protocol, type BokehJSMessage } from "./helpers/bokehjs4.js";

let bjs: BokehJS4Protocol;
beforeAll(async () => {
  bjs = await loadBokehJS4Protocol();
});

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

const x = new Float64Array([0.5, -1, 2.25]);

async function start(): Promise<BokehServer> {
  const server = await BokehServer.start({
    port: 0,
    bokehVersion: "4.0.0-dev.5",
    apps: { "/": (doc) => doc.addRoot(new ColumnDataSource({ name: "s", data: { x, label: ["a", "b", "c"] } })) },
    log: () => {},
  });
  cleanup.push(() => server.close());
  return server;
}

/** A BokehJS 4 peer connected to `sessionId`, after the server's ACK. */
async function connect(server: BokehServer, sessionId: string): Promise<BokehJS4Peer> {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}ws`, ["bokeh", generateToken(sessionId)]);
  cleanup.push(async () => ws.close());
  const peer = new BokehJS4Peer(bjs, ws);
  await peer.next((m) => m.header.msgtype === "ACK");
  return peer;
}

const bytes = (buffer: ArrayBuffer | undefined) => new Uint8Array(buffer ?? new ArrayBuffer(0));
const asUint8Map = (buffers: Map<string, ArrayBuffer>) => new Map([...buffers].map(([id, b]) => [id, new Uint8Array(b)]));

describe("the server as Bokeh 4.0.0-dev.5, to BokehJS 4's own protocol code", () => {
  test("its ACK is an envelope; a pull gets the document in 4.0's form, the arrays as buffers the content names", async () => {
    const server = await start();
    const peer = await connect(server, "pull");
    expect(JSON.parse(peer.firstFrame!)).toEqual({ header: { msgid: expect.any(String), msgtype: "ACK" }, content: {}, buffers: [] });

    const reply = await peer.request("PULL-DOC-REQ", {});
    expect(reply.header.msgtype).toBe("PULL-DOC-REPLY");
    const doc = (reply.content as { doc: DocJson }).doc;
    expect(Object.keys(doc)).toEqual(["version", "title", "config", "roots"]);
    expect(doc.version).toBe("4.0.0-dev.5");
    expect(reply.buffers.size).toBe(1);
    expect([...bytes([...reply.buffers.values()][0])]).toEqual([...new Uint8Array(x.buffer)]);
    const pulled = Document.fromJSON(doc, asUint8Map(reply.buffers));
    expect((pulled.getModelByName("s") as ColumnDataSource).data).toEqual({ x, label: ["a", "b", "c"] });
  });

  test("a patch BokehJS 4 writes (typed arrays as buffers) is applied; SYNC is answered OK after the patch's own OK", async () => {
    const server = await start();
    const peer = await connect(server, "patch");
    const reply = await peer.request("PULL-DOC-REQ", {});
    const sourceId = ((reply.content as { doc: DocJson }).doc.roots[0] as { id: string }).id;

    const y = new Float64Array([9, 8, 7, 6]);
    const data = new bjs.Serializer({ binary: true }).encode(new Map<string, unknown>([["x", y], ["label", ["p", "q", "r", "s"]]]));
    const patch = bjs.Message.create("PATCH-DOC", { events: [{ kind: "ColumnDataChanged", model: { id: sourceId }, attr: "data", data, cols: null }] });
    const sync = bjs.Message.create("SYNC", {});
    const from = peer.received.length;
    peer.send(patch);
    peer.send(sync);
    const synced = await peer.next((m) => m.header.reqid === sync.header.msgid, from);
    expect(synced.header.msgtype).toBe("OK");
    const answers = peer.received.slice(from).map((m: BokehJSMessage) => [m.header.msgtype, m.header.reqid]);
    expect(answers).toEqual([
      ["OK", patch.header.msgid],
      ["OK", sync.header.msgid],
    ]);
    const session = await server.getSession("patch");
    expect((session!.document.getModelByName("s") as ColumnDataSource).data).toEqual({ x: y, label: ["p", "q", "r", "s"] });
  });

  test("a change made on the server reaches a BokehJS 4 viewer as a PATCH-DOC envelope with its buffers", async () => {
    const server = await start();
    const peer = await connect(server, "viewer");
    await peer.request("PULL-DOC-REQ", {});
    const session = await server.getSession("viewer");
    const source = session!.document.getModelByName("s") as ColumnDataSource;
    const patched = peer.next((m) => m.header.msgtype === "PATCH-DOC");
    source.stream({ x: new Float64Array([42]), label: ["d"] });
    const message = await patched;
    expect(message.header.reqid).toBeUndefined();
    expect(message.buffers.size).toBe(1);
    const event = (message.content as { events: { kind: string; data: unknown }[] }).events[0]!;
    expect(event.kind).toBe("ColumnsStreamed");
    expect([...bytes([...message.buffers.values()][0])]).toEqual([...new Uint8Array(new Float64Array([42]).buffer)]);
  });

  test.each([
    ["SERVER-INFO-REQ, a message Bokeh 4 no longer has", () => [JSON.stringify({ header: { msgid: "i1", msgtype: "SERVER-INFO-REQ" }, content: {}, buffers: [] })], /unknown message type "SERVER-INFO-REQ"/],
    ["a message framed as Bokeh 3 frames it", () => ['{"msgid": "h1", "msgtype": "PULL-DOC-REQ"}', "{}", "{}"], /envelope must contain header, content, and buffers/],
    ["a buffer id listed twice", () => [JSON.stringify({ header: { msgid: "b1", msgtype: "PATCH-DOC" }, content: { events: [] }, buffers: ["a", "a"] })], /buffer ids must be unique/],
  ])("%s: the connection is closed with 1002 (Bokeh: 10001) and the reason", async (_, frames, reason) => {
    const server = await start();
    const peer = await connect(server, "bad");
    for (const frame of frames()) peer.ws.send(frame);
    const closed = await peer.closed;
    expect(closed.code).toBe(1002);
    expect(closed.reason).toMatch(reason);
  });
});

describe("what Bokeh 4's framing cannot carry", () => {
  const manyColumns = () => Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`c${i}`, new Float64Array([i])]));

  test("a server change with more than 10,000 arrays in one event closes its viewers (1011) instead of leaving them out of date", async () => {
    const lines: string[] = [];
    const server = await BokehServer.start({
      port: 0,
      bokehVersion: "4.0.0-dev.5",
      apps: { "/": (doc) => doc.addRoot(new ColumnDataSource({ name: "s", data: { x } })) },
      log: (level, message) => lines.push(`${level} ${message}`),
    });
    cleanup.push(() => server.close());
    const peer = await connect(server, "wide");
    await peer.request("PULL-DOC-REQ", {});
    const source = (await server.getSession("wide"))!.document.getModelByName("s") as ColumnDataSource;
    source.data = manyColumns();
    const closed = await peer.closed;
    expect(closed).toEqual({ code: 1011, reason: "a change could not be sent" });
    expect(lines.some((line) => /error .*cannot carry more than 10000 buffers/.test(line))).toBe(true);
  });
});
