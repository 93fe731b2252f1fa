/**
 * The public shapes of a ClientSession: its options, its events and what they carry.
 */
import type { DocumentChangedEvent } from "../document/events.js";
import type { Model } from "../document/model.js";
import type { SigningOptions } from "../protocol/token.js";
import type { BokehError } from "../util/errors.js";
import type { BrowserOpener } from "./browser.js";
import type { ConnectionOptions } from "./connection.js";
import type { TransferProgress } from "./progress.js";
import type { ReconnectOptions } from "./resync.js";
import type { QueryArguments } from "./urls.js";

export interface ClientSessionOptions extends ConnectionOptions, SigningOptions {
  /** The session to join or create. Default: a new random id. */
  sessionId?: string;
  /** Default `ws://localhost:5006/ws` (or from BOKEH_DEFAULT_SERVER_HOST/PORT). */
  websocketUrl?: string;
  /** Sent as the upgrade URL's query string; the app sees them when this connection creates the session. */
  arguments?: QueryArguments;
  /** Use this session token instead of generating one (e.g. a token issued by the server). */
  token?: string;
  /** Lifetime of generated tokens in seconds. Default 300 (as Python). */
  tokenExpiration?: number;
  /** How `show()` opens a URL. Default: the system browser. */
  opener?: BrowserOpener;
  /**
   * Re-open a lost connection and resync the document (off by default, like
   * Python): `reconnect: true`, or options for attempts and backoff.
   */
  reconnect?: boolean | ReconnectOptions;
  /**
   * Most local changes kept waiting to be sent (while disconnected or slowed down).
   * A change beyond it is refused before it is made: `set()` throws QueueFullError. Default 100,000.
   */
  maxQueuedChanges?: number;
  /** Bytes waiting in the socket above which sending pauses and `drain()` waits. Default 16 MiB. */
  highWaterMark?: number;
  /**
   * Most PATCH-DOCs waiting for the server's OK at once. While that many are unconfirmed
   * (the server is behind), new changes wait and go out together, in order, as one
   * PATCH-DOC when the next OK arrives. Requests (`forceRoundtrip()`, `pull()`...) and
   * `flush()` still send every change made before them first. Default 4; `Infinity`
   * sends each tick's changes at once, whatever is in flight.
   */
  maxPatchesInFlight?: number;
  /**
   * Largest PATCH-DOC sent: bigger batches of changes are split into several
   * messages, in order. Default 16 MiB (Bokeh servers refuse messages over 20 MiB).
   */
  maxPatchSize?: number;
  /**
   * The server's Bokeh version, if known ("3.7.3"). Pushing a document needs it: each
   * release has its own document form (3.7 inline base64 and no `config`; 3.8 gzipped
   * inline bytes and a `config`; 3.9+ binary buffers and a `config`). When it is not
   * given, the session asks the server once (SERVER-INFO-REQ, cached) before the first push.
   */
  bokehVersion?: string;
}

/** What a resync did (the `resynced` event). */
export interface ResyncInfo {
  /** How the document was brought back: pulled again, pushed again, or there was none. */
  mode: "pull" | "push" | "none";
  /** Local changes the server had not confirmed, sent again (a push sends them within the document). */
  replayed: number;
  /** Local changes that could not be applied again (reported with `patchRejected`). */
  rejected: number;
  /** Unconfirmed changes the re-pulled document shows the server had applied after all: not sent again. */
  skipped: number;
  /**
   * Models that left the document with the re-pull (a restarted server gives every model a
   * new id), each with the model that took its place: same type and name, when there is one.
   */
  replaced: readonly ReplacedModel[];
}

/** A model that left the document when a resync pulled it again (`ResyncInfo.replaced`). */
export interface ReplacedModel {
  /** The model that left. */
  old: Model;
  /** The model of the same type and name in the document now, if there is exactly one. */
  replacement: Model | null;
}

/** A local change to a model that is no longer in the session's document (`detachedChange`). */
export interface DetachedChange {
  /** The model changed. */
  model: Model;
  /** The change, as it would have been reported had the model still been in the document. */
  change: DocumentChangedEvent;
  /** The model of the same type and name in the document now, if there is exactly one. */
  replacement: Model | null;
}

/** The events of a ClientSession, by name, with their listeners' arguments (`session.on(name, listener)`). */
export interface ClientSessionEvents {
  /** The connection ended; `error` is null when this side closed it. */
  close: [error: BokehError | null];
  /**
   * Local changes the server did not take, with the changes: it answered ERROR
   * (ServerError) or did not answer in time (RequestTimeoutError); after a reconnection
   * they no longer fit its document (ChangesRejectedError); the session ended with them
   * unconfirmed (ChangesLostError).
   */
  patchRejected: [error: BokehError, events: readonly DocumentChangedEvent[]];
  /** Something went wrong outside any call (a server patch that could not be applied...). */
  error: [error: BokehError];
  /** With `reconnect`: the connection was lost; attempt `attempt` starts in `delay` ms. */
  disconnected: [info: DisconnectedInfo];
  /** With `reconnect`: a new connection is open (the document is resynced next). */
  reconnected: [info: ReconnectedInfo];
  /** With `reconnect`: the document is in sync again. */
  resynced: [info: ResyncInfo];
  /** With `reconnect`: every attempt failed; the session is down (a `close` event follows). */
  gaveUp: [error: BokehError];
  /**
   * A local change to a model that is no longer in the session's document (removed, or
   * replaced when a resync pulled a restarted server's document): it is not sent. `replacement`
   * is the model of the same type and name in the document now, if there is exactly one.
   * Without a listener, a warning is printed once per model.
   */
  detachedChange: [info: DetachedChange];
  /** Progress of a message of 1 MiB or more, sent or received (a large pull or push): bytes done of the total. */
  progress: [progress: TransferProgress];
}

/** The `disconnected` event's information. */
export interface DisconnectedInfo {
  /** Why the connection was lost, or why the last attempt failed. */
  error: BokehError;
  /** The attempt about to start (1 for the first). */
  attempt: number;
  /** Milliseconds before it starts. */
  delay: number;
}

/** The `reconnected` event's information. */
export interface ReconnectedInfo {
  /** The attempt that connected. */
  attempt: number;
}

/** Options of a single pull or push. */
export interface TransferOptions {
  /** Called as a large document goes out or comes in (messages of 1 MiB or more): bytes done of the total. */
  onProgress?: (progress: TransferProgress) => void;
}

/** Python's `DEFAULT_SESSION_ID`. */
export const DEFAULT_SESSION_ID = "default";
