// Our client against a real Bokeh server running interop/apps/demo.py and empty.py
// (docs/interop.md). `npm run interop` starts that server itself and runs these checks;
// by hand, against a server you started:
//   bokeh serve interop/apps/demo.py interop/apps/empty.py --port 5106
//   npm run build && node interop/check.mjs [http://localhost:5106]
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { ColumnDataSource, Document, figure, pullSession, pushSession } from "../dist/index.js";
import { runChecks } from "./checklist.mjs";

/** The checks, in order; each needs the ones before it. Call `close()` at the end. */
export function clientChecks(base) {
  const open = [];
  let a;
  let pushed;
  let source;
  return {
    close: () => Promise.allSettled(open.map((s) => s.close())),
    checks: [
      {
        name: "pullSession of /demo: numpy columns arrive as typed arrays",
        async run() {
          a = await pullSession({ url: `${base}/demo` });
          open.push(a);
          const x = a.document.getModelByName("source").data.x;
          assert.ok(x instanceof Float64Array, `x is ${x?.constructor?.name}, not a Float64Array`);
          return `"${a.document.title}", ${a.document.models.length} models, x: Float64Array(${x.length})`;
        },
      },
      {
        name: "requestServerInfo()",
        async run() {
          const info = await a.requestServerInfo();
          assert.equal(info.version_info?.bokeh, "3.9.2", `server says ${JSON.stringify(info.version_info)}`);
          return JSON.stringify(info.version_info);
        },
      },
      {
        name: "set the slider, flush(), forceRoundtrip(): the Python callback's change comes back",
        async run() {
          a.document.getModelByName("amplitude").set("value", 7);
          await a.flush();
          await a.forceRoundtrip();
          const text = a.document.getModelByName("div").get("text");
          assert.equal(text, "slider=7", `the Div reads ${JSON.stringify(text)}`);
          return `Div reads ${JSON.stringify(text)}`;
        },
      },
      {
        name: "2,000 slider values, one per turn, faster than the server: its Python callback sees each, in order",
        async run() {
          const slider = a.document.getModelByName("amplitude");
          const seen = a.document.getModelByName("seen");
          const [count0, hash0] = seen.get("text").split(":").map(Number);
          let count = count0;
          let hash = hash0;
          let mostWaiting = 0;
          for (let value = 1; value <= 2000; value++) {
            slider.set("value", value % 10);
            count += 1;
            hash = (hash * 31 + (value % 10)) % 1_000_000_007;
            mostWaiting = Math.max(mostWaiting, a.pendingChanges);
            await new Promise((resolve) => setImmediate(resolve));
          }
          await a.flush();
          await a.forceRoundtrip();
          assert.equal(seen.get("text"), `${count}:${hash}`, "the values the callback saw (count:hash)");
          return `count:hash ${seen.get("text")} as sent; up to ${mostWaiting} changes waited for the window (maxPatchesInFlight) at once`;
        },
      },
      {
        name: "pushSession of a figure with Float64Array/Int32Array columns to /empty",
        async run() {
          source = new ColumnDataSource({ data: { x: new Float64Array([1, 2, 3]), y: new Int32Array([4, 5, 6]) } });
          const p = figure({ title: "From Node", width: 400, height: 300 });
          p.line({ x: "x", y: "y", source });
          pushed = await pushSession(new Document({ roots: [p], title: "pushed from node" }), { url: `${base}/empty` });
          open.push(pushed);
          return `session ${pushed.id}`;
        },
      },
      {
        name: "stream() a row into the pushed source, flush()",
        async run() {
          source.stream({ x: new Float64Array([4]), y: new Int32Array([7]) });
          await pushed.flush();
        },
      },
      {
        name: "a second client pulls the pushed session back",
        async run() {
          const b = await pullSession({ url: `${base}/empty`, sessionId: pushed.id });
          open.push(b);
          const back = b.document.select({ type: "ColumnDataSource" })[0];
          assert.equal(b.document.title, "pushed from node");
          assert.deepEqual(Array.from(back.data.x), [1, 2, 3, 4]);
          assert.deepEqual(Array.from(back.data.y), [4, 5, 6, 7]);
          assert.ok(back.data.x instanceof Float64Array && back.data.y instanceof Int32Array, "column types kept");
          return "title, x [1,2,3,4] (Float64Array), y [4,5,6,7] (Int32Array)";
        },
      },
    ],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const base = (process.argv[2] ?? "http://localhost:5106").replace(/\/$/, "");
  const { checks, close } = clientChecks(base);
  const ok = await runChecks(`our client -> the Bokeh server at ${base}`, checks);
  await close();
  process.exit(ok ? 0 : 1);
}
