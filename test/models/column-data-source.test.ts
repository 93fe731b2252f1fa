// The generated ColumnDataSource (the only one) has the column operations of
// src/document/columns.ts and reports data changes as Bokeh does.
import { expect, test } from "vitest";
import { ColumnDataError, Document, type DocumentChangedEvent } from "../../src/document/index.js";
import { Slice } from "../../src/serialization/index.js";
import { AjaxDataSource, ColumnDataSource, ValidationError } from "../../src/models/index.js";

function watched(source: ColumnDataSource): DocumentChangedEvent[] {
  const doc = new Document({ roots: [source] });
  const events: DocumentChangedEvent[] = [];
  doc.onChange((e) => events.push(e));
  return events;
}

test("length, columnNames, stream, patch, updateData", () => {
  const source = new ColumnDataSource({ data: { x: new Float64Array([1, 2]), y: ["a", "b"] } });
  const events = watched(source);
  expect(source.length).toBe(2);
  expect(source.columnNames).toEqual(["x", "y"]);

  source.stream({ x: new Float64Array([3]), y: ["c"] }, 2);
  expect(Array.from(source.data.x as Float64Array)).toEqual([2, 3]);
  expect(source.data.y).toEqual(["b", "c"]);

  source.patch({ y: [[0, "B"], [new Slice({ start: 1 }), ["C"]]] });
  expect(source.data.y).toEqual(["B", "C"]);

  source.updateData({ z: [true, false] });
  expect(source.columnNames).toEqual(["x", "y", "z"]);

  source.data = { w: [1] };
  expect(events.map((e) => e.kind)).toEqual(["ColumnsStreamed", "ColumnsPatched", "ColumnDataChanged", "ColumnDataChanged"]);
  expect(events[2]).toMatchObject({ kind: "ColumnDataChanged", attr: "data", cols: ["z"] });
  expect(events[3]).toMatchObject({ kind: "ColumnDataChanged", attr: "data", cols: null });

  source.name = "renamed"; // other attributes are ModelChanged
  expect(events.at(-1)).toMatchObject({ kind: "ModelChanged", attr: "name" });
});

test("the core's checks apply, and columns are validated", () => {
  const source = new ColumnDataSource({ data: { x: [1, 2] } });
  expect(() => source.stream({ y: [1] })).toThrow(ColumnDataError);
  expect(() => source.patch({ nope: [[0, 1]] })).toThrow(ColumnDataError);
  expect(() => (source.data = { x: 5 as never })).toThrow(ValidationError);
  // @ts-expect-error a string where a column goes
  expect(() => source.set("data", { x: "abc" })).toThrow(/entry "x" is "abc", expected Arrayable\(Unknown\)/);
});

test("subclasses (web data sources) share them", () => {
  const ajax = new AjaxDataSource({ data_url: "http://localhost/data" });
  ajax.stream({ x: [1] });
  expect(ajax.length).toBe(1);
});
