/**
 * Run-time checks of values against the catalog's kind descriptors, and the
 * error they raise.
 *
 * A kind is compiled once into a plain predicate (`compileKind`), so checking a
 * value costs a few function calls, not a walk over the descriptor. Typed
 * arrays are checked by element type only, never element by element: a
 * Float64Array of a million numbers is accepted for `Arrayable(Number)` in
 * constant time. Plain JS lists are checked item by item (that cannot be
 * avoided), except where the item kind is `Any`/`Unknown`.
 *
 * Values are the JS forms of Bokeh values (see serialization/values.ts): maps
 * are plain objects or `Map`s, 1-D arrays are lists or typed arrays, models are
 * model instances. Dataspec kinds are handled by dataspec.ts.
 */
import { isModelLike, isPlainObject, isTypedArray, NDArray, type SerializableModel } from "../serialization/values.js";
import { BokehError } from "../util/errors.js";
import type { KindDescriptor, KindOf } from "./catalog-types.js";
import { isColor } from "./colors.js";

/** A value that does not fit a property: names the model type, the property, the expected kind and the value. */
export class ValidationError extends BokehError {
  /** The Bokeh type of the model ("Plot"). */
  readonly modelType: string;
  /** The property ("width"). */
  readonly property: string;
  /** The expected kind in words ("Nullable(Number)"), or null when the property itself is the problem. */
  readonly expected: string | null;
  /** The value that was given. */
  readonly value: unknown;
  /** The Bokeh version whose catalog the value was checked against (the model's document's), when known. */
  readonly bokehVersion: string | null;

  constructor(
    message: string,
    details: { modelType: string; property: string; expected: string | null; value: unknown; bokehVersion?: string | null },
  ) {
    super("ERR_BOKEH_VALIDATION", message);
    this.modelType = details.modelType;
    this.property = details.property;
    this.expected = details.expected;
    this.value = details.value;
    this.bokehVersion = details.bokehVersion ?? null;
  }
}

/** What kind checks need to know about models. */
export interface KindContext {
  /** Whether `model` is a `name` (that model type or one of its subclasses). */
  isInstance(model: SerializableModel, name: string): boolean;
}

export type Check = (value: unknown) => boolean;

const reject: Check = () => false;

/** Compiles `kind` into a predicate. Dataspec kinds are not handled here (see dataspec.ts). */
export function compileKind(kind: KindDescriptor, ctx: KindContext): Check {
  switch (kind.kind) {
    case "Any":
    case "Unknown":
      return (v) => v !== undefined;
    case "Boolean":
      return (v) => typeof v === "boolean";
    case "Number":
      return (v) => typeof v === "number";
    case "Int":
      return (v) => Number.isInteger(v);
    case "Percent":
      return (v) => typeof v === "number" && v >= 0 && v <= 1;
    case "String":
    case "CSSLength":
      return (v) => typeof v === "string";
    case "Regex": {
      const re = new RegExp(kind.pattern, kind.flags);
      return (v) => typeof v === "string" && re.test(v);
    }
    case "PrefixedString":
      return (v) => typeof v === "string" && v.startsWith(kind.prefix);
    case "Enum": {
      const values = new Set<unknown>(kind.values);
      return (v) => values.has(v);
    }
    case "Null":
      return (v) => v === null;
    case "Nullable": {
      const inner = compileKind(kind.type, ctx);
      return (v) => v === null || inner(v);
    }
    case "Opt": {
      const inner = compileKind(kind.type, ctx);
      return (v) => v === undefined || inner(v);
    }
    case "NonNegative": {
      const inner = compileKind(kind.type, ctx);
      return (v) => inner(v) && (typeof v !== "number" || v >= 0);
    }
    case "Positive": {
      const inner = compileKind(kind.type, ctx);
      return (v) => inner(v) && (typeof v !== "number" || v > 0);
    }
    case "Or": {
      const checks = kind.types.map((t) => compileKind(t, ctx));
      return (v) => checks.some((check) => check(v));
    }
    case "And": {
      const checks = kind.types.map((t) => compileKind(t, ctx));
      return (v) => checks.every((check) => check(v));
    }
    case "Tuple": {
      const checks = kind.items.map((t) => compileKind(t, ctx));
      return (v) => Array.isArray(v) && v.length === checks.length && checks.every((check, i) => check(v[i]));
    }
    case "List":
    case "NonEmptyList": {
      const item = compileKind(kind.item, ctx);
      const nonEmpty = kind.kind === "NonEmptyList";
      return (v) => Array.isArray(v) && (!nonEmpty || v.length > 0) && everyItem(v, item, kind.item);
    }
    case "Arrayable":
      return compileArrayable(kind.item, ctx);
    case "Iterable": {
      const item = compileKind(kind.item, ctx);
      return (v) =>
        Array.isArray(v) ? everyItem(v, item, kind.item) : v instanceof Set ? [...v].every(item) : isTypedArray(v) && typedArrayFits(v, kind.item);
    }
    case "Set": {
      const item = compileKind(kind.item, ctx);
      return (v) => v instanceof Set && [...v].every(item);
    }
    case "Dict": {
      const item = compileKind(kind.item, ctx);
      return (v) => (isPlainObject(v) ? Object.values(v).every(item) : v instanceof Map && [...v].every(([k, x]) => typeof k === "string" && item(x)));
    }
    case "KeyVal":
    case "Map": {
      const key = compileKind(kind.key, ctx);
      const item = compileKind(kind.item, ctx);
      return (v) =>
        v instanceof Map
          ? [...v].every(([k, x]) => key(k) && item(x))
          : isPlainObject(v) && Object.entries(v).every(([k, x]) => key(k) && item(x));
    }
    case "Struct":
    case "PartialStruct":
      return compileStruct(kind, ctx);
    case "Color":
      return isColor;
    case "Ref":
      return (v) => isModelLike(v) && ctx.isInstance(v, kind.model);
    case "AnyRef":
      return isModelLike;
    case "Instance":
      // Only Date can come from Node.js; BitSet (internal) and DOM nodes cannot be sent.
      return kind.class === "Date" ? (v) => v instanceof Date : reject;
    case "Bytes":
      return (v) => v instanceof ArrayBuffer;
    case "Node":
    case "Func":
      return reject; // DOM nodes and JS functions exist only in the browser
    case "Spec":
      throw new TypeError("dataspec kinds are checked by dataspec.ts");
  }
}

