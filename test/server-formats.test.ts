/**
 * How a whole document is written for each Bokeh release (document/patch.ts
 * `documentContent`, protocol/document-format.ts), checked against what the
 * recordings and BokehJS show: 3.7 inline base64 and no config; 3.8 gzipped inline
 * base64 and a `DocumentConfig` with its `Notifications` before the roots; 3.9+ the
 * same with the arrays as binary buffers. Then what our server sends in each mode.
 */
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { ColumnDataSource, Document, generateToken, pullSession, pushSession, type DocJson } from "../src/index.js";
import { BokehServer } from "../src/server/index.js";
import { applyPatch, documentContent } from "../src/document/patch.js";
import { documentFormat } from "../src/protocol/document-format.js";
import { KNOWN_BOKEH_VERSIONS } from "../src/protocol/version.js";
import { loadTranscript, recordedMessages } from "./helpers/transcripts.js";
import { until } from "./helpers/until.js";

const x = new Float64Array([1.5, -2, Number.NaN]);
const doc = () => new Document({ title: "t", roots: [new ColumnDataSource({ name: "s", data: { x, label: ["a", "b", "c"] } })] });

/** The recorded 3.9.2 PULL-DOC-REPLY document of a_pull_session. */
function recorded39(): DocJson {
  return (recordedMessages(loadTranscript("a_pull_session", "3.9"), "server->client").find((m) => m.header.msgtype === "PULL-DOC-REPLY")!.content as { doc: DocJson }).doc;
}

describe("the document format of each release", () => {
  test("3.7 writes arrays inline; 3.8 inline too but gzipped, with a config; 3.9 and 3.10 as buffers", () => {
    expect(KNOWN_BOKEH_VERSIONS.filter((v) => v.startsWith("3.")).map((v) => [v, documentFormat(v).buffers, documentFormat(v).gzipInline, documentFormat(v).config])).toEqual([
      ["3.7.3", false, false, false],
      ["3.8.2", false, true, true],
      ["3.9.2", true, true, true],
      ["3.10.0", true, true, true],
    ]);
  });

  test("3.7.3: version, title, roots; arrays as plain base64; no config even if the document has one", () => {
    const d = doc();
    d._setConfig({ type: "object", name: "DocumentConfig", id: "c1" });
    const { doc: json, buffers, frame } = documentContent(d, { bokehVersion: "3.7.3" });
    expect(Object.keys(json)).toEqual(["version", "title", "roots"]);
    expect(json.version).toBe("3.7.3");
    expect(buffers.size).toBe(0);
    expect(String(frame)).toContain(`"data":"${Buffer.from(x.buffer).toString("base64")}"`);
  });

  test("3.9.2: the fields in Bokeh's order, a default config like Bokeh's, arrays as buffers; the config keeps its ids", () => {
    const d = doc();
    const first = documentContent(d, { bokehVersion: "3.9.2" });
    expect(Object.keys(first.doc)).toEqual(Object.keys(recorded39()));
    expect(Object.keys(first.doc)).toEqual(["version", "title", "config", "roots"]);
    expect(first.doc.version).toBe("3.9.2");
    const shape = (config: unknown) => JSON.parse(JSON.stringify(config).replace(/"id":"[^"]+"/g, '"id":"?"'));
    expect(shape(first.doc.config)).toEqual(shape(recorded39().config));
    expect([...first.buffers.values()].map((b) => Buffer.from(b).equals(Buffer.from(x.buffer)))).toEqual([true]);
    expect(first.frame).toBe(JSON.stringify({ doc: first.doc }));
    const second = documentContent(d, { bokehVersion: "3.10.0" });
    expect(second.doc.config).toEqual(first.doc.config);
  });

  test("3.8+ without buffers: inline bytes are base64 of gzip, as BokehJS 3.8+ reads them; read back equal", () => {
    const { doc: json } = documentContent(doc(), { bokehVersion: "3.10.0", buffers: false });
    const text = JSON.stringify(json);
    const inline = /"data":"([^"]+)"/.exec(text)![1]!;
    const raw = gunzipSync(Buffer.from(inline, "base64"));
    expect(raw.equals(Buffer.from(x.buffer))).toBe(true);
    const back = Document.fromJSON(json);
    expect((back.getModelByName("s") as ColumnDataSource).data.x).toEqual(x);
    expect(back.toJSON().config).toEqual(json.config);
  });

  test("a patch from a 3.8+ peer with gzipped inline bytes applies", () => {
    const d = doc();
    const source = d.getModelByName("s") as ColumnDataSource;
    const y = new Float64Array([7, 8, 9]);
    const { doc: written } = documentContent(new Document({ roots: [new ColumnDataSource({ data: { y } })] }), { bokehVersion: "3.9.2", buffers: false });
    const rep = /\{"type":"ndarray".*?"order":"little"\}/.exec(JSON.stringify(written))![0];
    const patch = { events: [{ kind: "ColumnDataChanged", model: { id: source.id }, attr: "data", data: JSON.parse(`{"type":"map","entries":[["x",${rep}]]}`), cols: ["x"] }] };
    applyPatch(d, patch, new Map(), undefined, { bokehVersion: "3.9.2" });
    expect(source.data.x).toEqual(y);
    expect(source.data.label).toEqual(["a", "b", "c"]);
  });
});

