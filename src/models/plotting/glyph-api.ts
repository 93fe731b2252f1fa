/**
 * Adding glyph renderers to a figure, the way Python's bokeh.plotting does
 * (`fig.line(...)`, `fig.scatter(...)`, `fig.vbar(...)`: the generated Figure
 * class has one method per glyph, each calling `addGlyph`).
 *
 * For one call, as Python:
 * - the data source is `source` (a ColumnDataSource, or a plain object of
 *   columns that becomes one), else a new ColumnDataSource;
 * - lists / typed arrays given for a dataspec (`x: [1, 2, 3]`) become columns of
 *   that new source, and the spec refers to them by name; with a `source` of
 *   your own this is an error (put the columns in your source);
 * - visual properties come from `line_color`, ..., or the shorthands `color` and
 *   `alpha`, with Bokeh's default color "#1f77b4";
 * - a renderer is made with the glyph, a `nonselection_glyph` (alpha 0.1) and a
 *   `muted_glyph` (alpha 0.2); `selection_*` / `hover_*` visuals add a selection
 *   or hover glyph;
 * - `legend_label` / `legend_field` add a legend item (and the legend if needed).
 */
import { Model } from "../../document/model.js";
import type { ColumnData } from "../../document/columns.js";
import { isPlainObject, isTypedArray, type TypedArray } from "../../serialization/values.js";
import { BokehError } from "../../util/errors.js";
import { isColor } from "../colors.js";
import { Legend, LegendItem } from "../generated/annotations.js";
import type { Glyph } from "../generated/glyphs.js";
import type { Figure } from "../generated/plots.js";
import { GlyphRenderer, type GlyphRendererAttributes } from "../generated/renderers.js";
import { ColumnDataSource, type ColumnarDataSource } from "../generated/sources.js";
import { modelInfo, type PropertyInfo } from "../model-info.js";
import { catalogVersion } from "../versions.js";
import type { TypedModelClass } from "../typed-model.js";
import type { Color, FieldSpec, ValueSpec } from "../types.js";

/** Data given directly for a dataspec: it becomes a column of the renderer's new source. */
export type ColumnValues = unknown[] | TypedArray;

/** The groups of visual properties a glyph has (`line_color`, `fill_alpha`, `hatch_pattern`, ...). */
export type VisualFeature = "line" | "fill" | "hatch" | "text" | "global";
/** The renderer's other glyphs, whose visuals a glyph method takes with this prefix (`hover_fill_color`). */
export type VisualPrefix = "nonselection" | "selection" | "hover" | "muted";
/** The visual properties among the attributes `A` of a glyph. */
export type VisualKey<A> = Extract<keyof A, `${VisualFeature}_${string}`>;

/** Arguments the renderer takes rather than the glyph. */
export type RendererArgs = Pick<GlyphRendererAttributes, "name" | "visible" | "muted" | "level" | "x_range_name" | "y_range_name" | "view" | "coordinates">;

/** The arguments of a glyph method: the glyph's attributes (dataspecs also as data), visuals, renderer and legend options. */
export type GlyphArgs<A> = { [K in keyof A]: A[K] | ColumnValues } & RendererArgs & {
  /** The data source; a plain object of columns becomes a ColumnDataSource. */
  source?: ColumnarDataSource | ColumnData;
  /** Sets every `*_color` of the glyph. */
  color?: Color;
  /** Sets every `*_alpha` of the glyph. */
  alpha?: number;
  /** Adds a legend item with this text. */
  legend_label?: string;
  /** Adds a legend item labelled by this column of the source. */
  legend_field?: string;
} & { [K in VisualKey<A> | "color" | "alpha" as `${VisualPrefix}_${K & string}`]?: K extends keyof A ? A[K] : K extends "color" ? Color : number };

/** A glyph method was called with arguments Bokeh would refuse. */
export class GlyphArgumentError extends BokehError {
  constructor(message: string) {
    super("ERR_BOKEH_GLYPH_ARGUMENTS", message);
  }
}