// Lists of Any/Unknown are not walked: only `undefined` could fail, and it never comes from JSON.
function everyItem(list: readonly unknown[], item: Check, kind: KindDescriptor): boolean {
  if (kind.kind === "Any" || kind.kind === "Unknown") return true;
  for (let i = 0; i < list.length; i++) if (!item(list[i])) return false;
  return true;
}

function compileArrayable(itemKind: KindDescriptor, ctx: KindContext): Check {
  const item = compileKind(itemKind, ctx);
  return (v) => {
    if (Array.isArray(v)) return everyItem(v, item, itemKind);
    if (isTypedArray(v)) return typedArrayFits(v, itemKind);
    return v instanceof NDArray && (isAnything(itemKind) || isNumeric(itemKind));
  };
}

/** Whether a typed array can hold values of `item`, judged by its element type alone. */
function typedArrayFits(array: ArrayBufferView, item: KindDescriptor): boolean {
  if (isAnything(item)) return true;
  if (isInteger(item)) return !(array instanceof Float32Array || array instanceof Float64Array);
  return isNumeric(item);
}

function isAnything(kind: KindDescriptor): boolean {
  return kind.kind === "Any" || kind.kind === "Unknown";
}

function isInteger(kind: KindDescriptor): boolean {
  switch (kind.kind) {
    case "Int":
      return true;
    case "NonNegative":
    case "Positive":
      return isInteger(kind.type);
    default:
      return false;
  }
}

function isNumeric(kind: KindDescriptor): boolean {
  switch (kind.kind) {
    case "Number":
    case "Int":
    case "Percent":
      return true;
    case "NonNegative":
    case "Positive":
    case "Nullable":
      return isNumeric(kind.type);
    case "Or":
      return kind.types.some(isNumeric);
    default:
      return false;
  }
}

function compileStruct(kind: KindOf<"Struct" | "PartialStruct">, ctx: KindContext): Check {
  const fields = Object.entries(kind.fields).map(([name, field]) => ({
    name,
    check: compileKind(field, ctx),
    optional: kind.kind === "PartialStruct" || field.kind === "Opt",
  }));
  const names = new Set(fields.map((f) => f.name));
  return (v) => {
    if (!isPlainObject(v)) return false;
    for (const key of Object.keys(v)) if (!names.has(key) && v[key] !== undefined) return false;
    return fields.every(({ name, check, optional }) => (v[name] === undefined ? optional : check(v[name])));
  };
}

// ---- describing kinds and values in error messages ----------------------------------

const MAX_ENUM_VALUES = 12;

