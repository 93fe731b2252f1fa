/**
 * Document change events: what happened to a document, with the setter that
 * caused it (so a session can suppress echoing a peer's own change back).
 */
import type { Document } from "./document.js";
import type { Model } from "./model.js";
import type { ColumnData, ColumnPatches } from "./columns.js";

/** Who made a change: an opaque token (a session or connection), or undefined for local code. */
export type Setter = object | undefined;

interface EventBase {
  /** The document that changed. */
  readonly document: Document;
  /** Who made the change (a session or connection), undefined for local code. */
  readonly setter: Setter;
}

/** An attribute of a model was set. */
export interface ModelChangedEvent extends EventBase {
  /** Which event this is. */
  readonly kind: "ModelChanged";
  /** The model concerned. */
  readonly model: Model;
  /** The attribute concerned (`data` for a ColumnDataSource's columns). */
  readonly attr: string;
  /** The value before. */
  readonly old: unknown;
  /** The value now. */
  readonly new: unknown;
}

/** `data` replaced (`cols` null) or some of its columns replaced (`cols` lists them). */
export interface ColumnDataChangedEvent extends EventBase {
  /** Which event this is. */
  readonly kind: "ColumnDataChanged";
  /** The model concerned. */
  readonly model: Model;
  /** The attribute concerned (`data` for a ColumnDataSource's columns). */
  readonly attr: string;
  /** The replaced columns, or null when all of `data` was replaced. */
  readonly cols: readonly string[] | null;
  /** The columns set: all of them (`cols` null) or the listed ones. */
  readonly data: ColumnData;
}

/** Rows were appended to a ColumnDataSource's columns (`stream()`), the oldest dropped beyond `rollover`. */
export interface ColumnsStreamedEvent extends EventBase {
  /** Which event this is. */
  readonly kind: "ColumnsStreamed";
  /** The model concerned. */
  readonly model: Model;
  /** The attribute concerned (`data` for a ColumnDataSource's columns). */
  readonly attr: string;
  /** The appended rows, by column. */
  readonly data: ColumnData;
  /** Most rows kept (older rows are dropped), or null for no limit. */
  readonly rollover: number | null;
}

/** Cells of a ColumnDataSource's columns were replaced (`patch()`). */
export interface ColumnsPatchedEvent extends EventBase {
  /** Which event this is. */
  readonly kind: "ColumnsPatched";
  /** The model concerned. */
  readonly model: Model;
  /** The attribute concerned (`data` for a ColumnDataSource's columns). */
  readonly attr: string;
  /** The replaced cells by column: `[index or slice, new value(s)]` pairs. */
  readonly patches: ColumnPatches;
}

/** A model became a root of the document. */
export interface RootAddedEvent extends EventBase {
  /** Which event this is. */
  readonly kind: "RootAdded";
  /** The model concerned. */
  readonly model: Model;
}

/** A root was removed from the document. */
export interface RootRemovedEvent extends EventBase {
  /** Which event this is. */
  readonly kind: "RootRemoved";
  /** The model concerned. */
  readonly model: Model;
}

/** The document's title changed. */
export interface TitleChangedEvent extends EventBase {
  /** Which event this is. */
  readonly kind: "TitleChanged";
  /** The new title. */
  readonly title: string;
}

/** A message between the two ends, e.g. a UI event: `msg_type` "bokeh_event", `msg_data` `{type: "event", name, values}`. */
export interface MessageSentEvent extends EventBase {
  /** Which event this is. */
  readonly kind: "MessageSent";
  /** The message type (`"bokeh_event"` for UI events). */
  readonly msg_type: string;
  /** The message, as sent. */
  readonly msg_data: unknown;
}

/** Any change of a document, told apart by `kind`. */
export type DocumentChangedEvent =
  | ModelChangedEvent
  | ColumnDataChangedEvent
  | ColumnsStreamedEvent
  | ColumnsPatchedEvent
  | RootAddedEvent
  | RootRemovedEvent
  | TitleChangedEvent
  | MessageSentEvent;

/** The name of a kind of document event: `"ModelChanged"`, `"RootAdded"`, ... */
export type DocumentEventKind = DocumentChangedEvent["kind"];

/** Every kind of document event, in Bokeh's order. */
export const EVENT_KINDS: readonly DocumentEventKind[] = [
  "ModelChanged",
  "ColumnDataChanged",
  "ColumnsStreamed",
  "ColumnsPatched",
  "RootAdded",
  "RootRemoved",
  "TitleChanged",
  "MessageSent",
];

/** An event as it is created, before the document and setter are filled in. */
export type EventInit = DocumentChangedEvent extends infer E ? (E extends DocumentChangedEvent ? Omit<E, "document" | "setter"> : never) : never;
