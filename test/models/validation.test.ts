// Validation of local changes: clear errors (model, property, expected kind, value),
// thrown before anything is sent; values from the peer are never validated.
import { describe, expect, test } from "vitest";
import { Document, Model, type DocJson, type DocumentChangedEvent } from "../../src/document/index.js";
import {
  Circle,
  ColumnDataSource,
  CumSum,
  GlyphRenderer,
  HoverTool,
  Jitter,
  Line,
  LinearAxis,
  LinearScale,
  Plot,
  Range1d,
  Scatter,
  Selection,
  Text,
  Title,
  VBar,
  ValidationError,
  isColor,
} from "../../src/models/index.js";

function error(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("expected a ValidationError");
}

describe("validation errors", () => {
  test("a string for a number names the model, the property, the kind and the value", () => {
    const plot = new Plot();
    // @ts-expect-error a string where a number goes
    const e = error(() => plot.set("width", "wide"));
    expect(e.code).toBe("ERR_BOKEH_VALIDATION");
    expect(e.name).toBe("ValidationError");
    expect(e.message).toBe('invalid value for Plot.width: expected Nullable(Number), got "wide"');
    expect(e).toMatchObject({ modelType: "Plot", property: "width", expected: "Nullable(Number)", value: "wide" });
    expect(plot.width).toBe(600);
  });

  test("a wrong enum value lists the accepted values", () => {
    const e = error(() => new Title({ text: "t", align: "middle" as never }));
    expect(e.message).toBe('invalid value for Title.align: expected Enum("left", "right", "center"), got "middle"');
  });

  test("a model of the wrong type for a Ref", () => {
    const plot = new Plot();
    // @ts-expect-error a Scale where a Range goes
    const e = error(() => plot.set("x_range", new LinearScale()));
    expect(e.message).toMatch(/^invalid value for Plot\.x_range: expected Ref\(Range\), got LinearScale\(id="[^"]+"\)$/);
    // subclasses pass: a Range1d is a Range
    plot.x_range = new Range1d({ start: 0, end: 10 });
    expect(plot.x_range).toBeInstanceOf(Range1d);
  });

  test("Ref checks follow the catalog's bases, also for generic models; unknown types pass", () => {
    const plot = new Plot();
    plot.set("x_range", new Model("Range1d") as never); // a known type, as a generic model (typed as no class)
    // @ts-expect-error a generic Model is not typed as a Range (the run time knows its type)
    expect(() => plot.set("x_range", new Model("LinearScale"))).toThrow(/expected Ref\(Range\)/);
    const custom = new Model("MyCustomRange"); // an extension model the catalog does not know
    plot.set("x_range", custom as never);
    expect(plot.x_range).toBe(custom);
  });

  test("the first bad item of a list is pointed at", () => {
    const plot = new Plot();
    // @ts-expect-error a Range1d in a list of renderers
    const e = error(() => plot.set("renderers", [new GlyphRenderer({ data_source: new ColumnDataSource(), glyph: new Line() }), new Range1d()]));
    expect(e.message).toMatch(/expected List\(Ref\(Renderer\)\), got \[GlyphRenderer.*\(item \[1\] is Range1d\(id="[^"]+"\), expected Ref\(Renderer\)\)$/);
  });

  test("misspelt, read-only, internal and alias properties", () => {
    const plot = new Plot();
    // @ts-expect-error misspelt property
    expect(() => plot.set("widht", 3)).toThrow("Plot.widht: Plot has no property 'widht' (did you mean 'width'?)");
    // @ts-expect-error misspelt property
    expect(error(() => plot.set("widht", 3))).toMatchObject({ modelType: "Plot", property: "widht", expected: null, value: 3 });
    // @ts-expect-error misspelt property
    expect(() => plot.set({ x_rnage: new Range1d() })).toThrow(/did you mean 'x_range'/);
    // @ts-expect-error read-only property
    expect(() => plot.set("inner_width", 3)).toThrow("Plot.inner_width: 'inner_width' is read-only (set by Bokeh, not by users)");
    const source = new ColumnDataSource();
    // @ts-expect-error read-only property
    expect(() => source.set("selected", new Selection())).toThrow(/'selected' is read-only/);
    // @ts-expect-error internal property
    expect(() => source.set("inspected", new Selection())).toThrow(/'inspected' is internal to BokehJS/);
    const hover = new HoverTool();
    // @ts-expect-error an alias (deprecated): set its target
    expect(() => hover.set("toggleable", false)).toThrow(/'toggleable' is an alias; set 'visible' instead/);
    // @ts-expect-error an alias (deprecated): read its target
    expect(hover.get("toggleable")).toBe(true);
  });

  test("nothing is stored or sent when a value is rejected", () => {
    const plot = new Plot();
    const doc = new Document({ roots: [plot] });
    const events: DocumentChangedEvent[] = [];
    doc.onChange((e) => events.push(e));
    // @ts-expect-error a string where a number goes
    expect(() => plot.set({ height: 300, width: "wide" })).toThrow(ValidationError);
    expect(() => (plot.title = 5 as never)).toThrow(/expected Or\(Ref\(Title\), String, Null\), got 5/);
    expect(plot.width).toBe(600);
    expect(events.map((e) => e.kind === "ModelChanged" && e.attr)).toEqual(["height"]); // set() applies in order
  });

  test("values from the peer are kept verbatim, never validated", () => {
    const json: DocJson = {
      title: "t",
      roots: [{ type: "object", name: "Plot", id: "p1", attributes: { width: "not a number", extra_from_python: 1 } }],
    };
    const doc = Document.fromJSON(json);
    const plot = doc.getModelById("p1") as Plot;
    expect(plot).toBeInstanceOf(Plot);
    expect(plot.width).toBe("not a number");
    expect((plot as Model).get("extra_from_python")).toBe(1); // not a Plot property: read as a generic model
    plot.setAttribute("height", "also not checked", {}); // a change from the peer (setter given)
    expect(plot.height).toBe("also not checked");
    expect(doc.toJSON().roots).toEqual(json.roots.map((r) => ({ ...(r as object), attributes: { width: "not a number", extra_from_python: 1, height: "also not checked" } })));
  });
});

describe("kinds", () => {
  test("colors: names (any case), hex, rgb()/rgba(), tuples", () => {
    for (const c of ["red", "FireBrick", "rebeccapurple", "#f00", "#f00a", "#ff0000", "#ff000080", "rgb(255, 0, 0)", "rgba(255,0,0,0.5)", [255, 0, 0], [255, 0, 0, 0.5]]) {
      expect(isColor(c), JSON.stringify(c)).toBe(true);
    }
    for (const c of ["redd", "#ff000", "#gg0000", "rgb(256, 0, 0)", "rgba(1, 2, 3, 2)", [256, 0, 0], [1, 2], [1, 2, 3, 4], [1.5, 0, 0], 0xff0000, null]) {
      expect(isColor(c), JSON.stringify(c)).toBe(false);
    }
    const plot = new Plot();
    plot.background_fill_color = "navy";
    plot.background_fill_color = [10, 20, 30];
    plot.background_fill_color = null; // Nullable(Color)
    expect(() => (plot.background_fill_color = "not-a-color")).toThrow(/expected Nullable\(Color\), got "not-a-color"/);
  });

  test("numbers: Int, Percent, NonNegative", () => {
    const axis = new LinearAxis();
    expect(() => axis.set("major_label_standoff", 1.5)).toThrow(/expected Int, got 1\.5/);
    const plot = new Plot();
    expect(() => plot.set("background_fill_alpha", 1.5)).toThrow(/expected Percent/);
    plot.background_fill_alpha = 0.5;
    expect(plot.background_fill_alpha).toBe(0.5);
  });

  test("typed arrays are checked by element type (their speed: npm run bench)", () => {
    const selection = new Selection();
    selection.indices = new Int32Array(1_000_000);
    expect(() => selection.set("indices", new Float64Array(3))).toThrow(/expected Arrayable\(Int\), got Float64Array\(3\)/);
    expect(() => selection.set("indices", [0, 1.5])).toThrow(/item \[1\] is 1\.5, expected Int/);
    expect(() => selection.set("indices", new Uint8Array(3))).not.toThrow(); // an integer element type fits Int
    const source = new ColumnDataSource();
    source.data = { x: new Float64Array(1_000_000), y: new Float64Array(1_000_000) };
    expect(source.length).toBe(1_000_000);
  });

  test("maps, sets, structs", () => {
    const plot = new Plot();
    plot.subscribed_events = new Set(["tap"]);
    // @ts-expect-error a list where a set goes
    expect(() => plot.set("subscribed_events", ["tap"])).toThrow(/expected Set\(String\)/);
    plot.tags = [1, "a", { b: 2 }];
    const hover = new HoverTool();
    hover.formatters = { "@x": "datetime" };
    // @ts-expect-error a number where a formatter goes
    expect(() => hover.set("formatters", { "@x": 3 })).toThrow(/entry "@x" is 3/);
  });
});

describe("dataspec shorthands, as Python", () => {
  test("NumberSpec: numbers are values, strings are fields, objects get their type", () => {
    const s = new Scatter();
    s.x = 3;
    expect(s.x).toEqual({ type: "value", value: 3 });
    s.x = "time";
    expect(s.x).toEqual({ type: "field", field: "time" });
    s.y = { field: "y2" };
    expect(s.y).toEqual({ type: "field", field: "y2" });
    s.y = { value: 4 };
    expect(s.y).toEqual({ type: "value", value: 4 });
    s.size = { type: "value", value: 10 };
    expect(s.size).toEqual({ type: "value", value: 10 });
    const jitter = new Jitter({ width: 0.5 });
    s.x = { field: "x", transform: jitter };
    expect(s.x).toEqual({ type: "field", field: "x", transform: jitter });
    const cumsum = new CumSum({ field: "y" });
    s.y = cumsum;
    expect(s.y).toEqual({ type: "expr", expr: cumsum });
    s.x = new Date(Date.UTC(2024, 0, 1));
    expect(s.x).toEqual({ type: "value", value: Date.UTC(2024, 0, 1) });
    expect(() => s.set("size", -1)).toThrow(/ScreenSizeSpec/);
    expect(() => s.set("x", { field: "x", value: 1 })).toThrow(/XCoordinateSpec/);
    expect(() => s.set("x", { field: "x", transform: new Range1d() })).toThrow(/invalid value for Scatter\.x: expected XCoordinateSpec/);
    // @ts-expect-error an RGB tuple is no coordinate
    expect(() => s.set("x", [1, 2, 3])).toThrow(/XCoordinateSpec/);
  });

  test("units: { value, units } for angle and distance specs", () => {
    const bar = new VBar();
    bar.width = { value: 10, units: "screen" };
    expect(bar.width).toEqual({ type: "value", value: 10, units: "screen" });
    // @ts-expect-error units of another spec
    expect(() => bar.set("width", { value: 1, units: "rad" })).toThrow(/DistanceSpec/);
    // @ts-expect-error units where the spec has none
    expect(() => new Scatter().set("size", { value: 1, units: "screen" })).toThrow(/ScreenSizeSpec/); // no units here
    const circle = new Circle({ radius: 5 });
    expect(circle.radius).toEqual({ type: "value", value: 5 });
  });

  test("ColorSpec: colors are values, other strings are fields", () => {
    const s = new Scatter();
    s.fill_color = "firebrick";
    expect(s.fill_color).toEqual({ type: "value", value: "firebrick" });
    s.fill_color = "#ff0000";
    expect(s.fill_color).toEqual({ type: "value", value: "#ff0000" });
    s.fill_color = "rgba(1, 2, 3, 0.5)";
    expect(s.fill_color).toEqual({ type: "value", value: "rgba(1, 2, 3, 0.5)" });
    s.fill_color = "colors";
    expect(s.fill_color).toEqual({ type: "field", field: "colors" });
    s.fill_color = [255, 0, 0];
    expect(s.fill_color).toEqual({ type: "value", value: [255, 0, 0] });
    s.fill_color = null;
    expect(s.fill_color).toEqual({ type: "value", value: null });
    s.fill_color = { field: "firebrick" };
    expect(s.fill_color).toEqual({ type: "field", field: "firebrick" });
  });

  test("enum, marker and font-size specs: valid names and sizes are values, other strings fields", () => {
    const s = new Scatter();
    s.marker = "square";
    expect(s.marker).toEqual({ type: "value", value: "square" });
    s.marker = "kind";
    expect(s.marker).toEqual({ type: "field", field: "kind" });
    s.line_cap = "round";
    expect(s.line_cap).toEqual({ type: "value", value: "round" });
    const t = new Text();
    t.text_font_size = "13px";
    expect(t.text_font_size).toEqual({ type: "value", value: "13px" });
    t.text_font_size = "1.5em";
    expect(t.text_font_size).toEqual({ type: "value", value: "1.5em" });
    t.text_font_size = "sizes";
    expect(t.text_font_size).toEqual({ type: "field", field: "sizes" });
    expect(() => t.set("text_font_size", "6")).toThrow(/FontSizeSpec/);
    // StringSpec / NullStringSpec: every string is a field name; values need {value}
    t.text = "label";
    expect(t.text).toEqual({ type: "field", field: "label" });
    t.text = { value: "hello" };
    expect(t.text).toEqual({ type: "value", value: "hello" });
  });

  test("scalar specs keep plain values as Python writes them", () => {
    const line = new Line();
    line.line_color = "#1f77b4";
    line.line_width = 2;
    expect(line.attributes()).toEqual({ line_color: "#1f77b4", line_width: 2 });
    line.line_alpha = { value: 0.5 };
    expect(line.line_alpha).toEqual({ type: "value", value: 0.5 });
    expect(() => line.set("line_color", "colors")).toThrow(/ColorScalar\(Nullable\(Color\), or \{value\}\/\{expr\}\)/);
    // @ts-expect-error a string where a number goes
    expect(() => line.set("line_width", "w")).toThrow(/NumberScalar/);
  });

  test("setting a value equal to the default stores nothing (like Python)", () => {
    const plot = new Plot({ width: 600, height: 300 });
    expect(plot.attributes()).toEqual({ height: 300 });
    const line = new Line({ x: "x", y: "y", line_width: 1, line_color: "black" }); // all defaults
    expect(line.attributes()).toEqual({});
    const scatter = new Scatter({ fill_alpha: 1.0, size: 4, marker: "circle" });
    expect(scatter.attributes()).toEqual({});
    // an explicit value stays explicit
    plot.height = 600;
    expect(plot.attributes()).toEqual({ height: 600 });
  });
});

test("a plot's string title becomes a Title model, as in Python and BokehJS", () => {
  const plot = new Plot({ title: "hello" });
  expect(plot.title).toBeInstanceOf(Title);
  expect((plot.title as Title).text).toBe("hello");
  plot.title = null;
  expect(plot.title).toBe(null);
});
