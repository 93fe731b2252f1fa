/**
 * figure(): a plot set up the way Python's `bokeh.plotting.figure()` sets it up
 * (ranges, scales, axes, grids, title, tools), whose glyph methods
 * (`line`, `scatter`, `vbar`, ... see the Figure class) add renderers.
 *
 *   const p = figure({ title: "demo", x_axis_type: "datetime", tools: "pan,reset" });
 *   p.line({ x: "when", y: "value", source, line_width: 2 });
 *   p.scatter({ x: "when", y: "value", source, size: 8 });
 *   doc.addRoot(p);
 *
 * The wire type is "Figure", as with Python.
 */
import type { Title } from "./generated/annotations.js";
import { Figure, type FigureAttributes } from "./generated/plots.js";
import type { Tool } from "./generated/tools.js";
import { addAxisAndGrid, checkAxisType, makeRange, makeScale, type AxisType, type RangeInput } from "./plotting/axes.js";
import { DEFAULT_TOOLS, makeTools, setActiveTools, type ActiveOptions, type Tooltips } from "./plotting/tools.js";

export { AxisArgumentError, type AxisType, type RangeInput } from "./plotting/axes.js";
export { DEFAULT_TOOLS, ToolArgumentError, type ActiveTool, type ToolAlias, type Tooltips } from "./plotting/tools.js";
export {
  GlyphArgumentError,
  type ColumnValues,
  type GlyphArgs,
  type RendererArgs,
  type VisualFeature,
  type VisualKey,
  type VisualPrefix,
} from "./plotting/glyph-api.js";

/** The options of figure(): Figure attributes plus the figure-only options of Python's figure(). */
export interface FigureOptions extends Omit<FigureAttributes, "title" | "x_range" | "y_range">, ActiveOptions {
  /** The title text, or a Title model. */
  title?: string | Title | null;
  /** A Range model, `[start, end]`, or a list of factors. Default: a DataRange1d. */
  x_range?: RangeInput | null;
  /** The same for y. */
  y_range?: RangeInput | null;
  /** Default "auto": categorical for factors, datetime for a Range1d of Dates, else linear. null: no axis. */
  x_axis_type?: AxisType | null;
  /** The same for y (`"auto"`: categorical for factors, datetime for a Range1d of Dates, else linear). */
  y_axis_type?: AxisType | null;
  /** Default "below" / "left"; null: no axis. */
  x_axis_location?: "below" | "above" | null;
  /** Where the y axis goes. Default "left"; null: no axis. */
  y_axis_location?: "left" | "right" | null;
  /** The x axis's label. */
  x_axis_label?: string | null;
  /** The y axis's label. */
  y_axis_label?: string | null;
  /** Minor ticks between major ticks. Default "auto" (5, or 10 on log axes). */
  x_minor_ticks?: number | "auto";
  /** The same for the y axis. */
  y_minor_ticks?: number | "auto";
  /** Tool names separated by commas, or a list of names and tools. Default: "pan,wheel_zoom,box_zoom,save,reset,help". */
  tools?: string | (string | Tool)[];
  /** Tooltips for a hover tool (one is added if `tools` has none). */
  tooltips?: Tooltips;
}

const FIGURE_ONLY = [
  "x_range", "y_range", "x_axis_type", "y_axis_type", "x_axis_location", "y_axis_location", "x_axis_label",
  "y_axis_label", "x_minor_ticks", "y_minor_ticks", "tools", "tooltips", "title",
  "active_drag", "active_inspect", "active_scroll", "active_tap", "active_multi",
] as const;

/** A new figure, as Python's `figure(**options)` makes it. */
export function figure(options: FigureOptions = {}): Figure {
  const attributes: Record<string, unknown> = { ...options };
  for (const name of FIGURE_ONLY) delete attributes[name];
  const fig = new Figure(attributes as FigureAttributes);

  if (options.title !== undefined) fig.title = options.title; // a string becomes a Title model
  fig.x_range = makeRange(options.x_range);
  fig.y_range = makeRange(options.y_range);
  const xAxisType = options.x_axis_type === undefined ? "auto" : options.x_axis_type;
  const yAxisType = options.y_axis_type === undefined ? "auto" : options.y_axis_type;
  checkAxisType("x_axis_type", xAxisType);
  checkAxisType("y_axis_type", yAxisType);
  fig.x_scale = makeScale(fig.x_range, xAxisType);
  fig.y_scale = makeScale(fig.y_range, yAxisType);
  addAxisAndGrid(fig, {
    axisType: xAxisType,
    location: options.x_axis_location === undefined ? "below" : options.x_axis_location,
    minorTicks: options.x_minor_ticks ?? "auto",
    label: options.x_axis_label ?? null,
    range: fig.x_range,
    rangeInput: options.x_range,
    dimension: 0,
  });
  addAxisAndGrid(fig, {
    axisType: yAxisType,
    location: options.y_axis_location === undefined ? "left" : options.y_axis_location,
    minorTicks: options.y_minor_ticks ?? "auto",
    label: options.y_axis_label ?? null,
    range: fig.y_range,
    rangeInput: options.y_range,
    dimension: 1,
  });

  const { tools, byName } = makeTools(options.tools ?? DEFAULT_TOOLS, options.tooltips);
  // Like Python's add_tools: the toolbar's list is only touched when there are tools.
  if (tools.length > 0) fig.toolbar.tools = [...fig.toolbar.tools, ...tools];
  setActiveTools(fig.toolbar, byName, options);
  return fig;
}
