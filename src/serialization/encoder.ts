/**
 * Encoder: JavaScript values -> Bokeh wire reps (JSON-compatible values).
 *
 * One Encoder serializes one message (or one document). It writes each model
 * in full the first time it meets it, unless the receiver already knows it, and
 * as `{"id": ...}` afterwards. With `binary: true` array bytes are collected as
 * buffers (sent as binary frames); otherwise they are inlined as base64.
 */
import { gzipSync } from "node:zlib";
import { BLOB_THRESHOLD, blobPlaceholder } from "../protocol/content.js";
import { makeId } from "../protocol/ids.js";
import { bytesOf, bytesToBase64, dtypeOf, NATIVE_ORDER } from "./arrays.js";
import { SerializationError } from "./errors.js";
import {
  isModelLike,
  isPlainObject,
  isTypedArray,
  NDArray,
  ObjectValue,
  setEntry,
  Slice,
  STRUCT_TYPES,
  type SerializableModel,
  type TypedArray,
} from "./values.js";

export interface EncoderOptions {
  /** Collect array bytes as binary buffers instead of inline base64. */
  binary?: boolean;
  /**
   * Inline mode only: large byte arrays are written as a placeholder string and
   * collected here, to be spliced into the frame as base64 (protocol/content.ts).
   */
  blobs?: Map<string, Uint8Array>;
  /** Models the receiver already has; they are written as references. */
  isKnown?: (model: SerializableModel) => boolean;
  /**
   * Inline mode only: gzip bytes before writing them as base64, as Bokeh 3.8 and later write
   * inline bytes (read by the Decoder's option of the same name).
   */
  gzipInline?: boolean;
}

export class Encoder {
  /** Buffers referenced by the encoded value, in order (binary mode only). */
  readonly buffers = new Map<string, Uint8Array>();
  /** Models this encoder wrote in full, in order. */
  readonly newModels: SerializableModel[] = [];

  private readonly binary: boolean;
  private readonly blobs: Map<string, Uint8Array> | undefined;
  private readonly isKnown: (model: SerializableModel) => boolean;
  private readonly gzipInline: boolean;
  private readonly written = new Set<SerializableModel>();
  private readonly stack = new Set<object>();

  constructor(options: EncoderOptions = {}) {
    this.binary = options.binary ?? false;
    this.blobs = options.blobs;
    this.isKnown = options.isKnown ?? (() => false);
    this.gzipInline = options.gzipInline ?? false;
  }

