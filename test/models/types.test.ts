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