type GlyphClass = TypedModelClass & (new (attributes: never) => Glyph);

// Bokeh's default glyph color (the first color of Category10).
const DEFAULT_COLOR = "#1f77b4";
const RENDERER_ARGS = ["name", "coordinates", "x_range_name", "y_range_name", "level", "view", "visible", "muted"];
const LEGEND_ARGS = ["legend_label", "legend_field"];
const FEATURES = new Set<string>(["line", "fill", "hatch", "text", "global"]);

/** Adds a renderer of a `cls` glyph to `figure` (see the module comment). */
export function addGlyph(figure: Figure, cls: GlyphClass, args: object): GlyphRenderer {
  const kwargs: Record<string, unknown> = { ...args };
  const properties = modelInfo(cls.modelType, catalogVersion(figure.bokehVersion)).properties;
  const { source, created } = dataSource(kwargs);
  const legend = pick(kwargs, LEGEND_ARGS);
  if (Object.keys(legend).length > 1) throw new GlyphArgumentError(`only one of ${LEGEND_ARGS.join(", ")} may be given`);

  const visuals = popVisuals(properties, kwargs, "", {}, {});
  const columns = { ...moveLiterals(properties, kwargs, source, created), ...moveLiterals(properties, visuals, source, created) };
  if (created !== null && Object.keys(columns).length > 0) created.updateData(columns);

  const nonselection = popVisuals(properties, kwargs, "nonselection_", visuals, { alpha: 0.1 });
  const selection = Object.keys(kwargs).some((k) => k.startsWith("selection_")) ? popVisuals(properties, kwargs, "selection_", visuals, {}) : null;
  const hover = Object.keys(kwargs).some((k) => k.startsWith("hover_")) ? popVisuals(properties, kwargs, "hover_", visuals, {}) : null;
  const muted = popVisuals(properties, kwargs, "muted_", visuals, { alpha: 0.2 });

  const rendererArgs = pick(kwargs, RENDERER_ARGS);
  const make = (extra: Record<string, unknown> | null): Glyph | null => (extra === null ? null : new cls({ ...kwargs, ...extra } as never));
  const glyph = make(visuals) as Glyph;
  const renderer = new GlyphRenderer({
    ...rendererArgs,
    data_source: source,
    glyph,
    nonselection_glyph: make(nonselection) ?? "auto",
    selection_glyph: make(selection) ?? "auto",
    hover_glyph: make(hover),
    muted_glyph: make(muted) ?? "auto",
  } as GlyphRendererAttributes);
  figure.renderers = [...figure.renderers, renderer];

  const [kind, label] = Object.entries(legend)[0] ?? [];
  if (kind !== undefined) addLegendItem(figure, kind === "legend_label" ? { type: "value", value: label } : { type: "field", field: label }, renderer);
  return renderer;
}

/** The renderer's source: the user's (`created` null) or a new one that takes the data given directly. */
function dataSource(kwargs: Record<string, unknown>): { source: ColumnarDataSource; created: ColumnDataSource | null } {
  const given = kwargs.source;
  delete kwargs.source;
  if (given === undefined) {
    const created = new ColumnDataSource();
    return { source: created, created };
  }
  if (isPlainObject(given)) return { source: new ColumnDataSource({ data: given as ColumnData }), created: null };
  if (given instanceof Model) return { source: given as ColumnarDataSource, created: null };
  throw new GlyphArgumentError("source must be a data source model or a plain object of columns");
}

function pick(kwargs: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    if (name in kwargs) {
      out[name] = kwargs[name];
      delete kwargs[name];
    }
  }
  return out;
}

/**
 * Python's pop_visuals: the line/fill/hatch/text/global properties of the glyph
 * for one state (prefix "" for the glyph, "nonselection_", "muted_", ...),
 * from `<prefix><property>`, `<prefix>color` / `<prefix>alpha`, the state's
 * overrides (alpha 0.1 for nonselection), the glyph's visuals, or the defaults.
 */
