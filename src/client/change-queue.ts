/**
 * ChangeQueue: the local changes a session has not yet had confirmed.
 *
 * A change is held here from the moment it is made until the server confirms it (its
 * PATCH-DOC's OK) or it is reported with the change itself (`patchRejected`, a
 * rejected `flush()`). In order, oldest first:
 *
 *   unconfirmed   sent on a connection that was lost before its OK: the server may or
 *                 may not have applied them (a resync decides, client/resync.ts)
 *   in flight     sent on the open connection, waiting for their OK, in batches
 *   pending       not sent yet: made in this tick, while disconnected or resyncing,
 *                 while the network is behind (highWaterMark), or while the server is
 *                 behind (`maxInFlight` PATCH-DOCs already wait for their OK)
 *
 * Changes made in one tick go out as one PATCH-DOC, split into several (in order) when
 * one would exceed `maxPatchSize`. Changes made while the server is behind go out
 * together, as one PATCH-DOC, as soon as one of the batches in flight is confirmed: a
 * window, as in TCP, so that a producer faster than the server sends fewer, larger
 * messages instead of piling up one message per change (docs/decisions.md, "A window of
 * PATCH-DOCs in flight"). Requests and `flush()` send everything at once (`sendAll`),
 * so that they stay behind the changes made before them.
 *
 * The bound (`maxQueued`) counts the changes that wait to be sent (pending and
 * unconfirmed) and is checked before a change is applied: a change it refuses never
 * happened (`QueueFullError` from `set()`, the model unchanged).
 */
import { columnLength, ownColumn, type ColumnData } from "../document/columns.js";
import type { Document } from "../document/document.js";
import type { DocumentChangedEvent } from "../document/events.js";
import { serializePatch } from "../document/patch.js";
import { BokehError } from "../util/errors.js";
import type { ClientConnection } from "./connection.js";
import { QueueFullError, ServerError } from "./errors.js";

export interface ChangeQueueLimits {
  /** Most changes waiting to be sent (pending and unconfirmed). */
  maxQueued: number;
  /** Largest PATCH-DOC sent, in bytes; larger batches are split. */
  maxPatchSize: number;
  /** Bytes waiting in the socket above which sending pauses. */
  highWaterMark: number;
  /** Most PATCH-DOCs waiting for their OK before new changes wait to go out together. */
  maxInFlight: number;
}

/** What the queue needs from its session. */
export interface ChangeQueueHost {
  /** The connection to send on now, or null when sending must wait (not connected, resyncing). */
  sendingConnection(): ClientConnection | null;
  /** The session's document, which the changes belong to. */
  document(): Document | null;
  /** The server answered a batch with ERROR, or its fate is unknown (a timeout): report it with its changes. */
  rejected(error: BokehError, events: readonly DocumentChangedEvent[]): void;
}

interface Batch {
  readonly events: DocumentChangedEvent[];
}

export class ChangeQueue {
  private unconfirmed: DocumentChangedEvent[] = [];
  /** In send order (a Set keeps insertion order; a batch leaves it in O(1)). */
  private inflight = new Set<Batch>();
  private pending: DocumentChangedEvent[] = [];
  /** Roughly the bytes the pending changes will take on the wire (approximateBytes). */
  private _pendingBytes = 0;
  /** Callers of `whenSent()` waiting for the pending changes to go out. */
  private sentWaiters: (() => void)[] = [];
  /** Failures to report through the next flush(), each once. */
  private failures: BokehError[] = [];
  private sendScheduled = false;
  private waitingForDrain = false;
  /** Callers of `settled()` waiting for the in-flight batches to be gone. */
  private settledWaiters: (() => void)[] = [];
  /** For each stream: its column's local length right after it (see resync.ts, appliedPrefix). */
  private readonly streamEnds = new WeakMap<DocumentChangedEvent, number>();

  constructor(
    private readonly limits: ChangeQueueLimits,
    private readonly host: ChangeQueueHost,
  ) {}

