// figure() builds what Python's figure() builds: compared with the documents Python sent
// in the recorded transcripts (same models, types and attribute values; ids differ).
import { expect, test } from "vitest";
import { Document, type DocJson } from "../../src/document/index.js";
import {
  BoxZoomTool,
  CategoricalAxis,
  ColumnDataSource,
  DatetimeAxis,
  Div,
  FactorRange,
  Figure,
  GlyphArgumentError,
  GlyphRenderer,
  HoverTool,
  Legend,
  LinearAxis,
  LogAxis,
  LogScale,
  PanTool,
  Range1d,
  Scatter,
  ValidationError,
  VBar,
  figure,
} from "../../src/models/index.js";
import { loadTranscript, recordedMessage } from "../helpers/transcripts.js";
import { canonicalDocument } from "./canonical.js";

function pushedDocument(): DocJson {
  const t = loadTranscript("b_push_session");
  const info = t.messages.find((m) => m.msgtype === "PUSH-DOC");
  if (info === undefined) throw new Error("no PUSH-DOC in b_push_session");
  return (recordedMessage(t, info.index).content as { doc: DocJson }).doc;
}

test("figure() with a line and a scatter is what Python pushed in b_push_session", () => {
  const recorded = pushedDocument();
  // The same column values as the Python script (float64 with a NaN, int32, datetime64[ms], str).
  const data = (Document.fromJSON(recorded).getModelByName("source") as ColumnDataSource).data;

  // The Python script, line by line:
  const source = new ColumnDataSource({ name: "source", data: { x: data.x!, count: data.count!, when: data.when!, label: data.label! } });
  const p = figure({ name: "plot", title: "pushed figure", x_axis_type: "datetime", width: 400, height: 200, tools: "" });
  p.line({ x: "when", y: "x", source, name: "line" });
  p.scatter({ x: "when", y: "count", source, name: "scatter" });
  const doc = new Document({ title: "Pushed by the Python client", bokehVersion: recorded.version }); // as Python's: inline bytes as 3.7 writes them
  doc.addRoot(p);
  doc.addRoot(new Div({ name: "div", text: "pushed div" }));

  expect(canonicalDocument(doc.toJSON())).toEqual(canonicalDocument(recorded));
});

test("figure() with tools and a line of width 2 is the figure of a_pull_session", () => {
  const recorded = loadTranscript("a_pull_session").python_view.client_document as DocJson;
  const layout = recorded.roots[0] as { attributes: { children: unknown[] } };
  const recordedFigure = layout.attributes.children.find((c) => (c as { name: string }).name === "Figure");
  const data = (Document.fromJSON(recorded).getModelByName("source") as ColumnDataSource).data;

  const source = new ColumnDataSource({ name: "source", data: { x: data.x!, y: data.y! } });
  const p = figure({ name: "plot", title: "Demo", width: 500, height: 250, tools: "pan,reset" });
  p.line({ x: "x", y: "y", source, line_width: 2, name: "line" });
  const doc = new Document({ title: "Demo app", bokehVersion: recorded.version }); // as Python's: inline bytes as 3.7 writes them
  doc.addRoot(p);

  expect(canonicalDocument({ title: "Demo app", roots: doc.toJSON().roots })).toEqual(
    canonicalDocument({ title: "Demo app", roots: [recordedFigure] }),
  );
});

test("figure() defaults: Python's tools, linear axes, grids, the default title", () => {
  const p = figure();
  expect(p).toBeInstanceOf(Figure);
  expect(p.type).toBe("Figure");
  expect(p.width).toBe(600);
  expect(p.toolbar.tools.map((t) => t.type)).toEqual(["PanTool", "WheelZoomTool", "BoxZoomTool", "SaveTool", "ResetTool", "HelpTool"]);
  expect(p.below[0]).toBeInstanceOf(LinearAxis);
  expect(p.left[0]).toBeInstanceOf(LinearAxis);
  expect(p.center.map((m) => m.type)).toEqual(["Grid", "Grid"]);
  expect(p.title).toMatchObject({ type: "Title" });
  // BoxZoomTool's overlay is a default model, created when the figure joins a document
  const doc = new Document();
  doc.addRoot(p);
  const boxZoom = p.toolbar.tools.find((t) => t instanceof BoxZoomTool) as BoxZoomTool;
  expect(boxZoom.has("overlay")).toBe(true);
  expect(doc.getModelById(boxZoom.overlay.id)).toBe(boxZoom.overlay);
});

