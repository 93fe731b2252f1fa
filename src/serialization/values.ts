/**
 * JavaScript values that stand for Bokeh wire values which plain JSON cannot express.
 *
 * | wire rep                         | JavaScript value                                   |
 * |----------------------------------|----------------------------------------------------|
 * | number `nan` / `+inf` / `-inf`   | `NaN`, `Infinity`, `-Infinity`                       |
 * | map (string keys)                | plain object                                        |
 * | map (other keys)                 | `Map`                                               |
 * | set                              | `Set`                                               |
 * | bytes                            | `ArrayBuffer`                                       |
 * | ndarray 1-D numeric, typed_array | typed array (`Float64Array`, `Int32Array`, ...)      |
 * | ndarray N-D, `bool`, `object`    | `NDArray`                                           |
 * | slice                            | `Slice`                                             |
 * | value / field / expr / event     | plain object with that `type` (`{type: "field", field: "x"}`) |
 * | object without id                | `ObjectValue`                                       |
 * | object with id, ref              | a model (see document/model.ts)                     |
 */

export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** The element type of a typed array, as Bokeh names it. */
export type DataType = "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "float64";
/** The element type of an NDArray: a typed array's, or `bool` / `object`. */
export type NDDataType = DataType | "bool" | "object";
/** The byte order of an array's bytes on the wire. */
export type ByteOrder = "little" | "big";

/** Plain objects with one of these `type`s are Bokeh structs, not maps. */
export const STRUCT_TYPES: ReadonlySet<string> = new Set(["value", "field", "expr", "event"]);

/** A Python-style slice, used by `ColumnDataSource.patch`. `null` means "omitted". */
export class Slice {
  /** First index, or null for the start. */
  readonly start: number | null;
  /** Index after the last one, or null for the end. */
  readonly stop: number | null;
  /** Step between indices, or null for 1. */
  readonly step: number | null;

  constructor({ start = null, stop = null, step = null }: { start?: number | null; stop?: number | null; step?: number | null } = {}) {
    if (step === 0) throw new RangeError("slice step cannot be zero");
    this.start = start;
    this.stop = stop;
    this.step = step;
  }

  /** The indices this slice selects in a sequence of `length` items, as Python's `range(*slice.indices(length))`. */
  indices(length: number): number[] {
    const step = this.step ?? 1;
    const clamp = (value: number | null, dflt: number, lo: number, hi: number): number => {
      if (value === null) return dflt;
      const v = value < 0 ? value + length : value;
      return Math.min(Math.max(v, lo), hi);
    };
    const result: number[] = [];
    if (step > 0) {
      const start = clamp(this.start, 0, 0, length);
      const stop = clamp(this.stop, length, 0, length);
      for (let i = start; i < stop; i += step) result.push(i);
    } else {
      const start = clamp(this.start, length - 1, -1, length - 1);
      const stop = clamp(this.stop, -1, -1, length - 1);
      for (let i = start; i > stop; i += step) result.push(i);
    }
    return result;
  }
}

/** An n-dimensional array, or a 1-D array whose dtype a typed array cannot carry (`bool`, `object`). */
export class NDArray {
  /** The elements, flat, in row-major order. */
  readonly array: TypedArray | unknown[];
  /** The size of each dimension. */
  readonly shape: readonly number[];
  /** The element type. */
  readonly dtype: NDDataType;

  constructor(array: TypedArray | unknown[], shape: readonly number[], dtype: NDDataType) {
    this.array = array;
    this.shape = shape;
    this.dtype = dtype;
  }
}

/** A serialized non-model object (`{"type": "object", "name": ...}` without an id), kept as received. */
export class ObjectValue {
  /** The object's type name. */
  readonly name: string;
  /** Its attributes, as received. */
  readonly attributes: Record<string, unknown>;

  constructor(name: string, attributes: Record<string, unknown> = {}) {
    this.name = name;
    this.attributes = attributes;
  }
}

/** What the serializer needs from a model: its identity and its explicitly set attributes. */
export interface SerializableModel {
  /** The model's id. */
  readonly id: string;
  /** The Bokeh type name. */
  readonly type: string;
  /** Attributes to write when the model is sent in full. */
  serializableAttributes(): Iterable<[string, unknown]>;
}

export const MODEL_BRAND: unique symbol = Symbol.for("bokeh-client.model");

export function isModelLike(value: unknown): value is SerializableModel {
  return typeof value === "object" && value !== null && MODEL_BRAND in value;
}

export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets `key` on a plain object, safely even for "__proto__". */
export function setEntry(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
