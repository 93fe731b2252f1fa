export {
  Document,
  DocumentError,
  ModelTypeError,
  DEFAULT_TITLE,
  type DocJson,
  type DocumentOptions,
  type ChangeListener,
  type ModelSelector,
  type ModelClass,
} from "./document.js";
export { Model, type AttributeListener, type Attributes, type ModelEventCallback, type ModelOptions, type ModelFactoryFn } from "./model.js";
export {
  EventNameError,
  type BokehEventName,
  type BokehEventValues,
  type DocumentEventFields,
  type Factor,
  type KeyModifiers,
  type ModelEventFields,
  type ModelEventName,
  type ModelEventValues,
  type PointEventFields,
} from "./ui-events.js";
export {
  ColumnDataError,
  checkColumns,
  columnDataChangeEvent,
  patchCells,
  rowCount,
  streamRows,
  updateColumns,
  type DataColumn,
  type ColumnData,
  type ColumnPatches,
  type PatchIndex,
} from "./columns.js";
export { applyPatch, documentContent, serializePatch, type ApplyResult, type PatchJson, type SerializedPatch, type SerializeOptions } from "./patch.js";
export type * from "./events.js";
export { EVENT_KINDS } from "./events.js";
export { reconcile } from "./reconcile.js";
export { valuesEqual } from "./equal.js";
