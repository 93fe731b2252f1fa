/**
 * Values Bokeh turns into models when a property is set. Python and BokehJS both
 * replace a plot's string `title` by `Title(text=...)`; doing it here too keeps
 * the three sides on the same model (and the same id). If a string were sent,
 * the server would create its own Title, whose id this side would not know.
 */
import { Model } from "../document/model.js";
import { makeId } from "../protocol/ids.js";
import type { PropertyInfo } from "./model-info.js";

type Conversion = (value: unknown) => unknown;

const CONVERSIONS: Readonly<Record<string, Conversion>> = {
  "Plot.title": (value) => (typeof value === "string" ? Model.create("Title", makeId()).set("text", value) : value),
};

/** `value` (already checked) as the property stores it. */
export function convertValue(prop: PropertyInfo, value: unknown): unknown {
  const convert = CONVERSIONS[`${prop.owner}.${prop.name}`];
  return convert === undefined ? value : convert(value);
}