function popVisuals(
  properties: ReadonlyMap<string, PropertyInfo>,
  kwargs: Record<string, unknown>,
  prefix: string,
  defaults: Record<string, unknown>,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const fallback: Record<string, unknown> = { text_color: "black", hatch_color: "black", ...defaults };
  const traitDefaults: Record<string, unknown> = { color: DEFAULT_COLOR, alpha: 1.0 };
  const result: Record<string, unknown> = {};
  const traits = new Set<string>();
  for (const [name, prop] of properties) {
    const split = name.indexOf("_");
    if (prop.internal || split < 0 || !FEATURES.has(name.slice(0, split))) continue;
    const trait = name.slice(split + 1);
    const ownTrait = properties.has(trait); // e.g. a glyph with its own `color` property
    if (prefix + name in kwargs) {
      result[name] = kwargs[prefix + name];
      delete kwargs[prefix + name];
    } else if (!ownTrait && prefix + trait in kwargs) {
      result[name] = kwargs[prefix + trait];
    } else if (trait in overrides) {
      result[name] = overrides[trait];
    } else if (name in fallback) {
      result[name] = fallback[name];
    } else if (trait in fallback) {
      result[name] = fallback[trait];
    } else if (!ownTrait && trait in traitDefaults) {
      result[name] = traitDefaults[trait];
    }
    if (!ownTrait) traits.add(trait); // `width` of a VBar is the glyph's, not a visual shorthand
  }
  for (const trait of traits) delete kwargs[prefix + trait];
  return result;
}

/**
 * Python's _process_sequence_literals: lists and typed arrays given for a
 * vectorized dataspec become columns (named after the property) of a source
 * figure() created; the property then refers to the column.
 */
function moveLiterals(
  properties: ReadonlyMap<string, PropertyInfo>,
  kwargs: Record<string, unknown>,
  source: ColumnarDataSource,
  created: ColumnDataSource | null,
): ColumnData {
  const columns: ColumnData = {};
  for (const [name, value] of Object.entries(kwargs)) {
    const kind = properties.get(name)?.kind;
    if (kind?.kind !== "Spec" || !kind.vectorized) continue;
    if (!Array.isArray(value) && !isTypedArray(value)) continue;
    if (kind.spec === "ColorSpec" && isColor(value)) continue; // an RGB(A) tuple is one color
    if (created === null) {
      throw new GlyphArgumentError(
        `expected ${name} to reference a field of the supplied data source (${source}); put the values in the source instead`,
      );
    }
    columns[name] = value;
    kwargs[name] = { type: "field", field: name };
  }
  return columns;
}

/** Python's update_legend: the figure's one Legend (created if needed) gets an item for `label`. */
function addLegendItem(figure: Figure, label: { type: "value"; value: unknown } | { type: "field"; field: unknown }, renderer: GlyphRenderer): void {
  const text = label.type === "value" ? label.value : label.field;
  if (typeof text !== "string") throw new GlyphArgumentError(`legend_${label.type === "value" ? "label" : "field"} must be a string`);
  const legends = [...figure.center, ...figure.above, ...figure.below, ...figure.left, ...figure.right].filter((m) => m instanceof Legend);
  if (legends.length > 1) throw new GlyphArgumentError("the figure has more than one Legend; add the legend item yourself");
  let legend = legends[0];
  if (legend === undefined) {
    legend = new Legend();
    figure.center = [...figure.center, legend];
  }
  const spec: FieldSpec | ValueSpec<string> = label.type === "value" ? { type: "value", value: text } : { type: "field", field: text };
  const same = (item: LegendItem): boolean => {
    const l = item.label;
    return l.type === spec.type && (l.type === "value" ? l.value === text : l.type === "field" && l.field === text);
  };
  const item = legend.items.find(same);
  if (item !== undefined) item.renderers = [...item.renderers, renderer];
  else legend.items = [...legend.items, new LegendItem({ label: spec, renderers: [renderer] })];
}
