/**
 * Ranges, scales, axes and grids of figure(), as Python's bokeh.plotting makes
 * them (get_range, get_scale, process_axis_and_grid).
 */
import { Model } from "../../document/model.js";
import { BokehError } from "../../util/errors.js";
import { CategoricalAxis, DatetimeAxis, LinearAxis, LogAxis, MercatorAxis, type Axis } from "../generated/axes.js";
import { MercatorTickFormatter } from "../generated/formatters.js";
import { Grid } from "../generated/grids.js";
import type { Figure } from "../generated/plots.js";
import { DataRange1d, FactorRange, Range1d, type Range } from "../generated/ranges.js";
import { CategoricalScale, LinearScale, LogScale, type Scale } from "../generated/scales.js";
import { AdaptiveTicker, ContinuousTicker, MercatorTicker } from "../generated/tickers.js";

/** An axis type for figure()'s `x_axis_type` / `y_axis_type`, as Python's: `"auto"` picks by the range. */
export type AxisType = "auto" | "linear" | "log" | "datetime" | "mercator";

/** A range for figure(): a Range model, `[start, end]` (numbers or Dates), or a list of factors. */
export type RangeInput = Range | [number, number] | [Date, Date] | string[] | [string, string][] | [string, string, string][];

/** A bad range or axis argument. */
export class AxisArgumentError extends BokehError {
  constructor(message: string) {
    super("ERR_BOKEH_AXIS_ARGUMENTS", message);
  }
}

/** Python's get_range: DataRange1d by default, Range1d for `[start, end]`, FactorRange for factors. */
export function makeRange(input: RangeInput | null | undefined): Range {
  if (input === undefined || input === null) return new DataRange1d();
  if (input instanceof Model) return input;
  if (input.length === 2 && input.every((v) => typeof v === "number" || v instanceof Date)) {
    const [start, end] = input.map((v) => (v instanceof Date ? v.getTime() : v)) as [number, number];
    return new Range1d({ start, end });
  }
  if (input.every((v) => typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string")))) {
    return new FactorRange({ factors: input as string[] });
  }
  throw new AxisArgumentError("a range must be a Range model, [start, end] or a list of factors");
}

const AXIS_TYPES: ReadonlySet<unknown> = new Set(["auto", "linear", "log", "datetime", "mercator", null]);

/** Throws unless `value` is an axis type figure() knows (or null: no axis). */
export function checkAxisType(option: string, value: unknown): asserts value is AxisType | null {
  if (!AXIS_TYPES.has(value)) {
    throw new AxisArgumentError(`${option} must be "auto", "linear", "log", "datetime", "mercator" or null, got ${JSON.stringify(value)}`);
  }
}

/** Python's get_scale. */
export function makeScale(range: Range, axisType: AxisType | null): Scale {
  if (range instanceof DataRange1d || range instanceof Range1d) {
    if (axisType === "log") return new LogScale();
    return new LinearScale();
  }
  if (range instanceof FactorRange) return new CategoricalScale();
  throw new AxisArgumentError(`unable to make a scale for ${range} with axis type ${String(axisType)}`);
}

/** Python's process_axis_and_grid: an axis on `location` (if any) and a grid in the center. */
export function addAxisAndGrid(
  figure: Figure,
  options: {
    axisType: AxisType | null;
    location: "below" | "above" | "left" | "right" | null;
    minorTicks: number | "auto";
    label: string | null;
    range: Range;
    rangeInput: RangeInput | null | undefined;
    dimension: 0 | 1;
  },
): void {
  const axis = makeAxis(options.axisType, options.range, options.rangeInput, options.dimension);
  if (axis === null) return;
  const ticker = axis.ticker;
  if (ticker instanceof ContinuousTicker) ticker.num_minor_ticks = minorTicksFor(axis, options.minorTicks);
  // Python's figure() sends its adaptive tickers' `mantissas` even at their default;
  // reading the property materializes it, so ours do too.
  if (ticker instanceof AdaptiveTicker) void ticker.mantissas;
  if (options.label !== null && options.label !== "") axis.axis_label = options.label;
  figure.center = [...figure.center, new Grid({ dimension: options.dimension, axis })];
  if (options.location !== null) figure.set(options.location, [...figure.get(options.location), axis]);
}

function makeAxis(axisType: AxisType | null, range: Range, rangeInput: RangeInput | null | undefined, dimension: 0 | 1): Axis | null {
  switch (axisType) {
    case null:
      return null;
    case "linear":
      return new LinearAxis();
    case "log":
      return new LogAxis();
    case "datetime":
      return new DatetimeAxis();
    case "mercator": {
      const lonlat = dimension === 0 ? "lon" : "lat";
      return new MercatorAxis({ ticker: new MercatorTicker({ dimension: lonlat }), formatter: new MercatorTickFormatter({ dimension: lonlat }) });
    }
    case "auto":
      if (range instanceof FactorRange) return new CategoricalAxis();
      // a Range1d given as two Dates is a time axis
      if (range instanceof Range1d && Array.isArray(rangeInput) && rangeInput[0] instanceof Date) return new DatetimeAxis();
      return new LinearAxis();
  }
}

// Python's _get_num_minor_ticks: "auto" is 10 for log axes, 5 otherwise.
function minorTicksFor(axis: Axis, minorTicks: number | "auto"): number {
  if (minorTicks === "auto") return axis instanceof LogAxis ? 10 : 5;
  if (!Number.isInteger(minorTicks) || minorTicks < 0) throw new AxisArgumentError(`minor ticks must be a non-negative integer or "auto", got ${minorTicks}`);
  return minorTicks;
}
