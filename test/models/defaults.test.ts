// Defaults: plain ones shared and frozen, mutable ones copied and stored on first read,
// default models created lazily, and materialized when a local model joins a document.
import { describe, expect, test } from "vitest";
import { Document, reconcile, type DocJson, type DocumentChangedEvent } from "../../src/document/index.js";
import {
  AllIndices,
  AllLabels,
  BasicTicker,
  CDSView,
  ColumnDataSource,
  DataRange1d,
  DatetimeTicker,
  Div,
  GlyphRenderer,
  HoverTool,
  Line,
  LinearAxis,
  LinearScale,
  Plot,
  Selection,
  Title,
  Toolbar,
  UnionRenderers,
} from "../../src/models/index.js";
import { loadTranscript } from "../helpers/transcripts.js";

function withoutVersion(doc: DocJson): DocJson {
  const { version: _version, ...rest } = doc;
  return rest;
}

describe("plain defaults", () => {
  test("reading an unset property gives the catalog default (with overrides)", () => {
    const plot = new Plot();
    expect(plot.width).toBe(600); // LayoutDOM's null, overridden by Plot
    expect(new Div().width).toBe(null);
    expect(plot.toolbar_location).toBe("right");
    expect(plot.background_fill_color).toBe("#ffffff");
    expect(new LinearAxis().axis_line_color).toBe("black");
    expect(plot.attributes()).toEqual({}); // reading plain defaults stores nothing
  });

  test("decoded once, shared and frozen", () => {
    const a = new Line();
    const b = new Line();
    expect(a.line_width).toEqual({ type: "value", value: 1 });
    expect(a.line_width).toBe(b.line_width);
    expect(Object.isFrozen(a.line_width)).toBe(true);
    // @ts-expect-error an alias (deprecated) is no property name: typed code reads its target
    expect(new HoverTool().get("toggleable")).toBe(true); // an alias reads its target
  });

  test("an unset property of a pulled model returns the catalog default", () => {
    const json = loadTranscript("a_pull_session").python_view.client_document as DocJson;
    const doc = Document.fromJSON(json);
    const plot = doc.getModelByName("plot") as Plot;
    expect(plot.has("min_border_left")).toBe(false);
    expect(plot.min_border_left).toBe(null);
    expect(plot.min_border).toBe(5);
    expect(plot.outline_line_color).toBe("#e5e5e5");
    expect(plot.width).toBe(500); // set by the server
    expect(withoutVersion(doc.toJSON())).toEqual(withoutVersion(json));
  });
});

describe("mutable defaults", () => {
  test("a fresh copy per model, stored on first read so in-place edits persist", () => {
    const a = new Plot();
    const b = new Plot();
    expect(a.renderers).toEqual([]);
    expect(a.renderers).not.toBe(b.renderers);
    expect(a.has("renderers")).toBe(true);
    const renderer = new GlyphRenderer({ data_source: new ColumnDataSource(), glyph: new Line() });
    a.renderers.push(renderer);
    expect(a.renderers).toEqual([renderer]);
    expect(b.renderers).toEqual([]);
    const ticker = new BasicTicker();
    expect(ticker.mantissas).toEqual([1, 2, 5]);
    ticker.mantissas.push(10);
    expect(ticker.mantissas).toEqual([1, 2, 5, 10]);
    expect(new BasicTicker().mantissas).toEqual([1, 2, 5]);
    expect(new ColumnDataSource().data).toEqual({});
  });
});

