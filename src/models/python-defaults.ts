/**
 * Default models Python's Bokeh gives where BokehJS gives another. Python sends
 * its default models in full (docs/models.md, "Default models"), so a document
 * Python builds carries these, and a document we build for the same release
 * should too. The catalog (BokehJS) knows none of them; they are listed here by
 * the Bokeh release that introduced them.
 *
 * - Since 3.7.0 (bokeh PR 13854), a `DatetimeAxis` formats its ticks with a
 *   contextual `DatetimeTickFormatter`: two more rows of context (the day, then
 *   the year) under the labels. Python's `CONTEXTUAL_DATETIME_FORMATTER`.
 * - A `TimedeltaAxis` (3.8) likewise, with `CONTEXTUAL_TIMEDELTA_FORMATTER`.
 *
 * Attributes equal to the created model's own defaults are dropped when the model
 * is made, as Python drops them (defaults.ts).
 */
import type { DefaultDescriptor } from "./catalog-types.js";
import { compareBokehVersions } from "./versions.js";

type Fields = Record<string, string | boolean | readonly string[] | DefaultDescriptor>;

function formatter(name: string, fields: Fields): DefaultDescriptor {
  const attributes: Record<string, DefaultDescriptor> = {};
  for (const [attr, value] of Object.entries(fields)) {
    if (typeof value === "object" && !Array.isArray(value) && "type" in value) attributes[attr] = value as DefaultDescriptor;
    else attributes[attr] = Array.isArray(value) ? { type: "mutable", value: [...value] } : { type: "plain", value };
  }
  return { type: "model", name, attributes };
}

const blank = (units: readonly string[]): Fields => Object.fromEntries(units.map((u) => [u, ""]));

const DATETIME_UNITS = ["microseconds", "milliseconds", "seconds", "minsec", "minutes", "hourmin", "hours", "days", "months", "years"];
const TIMEDELTA_UNITS = ["nanoseconds", "microseconds", "milliseconds", "seconds", "minsec", "minutes", "hourmin", "hours", "days"];

const CONTEXTUAL_DATETIME_FORMATTER = formatter("DatetimeTickFormatter", {
  microseconds: "%fus",
  milliseconds: "%3Nms",
  seconds: "%T",
  minsec: "%T",
  minutes: "%H:%M",
  hourmin: "%H:%M",
  hours: "%H:%M",
  days: "%b %d",
  months: "%b %Y",
  years: "%Y",
  strip_leading_zeros: ["microseconds", "milliseconds", "seconds"],
  boundary_scaling: false,
  context_which: "all",
  context: formatter("DatetimeTickFormatter", {
    ...blank(["months", "years"]),
    microseconds: "%T",
    milliseconds: "%T",
    seconds: "%b %d, %Y",
    minsec: "%b %d, %Y",
    minutes: "%b %d, %Y",
    hourmin: "%b %d, %Y",
    hours: "%b %d, %Y",
    days: "%Y",
    boundary_scaling: false,
    hide_repeats: true,
    context_which: "all",
    context: formatter("DatetimeTickFormatter", {
      ...blank(DATETIME_UNITS),
      microseconds: "%b %d, %Y",
      milliseconds: "%b %d, %Y",
      boundary_scaling: false,
      hide_repeats: true,
    }),
  }),
});

const CONTEXTUAL_TIMEDELTA_FORMATTER = formatter("TimedeltaTickFormatter", {
  nanoseconds: "%NSns",
  microseconds: "%USus",
  milliseconds: "%MSms",
  seconds: "%H:%M:%S",
  minsec: "%H:%M:%S",
  minutes: "%H:%M",
  hourmin: "%H:%M",
  hours: "%H:%M",
  days: "%d days",
  strip_leading_zeros: ["nanoseconds", "microseconds", "milliseconds"],
  context_which: "all",
  context: formatter("TimedeltaTickFormatter", {
    nanoseconds: "%H:%M:%S.%MS%US",
    microseconds: "%H:%M:%S.%MS",
    milliseconds: "%H:%M:%S",
    seconds: "%d days",
    minsec: "%d days",
    minutes: "%d days",
    hourmin: "%d days",
    hours: "%d days",
    days: "",
    hide_repeats: true,
    context_which: "all",
    context: formatter("TimedeltaTickFormatter", {
      ...blank(TIMEDELTA_UNITS),
      nanoseconds: "%d days",
      microseconds: "%d days",
      milliseconds: "%d days",
      hide_repeats: true,
    }),
  }),
});

/** [model type, property, first Bokeh release with Python's default, the default]. */
const PYTHON_DEFAULTS: readonly (readonly [string, string, string, DefaultDescriptor])[] = [
  ["DatetimeAxis", "formatter", "3.7.0", CONTEXTUAL_DATETIME_FORMATTER],
  ["TimedeltaAxis", "formatter", "3.8.0", CONTEXTUAL_TIMEDELTA_FORMATTER],
];

/** Python's default for `type.attr` in documents of Bokeh `version`, where it differs from BokehJS's; else undefined. */
export function pythonDefault(type: string, attr: string, version: string): DefaultDescriptor | undefined {
  for (const [t, a, since, desc] of PYTHON_DEFAULTS) {
    if (t === type && a === attr && compareBokehVersions(version, since) >= 0) return desc;
  }
  return undefined;
}
