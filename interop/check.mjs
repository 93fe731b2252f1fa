// Checks our client against a real Bokeh server (docs/interop.md). Not part of npm test:
// it needs Python and Bokeh. Start the server first:
//   bokeh serve interop/apps/demo.py interop/apps/empty.py --port 5106
// then: npm run build && node interop/check.mjs [http://localhost:5106]
import { strict as assert } from "node:assert";
import { ColumnDataSource, Document, figure, pullSession, pushSession } from "../dist/index.js";

const base = (process.argv[2] ?? "http://localhost:5106").replace(/\/$/, "");

const a = await pullSession({ url: `${base}/demo` });
const doc = a.document;
const info = await a.requestServerInfo();
console.log(`pulled "${doc.title}": ${doc.models.length} models from Bokeh ${info.version_info?.bokeh}`);
const source = doc.getModelByName("source");
assert.ok(source.data.x instanceof Float64Array, "numpy columns arrive as typed arrays");

doc.getModelByName("amplitude").set("value", 7);
await a.flush();
await a.forceRoundtrip();
assert.equal(doc.getModelByName("div").get("text"), "slider=7", "the Python callback ran and its change reached us");
console.log("slider set: the server's Python callback answered", JSON.stringify(doc.getModelByName("div").get("text")));

const s = new ColumnDataSource({ data: { x: new Float64Array([1, 2, 3]), y: new Int32Array([4, 5, 6]) } });
const p = figure({ title: "From Node", width: 400, height: 300 });
p.line({ x: "x", y: "y", source: s });
const pushed = await pushSession(new Document({ roots: [p], title: "pushed from node" }), { url: `${base}/empty` });
s.stream({ x: new Float64Array([4]), y: new Int32Array([7]) });
await pushed.flush();
const b = await pullSession({ url: `${base}/empty`, sessionId: pushed.id });
const back = b.document.select({ type: "ColumnDataSource" })[0];
assert.equal(b.document.title, "pushed from node");
assert.deepEqual(Array.from(back.data.x), [1, 2, 3, 4]);
assert.deepEqual(Array.from(back.data.y), [4, 5, 6, 7]);
console.log("pushed a figure, streamed a row, pulled it back from a second session: ok");

await Promise.all([a.close(), pushed.close(), b.close()]);
console.log("all checks passed");
