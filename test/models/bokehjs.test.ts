// BokehJS itself accepts what we build: its Document.from_json checks every property
// name and value against its own kinds, so documents from figure() and values our
// validation lets through must load; values our validation refuses must fail there too.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadBokehJS, type LoadedBokehJS } from "../../scripts/gen-models/load-bokehjs.mjs";
import { Document, type DocJson, type Model } from "../../src/document/index.js";
import {
  BoxAnnotation,
  ColumnDataSource,
  CumSum,
  Div,
  HoverTool,
  Jitter,
  Label,
  Line,
  LinearAxis,
  LinearColorMapper,
  Plot,
  Scatter,
  Text,
  Title,
  VBar,
  ValidationError,
  Wedge,
  figure,
} from "../../src/models/index.js";

let bokeh: LoadedBokehJS;
beforeAll(() => {
  bokeh = loadBokehJS({ package: "bokehjs-3.10" }); // the release new documents are for (LATEST_BOKEH_VERSION)
  bokeh.Bokeh.set_log_level("error");
});
afterAll(() => bokeh?.dispose());

/** Loads a document JSON into BokehJS (in the jsdom window's realm, as BokehJS checks plain objects by constructor). */
function loadInBokehJS(json: DocJson): { get_model_by_id(id: string): { type: string; [attr: string]: unknown } | null } {
  const { Document: BokehDocument } = bokeh.Bokeh.require("document");
  return BokehDocument.from_json(bokeh.window.JSON.parse(JSON.stringify({ ...json, version: bokeh.version })));
}

function documentOf(...roots: Model[]): DocJson {
  return new Document({ roots }).toJSON();
}

describe("documents we build load in BokehJS", () => {
  test("figure() with glyphs, legend, tools and every axis type", () => {
    const source = new ColumnDataSource({ data: { x: new Float64Array([1, 2, 3]), y: [3, 1, 2], c: ["a", "b", "c"] } });
    const plots = [
      figure({ title: "lines", tools: "pan,wheel_zoom,box_zoom,save,reset,help,hover", tooltips: [["y", "@y"]], x_axis_label: "x", y_axis_label: "y" }),
      figure({ x_axis_type: "datetime", y_axis_type: "log", y_range: [1, 1000], active_drag: "auto" }),
      figure({ x_range: ["a", "b", "c"], x_axis_type: "auto", tools: "tap,box_select,lasso_select,crosshair,undo,redo" }),
      figure({ x_axis_type: "mercator", y_axis_type: "mercator", x_axis_location: "above", y_axis_location: "right" }),
    ];
    const [lines, times, bars] = plots as [ReturnType<typeof figure>, ReturnType<typeof figure>, ReturnType<typeof figure>];
    lines.line({ x: "x", y: "y", source, line_width: 2, legend_label: "line", line_dash: "dashed" });
    lines.scatter({ x: "x", y: "y", source, size: { value: 12 }, marker: "triangle", fill_color: "c", legend_field: "c", hover_fill_color: "red" });
    lines.wedge({ x: [1], y: [1], radius: { value: 10, units: "screen" }, start_angle: { value: 90, units: "deg" }, end_angle: 0 });
    lines.text({ x: [1], y: [1], text: { value: "hi" }, text_font_size: "14px", angle: 0.5 });
    times.line({ x: [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)], y: [10, 100], color: [200, 10, 10, 0.5] });
    bars.vbar({ x: ["a", "b"], top: [1, 2], width: 0.9, fill_color: { field: "top", transform: new LinearColorMapper({ palette: ["#000000", "#ffffff"] }) } });
    bars.scatter({ x: { field: "x", transform: new Jitter({ width: 0.2 }) }, y: new CumSum({ field: "y" }), source: new ColumnDataSource({ data: { x: ["a"], y: [1] } }) });
    for (const p of plots) {
      const json = documentOf(p);
      const loaded = loadInBokehJS(json);
      expect(loaded.get_model_by_id(p.id)?.type).toBe("Figure");
    }
  });

  test("models with defaults materialized, plain values as we send them", () => {
    const plot = new Plot({ width: 300, title: "t", background_fill_color: "rgba(10, 20, 30, 0.5)", sizing_mode: "stretch_width" });
    plot.left = [new LinearAxis({ major_label_orientation: "vertical" })];
    plot.center = [new BoxAnnotation({ left: 1, fill_color: [1, 2, 3] }), new Label({ x: 1, y: 2, text: "l" })];
    const tool = new HoverTool({ tooltips: "@x", formatters: { "@x": "datetime" } });
    plot.toolbar.tools = [tool];
    const json = documentOf(plot, new Div({ text: "<b>hi</b>" }));
    const loaded = loadInBokehJS(json);
    const bokehPlot = loaded.get_model_by_id(plot.id);
    expect(bokehPlot?.width).toBe(300);
    expect((bokehPlot?.title as { text: string }).text).toBe("t");
    expect(loaded.get_model_by_id(plot.x_range.id)?.type).toBe("DataRange1d");
  });
});

