/**
 * SyncedDocument: a session's document and what flows between it and the server.
 *
 * - Out: every local change goes into the session's ChangeQueue (the guard refuses one the
 *   queue cannot take, before it is made); a push writes the whole document and, while it is
 *   under way, knows its echo (push-echo.ts).
 * - In: server patches are applied as they arrive, tagged with the session as their setter
 *   so they are not sent back; a pull adopts the server's document, a re-pull reconciles with
 *   it and, after a reconnection, brings back the changes the server had not confirmed
 *   (resync.ts).
 * - Local changes to models that left the document are reported, never sent silently nowhere.
 */
import { Document, type DocJson } from "../document/document.js";
import type { DocumentChangedEvent } from "../document/events.js";
import type { Model } from "../document/model.js";
import { applyPatch, documentContent, type DocumentContentOptions } from "../document/patch.js";
import { reconcile } from "../document/reconcile.js";
import { checkBokehVersion } from "../models/version-check.js";
import { ProtocolError } from "../protocol/errors.js";
import type { Header, Message } from "../protocol/message.js";
import { isPlainObject } from "../serialization/values.js";
import { BokehError } from "../util/errors.js";
import type { ChangeQueue } from "./change-queue.js";
import type { ClientConnection } from "./connection.js";
import { ChangesRejectedError, ServerError } from "./errors.js";
import { patchToApply, type PushEcho } from "./push-echo.js";
import { appliedPrefix, replay } from "./resync.js";
import type { DetachedChange, ResyncInfo } from "./session-types.js";

/** What a SyncedDocument needs from its session. */
export interface SyncedDocumentHost {
  /** The setter of the changes applied from the server: the session (not echoed back). */
  readonly setter: object;
  readonly queue: ChangeQueue;
  /** Changes that could not be applied again after a resync, with the error. */
  rejected(error: BokehError, events: readonly DocumentChangedEvent[]): void;
  /** A local change to a model that left the document. */
  detachedChange(info: DetachedChange): void;
  /** Something went wrong applying a server patch. */
  report(error: BokehError): void;
}

/** How a whole document is written for the server: the form, and the release to check it against ("" when unknown). */
export interface DocumentWriting {
  format: DocumentContentOptions;
  version: string;
}

export class SyncedDocument {
  private _document: Document | null = null;
  /** How the document came: a resync re-pulls or re-pushes accordingly. */
  private _origin: "pull" | "push" | null = null;
  /** Stops listening to the document (its change listener, guard and detached-change listener). */
  private stopListening: (() => void) | null = null;
  /** The push under way, whose echo server patches carry. */
  private pushEcho: PushEcho | null = null;

  constructor(private readonly host: SyncedDocumentHost) {}

  get document(): Document | null {
    return this._document;
  }

  get origin(): "pull" | "push" | null {
    return this._origin;
  }

  /** The first pull or push that succeeded says how the document came. */
  settleOrigin(origin: "pull" | "push"): void {
    this._origin ??= origin;
  }

  /** Runs as a PULL-DOC-REPLY arrives, so the patches right behind it apply to it. */
  adopt(reply: Message): void {
    const json = docJson(reply);
    if (this._document === null) {
      const pulled = Document.fromJSON(json, reply.buffers);
      this.attach(pulled);
      pulled._markSynced();
    } else {
      // A second pull: the server's state wins, model instances that still exist are kept,
      // and the differences reach listeners as changes from the server (not echoed).
      reconcile(this._document, json, reply.buffers, this.host.setter);
    }
  }

  /**
   * The resync of a pulled document, in one synchronous step as its PULL-DOC-REPLY arrives:
   * the server's state is adopted, then the waiting changes are taken from the queue and
   * applied again (they go back into it as new local changes), except those the server
   * shows it had applied.
   */
  repull(reply: Message): ResyncInfo {
    const document = this._document as Document;
    const queue = this.host.queue;
    const { removed } = reconcile(document, docJson(reply), reply.buffers, this.host.setter);
    const { unconfirmed, pending } = queue.takeWaiting();
    const skipped = appliedPrefix(document, unconfirmed, (event) => queue.streamEnd(event));
    const again = [...unconfirmed.slice(skipped), ...pending];
    const { rejected, reasons } = replay(document, again);
    if (rejected.length > 0) {
      const error = new ChangesRejectedError(rejected.length, [...new Set(reasons)].join("; "));
      queue.report(error);
      this.host.rejected(error, rejected);
    }
    return { mode: "pull", replayed: again.length - rejected.length, rejected: rejected.length, skipped, replaced: replacements(removed, document) };
  }

