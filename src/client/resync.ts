/**
 * Reconnection: when to try again, how long to wait, and how the local changes the
 * server never confirmed are brought back after the document is pulled again.
 *
 * `reconnectLoop` is the one loop a session runs while it is `reconnecting`: attempt after
 * attempt, with backoff, until a new connection is open and the document resynced, or the
 * attempts run out. A connection lost in the middle of a resync (during the pull, the push
 * or the replay) only fails that attempt; the loop goes on with the next one. The changes
 * waiting in the ChangeQueue stay there until the step that brings them back, which is
 * synchronous: no drop can fall between taking them and applying them again.
 */
import { applyChange, type Change } from "../document/apply.js";
import { columnLength, ownColumn, type ColumnData } from "../document/columns.js";
import type { Document } from "../document/document.js";
import type { DocumentChangedEvent } from "../document/events.js";
import type { Model } from "../document/model.js";
import { valuesEqual } from "../document/equal.js";
import { BokehError } from "../util/errors.js";
import { AbortError, HttpError, SessionRefusedError, SessionStateError, UrlError } from "./errors.js";

/** How a session with `reconnect` tries again: attempts and backoff. */
export interface ReconnectOptions {
  /** Attempts before giving up. Default 10. */
  attempts?: number;
  /** Milliseconds before the first attempt. Default 200. */
  initialDelay?: number;
  /** Longest wait between attempts. Default 10,000. */
  maxDelay?: number;
  /** Growth of the wait from one attempt to the next. Default 2. */
  factor?: number;
  /** Random spread of each wait, as a fraction (0.3 = ±30%). Default 0.3. */
  jitter?: number;
}

/** The reconnect options, resolved: how many attempts, and the wait before each. */
export interface ReconnectPolicy {
  /** Attempts before giving up. */
  readonly attempts: number;
  /** Milliseconds to wait before attempt `attempt` (1-based). */
  delay(attempt: number): number;
}

/** The policy for a `reconnect` option: null when reconnecting is off (the default, as in Python). */
export function reconnectPolicy(option: boolean | ReconnectOptions | undefined): ReconnectPolicy | null {
  if (option === undefined || option === false) return null;
  const o = option === true ? {} : option;
  const attempts = o.attempts ?? 10;
  const initial = o.initialDelay ?? 200;
  const max = o.maxDelay ?? 10_000;
  const factor = o.factor ?? 2;
  const jitter = Math.min(Math.max(o.jitter ?? 0.3, 0), 1);
  return {
    attempts,
    delay: (attempt) => {
      const base = Math.min(max, initial * factor ** (attempt - 1));
      return Math.max(0, Math.round(base * (1 + jitter * (2 * Math.random() - 1))));
    },
  };
}

/**
 * Whether trying again can help. A refused session (bad or expired token, wrong
 * signature), a missing app (4xx), a bad URL or an abort will not heal by waiting.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof SessionRefusedError || error instanceof UrlError || error instanceof AbortError || error instanceof SessionStateError) return false;
  if (error instanceof HttpError) return error.status >= 500;
  return error instanceof BokehError;
}

/** What the loop needs from its session. */
export interface ReconnectHost {
  /** Attempt `attempt` starts in `delay` ms, after `error`. */
  disconnected(error: BokehError, attempt: number, delay: number): void;
  /** Opens a new connection and resyncs the document over it; rejects if either fails. */
  attempt(attempt: number): Promise<void>;
}

/**
 * Runs attempts until one succeeds (resolves), an error no retry can heal comes, or the
 * attempts run out (rejects with the last error). `signal` aborts the loop (the session
 * was closed), with an AbortError.
 */
export async function reconnectLoop(host: ReconnectHost, policy: ReconnectPolicy, first: BokehError, signal: AbortSignal): Promise<void> {
  let last = first;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const delay = policy.delay(attempt);
    host.disconnected(last, attempt, delay);
    await sleep(delay, signal);
    try {
      await host.attempt(attempt);
      return;
    } catch (error) {
      if (signal.aborted) throw new AbortError("reconnecting", signal.reason);
      last = error instanceof BokehError ? error : new BokehError("ERR_BOKEH_RECONNECT", String(error), { cause: error });
      if (!isRetryable(last)) throw last;
    }
  }
  throw last;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(new AbortError("reconnecting", signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError("reconnecting", signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * How many of `unconfirmed` (oldest first) the server had applied before the connection
 * was lost, judged from the document just pulled again. The server applies a connection's
 * patches in order, so what it applied is a prefix: it ends at the last stream whose rows
 * stand in the pulled column exactly where they were appended (`streamEnd`: the column's
 * local length right after the stream). Streams are the changes that cannot be applied
 * twice harmlessly; the others set values, and setting them again changes nothing.
 */
export function appliedPrefix(document: Document, unconfirmed: readonly DocumentChangedEvent[], streamEnd: (event: DocumentChangedEvent) => number | undefined): number {
  let applied = 0;
  unconfirmed.forEach((event, i) => {
    if (event.kind !== "ColumnsStreamed") return;
    const end = streamEnd(event);
    if (end === undefined || document.getModelById(event.model.id) !== event.model) return;
    const data = event.model.get(event.attr) as ColumnData | null | undefined;
    if (data === null || data === undefined) return;
    const landed = Object.entries(event.data).every(([name, rows]) => rowsAt(ownColumn(data, name), rows, end));
    if (landed) applied = i + 1;
  });
  return applied;
}

/** Whether `column` holds exactly `rows` just before index `end`. */
function rowsAt(column: unknown, rows: unknown, end: number): boolean {
  const count = columnLength(rows);
  if (count === 0 || end < count || columnLength(column) < end) return false;
  const at = (values: unknown, i: number): unknown => (values as ArrayLike<unknown>)[i];
  for (let i = 0; i < count; i++) if (!valuesEqual(at(column, end - count + i), at(rows, i))) return false;
  return true;
}

/**
 * Applies `events` (local changes) again to `document`, just pulled again: its listeners
 * see them as new local changes, so they are queued and sent. An event whose model the
 * document no longer has (the server restarted: new ids) cannot be applied; those are
 * returned with the reason.
 */
export function replay(document: Document, events: readonly DocumentChangedEvent[]): { rejected: DocumentChangedEvent[]; reasons: string[] } {
  const rejected: DocumentChangedEvent[] = [];
  const reasons: string[] = [];
  for (const event of events) {
    try {
      applyChange(document, live(document, event), undefined);
    } catch (error) {
      rejected.push(event);
      reasons.push((error as Error).message);
    }
  }
  return { rejected, reasons };
}

/** The change `event` describes, checked against the document's models. */
function live(document: Document, event: DocumentChangedEvent): Change {
  if (event.kind === "RootAdded" || event.kind === "RootRemoved" || event.kind === "TitleChanged" || event.kind === "MessageSent") return event;
  const model: Model = event.model;
  if (document.getModelById(model.id) !== model) throw new Error(`the server no longer has ${model}`);
  return event;
}
