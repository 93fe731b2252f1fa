import { readdirSync, readFileSync } from "node:fs";
import { test, expect } from "vitest";
import { Document } from "../src/document/index.js";

const dir = "test/fixtures/bokeh-3.7";
test("round trip", () => {
  let n = 0;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(".json") || f === "index.json") continue;
    const t = JSON.parse(readFileSync(`${dir}/${f}`, "utf8"));
    const docs: unknown[] = [];
    for (const [k, v] of Object.entries(t.python_view)) if (k.includes("document")) docs.push(v);
    for (const fr of t.frames) if (fr.part === "content" && (fr.msgtype === "PULL-DOC-REPLY" || fr.msgtype === "PUSH-DOC")) docs.push(JSON.parse(fr.text).doc);
    for (const d of docs) {
      const doc = Document.fromJSON(d as any);
      const back = JSON.parse(JSON.stringify(doc.toJSON()));
      const orig = JSON.parse(JSON.stringify(d));
      back.version = orig.version;
      expect(back, f).toEqual(orig);
      n++;
    }
  }
  console.log("docs", n);
});
