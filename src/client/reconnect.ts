/**
 * Reconnection: when to retry, how long to wait, and how local changes the
 * server never confirmed are applied again to the re-pulled document.
 */
import type { Document } from "../document/document.js";
import type { DocumentChangedEvent } from "../document/events.js";
import type { Model } from "../document/model.js";
import { BokehError } from "../util/errors.js";
import { AbortError, HttpError, SessionRefusedError, SessionStateError, UrlError } from "./errors.js";

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

export interface ReconnectPolicy {
  readonly attempts: number;
  /** Milliseconds to wait before attempt `attempt` (1-based). */
  delay(attempt: number): number;
}

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

/**
 * Applies `events` (local changes the server never confirmed) again to `document`,
 * which was just reconciled with the server's state. The document's listeners see
 * them as new local changes, so they are sent again. Returns the events that could
 * not be applied, with the reason.
 *
 * Streams are sent again too: if the server applied one before the connection
 * dropped but its OK was lost, its rows arrive twice (at-least-once delivery).
 */
export function replay(document: Document, events: readonly DocumentChangedEvent[]): { rejected: DocumentChangedEvent[]; reasons: string[] } {
  const rejected: DocumentChangedEvent[] = [];
  const reasons: string[] = [];
  const live = (model: Model): Model | null => {
    const found = document.getModelById(model.id);
    return found === model ? found : null;
  };
  for (const event of events) {
    try {
      switch (event.kind) {
        case "ModelChanged":
        case "ColumnDataChanged":
        case "ColumnsStreamed":
        case "ColumnsPatched": {
          const model = live(event.model);
          if (model === null) throw new Error(`the server no longer has ${event.model}`);
          if (event.kind === "ModelChanged") model.set(event.attr, event.new);
          else if (event.kind === "ColumnDataChanged") {
            if (event.cols === null) model.set(event.attr, event.data);
            else model._replaceColumns(event.attr, event.data, event.cols, undefined);
          } else if (event.kind === "ColumnsStreamed") model._streamColumns(event.attr, event.data, event.rollover, undefined);
          else model._patchColumns(event.attr, event.patches, undefined);
          break;
        }
        case "RootAdded":
          if (!document.roots.includes(event.model)) document.addRoot(event.model);
          break;
        case "RootRemoved":
          document.removeRoot(event.model);
          break;
        case "TitleChanged":
          document.title = event.title;
          break;
        case "MessageSent":
          document._emit({ kind: "MessageSent", msg_type: event.msg_type, msg_data: event.msg_data }, undefined);
          break;
      }
    } catch (error) {
      rejected.push(event);
      reasons.push((error as Error).message);
    }
  }
  return { rejected, reasons };
}
