/**
 * How a whole document is written for each Bokeh release (document/patch.ts
 * `documentContent`, protocol/document-format.ts), checked against what the
 * recordings and BokehJS show: 3.7 inline base64 and no config; 3.8+ buffers, a
 * `DocumentConfig` with its `Notifications` before the roots, gzipped inline bytes.
 */
import { gunzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { ColumnDataSource, Document, type DocJson } from "../src/index.js";
import { applyPatch, documentContent } from "../src/document/patch.js";
import { documentFormat } from "../src/protocol/document-format.js";
import { KNOWN_BOKEH_VERSIONS } from "../src/protocol/version.js";
import { loadTranscript, recordedMessages } from "./helpers/transcripts.js";

const x = new Float64Array([1.5, -2, Number.NaN]);
const doc = () => new Document({ title: "t", roots: [new ColumnDataSource({ name: "s", data: { x, label: ["a", "b", "c"] } })] });

/** The recorded 3.9.2 PULL-DOC-REPLY document of a_pull_session. */
function recorded39(): DocJson {
  return (recordedMessages(loadTranscript("a_pull_session", "3.9"), "server->client").find((m) => m.header.msgtype === "PULL-DOC-REPLY")!.content as { doc: DocJson }).doc;
}

describe("the document format of each release", () => {
  test("3.7 writes arrays inline, 3.8 to 3.10 as buffers with gzipped inline bytes and a config", () => {
    expect(KNOWN_BOKEH_VERSIONS.filter((v) => v.startsWith("3.")).map((v) => [v, documentFormat(v).buffers, documentFormat(v).gzipInline, documentFormat(v).config])).toEqual([
      ["3.7.3", false, false, false],
      ["3.8.2", true, true, true],
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
