/**
 * Decoder: Bokeh wire reps -> JavaScript values (see values.ts for the mapping).
 *
 * Models are resolved through the `ModelFactory` the caller passes: references
 * to models the receiver has are looked up, full `{"type": "object", "id"}`
 * reps create new models (or, like Bokeh, return the existing one when the id is
 * already known). References resolve to models created earlier in the same value.
 */
import { gunzipSync } from "node:zlib";
import { isInlineBlobId } from "../protocol/content.js";
import { base64ToBytes, isDataType, typedArrayFrom } from "./arrays.js";
import { describePeerValue } from "../util/describe.js";
import { DeserializationError, UnknownReferenceError } from "./errors.js";
import {
  isPlainObject,
  NDArray,
  ObjectValue,
  setEntry,
  Slice,
  STRUCT_TYPES,
  type ByteOrder,
  type NDDataType,
  type SerializableModel,
} from "./values.js";

export interface ModelFactory<M extends SerializableModel = SerializableModel> {
  /** A model the receiver already has, or undefined. */
  resolve(id: string): M | undefined;
  /** A new, empty model of `type` with `id` (unknown types get a generic model). */
  create(type: string, id: string): M;
  /** Gives a model created by `create` its decoded attributes (no change events). */
  initialize(model: M, attributes: Record<string, unknown>): void;
}

export interface DecoderOptions<M extends SerializableModel> {
  models: ModelFactory<M>;
  buffers?: ReadonlyMap<string, Uint8Array>;
  /** Inline base64 bytes are gzip-compressed (documents written by Bokeh 3.8 and later). */
  gzipInline?: boolean;
}

/**
 * Deepest nesting of wire reps decoded. Bokeh documents nest a few dozen levels;
 * the limit keeps hostile input from overflowing the stack (a RangeError).
 */
export const MAX_DEPTH = 1000;

export class Decoder<M extends SerializableModel = SerializableModel> {
  /** Models this decoder created, in order. */
  readonly newModels: M[] = [];

  private readonly models: ModelFactory<M>;
  private readonly buffers: ReadonlyMap<string, Uint8Array>;
  private readonly gzipInline: boolean;
  private readonly created = new Map<string, M>();
  private depth = 0;

  constructor(options: DecoderOptions<M>) {
    this.models = options.models;
    this.buffers = options.buffers ?? new Map();
    this.gzipInline = options.gzipInline ?? false;
  }

  decode(rep: unknown): unknown {
    if (typeof rep !== "object" || rep === null) return rep;
    if (this.depth >= MAX_DEPTH) throw new DeserializationError(`value nested deeper than ${MAX_DEPTH} levels`);
    this.depth++;
    try {
      return this.decodeObject(rep);
    } finally {
      this.depth--;
    }
  }

  private decodeObject(rep: object): unknown {
    if (Array.isArray(rep)) return this.decodeArray(rep);
    const obj = rep as Record<string, unknown>;
    const type = obj.type;
    if (type === undefined) {
      return typeof obj.id === "string" ? this.resolveRef(obj.id) : this.decodePlainObject(obj);
    }
    switch (type) {
      case "ref":
        return this.resolveRef(this.expectString(obj.id, "ref id"));
      case "number":
        return decodeNumber(obj.value);
      case "array":
        return this.decodeArray(this.entries(obj));
      case "set":
        return new Set(this.entries(obj).map((v) => this.decode(v)));
      case "map":
        return this.decodeMap(this.entries(obj));
      case "struct":
        return this.decodeMap(this.entries(obj));
      case "bytes":
        return toArrayBuffer(this.decodeBytes(obj.data));
      case "slice": {
        const step = this.sliceBound(obj.step);
        if (step === 0) throw new DeserializationError("slice step cannot be zero");
        return new Slice({ start: this.sliceBound(obj.start), stop: this.sliceBound(obj.stop), step });
      }
      case "typed_array":
        return this.decodeTypedArray(obj);
      case "ndarray":
        return this.decodeNDArray(obj);
      case "object":
        return typeof obj.id === "string" ? this.decodeModel(obj) : this.decodeObjectValue(obj);
      case "date": {
        const date = new Date(this.expectString(obj.iso, "date iso"));
        if (Number.isNaN(date.getTime())) throw new DeserializationError(`invalid date ${describePeerValue(obj.iso)}`);
        return date;
      }
      case "symbol":
        throw new DeserializationError(`can't resolve named symbol ${describePeerValue(obj.name)}`);
      default:
        if (typeof type === "string" && STRUCT_TYPES.has(type)) return this.decodeStruct(obj);
        throw new DeserializationError(`unable to decode an object of type ${describePeerValue(type)}`);
    }
  }

  private decodeArray(array: unknown[]): unknown[] {
    // Fast path: lists of scalars (the common CDS column) are used as they are.
    let i = 0;
    for (; i < array.length; i++) {
      const item = array[i];
      if (typeof item === "object" && item !== null) break;
    }
    if (i === array.length) return array;
    const out = array.slice(0, i);
    for (; i < array.length; i++) out.push(this.decode(array[i]));
    return out;
  }