test("figure() options: ranges, axis types, labels, tooltips, active tools", () => {
  const p = figure({
    x_range: ["a", "b", "c"],
    y_range: [1, 1000],
    y_axis_type: "log",
    x_axis_label: "letters",
    y_axis_label: "values",
    tools: ["pan", new HoverTool()],
    tooltips: [["value", "@top"]],
    active_drag: "pan",
  });
  expect(p.x_range).toBeInstanceOf(FactorRange);
  expect((p.x_range as FactorRange).factors).toEqual(["a", "b", "c"]);
  expect(p.y_range).toBeInstanceOf(Range1d);
  expect(p.y_scale).toBeInstanceOf(LogScale);
  expect(p.below[0]).toBeInstanceOf(CategoricalAxis);
  expect(p.left[0]).toBeInstanceOf(LogAxis);
  expect((p.left[0] as LogAxis).axis_label).toBe("values");
  const hover = p.toolbar.tools.find((t) => t instanceof HoverTool) as HoverTool;
  expect(hover.tooltips).toEqual([["value", "@top"]]);
  expect(p.toolbar.active_drag).toBeInstanceOf(PanTool);

  const t = figure({ x_range: [new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 1, 1))] });
  expect(t.below[0]).toBeInstanceOf(DatetimeAxis);
  expect((t.x_range as Range1d).start).toBe(Date.UTC(2024, 0, 1));
  expect(() => figure({ tools: "pan,zoomz" })).toThrow(/unknown tool name 'zoomz'/);
});

test("glyph methods: data given directly becomes columns of a new source", () => {
  const p = figure({ x_range: ["a", "b", "c"] });
  const r = p.vbar({ x: ["a", "b", "c"], top: new Float64Array([1, 2, 3]), width: 0.9, color: "firebrick", legend_label: "counts" });
  expect(r).toBeInstanceOf(GlyphRenderer);
  const source = r.data_source as ColumnDataSource;
  expect(source.columnNames.sort()).toEqual(["top", "x"]);
  const glyph = r.glyph as VBar;
  expect(glyph).toBeInstanceOf(VBar);
  expect(glyph.x).toEqual({ type: "field", field: "x" });
  expect(glyph.top).toEqual({ type: "field", field: "top" });
  expect(glyph.width).toEqual({ type: "value", value: 0.9 });
  expect(glyph.fill_color).toEqual({ type: "value", value: "firebrick" });
  expect((r.nonselection_glyph as VBar).fill_alpha).toEqual({ type: "value", value: 0.1 });
  expect((r.muted_glyph as VBar).line_alpha).toEqual({ type: "value", value: 0.2 });
  expect(r.selection_glyph).toBe("auto");
  const legend = p.center.find((m) => m instanceof Legend) as Legend;
  expect(legend.items).toHaveLength(1);
  expect(legend.items[0]?.label).toEqual({ type: "value", value: "counts" });

  // a second glyph with the same label joins the legend item
  p.scatter({ x: ["a"], y: [2], legend_label: "counts", size: 12, marker: "square", hover_fill_color: "red" });
  expect(legend.items).toHaveLength(1);
  expect(legend.items[0]?.renderers).toHaveLength(2);
  const scatter = p.renderers[1] as GlyphRenderer;
  expect((scatter.glyph as Scatter).marker).toEqual({ type: "value", value: "square" });
  expect((scatter.hover_glyph as Scatter).fill_color).toEqual({ type: "value", value: "red" });
});

test("glyph methods: errors as in Python", () => {
  const p = figure();
  const source = new ColumnDataSource({ data: { x: [1, 2] } });
  expect(() => p.line({ x: [1, 2], y: "x", source })).toThrow(GlyphArgumentError);
  expect(() => p.line({ x: "x", y: "x", source, legend_label: "a", legend_field: "b" } as never)).toThrow(GlyphArgumentError);
  // a misspelt glyph property is caught by the glyph's validation
  expect(() => p.line({ x: "x", y: "x", source, line_widht: 2 } as never)).toThrow(ValidationError);
});
