// Typed models must not make big documents slow: per-type work is done once per type, never
// per instance. How fast is measured by `npm run bench` (bench/figures.mjs: decodeModels,
// createModels, each beside its target); these tests check the shape that makes it so.
import { expect, test } from "vitest";
import { Document, type DocJson } from "../../src/document/index.js";
import { Div, Range1d, Title } from "../../src/models/index.js";
import { modelInfo } from "../../src/models/model-info.js";

function bigDocument(count: number): DocJson {
  const children = [];
  for (let i = 0; i < count; i++) {
    children.push({ type: "object", name: i % 2 === 0 ? "Div" : "Range1d", id: `m${i}`, attributes: i % 2 === 0 ? { text: `div ${i}` } : { start: i, end: i + 1 } });
  }
  return { title: "big", roots: [{ type: "object", name: "Column", id: "root", attributes: { children: children.filter((c) => c.name === "Div") } }, ...children.filter((c) => c.name === "Range1d")] };
}

/** An instance's own property names: its state, not its accessors (those live on the class). */
function ownNames(model: object): string[] {
  return Object.getOwnPropertyNames(model).sort();
}

test("a pulled document of 10,000 small models is made of typed instances that share their type's data", () => {
  const doc = Document.fromJSON(bigDocument(10_000));
  expect(doc.models).toHaveLength(10_001);
  const ranges = doc.models.filter((m): m is Range1d => m instanceof Range1d);
  const divs = doc.models.filter((m): m is Div => m instanceof Div);
  expect(ranges).toHaveLength(5_000);
  expect(divs).toHaveLength(5_000);
  expect((doc.getModelById("m9999") as Range1d).end).toBe(10_000);
  expect((doc.getModelById("m0") as Div).text).toBe("div 0");
  // accessors are on the prototype, not copied into each instance: every instance holds the same few fields
  const shape = ownNames(ranges[0]!);
  expect(shape).not.toContain("start");
  for (const model of [...ranges, ...divs]) expect(ownNames(model)).toEqual(shape);
  expect("start" in Range1d.prototype).toBe(true); // an accessor of Range1d or a base class
  // the catalog's per-type information is computed once and shared
  const version = "3.10.0";
  expect(modelInfo("Range1d", version)).toBe(modelInfo("Range1d", version));
});

test("10,000 typed models created locally each hold only their own values", () => {
  const titles = Array.from({ length: 10_000 }, (_, i) => new Title({ text: `t${i}`, align: "center" }));
  const shape = ownNames(titles[0]!);
  for (const title of titles) expect(ownNames(title)).toEqual(shape);
  expect(titles[9_999]!.text).toBe("t9999");
  expect(titles[9_999]!.attributes()).toEqual({ text: "t9999", align: "center" });
});
