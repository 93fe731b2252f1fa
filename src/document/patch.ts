/**
 * PATCH-DOC content <-> document events.
 *
 * `applyPatch` decodes a whole patch first (like Bokeh, so a bad reference
 * changes nothing), then applies its events in order, tagged with `setter`.
 * `serializePatch` writes local events the way Bokeh does: models the peer
 * does not have yet in full, known ones as `{"id"}`, array bytes as buffers.
 */
import { contentFrame, type TextPieces } from "../protocol/content.js";
import { documentFormat } from "../protocol/document-format.js";
import { makeId } from "../protocol/ids.js";
import { BOKEH_VERSION } from "../protocol/version.js";
import { Decoder } from "../serialization/decoder.js";
import { Encoder } from "../serialization/encoder.js";
import { DeserializationError, UnknownReferenceError } from "../serialization/errors.js";
import { isPlainObject } from "../serialization/values.js";
import { describePeerValue } from "../util/describe.js";
import type { ColumnData, ColumnPatches } from "./columns.js";
import type { ConfigMode, DocJson, Document } from "./document.js";
import { EVENT_KINDS, type DocumentChangedEvent, type DocumentEventKind, type Setter } from "./events.js";
import { Model } from "./model.js";
import { applyChange, type Change } from "./apply.js";

export interface PatchJson {
  events: Record<string, unknown>[];
}

export interface ApplyResult {
  /** Events applied. */
  applied: number;
  /**
   * Set when the patch was dropped because it refers to a model that was
   * removed from the document (Bokeh does the same and answers OK).
   */
  droppedForRemovedModel?: string;
}

const KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);

export interface ApplyOptions {
  /**
   * The Bokeh release of the peer that wrote the patch: from 3.8 inline bytes are gzipped
   * (protocol/document-format.ts). Default: 3.7's plain base64.
   */
  bokehVersion?: string;
}

/** Applies PATCH-DOC `content` (with its binary `buffers`) to `document`. */
export function applyPatch(
  document: Document,
  content: unknown,
  buffers: ReadonlyMap<string, Uint8Array>,
  setter: Setter,
  options: ApplyOptions = {},
): ApplyResult {
  if (!isPlainObject(content) || !Array.isArray(content.events)) {
    throw new DeserializationError("PATCH-DOC content has no 'events' list");
  }
  const gzipInline = options.bokehVersion !== undefined && documentFormat(options.bokehVersion).gzipInline;
  const decoder = new Decoder<Model>({ models: document._modelFactory(), buffers, gzipInline });
  let events: Change[];
  try {
    events = content.events.map((json) => decodeEvent(json, decoder));
  } catch (error) {
    if (error instanceof UnknownReferenceError && document._wasSeen(error.id)) {
      return { applied: 0, droppedForRemovedModel: error.id };
    }
    throw error;
  }
  // Every event is applied even if one fails (a listener threw, a bad index):
  // stopping halfway would leave this side out of sync. The first error is rethrown.
  let failure: { error: unknown } | null = null;
  for (const event of events) {
    try {
      applyChange(document, event, setter);
    } catch (error) {
      failure ??= { error };
    }
  }
  document._markSynced(decoder.newModels);
  if (failure !== null) throw failure.error;
  return { applied: events.length };
}