/** A kind in words, as Bokeh writes them: `Enum("left", "center")`, `Nullable(Number)`, `Ref(Range)`. */
export function describeKind(kind: KindDescriptor): string {
  switch (kind.kind) {
    case "Regex":
      return `Regex(/${kind.pattern}/${kind.flags ?? ""})`;
    case "PrefixedString":
      return `PrefixedString(${JSON.stringify(kind.prefix)})`;
    case "Enum": {
      const shown = kind.values.slice(0, MAX_ENUM_VALUES).map((v) => JSON.stringify(v));
      const more = kind.values.length - shown.length;
      return `Enum(${shown.join(", ")}${more > 0 ? `, ... ${more} more` : ""})`;
    }
    case "Nullable":
    case "Opt":
    case "NonNegative":
    case "Positive":
      return `${kind.kind}(${describeKind(kind.type)})`;
    case "Or":
    case "And":
      return `${kind.kind}(${kind.types.map(describeKind).join(", ")})`;
    case "Tuple":
      return `Tuple(${kind.items.map(describeKind).join(", ")})`;
    case "List":
    case "NonEmptyList":
    case "Arrayable":
    case "Iterable":
    case "Set":
    case "Dict":
      return `${kind.kind}(${describeKind(kind.item)})`;
    case "KeyVal":
    case "Map":
      return `${kind.kind}(${describeKind(kind.key)}, ${describeKind(kind.item)})`;
    case "Struct":
    case "PartialStruct":
      return `${kind.kind}(${Object.entries(kind.fields)
        .map(([name, field]) => `${name}: ${describeKind(field)}`)
        .join(", ")})`;
    case "Ref":
      return `Ref(${kind.model})`;
    case "Instance":
      return `Instance(${kind.class})`;
    case "Func":
      return "Func (a JS function, which cannot be sent)";
    case "Spec": {
      const forms = kind.vectorized ? "a field name, or {value}/{field}/{expr}" : "or {value}/{expr}";
      return `${kind.spec}(${describeKind(kind.value_type)}, ${forms})`;
    }
    default:
      return kind.kind;
  }
}

const MAX_TEXT = 60;

/**
 * A short, readable rendering of a value the program itself set, for validation errors:
 * it shows a few items of lists and maps. (Values from a peer use util/describe.ts,
 * which never walks or calls into them.)
 */
export function describeValue(value: unknown, depth = 0): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}...` : value);
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return String(value);
    case "function":
      return "a function";
    case "symbol":
      return value.toString();
  }
  if (value === null) return "null";
  if (isModelLike(value)) return String(value);
  if (isTypedArray(value)) return `${value.constructor.name}(${value.length})`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  if (value instanceof Map || value instanceof Set) return `${value.constructor.name}(${value.size})`;
  if (value instanceof NDArray) return `NDArray(shape [${value.shape.join(", ")}], ${value.dtype})`;
  if (depth > 1) return Array.isArray(value) ? "[...]" : "{...}";
  if (Array.isArray(value)) {
    const shown = value.slice(0, 5).map((v) => describeValue(v, depth + 1));
    return `[${shown.join(", ")}${value.length > 5 ? `, ... ${value.length} items` : ""}]`;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 4).map((k) => `${k}: ${describeValue(value[k], depth + 1)}`);
    return `{${shown.join(", ")}${keys.length > 4 ? ", ..." : ""}}`;
  }
  return Object.prototype.toString.call(value);
}

/**
 * For a container value that failed `kind`, the first item that does not fit,
 * e.g. `item [3] is "x", expected Number`; null when the container itself is wrong.
 */
export function explainFailure(kind: KindDescriptor, value: unknown, ctx: KindContext): string | null {
  const first = (entries: Iterable<[string, unknown]>, item: KindDescriptor): string | null => {
    const check = compileKind(item, ctx);
    for (const [where, v] of entries) {
      if (!check(v)) {
        const inner = explainFailure(item, v, ctx);
        return `${where} is ${describeValue(v)}, expected ${describeKind(item)}${inner === null ? "" : `: ${inner}`}`;
      }
    }
    return null;
  };
  switch (kind.kind) {
    case "Nullable":
    case "Opt":
    case "NonNegative":
    case "Positive":
      return explainFailure(kind.type, value, ctx);
    case "List":
    case "NonEmptyList":
    case "Arrayable":
    case "Iterable":
      return Array.isArray(value) ? first(value.map((v, i) => [`item [${i}]`, v]), kind.item) : null;
    case "Tuple":
      if (!Array.isArray(value) || value.length !== kind.items.length) return null;
      for (const [i, item] of kind.items.entries()) {
        const found = first([[`item [${i}]`, value[i]]], item);
        if (found !== null) return found;
      }
      return null;
    case "Dict":
      return isPlainObject(value) ? first(Object.entries(value).map(([k, v]) => [`entry ${JSON.stringify(k)}`, v]), kind.item) : null;
    case "Struct":
    case "PartialStruct": {
      if (!isPlainObject(value)) return null;
      const extra = Object.keys(value).find((k) => !(k in kind.fields) && value[k] !== undefined);
      if (extra !== undefined) return `unexpected field ${JSON.stringify(extra)}`;
      for (const [name, field] of Object.entries(kind.fields)) {
        if (value[name] === undefined) {
          if (kind.kind === "Struct" && field.kind !== "Opt") return `missing field ${JSON.stringify(name)}`;
          continue;
        }
        const found = first([[`field ${JSON.stringify(name)}`, value[name]]], field);
        if (found !== null) return found;
      }
      return null;
    }
    default:
      return null;
  }
}