describe("what our server sends as each release", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
  });

  /** The PULL-DOC-REPLY of a session, read off the socket (header, content, buffers). */
  async function pullReply(server: BokehServer, sessionId: string): Promise<{ header: Record<string, unknown>; doc: DocJson; buffers: number }> {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}ws`, ["bokeh", generateToken(sessionId)]);
    cleanup.push(async () => ws.close());
    const frames: (string | Buffer)[] = [];
    const done = new Promise<void>((resolve) => {
      ws.on("message", (data: Buffer, binary: boolean) => {
        frames.push(binary ? data : data.toString());
        const header = JSON.parse(frames[0] as string) as { msgtype: string; num_buffers?: number };
        if (header.msgtype === "ACK" && frames.length === 3) {
          frames.length = 0;
          for (const text of ['{"msgid":"r1","msgtype":"PULL-DOC-REQ"}', "{}", "{}"]) ws.send(text);
        } else if (header.msgtype === "PULL-DOC-REPLY" && frames.length === 3 + 2 * (header.num_buffers ?? 0)) resolve();
      });
    });
    await done;
    return { header: JSON.parse(frames[0] as string), doc: (JSON.parse(frames[2] as string) as { doc: DocJson }).doc, buffers: (frames.length - 3) / 2 };
  }

  test.each([
    ["3.7.3", 0, false],
    ["3.8.2", 0, true],
    ["3.9.2", 2, true],
    ["3.10.0", 2, true],
  ] as const)("%s: a pushed document goes out with %i buffers (config: %s); large inline arrays arrive whole; streams of typed arrays go both ways", async (bokehVersion, buffers, config) => {
    const server = await BokehServer.start({ port: 0, bokehVersion, apps: { "/": () => {} }, log: () => {} });
    cleanup.push(() => server.close());
    const big = new Float64Array(100_000).map((_, i) => Math.sqrt(i)); // 800 kB: read out of the frame before JSON.parse when inline
    const small = new Int32Array([1, -2, 3]);
    const pusher = await pushSession(new Document({ roots: [new ColumnDataSource({ name: "s", data: { big, small } })] }), { url: server.url, sessionId: "formats" });
    cleanup.push(() => pusher.close());
    const reply = await pullReply(server, "formats");
    expect(reply.doc.version).toBe(bokehVersion);
    expect(reply.buffers).toBe(buffers);
    expect(reply.header.num_buffers).toBe(bokehVersion === "3.9.2" || bokehVersion === "3.10.0" ? 2 : undefined);
    expect(reply.doc.config !== undefined).toBe(config);
    const inline = [...JSON.stringify(reply.doc).matchAll(/"data":"([^"]+)"/g)].map((m) => Buffer.from(m[1]!, "base64"));
    expect(inline.length).toBe(buffers === 0 ? 2 : 0);
    if (inline.length > 0) expect(inline.every((bytes) => (bytes[0] === 0x1f && bytes[1] === 0x8b) === config)).toBe(true); // gzip's magic from 3.8
    const puller = await pullSession({ url: server.url, sessionId: "formats" });
    cleanup.push(() => puller.close());
    const pulled = puller.document!.getModelByName("s") as ColumnDataSource;
    expect(pulled.data.big).toEqual(big);
    expect(pulled.data.small).toEqual(small);
    // Binary columns both ways in patches: each client streams typed arrays, the other gets them.
    const pushed = pusher.document!.getModelByName("s") as ColumnDataSource;
    pushed.stream({ big: new Float64Array([-1.5]), small: new Int32Array([40]) });
    await until(() => pulled.length === 100_001, "the pusher's stream at the puller");
    pulled.stream({ big: new Float64Array([2.25]), small: new Int32Array([-50]) });
    await until(() => pushed.length === 100_002, "the puller's stream at the pusher");
    expect(Array.from((pushed.data.small as Int32Array).slice(-2))).toEqual([40, -50]);
    expect(Array.from((pulled.data.big as Float64Array).slice(-2))).toEqual([-1.5, 2.25]);
    expect(pulled.data.small).toBeInstanceOf(Int32Array);
    expect(pushed.data.big).toBeInstanceOf(Float64Array);
  });

  test.each([
    ["3.7.3", "3.10.0"],
    ["3.10.0", "3.7.3"],
  ] as const)("a document pulled from the server as %s and pushed to the server as %s arrives whole (a config only where the release has one)", async (from, to) => {
    const columns = { x: new Float64Array([0.5, 1.5]), n: new Int32Array([7, -7]), label: ["a", "b"] };
    const source = await BokehServer.start({ port: 0, bokehVersion: from, apps: { "/": (doc) => doc.addRoot(new ColumnDataSource({ name: "s", data: columns })) }, log: () => {} });
    const target = await BokehServer.start({ port: 0, bokehVersion: to, apps: { "/": () => {} }, log: () => {} });
    cleanup.push(() => source.close(), () => target.close());
    const pulled = await pullSession({ url: source.url });
    cleanup.push(() => pulled.close());
    const pushed = await pushSession(pulled.document!, { url: target.url, sessionId: "moved" });
    cleanup.push(() => pushed.close());
    const back = await pullSession({ url: target.url, sessionId: "moved" });
    cleanup.push(() => back.close());
    expect((back.document!.getModelByName("s") as ColumnDataSource).data).toEqual(columns);
    const reply = await pullReply(target, "moved");
    expect(reply.doc.version).toBe(to);
    expect(reply.doc.config !== undefined).toBe(to !== "3.7.3");
  });
});