function decodeEvent(json: unknown, decoder: Decoder<Model>): Change {
  if (!isPlainObject(json)) throw new DeserializationError("a patch event is not an object");
  const kind = json.kind;
  if (typeof kind !== "string" || !KINDS.has(kind)) throw new DeserializationError(`unknown patch event kind ${describePeerValue(kind)}`);
  const model = (): Model => {
    const value = decoder.decode(json.model);
    if (!(value instanceof Model)) throw new DeserializationError(`${kind} event without a model`);
    return value;
  };
  const attr = (): string => {
    if (typeof json.attr !== "string") throw new DeserializationError(`${kind} event without an attribute name`);
    if (json.attr === "id" || json.attr === "type") throw new DeserializationError(`${kind} cannot change '${json.attr}' of a model`);
    return json.attr;
  };
  const columns = (value: unknown): ColumnData => {
    const data = decoder.decode(value);
    if (!isPlainObject(data)) throw new DeserializationError(`${kind} event data is not a map of columns`);
    return data as ColumnData;
  };
  switch (kind as DocumentEventKind) {
    case "ModelChanged": {
      const name = attr();
      if (json.new === undefined) throw new DeserializationError("ModelChanged without a 'new' value");
      return { kind: "ModelChanged", model: model(), attr: name, new: decoder.decode(json.new) };
    }
    case "ColumnDataChanged": {
      const cols = json.cols ?? null;
      if (cols !== null && !(Array.isArray(cols) && cols.every((c) => typeof c === "string"))) {
        throw new DeserializationError("ColumnDataChanged 'cols' is not a list of names");
      }
      return { kind: "ColumnDataChanged", model: model(), attr: attr(), data: columns(json.data), cols };
    }
    case "ColumnsStreamed": {
      const rollover = json.rollover ?? null;
      if (rollover !== null && !(Number.isInteger(rollover) && (rollover as number) >= 0)) {
        throw new DeserializationError("ColumnsStreamed 'rollover' is not a non-negative integer");
      }
      return { kind: "ColumnsStreamed", model: model(), attr: attr(), data: columns(json.data), rollover: rollover as number | null };
    }
    case "ColumnsPatched": {
      const patches = decoder.decode(json.patches);
      if (!isPlainObject(patches) || !Object.values(patches).every((list) => Array.isArray(list) && list.every((p) => Array.isArray(p) && p.length === 2))) {
        throw new DeserializationError("ColumnsPatched 'patches' is not a map of [index, value] lists");
      }
      return { kind: "ColumnsPatched", model: model(), attr: attr(), patches: patches as ColumnPatches };
    }
    case "RootAdded":
      return { kind: "RootAdded", model: model() };
    case "RootRemoved":
      return { kind: "RootRemoved", model: model() };
    case "TitleChanged":
      if (typeof json.title !== "string") throw new DeserializationError("TitleChanged without a title");
      return { kind: "TitleChanged", title: json.title };
    case "MessageSent":
      if (typeof json.msg_type !== "string") throw new DeserializationError("MessageSent without a msg_type");
      if (json.msg_data === undefined) throw new DeserializationError("MessageSent without msg_data");
      return { kind: "MessageSent", msg_type: json.msg_type, msg_data: decoder.decode(json.msg_data) };
  }
}

export interface SerializedPatch {
  content: PatchJson;
  buffers: Map<string, Uint8Array>;
  /** Models written in full; mark them synced once the patch is sent. */
  newModels: Model[];
}

export interface SerializeOptions {
  /**
   * Write the models inside MessageSent payloads (UI events) in full, as clients
   * (BokehJS and Python's) do; the server writes references. Default false.
   */
  eventModelsInFull?: boolean;
}

/**
 * Writes events as PATCH-DOC content. Events about models that are no longer in
 * the document are left out (the server no longer has them either); the local ones
 * are reported to the document's `onDetachedChange` listeners.
 */
export function serializePatch(document: Document, events: readonly DocumentChangedEvent[], options: SerializeOptions = {}): SerializedPatch {
  const encoder = new Encoder({ binary: true, isKnown: (model) => document._isSynced(model as Model) });
  const json: Record<string, unknown>[] = [];
  for (const event of events) {
    const written = eventToJson(event, encoder, document, options.eventModelsInFull ?? false);
    if (written !== null) json.push(written);
    else if (event.setter === undefined && "model" in event) document._detachedChange(event.model, event); // a local change nobody will get
  }
  return { content: { events: json }, buffers: encoder.buffers, newModels: encoder.newModels as Model[] };
}

