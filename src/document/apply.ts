/**
 * Applying one change to a document: one function per event kind, in one table.
 *
 * Used for every change that comes from elsewhere: a peer's PATCH-DOC (patch.ts, on the
 * client and in the embedded server) and local changes applied again after a resync
 * (client/resync.ts). There is no second switch over the event kinds.
 */
import type { ColumnData, ColumnPatches } from "./columns.js";
import type { Document } from "./document.js";
import type { DocumentEventKind, Setter } from "./events.js";
import type { Model } from "./model.js";

/** A change to apply: a document event without its document, setter or old value. */
export type Change =
  | { kind: "ModelChanged"; model: Model; attr: string; new: unknown }
  | { kind: "ColumnDataChanged"; model: Model; attr: string; data: ColumnData; cols: readonly string[] | null }
  | { kind: "ColumnsStreamed"; model: Model; attr: string; data: ColumnData; rollover: number | null }
  | { kind: "ColumnsPatched"; model: Model; attr: string; patches: ColumnPatches }
  | { kind: "RootAdded"; model: Model }
  | { kind: "RootRemoved"; model: Model }
  | { kind: "TitleChanged"; title: string }
  | { kind: "MessageSent"; msg_type: string; msg_data: unknown };

type ChangeOf<K extends DocumentEventKind> = Extract<Change, { kind: K }>;

const APPLY: { readonly [K in DocumentEventKind]: (document: Document, change: ChangeOf<K>, setter: Setter) => void } = {
  ModelChanged: (_, c, setter) => c.model.setAttribute(c.attr, c.new, setter),
  // Bokeh's Python client drops the columns not listed in `cols`; BokehJS keeps them, and so do we.
  ColumnDataChanged: (_, c, setter) =>
    c.cols === null ? c.model.setAttribute(c.attr, c.data, setter) : c.model._replaceColumns(c.attr, c.data, c.cols, setter),
  ColumnsStreamed: (_, c, setter) => c.model._streamColumns(c.attr, c.data, c.rollover, setter),
  ColumnsPatched: (_, c, setter) => c.model._patchColumns(c.attr, c.patches, setter),
  RootAdded: (document, c, setter) => document.addRoot(c.model, setter),
  RootRemoved: (document, c, setter) => document.removeRoot(c.model, setter),
  TitleChanged: (document, c, setter) => document.setTitle(c.title, setter),
  MessageSent: (document, c, setter) => document._emit({ kind: "MessageSent", msg_type: c.msg_type, msg_data: c.msg_data }, setter),
};

/** Applies `change` to `document`, reported to its listeners as made by `setter`. */
export function applyChange(document: Document, change: Change, setter: Setter): void {
  (APPLY[change.kind] as (document: Document, change: Change, setter: Setter) => void)(document, change, setter);
}
