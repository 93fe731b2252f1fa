/**
 * Typed arrays <-> raw bytes. Bulk data never goes through per-element JS arrays:
 * bytes are viewed in place when aligned and copied once otherwise.
 */
import { DeserializationError, SerializationError } from "./errors.js";
import type { ByteOrder, DataType, TypedArray } from "./values.js";

type TypedArrayConstructor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

const CONSTRUCTORS: Record<DataType, TypedArrayConstructor> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

export const NATIVE_ORDER: ByteOrder = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? "little" : "big";

export function isDataType(dtype: unknown): dtype is DataType {
  return typeof dtype === "string" && Object.prototype.hasOwnProperty.call(CONSTRUCTORS, dtype);
}

export function constructorFor(dtype: DataType): TypedArrayConstructor {
  return CONSTRUCTORS[dtype];
}

export function dtypeOf(array: TypedArray): DataType {
  if (array instanceof Float64Array) return "float64";
  if (array instanceof Float32Array) return "float32";
  if (array instanceof Int32Array) return "int32";
  if (array instanceof Uint32Array) return "uint32";
  if (array instanceof Int16Array) return "int16";
  if (array instanceof Uint16Array) return "uint16";
  if (array instanceof Int8Array) return "int8";
  if (array instanceof Uint8Array) return "uint8"; // also Buffer and Uint8ClampedArray's sibling
  throw new SerializationError(`can't serialize typed array of type ${Object.prototype.toString.call(array)}`);
}

/** The bytes of a typed array (a view, no copy). */
export function bytesOf(array: TypedArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** A typed array of `dtype` over `bytes` (in `order`), copying only when alignment or byte order requires it. */
export function typedArrayFrom(bytes: Uint8Array, dtype: DataType, order: ByteOrder): TypedArray {
  const ctor = CONSTRUCTORS[dtype];
  const size = ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength % size !== 0) {
    throw new DeserializationError(`buffer of ${bytes.byteLength} bytes is not a whole number of ${dtype} items`);
  }
  let source = bytes;
  if (bytes.byteOffset % size !== 0 || (order !== NATIVE_ORDER && size > 1)) {
    source = new Uint8Array(bytes); // aligned private copy
    if (order !== NATIVE_ORDER && size > 1) swapBytes(source, size);
  }
  return new ctor(source.buffer, source.byteOffset, source.byteLength / size);
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a] as number;
      bytes[a] = bytes[b] as number;
      bytes[b] = t;
    }
  }
}

export function base64ToBytes(text: string): Uint8Array {
  const buffer = Buffer.from(text, "base64");
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