  private decodePlainObject(obj: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) setEntry(out, key, this.decode(obj[key]));
    return out;
  }

  private decodeStruct(obj: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) setEntry(out, key, key === "type" ? obj[key] : this.decode(obj[key]));
    return out;
  }

  /** String-keyed maps become plain objects; any other key makes a Map. */
  private decodeMap(entries: unknown[]): Record<string, unknown> | Map<unknown, unknown> {
    const pairs: [unknown, unknown][] = entries.map((entry) => {
      if (!Array.isArray(entry) || entry.length !== 2) throw new DeserializationError("map entry is not a [key, value] pair");
      return [this.decode(entry[0]), this.decode(entry[1])];
    });
    if (pairs.every(([key]) => typeof key === "string")) {
      const out: Record<string, unknown> = {};
      for (const [key, val] of pairs) setEntry(out, key as string, val);
      return out;
    }
    return new Map(pairs);
  }

  private decodeBytes(data: unknown): Uint8Array {
    if (typeof data === "string") return this.inline(base64ToBytes(data));
    if (isPlainObject(data) && typeof data.id === "string") {
      const buffer = this.buffers.get(data.id);
      if (buffer === undefined) throw new DeserializationError(`can't resolve buffer '${data.id}'`);
      // A large inline base64 string taken out of the frame before parsing (protocol/content.ts) is still inline bytes.
      return isInlineBlobId(data.id) ? this.inline(buffer) : buffer;
    }
    throw new DeserializationError("malformed bytes: data is neither base64 text nor a buffer reference");
  }

  /** Bytes that were written inline: gzip-compressed from Bokeh 3.8 on. */
  private inline(bytes: Uint8Array): Uint8Array {
    if (!this.gzipInline) return bytes;
    try {
      const raw = gunzipSync(bytes);
      return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    } catch (cause) {
      throw new DeserializationError(`inline bytes are not gzip-compressed as Bokeh 3.8+ writes them: ${(cause as Error).message}`);
    }
  }

  private decodeTypedArray(obj: Record<string, unknown>): unknown {
    const dtype = obj.dtype;
    if (!isDataType(dtype)) throw new DeserializationError(`unsupported dtype ${describePeerValue(dtype)}`);
    const array = obj.array;
    if (!isPlainObject(array) || array.type !== "bytes") throw new DeserializationError("typed_array without bytes");
    return typedArrayFrom(this.decodeBytes(array.data), dtype, byteOrder(obj.order));
  }

  private decodeNDArray(obj: Record<string, unknown>): unknown {
    const { dtype, shape } = obj;
    if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new DeserializationError("ndarray with an invalid shape");
    }
    const array = obj.array;
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    if (Array.isArray(array) || (isPlainObject(array) && array.type === "array")) {
      const items = this.decode(array) as unknown[];
      // Bokeh writes list-backed ndarrays flattened; a shape that does not match would make
      // later patches index (and allocate) by a size the data does not have.
      if (items.length !== count) throw new DeserializationError(`ndarray shape [${shape.join(", ")}] does not match its ${items.length} items`);
      if (dtype !== undefined && typeof dtype !== "string") throw new DeserializationError("ndarray dtype is not a string");
      return new NDArray(items, shape, (dtype ?? "object") as NDDataType);
    }
    if (!isPlainObject(array) || array.type !== "bytes") throw new DeserializationError("ndarray without bytes or list data");
    const bytes = this.decodeBytes(array.data);
    const order = byteOrder(obj.order);
    if (dtype !== "bool" && !isDataType(dtype)) throw new DeserializationError(`unsupported dtype ${describePeerValue(dtype)}`);
    const typed = typedArrayFrom(bytes, dtype === "bool" ? "uint8" : dtype, order);
    if (count !== typed.length) {
      throw new DeserializationError(`ndarray shape [${shape.join(", ")}] does not match its ${typed.length} items`);
    }
    return shape.length === 1 && dtype !== "bool" ? typed : new NDArray(typed, shape, dtype);
  }

  private decodeModel(obj: Record<string, unknown>): M {
    const id = obj.id as string;
    const existing = this.created.get(id) ?? this.models.resolve(id);
    if (existing !== undefined) return existing; // like Bokeh: a known id wins, attributes are ignored
    const name = this.expectString(obj.name, "object name");
    if (name === "") throw new DeserializationError(`model ${id} has an empty type name`);
    const model = this.models.create(name, id);
    this.created.set(id, model);
    this.newModels.push(model);
    const attributes = obj.attributes;
    if (attributes !== undefined && !isPlainObject(attributes)) throw new DeserializationError(`attributes of ${name}(id=${id}) is not an object`);
    this.models.initialize(model, attributes === undefined ? {} : this.decodePlainObject(attributes));
    return model;
  }

  private decodeObjectValue(obj: Record<string, unknown>): ObjectValue {
    const name = this.expectString(obj.name, "object name");
    const attributes = obj.attributes;
    return new ObjectValue(name, isPlainObject(attributes) ? this.decodePlainObject(attributes) : {});
  }

  private resolveRef(id: string): M {
    const model = this.created.get(id) ?? this.models.resolve(id);
    if (model === undefined) throw new UnknownReferenceError(id);
    return model;
  }

  private entries(obj: Record<string, unknown>): unknown[] {
    const entries = obj.entries ?? [];
    if (!Array.isArray(entries)) throw new DeserializationError(`${describePeerValue(obj.type)} entries is not a list`);
    return entries;
  }

  private sliceBound(value: unknown): number | null {
    const decoded = this.decode(value);
    if (decoded === null || decoded === undefined) return null;
    if (typeof decoded !== "number" || !Number.isSafeInteger(decoded)) throw new DeserializationError("slice bound is not an integer");
    return decoded;
  }

  private expectString(value: unknown, what: string): string {
    if (typeof value !== "string") throw new DeserializationError(`${what} is not a string`);
    return value;
  }
}

function decodeNumber(value: unknown): number {
  switch (value) {
    case "nan":
      return NaN;
    case "+inf":
      return Infinity;
    case "-inf":
      return -Infinity;
  }
  if (typeof value === "number") return value;
  throw new DeserializationError(`invalid number representation ${describePeerValue(value)}`);
}

function byteOrder(order: unknown): ByteOrder {
  if (order === undefined || order === "little" || order === "big") return order ?? "little";
  throw new DeserializationError(`invalid byte order ${describePeerValue(order)}`);
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
