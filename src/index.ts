/**
 * bokeh-client: talk to a Bokeh server from Node.js.
 *
 *   import { pullSession, pushSession, ClientSession, Document, Model, ColumnDataSource, figure } from "bokeh-client";
 *   import { BokehServer } from "bokeh-client/server";
 *
 * This entry point also loads the typed catalog of every Bokeh model (src/models),
 * and fills the model registry with its classes (src/models/registry.ts), so documents
 * pulled from a server are made of typed instances (`plot.width`).
 */
import "./models/registry.js";

export * from "./client/index.js";
export {
  Document,
  DocumentError,
  ModelTypeError,
  DEFAULT_TITLE,
  Model,
  ColumnDataError,
  EVENT_KINDS,
  type AttributeListener,
  type Attributes,
  type ChangeListener,
  type ColumnData,
  type ColumnPatches,
  type DataColumn,
  type DocJson,
  type DocumentOptions,
  type ModelClass,
  type ModelOptions,
  type ModelSelector,
  type PatchIndex,
  EventNameError,
  type BokehEventName,
  type BokehEventValues,
  type DocumentEventFields,
  type Factor,
  type KeyModifiers,
  type ModelEventCallback,
  type ModelEventFields,
  type ModelEventName,
  type ModelEventValues,
  type PointEventFields,
} from "./document/index.js";
export type {
  ColumnDataChangedEvent,
  ColumnsPatchedEvent,
  ColumnsStreamedEvent,
  DocumentChangedEvent,
  DocumentEventKind,
  MessageSentEvent,
  ModelChangedEvent,
  RootAddedEvent,
  RootRemovedEvent,
  Setter,
  TitleChangedEvent,
} from "./document/events.js";
// Every Bokeh model as a typed class (ColumnDataSource, Plot, Slider, ...), figure(), ValidationError.
export * from "./models/index.js";
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
  KNOWN_BOKEH_VERSIONS,
  LATEST_BOKEH_VERSION,
  type KnownBokehVersion,
  MessageTooLargeError,
  ProtocolError,
  TokenError,
  generateSessionId,
  generateToken,
  getSessionId,
  getTokenPayload,
  type ProtocolErrorKind,
  type ServerInfo,
  type Signing,
  type SigningOptions,
  type TokenOptions,
  type TokenPayload,
} from "./protocol/index.js";
export { BokehError } from "./util/errors.js";
export type { Listener } from "./util/emitter.js";
export type { ModelFactoryFn } from "./document/model.js";
export type { SerializableModel } from "./serialization/values.js";