describe("default models", () => {
  test("created on first read, then kept; not stored before", () => {
    const plot = new Plot();
    expect(plot.has("x_range")).toBe(false);
    const range = plot.x_range;
    expect(range).toBeInstanceOf(DataRange1d);
    expect(plot.x_range).toBe(range);
    expect(plot.x_scale).toBeInstanceOf(LinearScale);
    expect(plot.title).toBeInstanceOf(Title);
    expect((plot.title as Title).attributes()).toEqual({}); // text "" is Title's own default
    expect(new LinearAxis().ticker).toBeInstanceOf(BasicTicker);
    expect(new LinearAxis().major_label_policy).toBeInstanceOf(AllLabels);
  });

  test("list factories: DatetimeTicker's tickers, with the attributes Python sends", () => {
    const ticker = new DatetimeTicker();
    expect(ticker.tickers.map((t) => t.type)).toEqual([
      "AdaptiveTicker", "AdaptiveTicker", "AdaptiveTicker", "DaysTicker", "DaysTicker", "DaysTicker", "DaysTicker",
      "MonthsTicker", "MonthsTicker", "MonthsTicker", "MonthsTicker", "YearsTicker",
    ]);
    // base 10 and min_interval 0 are AdaptiveTicker's defaults: not stored (as Python)
    expect(ticker.tickers[0]?.attributes()).toEqual({ mantissas: [1, 2, 5], max_interval: 500, num_minor_ticks: 0 });
    expect(new DatetimeTicker().tickers[0]).not.toBe(ticker.tickers[0]);
  });

  test("a local model joining a document gets every default model, sent in full with it", () => {
    const source = new ColumnDataSource({ data: { x: [1] } });
    const renderer = new GlyphRenderer({ data_source: source, glyph: new Line() });
    const plot = new Plot({ renderers: [renderer] });
    const doc = new Document();
    const events: DocumentChangedEvent[] = [];
    doc.onChange((e) => events.push(e));
    doc.addRoot(plot);
    expect(events.map((e) => e.kind)).toEqual(["RootAdded"]); // no extra events
    for (const attr of ["x_range", "y_range", "x_scale", "y_scale", "title", "toolbar"]) expect(plot.has(attr), attr).toBe(true);
    expect(plot.toolbar).toBeInstanceOf(Toolbar);
    expect(renderer.view).toBeInstanceOf(CDSView);
    expect(renderer.view.filter).toBeInstanceOf(AllIndices); // default models of default models too
    // Python's source: selected (with indices and line_indices) and selection_policy
    expect(source.selected).toBeInstanceOf(Selection);
    expect(source.selected.attributes()).toEqual({ indices: [], line_indices: [] });
    expect(source.selection_policy).toBeInstanceOf(UnionRenderers);
    expect(source.has("inspected")).toBe(false); // internal: never created, never sent
    // all of them are in the document's index (the server can resolve them)
    for (const model of [plot.x_range, plot.toolbar, renderer.view, renderer.view.filter, source.selected]) {
      expect(doc.getModelById(model.id)).toBe(model);
    }
    const json = JSON.stringify(doc.toJSON());
    expect(json).toContain('"name":"DataRange1d"');
    expect(json).toContain('"name":"AllIndices"');
  });

  test("a model from the peer: a default model read while in a document is set like any change", () => {
    const json: DocJson = { title: "t", roots: [{ type: "object", name: "Plot", id: "p1", attributes: { width: 300 } }] };
    const doc = Document.fromJSON(json);
    const plot = doc.getModelById("p1") as Plot;
    expect(plot.has("x_range")).toBe(false); // nothing is created behind the peer's back
    const events: DocumentChangedEvent[] = [];
    doc.onChange((e) => events.push(e));
    const range = plot.x_range;
    expect(range).toBeInstanceOf(DataRange1d);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "ModelChanged", model: plot, attr: "x_range", new: range, setter: undefined });
    expect(doc.getModelById(range.id)).toBe(range);
    expect(plot.x_range).toBe(range);
    expect(events).toHaveLength(1);
  });

  test("a read-only default model of a peer's model is not sent (the peer cannot take it)", () => {
    const json: DocJson = { title: "t", roots: [{ type: "object", name: "ColumnDataSource", id: "s1", attributes: { data: { type: "map" } } }] };
    const doc = Document.fromJSON(json);
    const source = doc.getModelById("s1") as ColumnDataSource;
    const events: DocumentChangedEvent[] = [];
    doc.onChange((e) => events.push(e));
    expect(source.selected).toBeInstanceOf(Selection);
    expect(events).toEqual([]);
  });

  test("setting a default-model property does not create the default first", () => {
    const doc = Document.fromJSON({ title: "t", roots: [{ type: "object", name: "Plot", id: "p1" }] });
    const plot = doc.getModelById("p1") as Plot;
    const events: DocumentChangedEvent[] = [];
    doc.onChange((e) => events.push(e));
    const range = new DataRange1d({ start: 0 });
    plot.x_range = range;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "ModelChanged", attr: "x_range", old: undefined, new: range });
  });
});

test("a re-pull (reconcile) that drops a default model's attribute creates nothing and sends nothing extra", () => {
  const json = (attributes: Record<string, unknown>): DocJson => ({ title: "t", roots: [{ type: "object", name: "Plot", id: "p1", attributes }] });
  const doc = Document.fromJSON(json({ x_range: { type: "object", name: "Range1d", id: "r1", attributes: { start: 1 } } }));
  const plot = doc.getModelById("p1") as Plot;
  const events: DocumentChangedEvent[] = [];
  doc.onChange((e) => events.push(e));
  const session = {};
  reconcile(doc, json({ width: 10 }), new Map(), session);
  expect(plot.has("x_range")).toBe(false);
  expect(events.every((e) => e.setter === session)).toBe(true);
  expect(events.map((e) => (e.kind === "ModelChanged" ? e.attr : e.kind))).toEqual(["width", "x_range"]);
  // afterwards it is a peer's model: reading the default is a change the peer hears about
  expect(plot.x_range).toBeInstanceOf(DataRange1d);
  expect(events.at(-1)).toMatchObject({ kind: "ModelChanged", attr: "x_range", setter: undefined });
});
