/**
 * What Bokeh accepts as a `Color`: a CSS named color (any letter case, as
 * Python's `NamedColor` enum), `#RGB`, `#RGBA`, `#RRGGBB`, `#RRGGBBAA`,
 * `rgb(r, g, b)`, `rgba(r, g, b, a)`, or an RGB(A) tuple `[r, g, b]` /
 * `[r, g, b, a]` with byte components and an alpha from 0 to 1.
 *
 * BokehJS would also take packed integers, but Python's server rejects them, so
 * they are refused here before anything is sent.
 */

/** The CSS Color Level 4 named colors. */
export const NAMED_COLORS = [
  "aliceblue", "antiquewhite", "aqua", "aquamarine", "azure", "beige", "bisque", "black",
  "blanchedalmond", "blue", "blueviolet", "brown", "burlywood", "cadetblue", "chartreuse",
  "chocolate", "coral", "cornflowerblue", "cornsilk", "crimson", "cyan", "darkblue", "darkcyan",
  "darkgoldenrod", "darkgray", "darkgreen", "darkgrey", "darkkhaki", "darkmagenta",
  "darkolivegreen", "darkorange", "darkorchid", "darkred", "darksalmon", "darkseagreen",
  "darkslateblue", "darkslategray", "darkslategrey", "darkturquoise", "darkviolet", "deeppink",
  "deepskyblue", "dimgray", "dimgrey", "dodgerblue", "firebrick", "floralwhite", "forestgreen",
  "fuchsia", "gainsboro", "ghostwhite", "gold", "goldenrod", "gray", "green", "greenyellow",
  "grey", "honeydew", "hotpink", "indianred", "indigo", "ivory", "khaki", "lavender",
  "lavenderblush", "lawngreen", "lemonchiffon", "lightblue", "lightcoral", "lightcyan",
  "lightgoldenrodyellow", "lightgray", "lightgreen", "lightgrey", "lightpink", "lightsalmon",
  "lightseagreen", "lightskyblue", "lightslategray", "lightslategrey", "lightsteelblue",
  "lightyellow", "lime", "limegreen", "linen", "magenta", "maroon", "mediumaquamarine",
  "mediumblue", "mediumorchid", "mediumpurple", "mediumseagreen", "mediumslateblue",
  "mediumspringgreen", "mediumturquoise", "mediumvioletred", "midnightblue", "mintcream",
  "mistyrose", "moccasin", "navajowhite", "navy", "oldlace", "olive", "olivedrab", "orange",
  "orangered", "orchid", "palegoldenrod", "palegreen", "paleturquoise", "palevioletred",
  "papayawhip", "peachpuff", "peru", "pink", "plum", "powderblue", "purple", "rebeccapurple",
  "red", "rosybrown", "royalblue", "saddlebrown", "salmon", "sandybrown", "seagreen", "seashell",
  "sienna", "silver", "skyblue", "slateblue", "slategray", "slategrey", "snow", "springgreen",
  "steelblue", "tan", "teal", "thistle", "tomato", "turquoise", "violet", "wheat", "white",
  "whitesmoke", "yellow", "yellowgreen",
] as const;

/** One of the 148 CSS color names (lower case), as Python's `NamedColor`. */
export type NamedColor = (typeof NAMED_COLORS)[number];

const NAMED = new Set<string>(NAMED_COLORS);

const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

// rgb(1, 2, 3) or rgba(1, 2, 3, 0.5): byte components, then an alpha in [0, 1] for rgba.
const RGB = /^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$/i;
const RGBA = /^rgba\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d*\.?\d+)\s*\)$/i;

/** Whether `value` is a color string Bokeh accepts. */
export function isColorString(value: string): boolean {
  if (NAMED.has(value.toLowerCase()) || HEX.test(value)) return true;
  const rgb = RGB.exec(value) ?? RGBA.exec(value);
  if (rgb === null) return false;
  const [, r, g, b, a] = rgb;
  return [r, g, b].every((c) => Number(c) <= 255) && (a === undefined || Number(a) <= 1);
}

/** Whether `value` is a color: a color string or an RGB(A) tuple. */
export function isColor(value: unknown): boolean {
  if (typeof value === "string") return isColorString(value);
  if (!Array.isArray(value) || (value.length !== 3 && value.length !== 4)) return false;
  for (let i = 0; i < 3; i++) {
    const c: unknown = value[i];
    if (typeof c !== "number" || !Number.isInteger(c) || c < 0 || c > 255) return false;
  }
  const alpha: unknown = value[3];
  return value.length === 3 || (typeof alpha === "number" && alpha >= 0 && alpha <= 1);
}
