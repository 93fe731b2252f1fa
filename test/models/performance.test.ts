// Typed models must not make big documents slow: per-type work is done once per type,
// never per instance.
import { expect, test } from "vitest";
import { Document, type DocJson } from "../../src/document/index.js";
import { Range1d, Title } from "../../src/models/index.js";

function bigDocument(count: number): DocJson {
  const children = [];
  for (let i = 0; i < count; i++) {
    children.push({ type: "object", name: i % 2 === 0 ? "Div" : "Range1d", id: `m${i}`, attributes: i % 2 === 0 ? { text: `div ${i}` } : { start: i, end: i + 1 } });
  }
  return { title: "big", roots: [{ type: "object", name: "Column", id: "root", attributes: { children: children.filter((c) => c.name === "Div") } }, ...children.filter((c) => c.name === "Range1d")] };
}

test("pulling a document of 10,000 small models stays fast", () => {
  const json = bigDocument(10_000);
  Document.fromJSON(bigDocument(10)); // warm up (parses the few catalog entries used)
  const start = performance.now();
  const doc = Document.fromJSON(json);
  const elapsed = performance.now() - start;
  expect(doc.models).toHaveLength(10_001);
  expect(doc.getModelById("m1")).toBeInstanceOf(Range1d);
  expect(elapsed).toBeLessThan(1000);
});

test("creating 10,000 typed models locally stays fast", () => {
  const start = performance.now();
  for (let i = 0; i < 10_000; i++) new Title({ text: `t${i}`, align: "center" });
  expect(performance.now() - start).toBeLessThan(1000);
});
