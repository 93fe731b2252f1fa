/**
 * Dataspec properties (NumberSpec, ColorSpec, ... and the scalar variants):
 * checking a value and normalizing the shorthands Python accepts into the form
 * Python sends.
 *
 * Vectorized specs (glyph `x`, `fill_color`, `size`, ...) are sent as structs:
 *   - `{type: "value", value}`, `{type: "field", field}`, `{type: "expr", expr}`,
 *     each with an optional `transform` (a Transform model) and, for unit specs
 *     (angles, distances), `units`;
 *   - the same objects without `type` (`{field: "x"}`, `{value: 1, units: "screen"}`)
 *     get their `type`;
 *   - an Expression model becomes `{type: "expr", expr}`;
 *   - a plain value becomes `{type: "value", value}` when it is a valid value
 *     *other than an arbitrary string* (Python validates against the value type
 *     with `String` replaced by nothing); any other string is a field name. So
 *     for ColorSpec "red" and "#ff0000" are values and "colors" is a field; for
 *     enum, marker and font-size specs the valid names/sizes are values; for
 *     NumberSpec, StringSpec and coordinate specs every string is a field name.
 *   - a Date becomes its epoch milliseconds where numbers are values (Python
 *     converts datetimes for NumberSpec).
 * Scalar specs (the `Line` glyph's visuals, ...) are plain properties in Python,
 * so a valid plain value is kept as it is (`"line_color": "#1f77b4"`); the
 * `value`/`expr` structs are accepted too, fields are not.
 */
import { isModelLike, isPlainObject } from "../serialization/values.js";
import type { KindDescriptor, SpecKind } from "./catalog-types.js";
import { compileKind, type KindContext } from "./kinds.js";

/** Returned by a spec coercion for a value that does not fit. */
export const INVALID: unique symbol = Symbol("invalid dataspec value");

/** Checks a value for a spec property and returns its normalized form, or INVALID. */
export type SpecCoercion = (value: unknown) => unknown;

type Payload = "value" | "field" | "expr";
const PAYLOADS: readonly Payload[] = ["value", "field", "expr"];
const STRUCT_KEYS = new Set(["type", "value", "field", "expr", "transform", "units"]);

// A kind nothing matches (Python's `Nothing`).
const NOTHING: KindDescriptor = { kind: "Enum", values: [] };

// CSS lengths a FontSizeSpec takes as values ("13px", "1.5em"); other strings are field names.
const FONT_SIZE: KindDescriptor = {
  kind: "Regex",
  pattern: "^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)(%|em|ex|ch|ic|rem|vw|vh|vi|vb|vmin|vmax|cm|mm|q|in|pc|pt|px)$",
  flags: "i",
};

export function compileSpec(kind: SpecKind, ctx: KindContext): SpecCoercion {
  const isValue = compileKind(kind.value_type, ctx);
  // What a bare value is taken as a value for (instead of a field name).
  const isBareValue = compileKind(replaceStrings(kind.value_type, kind.spec === "FontSizeSpec" ? FONT_SIZE : NOTHING), ctx);
  const acceptsField = kind.accepts.includes("field");
  const units = kind.units === undefined ? null : new Set(kind.units.values);
  const numeric = isValue(0);

  const payloadFits = (payload: Payload, v: unknown): boolean => {
    switch (payload) {
      case "value":
        return isValue(v);
      case "field":
        return acceptsField && typeof v === "string";
      case "expr":
        return isModelLike(v) && ctx.isInstance(v, "Expression");
    }
  };

  const struct = (obj: Record<string, unknown>): unknown => {
    for (const key of Object.keys(obj)) if (!STRUCT_KEYS.has(key) && obj[key] !== undefined) return INVALID;
    const given = PAYLOADS.filter((p) => obj[p] !== undefined);
    if (given.length !== 1) return INVALID;
    const payload = given[0] as Payload;
    if (obj.type !== undefined && obj.type !== payload) return INVALID;
    if (!payloadFits(payload, obj[payload])) return INVALID;
    const out: Record<string, unknown> = { type: payload, [payload]: obj[payload] };
    if (obj.transform !== undefined) {
      if (!isModelLike(obj.transform) || !ctx.isInstance(obj.transform, "Transform")) return INVALID;
      out.transform = obj.transform;
    }
    if (obj.units !== undefined) {
      if (units === null || !units.has(obj.units as string)) return INVALID;
      out.units = obj.units;
    }
    return out;
  };

  return (input) => {
    const value = input instanceof Date && numeric ? input.getTime() : input;
    if (isPlainObject(value) && looksLikeStruct(value)) {
      const normalized = struct(value);
      // A scalar Dict value (hatch_extra) may itself be an object: try it as a plain value too.
      if (normalized !== INVALID || kind.vectorized) return normalized;
    }
    if (isModelLike(value) && ctx.isInstance(value, "Expression")) return { type: "expr", expr: value };
    if (!kind.vectorized) return isValue(value) ? value : INVALID;
    if (isBareValue(value)) return { type: "value", value };
    // As Python: "" and "6" are neither font sizes nor plausible field names.
    if (kind.spec === "FontSizeSpec" && typeof value === "string" && (value === "" || /^\d/.test(value))) return INVALID;
    if (typeof value === "string" && acceptsField) return { type: "field", field: value };
    return INVALID;
  };
}

function looksLikeStruct(obj: Record<string, unknown>): boolean {
  return "type" in obj || "value" in obj || "field" in obj || "expr" in obj;
}

/** `kind` with every plain string kind replaced by `replacement`. */
function replaceStrings(kind: KindDescriptor, replacement: KindDescriptor): KindDescriptor {
  switch (kind.kind) {
    case "String":
      return replacement;
    case "Nullable":
    case "Opt":
    case "NonNegative":
    case "Positive":
      return { kind: kind.kind, type: replaceStrings(kind.type, replacement) };
    case "Or":
    case "And":
      return { kind: kind.kind, types: kind.types.map((t) => replaceStrings(t, replacement)) };
    default:
      return kind;
  }
}