  /** Changes waiting to be sent: pending and unconfirmed. */
  get waiting(): number {
    return this.pending.length + this.unconfirmed.length;
  }

  /** Roughly the bytes the pending changes will take on the wire: their arrays and strings. */
  get pendingBytes(): number {
    return this._pendingBytes;
  }

  /**
   * Resolves once the pending changes take at most `limit` bytes (they went out, or were
   * taken for a resync), or the connection was lost: `drain()`'s share of the session.
   */
  whenSent(limit: number): Promise<void> {
    if (this._pendingBytes <= limit) return Promise.resolve();
    return new Promise<void>((resolve) => this.sentWaiters.push(resolve));
  }

  /** The pending changes were taken (sent, or for a resync): none are left. */
  private pendingTaken(): void {
    this._pendingBytes = 0;
    this.wakeSentWaiters();
  }

  private wakeSentWaiters(): void {
    for (const resolve of this.sentWaiters.splice(0)) resolve();
  }

  /** Whether any change is held at all (waiting or in flight). */
  get empty(): boolean {
    return this.waiting === 0 && this.inflight.size === 0;
  }

  /** Throws QueueFullError if `count` more changes would not fit; called before they are applied. */
  admit(count: number): void {
    if (this.waiting + count > this.limits.maxQueued) throw new QueueFullError(this.limits.maxQueued);
  }

  /** A local change was made: it goes out at the end of this tick (or when sending is possible again). */
  add(event: DocumentChangedEvent): void {
    if (event.kind === "ColumnsStreamed") this.streamEnds.set(event, streamedLength(event.model.get(event.attr), event.data));
    this.pending.push(event);
    this._pendingBytes += approximateBytes(event);
    if (!this.sendScheduled) {
      this.sendScheduled = true;
      setImmediate(() => this.send());
    }
  }

  /**
   * Sends every pending change as one batch, unless the server is behind (the window of
   * batches in flight is full: the next OK sends them) or the socket is (it drains first).
   */
  send(): void {
    this.sendScheduled = false;
    if (this.inflight.size >= this.limits.maxInFlight) return;
    this.sendAll();
  }

  /** Sends every pending change now, whatever is in flight, if there is a connection to send on and the socket is not behind. */
  sendAll(): void {
    const connection = this.host.sendingConnection();
    const document = this.host.document();
    if (this.pending.length === 0 || connection === null || document === null) return;
    if (connection.bufferedAmount > this.limits.highWaterMark) {
      // The network is behind: keep the changes pending until the socket drains.
      if (!this.waitingForDrain) {
        this.waitingForDrain = true;
        void connection.whenDrained(this.limits.highWaterMark).then(() => {
          this.waitingForDrain = false;
          this.send();
        });
      }
      return;
    }
    const events = this.pending.splice(0);
    this.pendingTaken();
    this.sendBatch(connection, document, events);
  }

  /** Resolves once no batch is in flight (each confirmed, rejected, or moved to unconfirmed). */
  settled(): Promise<void> {
    if (this.inflight.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.settledWaiters.push(resolve));
  }

  private checkSettled(): void {
    if (this.inflight.size === 0) for (const resolve of this.settledWaiters.splice(0)) resolve();
  }

  /**
   * The connection was lost: the batches in flight become unconfirmed (their OK may have
   * been lost with the connection). Called when the loss is known, before their requests
   * reject.
   */
  connectionLost(): void {
    for (const batch of this.inflight) this.unconfirmed.push(...batch.events);
    this.inflight = new Set();
    this.checkSettled();
    this.wakeSentWaiters(); // nothing goes out until a resync
  }

  /**
   * Takes every waiting change (unconfirmed, then pending), in order, to apply them again
   * after a resync. Nothing may be in flight. The caller applies them synchronously, so
   * they come back through `add` before anything else can happen.
   */
  takeWaiting(): { unconfirmed: DocumentChangedEvent[]; pending: DocumentChangedEvent[] } {
    const taken = { unconfirmed: this.unconfirmed, pending: this.pending };
    this.unconfirmed = [];
    this.pending = [];
    this.pendingTaken();
    return taken;
  }