function eventToJson(event: DocumentChangedEvent, encoder: Encoder, document: Document, eventModelsInFull: boolean): Record<string, unknown> | null {
  const ref = (model: Model) => ({ id: model.id });
  const inDocument = (model: Model) => document.getModelById(model.id) === model;
  switch (event.kind) {
    case "ModelChanged":
      if (!inDocument(event.model)) return null;
      return { kind: event.kind, model: ref(event.model), attr: event.attr, new: encoder.encode(event.new) };
    case "ColumnDataChanged":
      if (!inDocument(event.model)) return null;
      return { kind: event.kind, model: ref(event.model), attr: event.attr, data: encoder.encode(event.data), cols: event.cols };
    case "ColumnsStreamed":
      if (!inDocument(event.model)) return null;
      return { kind: event.kind, model: ref(event.model), attr: event.attr, data: encoder.encode(event.data), rollover: event.rollover };
    case "ColumnsPatched":
      if (!inDocument(event.model)) return null;
      return { kind: event.kind, model: ref(event.model), attr: event.attr, patches: encoder.encode(event.patches) };
    case "RootAdded":
      return { kind: event.kind, model: encoder.encode(event.model) };
    case "RootRemoved":
      return { kind: event.kind, model: ref(event.model) };
    case "TitleChanged":
      return { kind: event.kind, title: event.title };
    case "MessageSent":
      return {
        kind: event.kind,
        msg_type: event.msg_type,
        msg_data: eventModelsInFull ? encoder.encodeDetached(event.msg_data) : encoder.encode(event.msg_data),
      };
  }
}

export interface DocumentContentOptions {
  /**
   * The Bokeh release to write for ("3.9.2"): the document's `version` field, and, unless
   * `buffers` or `config` say otherwise, that release's format (protocol/document-format.ts).
   * Without it: 3.7's form, with the version the document writes itself.
   */
  bokehVersion?: string;
  /** Arrays as binary buffers (3.8+) rather than inline base64. */
  buffers?: boolean;
  /**
   * How the 3.8+ `config` is written. `"ensure"` gives the document a default one
   * (`DocumentConfig` with its `Notifications`, as Bokeh writes it) if it has none, and
   * keeps it, so the config's ids stay the same from one write to the next.
   */
  config?: ConfigMode;
}

/**
 * PULL-DOC-REPLY / PUSH-DOC content: `{doc}` and the content frame to send. Arrays are
 * inline base64 as Bokeh 3.7 expects (large ones spliced into the frame without going
 * through JSON, protocol/content.ts), or with `buffers` binary buffers as 3.8+ expects.
 * The fields are in Bokeh 3.8+'s order: version, title, config, roots.
 */
export function documentContent(
  document: Document,
  options: DocumentContentOptions = {},
): { doc: DocJson; frame: string | TextPieces; buffers: Map<string, Uint8Array> } {
  const format = options.bokehVersion === undefined ? null : documentFormat(options.bokehVersion);
  const buffers = options.buffers ?? format?.buffers ?? false;
  const config = options.config ?? (format === null ? "keep" : format.config ? "ensure" : "omit");
  const blobs = new Map<string, Uint8Array>();
  // Bokeh 3.8+: the arrays travel as binary buffer frames after the content.
  const encoder = buffers ? new Encoder({ binary: true }) : new Encoder({ blobs, gzipInline: format?.gzipInline ?? false });
  // Without a release to write for, inline bytes are plain base64, which a document must then
  // say is 3.7's: a 3.8+ version tells readers to gunzip them.
  const plain = format === null && !buffers && documentFormat(document.bokehVersion).gzipInline;
  const written = document._toJSON(encoder, config === "omit" ? "omit" : "keep", plain ? BOKEH_VERSION : document.bokehVersion);
  let configJson = written.config;
  if (configJson === undefined && config === "ensure") {
    configJson = defaultConfig();
    document._setConfig(configJson);
  }
  const doc: DocJson = {
    version: format?.version ?? written.version,
    title: written.title,
    ...(configJson === undefined ? {} : { config: configJson }),
    roots: written.roots,
  };
  return { doc, frame: buffers ? JSON.stringify({ doc }) : contentFrame({ doc }, blobs), buffers: encoder.buffers };
}

/** A new `DocumentConfig` with Bokeh's defaults, in the form Bokeh 3.8+ writes it. */
function defaultConfig(): Record<string, unknown> {
  return { type: "object", name: "DocumentConfig", id: makeId(), attributes: { notifications: { type: "object", name: "Notifications", id: makeId() } } };
}