describe("validation agrees with BokehJS", () => {
  // [model type, attribute, value, make]: values we accept (BokehJS must load them after our normalization)
  const good: [string, string, unknown, () => Model][] = [
    ["Plot", "width", 10, () => new Plot()],
    ["Plot", "toolbar_location", null, () => new Plot()],
    ["Plot", "background_fill_color", "FireBrick", () => new Plot()],
    ["Plot", "background_fill_color", "#ff000080", () => new Plot()],
    ["Plot", "outline_line_dash", [4, 4], () => new Plot()],
    ["Title", "align", "right", () => new Title()],
    ["Scatter", "x", "field_name", () => new Scatter()],
    ["Scatter", "size", 3, () => new Scatter()],
    ["Scatter", "fill_color", [1, 2, 3, 0.5], () => new Scatter()],
    ["Scatter", "marker", "circle_x", () => new Scatter()],
    ["VBar", "width", { value: 10, units: "screen" }, () => new VBar()],
    ["Wedge", "start_angle", { value: 30, units: "deg" }, () => new Wedge({ radius: 1, start_angle: 0, end_angle: 1 })],
    ["Text", "text_font_size", "1.5em", () => new Text()],
    ["Line", "line_color", "#1f77b4", () => new Line()],
    ["Line", "line_alpha", { value: 0.5 }, () => new Line()],
  ];
  test.each(good)("%s.%s = %j is accepted by both", (_type, attr, value, make) => {
    const model = make();
    model.set(attr, value);
    expect(loadInBokehJS(documentOf(model)).get_model_by_id(model.id)?.type).toBe(model.type);
  });

  // values we refuse; BokehJS refuses them too (it does not check dataspec payloads, only units)
  const bad: [string, string, unknown, () => Model][] = [
    ["Plot", "width", "wide", () => new Plot()],
    ["Plot", "toolbar_location", "middle", () => new Plot()],
    ["Plot", "background_fill_color", "not-a-color", () => new Plot()],
    ["Plot", "x_range", { type: "object", name: "LinearScale", id: "s1" }, () => new Plot()],
    ["Title", "align", "middle", () => new Title()],
    ["VBar", "width", { type: "value", value: 1, units: "rad" }, () => new VBar()],
  ];
  test.each(bad)("%s.%s = %j is refused by both", (_type, attr, value, make) => {
    const model = make();
    expect(() => model.set(attr, value)).toThrow(ValidationError);
    const json = documentOf(model) as { roots: { attributes?: Record<string, unknown> }[] };
    const root = json.roots[0] as { attributes?: Record<string, unknown> };
    root.attributes = { ...root.attributes, [attr]: value };
    expect(() => loadInBokehJS(json as DocJson)).toThrow();
  });
});