  encode(value: unknown): unknown {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        return encodeNumber(value);
      case "bigint":
        return encodeNumber(Number(value));
      case "object":
        return value === null ? null : this.encodeObject(value);
      default:
        throw new SerializationError(`can't serialize a value of type ${typeof value}`);
    }
  }

  /**
   * Encodes `value` writing every model in full, whether the receiver knows it or
   * not (how UI event payloads are written), without marking those models as sent.
   * Buffers still go to this encoder.
   */
  encodeDetached(value: unknown): unknown {
    const detached = new Encoder({ binary: this.binary });
    const rep = detached.encode(value);
    for (const [id, bytes] of detached.buffers) this.buffers.set(id, bytes);
    return rep;
  }

  /** A model as `{"id"}` if known, else in full (once). */
  encodeModel(model: SerializableModel): unknown {
    if (this.written.has(model) || this.isKnown(model)) return { id: model.id };
    this.written.add(model);
    this.newModels.push(model);
    const rep: Record<string, unknown> = { type: "object", name: model.type, id: model.id };
    const attributes = this.encodeAttributes(model.serializableAttributes());
    if (attributes !== null) rep.attributes = attributes;
    return rep;
  }

  private encodeAttributes(entries: Iterable<[string, unknown]>): Record<string, unknown> | null {
    const fields = [...entries];
    return fields.length === 0 ? null : this.encodeFields(fields);
  }

  /**
   * Writes named fields as a JSON object. They are encoded in the order the object
   * will list them (integer-like names first, as JavaScript orders keys), so a model
   * written in full always comes before its `{"id"}` references in the JSON text,
   * which is the order the receiver decodes in. "__proto__" is an ordinary name.
   */
  private encodeFields(fields: [string, unknown][]): Record<string, unknown> {
    const rep: Record<string, unknown> = {};
    for (const [name, value] of fields.some(([name]) => isArrayIndex(name)) ? inKeyOrder(fields) : fields) {
      setEntry(rep, name, this.encode(value));
    }
    return rep;
  }

  private encodeObject(value: object): unknown {
    if (isModelLike(value)) return this.encodeModel(value);
    if (isTypedArray(value)) return this.encodeNDArray(value, [value.length], dtypeOf(value));
    if (value instanceof ArrayBuffer) return this.encodeBytes(new Uint8Array(value));
    if (value instanceof Date) return encodeDate(value);
    if (value instanceof Slice) return encodeSlice(value);

    if (this.stack.has(value)) throw new SerializationError("circular reference");
    this.stack.add(value);
    try {
      if (Array.isArray(value)) return this.encodeArray(value);
      if (isPlainObject(value)) {
        return typeof value.type === "string" && STRUCT_TYPES.has(value.type) ? this.encodeStruct(value) : this.encodeMap(Object.entries(value), value);
      }
      if (value instanceof Map) return this.encodeMap(value.entries(), value);
      if (value instanceof Set) {
        return value.size === 0 ? { type: "set" } : { type: "set", entries: [...value].map((v) => this.encode(v)) };
      }
      if (value instanceof NDArray) {
        checkNDArray(value);
        return Array.isArray(value.array)
          ? { type: "ndarray", array: this.encodeArray(value.array), shape: value.shape, dtype: value.dtype, order: NATIVE_ORDER }
          : this.encodeNDArray(value.array, value.shape, value.dtype);
      }
      if (value instanceof ObjectValue) {
        const rep: Record<string, unknown> = { type: "object", name: value.name };
        const attributes = this.encodeAttributes(Object.entries(value.attributes));
        if (attributes !== null) rep.attributes = attributes;
        return rep;
      }
    } finally {
      this.stack.delete(value);
    }
    throw new SerializationError(`can't serialize ${Object.prototype.toString.call(value)}`);
  }

  private encodeArray(array: readonly unknown[]): unknown[] {
    // Fast path: a list of plain JSON scalars is already its own wire form.
    let i = 0;
    for (; i < array.length; i++) {
      const item = array[i];
      const t = typeof item;
      if (!(t === "string" || t === "boolean" || item === null || (t === "number" && Number.isFinite(item)))) break;
    }
    if (i === array.length) return array as unknown[];
    const out = array.slice(0, i) as unknown[];
    for (; i < array.length; i++) out.push(this.encode(array[i]));
    return out;
  }

  private encodeStruct(struct: Record<string, unknown>): Record<string, unknown> {
    return this.encodeFields(Object.entries(struct).filter(([, val]) => val !== undefined));
  }

  private encodeMap(entries: Iterable<[unknown, unknown]>, source: object): unknown {
    const out: [unknown, unknown][] = [];
    for (const [key, val] of entries) {
      if (val === undefined && isPlainObject(source)) continue;
      out.push([this.encode(key), this.encode(val)]);
    }
    return out.length === 0 ? { type: "map" } : { type: "map", entries: out };
  }

  private encodeNDArray(array: TypedArray, shape: readonly number[], dtype: string): unknown {
    return { type: "ndarray", array: this.encodeBytes(bytesOf(array)), shape, dtype, order: NATIVE_ORDER };
  }

  private encodeBytes(raw: Uint8Array): unknown {
    if (!this.binary) {
      const bytes = this.gzipInline ? gzipSync(raw) : raw;
      if (this.blobs !== undefined && bytes.byteLength >= BLOB_THRESHOLD) {
        const placeholder = blobPlaceholder();
        this.blobs.set(placeholder, bytes);
        return { type: "bytes", data: placeholder };
      }
      return { type: "bytes", data: bytesToBase64(bytes) };
    }
    const id = makeId();
    this.buffers.set(id, raw);
    return { type: "bytes", data: { id } };
  }
}

/** Whether JavaScript lists `name` first among an object's keys (an array index: "0", "1", ...). */
function isArrayIndex(name: string): boolean {
  const n = Number(name);
  return Number.isInteger(n) && n >= 0 && n < 2 ** 32 - 1 && String(n) === name;
}

/** `fields` in the order a JavaScript object lists them: array indices ascending, then the rest. */
function inKeyOrder(fields: [string, unknown][]): [string, unknown][] {
  const indices = fields.filter(([name]) => isArrayIndex(name)).sort(([a], [b]) => Number(a) - Number(b));
  return [...indices, ...fields.filter(([name]) => !isArrayIndex(name))];
}

function encodeDate(date: Date): number {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new SerializationError("can't serialize an invalid Date");
  return time;
}

function encodeSlice(slice: Slice): unknown {
  for (const bound of [slice.start, slice.stop, slice.step]) {
    if (bound !== null && !Number.isSafeInteger(bound)) throw new SerializationError(`slice bounds must be integers or null, got ${String(bound)}`);
  }
  if (slice.step === 0) throw new SerializationError("slice step cannot be zero");
  return { type: "slice", start: slice.start, stop: slice.stop, step: slice.step };
}

/** An NDArray is written only if a receiver can read it back: its shape, dtype and data agree. */
function checkNDArray(nd: NDArray): void {
  const { array, shape, dtype } = nd;
  if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new SerializationError("NDArray shape must be a list of non-negative integers");
  const count = shape.reduce((a: number, b: number) => a * b, 1);
  if (count !== array.length) throw new SerializationError(`NDArray shape [${shape.join(", ")}] does not match its ${array.length} items`);
  if (isTypedArray(array)) {
    const actual = dtypeOf(array);
    if (actual !== dtype && !(dtype === "bool" && actual === "uint8")) {
      throw new SerializationError(`NDArray dtype '${String(dtype)}' does not match its ${array.constructor.name}`);
    }
  }
}

function encodeNumber(value: number): unknown {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return { type: "number", value: "nan" };
  return { type: "number", value: value > 0 ? "+inf" : "-inf" };
}
