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
  readonly document: Document;
  readonly setter: Setter;
}

export interface ModelChangedEvent extends EventBase {
  readonly kind: "ModelChanged";
  readonly model: Model;
  readonly attr: string;
  readonly old: unknown;
  readonly new: unknown;
}

/** `data` replaced (`cols` null) or some of its columns replaced (`cols` lists them). */
export interface ColumnDataChangedEvent extends EventBase {
  readonly kind: "ColumnDataChanged";
  readonly model: Model;
  readonly attr: string;
  readonly cols: readonly string[] | null;
  /** The columns set: all of them (`cols` null) or the listed ones. */
  readonly data: ColumnData;
}

export interface ColumnsStreamedEvent extends EventBase {
  readonly kind: "ColumnsStreamed";
  readonly model: Model;
  readonly attr: string;
  readonly data: ColumnData;
  readonly rollover: number | null;
}

export interface ColumnsPatchedEvent extends EventBase {
  readonly kind: "ColumnsPatched";
  readonly model: Model;
  readonly attr: string;
  readonly patches: ColumnPatches;
}

export interface RootAddedEvent extends EventBase {
  readonly kind: "RootAdded";
  readonly model: Model;
}

export interface RootRemovedEvent extends EventBase {
  readonly kind: "RootRemoved";
  readonly model: Model;
}

export interface TitleChangedEvent extends EventBase {
  readonly kind: "TitleChanged";
  readonly title: string;
}

/** A message between the two ends, e.g. a UI event: `msg_type` "bokeh_event", `msg_data` `{type: "event", name, values}`. */
export interface MessageSentEvent extends EventBase {
  readonly kind: "MessageSent";
  readonly msg_type: string;
  readonly msg_data: unknown;
}

export type DocumentChangedEvent =
  | ModelChangedEvent
  | ColumnDataChangedEvent
  | ColumnsStreamedEvent
  | ColumnsPatchedEvent
  | RootAddedEvent
  | RootRemovedEvent
  | TitleChangedEvent
  | MessageSentEvent;

export type DocumentEventKind = DocumentChangedEvent["kind"];

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
