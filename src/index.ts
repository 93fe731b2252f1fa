/**
 * bokeh-client: talk to a Bokeh server from Node.js.
 *
 *   import { pullSession, pushSession, ClientSession, Document, Model, ColumnDataSource } from "bokeh-client";
 *   import { BokehServer } from "bokeh-client/server";
 */
export * from "./client/index.js";
export * from "./document/index.js";
export * from "./embed/index.js";
export {
  NDArray,
  ObjectValue,
  Slice,
  SerializationError,
  DeserializationError,
  UnknownReferenceError,
  type ByteOrder,
  type DataType,
  type NDDataType,
  type TypedArray,
} from "./serialization/index.js";
export {
  BOKEH_VERSION,
  MessageTooLargeError,
  ProtocolError,
  TokenError,
  generateSessionId,
  generateToken,
  getSessionId,
  getTokenPayload,
  type ServerInfo,
  type SigningOptions,
} from "./protocol/index.js";
export { BokehError } from "./util/errors.js";