  /** The waiting changes, unconfirmed first, without taking them (for reports). */
  peekWaiting(): { unconfirmed: readonly DocumentChangedEvent[]; pending: readonly DocumentChangedEvent[] } {
    return { unconfirmed: this.unconfirmed, pending: this.pending };
  }

  /** A queued stream's column length right after it, as it was when the stream was made. */
  streamEnd(event: DocumentChangedEvent): number | undefined {
    return this.streamEnds.get(event);
  }

  /** Records a failure to report through the next flush(). */
  report(error: BokehError): void {
    this.failures.push(error);
  }

  /** The failures recorded since the last call. */
  takeFailures(): BokehError[] {
    return this.failures.splice(0);
  }

  /** Sends `events` as one PATCH-DOC, or as several in order when one would exceed `maxPatchSize`. */
  private sendBatch(connection: ClientConnection, document: Document, events: DocumentChangedEvent[]): void {
    const patch = serializePatch(document, events, { eventModelsInFull: true });
    if (patch.content.events.length === 0) return; // only changes to models the document no longer has
    const json = JSON.stringify(patch.content);
    let size = json.length;
    for (const bytes of patch.buffers.values()) size += bytes.byteLength;
    if (size > this.limits.maxPatchSize && events.length > 1) {
      const half = events.length >> 1;
      this.sendBatch(connection, document, events.slice(0, half));
      this.sendBatch(connection, document, events.slice(half));
      return;
    }
    const batch: Batch = { events };
    this.inflight.add(batch);
    connection.post("PATCH-DOC", patch.content, { buffers: patch.buffers, contentJson: json }, (error) => this.settle(batch, error));
    document._markSynced(patch.newModels);
  }

  private settle(batch: Batch, error: BokehError | null): void {
    if (!this.inflight.delete(batch)) return; // moved to unconfirmed when the connection was lost
    // A place in the window: the changes that waited for it go out now (the write also
    // carries the ACK of what was just read).
    if (this.pending.length > 0 && this.host.sendingConnection() !== null) this.send();
    this.checkSettled();
    if (error === null) return;
    if (error instanceof ServerError || this.host.sendingConnection() !== null) {
      // The server refused it, or the connection is fine but the answer did not come in time.
      this.failures.push(error);
      this.host.rejected(error, batch.events);
    } else {
      this.unconfirmed.push(...batch.events); // the connection failed: the session handles the loss
    }
  }
}

/** The length of the first streamed column, just after the stream. */
function streamedLength(data: unknown, rows: ColumnData): number {
  const first = Object.keys(rows)[0];
  return first === undefined || typeof data !== "object" || data === null ? 0 : columnLength(ownColumn(data as ColumnData, first));
}

/**
 * Roughly the bytes a change takes on the wire, for backpressure (`drain()`): the sizes of the
 * arrays and strings it carries, a few levels deep; an array of values counts as its length
 * times the size of its first. An estimate, cheap whatever the arrays' lengths.
 */
export function approximateBytes(event: DocumentChangedEvent): number {
  switch (event.kind) {
    case "ColumnsStreamed":
    case "ColumnDataChanged":
      return 64 + valueBytes(event.data, 2);
    case "ColumnsPatched":
      return 64 + valueBytes(event.patches, 3);
    case "ModelChanged":
      return 64 + valueBytes(event.new, 2);
    case "MessageSent":
      return 64 + valueBytes(event.msg_data, 2);
    default:
      return 64;
  }
}

function valueBytes(value: unknown, depth: number): number {
  if (typeof value === "string") return value.length;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value !== "object" || value === null || depth === 0) return 8;
  if (Array.isArray(value)) return value.length === 0 ? 2 : value.length * valueBytes(value[0], depth - 1);
  let total = 0;
  for (const item of Object.values(value)) total += valueBytes(item, depth - 1);
  return total;
}
