export { Encoder, type EncoderOptions } from "./encoder.js";
export { Decoder, type DecoderOptions, type ModelFactory } from "./decoder.js";
export { SerializationError, DeserializationError, UnknownReferenceError } from "./errors.js";
export {
  NDArray,
  ObjectValue,
  Slice,
  STRUCT_TYPES,
  MODEL_BRAND,
  isModelLike,
  isPlainObject,
  isTypedArray,
  type ByteOrder,
  type DataType,
  type NDDataType,
  type SerializableModel,
  type TypedArray,
} from "./values.js";
export { bytesOf, dtypeOf, typedArrayFrom, constructorFor, NATIVE_ORDER } from "./arrays.js";
