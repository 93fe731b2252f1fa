// Compile-time checks of the generated classes. The `@ts-expect-error` lines are verified
// by `npx tsc -p tsconfig.json --noEmit` (part of `npm test`): each must be an error, or
// the typecheck fails. At run time the same lines throw a ValidationError.
import { expect, test } from "vitest";
import { Model } from "../../src/document/index.js";
import {
  AxisArgumentError,
  ColumnDataSource,
  DataRange1d,
  GlyphRenderer,
  Line,
  LinearScale,
  Plot,
  Range1d,
  Scatter,
  Slider,
  Title,
  CustomAction,
  Div,
  HoverTool,
  ValidationError,
  figure,
  type PlotAttributes,
  type Vectorized,
} from "../../src/models/index.js";

test("wrong attributes do not compile (and throw at run time)", () => {
  const source = new ColumnDataSource();
  const throwsValidation = (fn: () => unknown) => expect(fn).toThrow(ValidationError);

  // @ts-expect-error misspelt attribute
  throwsValidation(() => new Plot({ widht: 3 }));
  // @ts-expect-error wrong enum value
  throwsValidation(() => new Title({ align: "middle" }));
  // @ts-expect-error wrong model reference: a Scale where a Range goes
  throwsValidation(() => new Plot({ x_range: new LinearScale() }));
  // @ts-expect-error missing required property (glyph)
  expect(() => new GlyphRenderer({ data_source: source })).not.toThrow(); // Python also lets this through until it is used
  // @ts-expect-error the attributes of a model with required properties are required
  expect(() => new Slider()).not.toThrow();
  // @ts-expect-error string for a number
  throwsValidation(() => new Plot({ width: "wide" }));

  const plot = new Plot();
  // @ts-expect-error setter type
  throwsValidation(() => (plot.width = "wide"));
  // @ts-expect-error read-only property (a getter without setter: assigning throws a TypeError)
  expect(() => (plot.inner_width = 3)).toThrow(TypeError);
  // @ts-expect-error wrong model reference through a setter
  throwsValidation(() => (plot.y_range = new Line()));
  // @ts-expect-error figure() options are checked too
  expect(() => figure({ x_axis_type: "logarithmic" })).toThrow(AxisArgumentError);
});

test("right attributes compile, with precise types", () => {
  const plot = new Plot({ width: 300, x_range: new Range1d({ start: 0, end: 1 }), title: "t", sizing_mode: "stretch_width" });
  const width: number | null = plot.width;
  expect(width).toBe(300);
  plot.y_range = new DataRange1d();
  const attributes: PlotAttributes = { toolbar_location: null, background_fill_color: [1, 2, 3] };
  plot.set(attributes);
  const slider = new Slider({ start: 0, end: 10, value: 5 });
  expect(slider.end).toBe(10);

  // dataspecs: shorthands in, normalized specs out
  const scatter = new Scatter({ x: "x", y: 1, fill_color: "red", size: { field: "s" }, marker: "square" });
  const x: Vectorized<number | string | [string, string] | [string, string, string]> = scatter.x;
  expect(x).toEqual({ type: "field", field: "x" });
  const line = new Line({ line_color: "#1f77b4", line_width: 2, line_dash: "dashed" });
  expect(line.line_dash).toBe("dashed");

  // glyph methods: data in, renderer out
  const fig = figure({ title: "typed", tools: "pan,reset", x_axis_type: "datetime" });
  const renderer: GlyphRenderer = fig.line({ x: [1, 2, 3], y: new Float64Array([1, 4, 9]), line_width: 2, color: "navy", legend_label: "squares" });
  expect(renderer.glyph).toBeInstanceOf(Line);
  fig.vbar({ x: [1, 2], top: [3, 4], width: 0.5, nonselection_fill_alpha: 0.2, muted_color: "gray" });
  // @ts-expect-error unknown glyph attribute
  expect(() => fig.scatter({ x: [1], y: [1], sise: 3 })).toThrow(ValidationError);

  // any model (including generic ones) where Bokeh takes any model
  plot.tags = [new Model("Anything")];
  plot.js_property_callbacks = {};
});

test("get, set and onChange of a generated class take only its properties' names, with their types", () => {
  const slider = new Slider({ start: 0, end: 10, value: 1 });
  // @ts-expect-error misspelt property
  expect(() => slider.set("valeu", 3)).toThrow(ValidationError);
  // @ts-expect-error misspelt property
  expect(slider.get("valeu")).toBeUndefined();
  // @ts-expect-error misspelt property
  slider.onChange("valeu", () => {});
  // @ts-expect-error misspelt property among several
  expect(() => slider.set({ start: 1, ende: 3 })).toThrow(ValidationError);

  // the value type follows the property
  slider.set("start", 2).set("title", null).set({ end: 20, step: 2 });
  // @ts-expect-error a string where a number goes
  expect(() => slider.set("start", "two")).toThrow(ValidationError);
  const end: number = slider.get("end");
  expect(end).toBe(20);
  const title: string | null = slider.get("title");
  expect(title).toBeNull();
  // where BokehJS types a property generically, so do we (Slider.value is Unknown in the catalog)
  const value: unknown = slider.get("value");
  expect(value).toBe(1);

  // read-only properties can be read, not set; internal ones neither
  const plot = new Plot();
  const innerWidth: number | undefined = plot.get("inner_width");
  expect(innerWidth).toBeUndefined(); // set by BokehJS, in a browser
  // @ts-expect-error read-only property
  expect(() => plot.set("inner_width", 3)).toThrow(ValidationError);
  const source = new ColumnDataSource();
  // @ts-expect-error internal property (BokehJS's own)
  expect(source.get("inspected")).toBeUndefined();

  // inherited properties, shared mixins, and a subclass's own
  const div = new Div({ text: "hi" });
  div.set("visible", false).set("text", "there");
  expect(div.get("visible")).toBe(false);
  plot.set("background_fill_alpha", 0.5);
  expect(plot.get("background_fill_alpha")).toBe(0.5);
  const fig = figure();
  fig.set("width", 300);
  expect(fig.get("width")).toBe(300);

  // onChange: typed names and values
  const seen: [string, number, number][] = [];
  const off = slider.onChange(["start", "end"], (attr, old, value) => seen.push([attr, old, value]));
  slider.start = 5;
  off();
  slider.end = 30;
  expect(seen).toEqual([["start", 2, 5]]);

  // the generic Model takes any name
  const generic: Model = slider;
  expect(generic.get("anything")).toBeUndefined();
  expect(new Model("Whatever").set("anything", 1).get("anything")).toBe(1);
});

test("an inherited property an override makes public has its accessor (CustomAction.active)", () => {
  const action = new CustomAction({ active: true });
  expect(action.active).toBe(true);
  action.active = false;
  expect(action.get("active")).toBe(false);
  expect(action.set("disabled", true).disabled).toBe(true);
  // no accessor where it is internal (HoverTool: BokehJS sets `active` itself)
  expect("active" in new HoverTool()).toBe(false);
});