  /**
   * Sends `doc` whole (PUSH-DOC), in the server's form; returns how many waiting changes it
   * carried. Nothing is sent if the server's release lacks a model type or property it uses.
   */
  async push(connection: ClientConnection, doc: Document, writing: DocumentWriting): Promise<number> {
    if (writing.version !== "") checkBokehVersion(doc, writing.version);
    const { unconfirmed, pending } = this.host.queue.takeWaiting(); // every change so far is part of what is pushed now
    this.pushEcho = { roots: new Set(doc.roots.map((root) => root.id)), title: doc.title };
    const { doc: json, frame, buffers } = documentContent(doc, writing.format);
    const reply = connection.request("PUSH-DOC", { doc: json }, { contentJson: frame, buffers });
    doc._markSynced();
    try {
      await reply;
    } catch (error) {
      throw error instanceof ServerError ? new ServerError("PUSH-DOC", error.text, error.traceback) : error;
    } finally {
      this.pushEcho = null;
    }
    return unconfirmed.length + pending.length;
  }

  /** From now on local changes of `document` go to the queue, and it stays in sync. */
  attach(document: Document): void {
    const { setter, queue } = this.host;
    this._document = document;
    const unsubscribe = document.onChange((event) => {
      if (event.setter !== setter) queue.add(event); // applied from the server: not echoed back
    });
    const unguard = document._addGuard((by, count) => {
      if (by !== setter) queue.admit(count);
    });
    const undetached = document.onDetachedChange((change) => this.detachedChange(document, change));
    this.stopListening = () => {
      unsubscribe();
      unguard();
      undetached();
    };
  }

  /** Stops listening to the document; `forget` also lets it go (a failed first push). */
  detach(forget: boolean): void {
    this.stopListening?.();
    this.stopListening = null;
    if (forget) this._document = null;
  }

  /** A server message that is not a reply: PATCH-DOC is applied (but for our push's echo); anything else is reported. */
  apply(message: Message): void {
    if (message.header.msgtype !== "PATCH-DOC") {
      this.host.report(new ProtocolError(`unexpected ${message.header.msgtype} message from the server`));
      return;
    }
    if (message.skippedBuffers) return; // its arrays were not read: readsBuffers said it applies nothing
    const document = this._document;
    const patch = patchToApply(message.content, this.pushEcho, document !== null);
    if (document === null || patch === null) return;
    try {
      applyPatch(document, patch, message.buffers, this.host.setter, { bokehVersion: document.bokehVersion });
    } catch (error) {
      this.host.report(
        error instanceof BokehError
          ? error
          : new BokehError("ERR_BOKEH_LISTENER", `a document listener threw while a server patch was applied: ${String(error)}`, { cause: error }),
      );
    }
  }

  /**
   * Whether `apply` will read this message's buffers. Not when it applies nothing of it, as
   * when every event is the echo of our push: a Bokeh server sends a pushed document's arrays
   * straight back, and the connection then skips them on the socket.
   */
  readsBuffers(header: Header, content: unknown): boolean {
    if (header.msgtype !== "PATCH-DOC") return true; // reported as unexpected, not ours to skip
    return patchToApply(content, this.pushEcho, this._document !== null) !== null;
  }

  private detachedChange(document: Document, change: DocumentChangedEvent): void {
    if (!("model" in change)) return;
    const model = change.model;
    this.host.detachedChange({ model, change, replacement: replacements([model], document)[0]?.replacement ?? null });
  }
}

function docJson(reply: Message): DocJson {
  const json = isPlainObject(reply.content) ? (reply.content.doc as DocJson | undefined) : undefined;
  if (json === undefined) throw new ProtocolError("PULL-DOC-REPLY without a document");
  return json;
}

/** For each model that left the document, the one of the same type and name that is in it now, if exactly one is. */
function replacements(removed: readonly Model[], document: Document): ResyncInfo["replaced"] {
  return removed.map((old) => {
    const name = old.get("name");
    const candidates = typeof name === "string" ? document.select({ name, type: old.type }) : [];
    return { old, replacement: candidates.length === 1 ? (candidates[0] as Model) : null };
  });
}
