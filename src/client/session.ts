/**
 * ClientSession: one session on a Bokeh server, and the document it keeps in sync.
 *
 * Everything Python's `bokeh.client.ClientSession` does, plus:
 * - server patches are applied whenever they arrive, also while a request waits;
 * - local changes made in one tick are sent as one PATCH-DOC, and `flush()`
 *   resolves when the server confirmed them (ERROR rejects with its text);
 * - changes applied from the server are not echoed back;
 * - `close()` flushes first, so no change is lost on the way out;
 * - optionally (`reconnect`), a lost connection is re-opened and the document
 *   resynced, with every unconfirmed local change brought back;
 * - every failure is a typed error, and nothing rejects unobserved.
 *
 * The session is a state machine (session-state.ts) that coordinates parts with names
 * of their own: the ChangeQueue (local changes until confirmed), the reconnect loop and
 * the resync steps (resync.ts), the push-echo filter (push-echo.ts), and one
 * ClientConnection at a time.
 */
import type { Header, Message, ServerInfo } from "../protocol/message.js";
import { ProtocolError } from "../protocol/errors.js";
import { BOKEH_VERSION } from "../protocol/version.js";
import { generateSessionId, generateToken, resolveSigning, type Signing, type SigningOptions } from "../protocol/token.js";
import { Document, type DocJson } from "../document/document.js";
import { reconcile } from "../document/reconcile.js";
import type { DocumentChangedEvent } from "../document/events.js";
import type { Model } from "../document/model.js";
import { applyPatch, documentContent, type DocumentContentOptions } from "../document/patch.js";
import { checkBokehVersion } from "../models/version-check.js";
import { isPlainObject } from "../serialization/values.js";
import { debugLog, type DebugLog } from "../util/debug.js";
import { Emitter } from "../util/emitter.js";
import { BokehError } from "../util/errors.js";
import type { BrowserOpener, OpenOptions } from "./browser.js";
import { ChangeQueue } from "./change-queue.js";
import { ClientConnection, type ConnectionOptions } from "./connection.js";
import { ChangesLostError, ChangesRejectedError, ConnectionClosedError, ConnectionError, ServerError, SessionStateError, type ErrorReason } from "./errors.js";
import type { TransferProgress } from "./progress.js";
import { patchToApply, type PushEcho } from "./push-echo.js";
import { appliedPrefix, isRetryable, reconnectLoop, reconnectPolicy, replay, type ReconnectOptions, type ReconnectPolicy } from "./resync.js";
import { canTransition, type SessionState } from "./session-state.js";
import { showSession } from "./show.js";
import { defaultWebsocketUrl, withQueryArguments, type QueryArguments } from "./urls.js";

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

interface LastError {
  connectionError: ConnectionError | null;
  reason: ErrorReason;
  code: number;
  detail: string;
}

const NO_ERROR: LastError = { connectionError: null, reason: "NO_ERROR", code: 0, detail: "" };

/**
 * One session on a Bokeh server and the document it keeps in sync (Python's
 * `bokeh.client.ClientSession`): `pullSession` and `pushSession` make one and open it.
 */
export class ClientSession extends Emitter<ClientSessionEvents> {
  /** The session id (the `sessionId` option, or a new random one). */
  readonly id: string;
  /** The websocket URL (with the query the app URL had, without the `arguments` option's). */
  readonly url: string;
  /** How `show()` opens a URL (the `opener` option); undefined means the system browser. */
  readonly opener: BrowserOpener | undefined;

  private readonly options: ClientSessionOptions;
  private readonly signing: Signing;
  private readonly policy: ReconnectPolicy | null;
  private readonly highWaterMark: number;
  private readonly queue: ChangeQueue;
  private readonly ended: Promise<void>;
  private markEnded!: () => void;

  private state: SessionState = { name: "idle" };
  private _token: string | null;
  private _document: Document | null = null;
  /** How the document was attached: a resync re-pulls or re-pushes accordingly. */
  private origin: "pull" | "push" | null = null;
  /** Stops listening to the document (its change listener and guard). */
  private stopListening: (() => void) | null = null;
  private pushEcho: PushEcho | null = null;
  private serverInfo: Promise<ServerInfo> | null = null;
  private lastError: LastError = NO_ERROR;
  /** NODE_DEBUG=bokeh-client lines (docs/debugging.md); each connection logs under it. */
  private readonly debug: DebugLog;
  private connections = 0;
  /** Models a `detachedChange` warning was printed for (when nobody listens). */
  private readonly warnedDetached = new WeakSet<Model>();
  private closing: Promise<void> | null = null;

  constructor(options: ClientSessionOptions = {}) {
    super();
    this.options = options;
    this.signing = resolveSigning(options);
    this.id = options.sessionId ?? generateSessionId(this.signing);
    this.url = options.websocketUrl ?? defaultWebsocketUrl();
    this._token = options.token ?? null;
    this.opener = options.opener;
    this.ended = new Promise<void>((resolve) => (this.markEnded = resolve));
    this.policy = reconnectPolicy(options.reconnect);
    this.highWaterMark = options.highWaterMark ?? 16 * 1024 * 1024;
    this.debug = debugLog("client").child(`session=${this.id}`);
    this.queue = new ChangeQueue(
      {
        maxQueued: options.maxQueuedChanges ?? 100_000,
        maxPatchSize: options.maxPatchSize ?? 16 * 1024 * 1024,
        highWaterMark: this.highWaterMark,
      },
      {
        sendingConnection: () => (this.state.name === "open" ? this.state.connection : null),
        document: () => this._document,
        rejected: (error, events) => this.emit("patchRejected", error, events),
      },
    );
  }

  /**
   * Resolves when the connection ends, closed by either side (Python's
   * `loop_until_closed()`; Node's event loop keeps running meanwhile).
   */
  waitUntilClosed(): Promise<void> {
    return this.ended;
  }

  /** The session token sent to the server (generated on first use, valid for `tokenExpiration` seconds). */
  get token(): string {
    this._token ??= generateToken(this.id, this.signing, { expiration: this.options.tokenExpiration });
    return this._token;
  }

  /** Whether the session is connected now (not while reconnecting). */
  get connected(): boolean {
    return this.state.name === "open";
  }

  /** The session's document: null until `pull()` or `push()`; kept after `close()`, as in Python. */
  get document(): Document | null {
    return this._document;
  }

  /** Why the last connection failed (Python's `error_reason`), or "NO_ERROR". */
  get errorReason(): ErrorReason {
    return this.lastError.reason;
  }

  /** HTTP status or websocket close code of the last connection failure, else 0. */
  get errorCode(): number {
    return this.lastError.code;
  }

  /** What went wrong, in words, for the last connection failure (Python's `error_detail`), else "". */
  get errorDetail(): string {
    return this.lastError.detail;
  }

  /** Local changes waiting to be sent: not sent yet, or sent on a connection lost before the server confirmed them. */
  get pendingChanges(): number {
    return this.queue.waiting;
  }

  /** Opens the connection and waits for the server's ACK (while reconnecting: for the resync). */
  connect(): Promise<void> {
    const state = this.state;
    switch (state.name) {
      case "idle":
        return this.startConnecting();
      case "connecting":
        return state.opened;
      case "open":
        return Promise.resolve();
      case "reconnecting":
        return state.done;
      case "closed":
        return Promise.reject(state.byUser || state.error === null ? new SessionStateError(`session ${this.id} is closed`) : state.error);
    }
  }

  /** Throws the error that keeps this session from being connected, if there is one (Python's check). */
  checkConnectionErrors(): void {
    if (this.connected) return;
    if (this.lastError.connectionError !== null) throw this.lastError.connectionError;
    if (this.state.name === "closed") throw new SessionStateError(`session ${this.id} is closed`);
    throw new SessionStateError(`session ${this.id} is not connected: call connect() first`);
  }

  /** Fetches the session's document from the server; it stays in sync from then on. */
  async pull(options: TransferOptions = {}): Promise<Document> {
    await this.withProgress(options, () =>
      this.retrying(async (connection) => {
        await connection.request("PULL-DOC-REQ", {}, { onReply: (reply) => this.adopt(reply) });
      }),
    );
    this.origin ??= "pull";
    return this._document as Document;
  }

  /** Sends `document` (default: the session's) to the server, replacing the session's document there. */
  async push(document?: Document, options: TransferOptions = {}): Promise<void> {
    await this.withProgress(options, () => this.pushNow(document));
  }

  private async withProgress<T>(options: TransferOptions, run: () => Promise<T>): Promise<T> {
    const listener = options.onProgress;
    const off = listener === undefined ? null : this.on("progress", listener);
    try {
      return await run();
    } finally {
      off?.();
    }
  }

  private async pushNow(document: Document | undefined): Promise<void> {
    const doc = document ?? this._document;
    if (doc === null) throw new SessionStateError("push() needs a document: pass one, or pull() first");
    if (this._document !== null && doc !== this._document) {
      throw new SessionStateError("cannot push a different document than the one attached to this session");
    }
    await this.retrying(async (connection) => {
      const attachedHere = this._document === null;
      // Attach before sending, so that server patches arriving before the OK are applied.
      if (attachedHere) this.attach(doc);
      try {
        await this.sendDocument(connection, doc);
      } catch (error) {
        if (attachedHere) {
          this.detach();
          doc._resetSynced();
        }
        throw error;
      }
    });
    this.origin ??= "push";
  }

  /** Sends a request and waits for its answer: everything sent before has been processed by then. */
  async forceRoundtrip(): Promise<void> {
    await this.retrying(async (connection) => {
      await connection.request("SERVER-INFO-REQ", {});
    });
  }

  /** The server's version info; asked once, then cached (as Python). */
  requestServerInfo(): Promise<ServerInfo> {
    if (this.serverInfo === null) {
      const info = this.ready().then(async (connection) => (await connection.request("SERVER-INFO-REQ", {})).content as ServerInfo);
      this.serverInfo = info;
      info.catch(() => {
        if (this.serverInfo === info) this.serverInfo = null; // a failure is not cached
      });
    }
    return this.serverInfo;
  }

  /**
   * Sends pending changes now and resolves when the server confirmed every change
   * sent so far. Rejects with the server's ERROR text if it rejected any of them
   * (each such error once), or with ChangesLostError, carrying the changes, while
   * the session holds changes it can no longer send.
   */
  async flush(): Promise<void> {
    for (;;) {
      const state = this.state;
      if (state.name === "reconnecting") {
        // Lost meanwhile (with `reconnect`): the resync brings the changes back; then wait for those.
        await state.done.catch(() => {});
        continue;
      }
      if (state.name !== "open") break;
      await state.connection.whenDrained(this.highWaterMark);
      if (this.state !== state) continue;
      this.queue.send();
      await this.queue.settled();
      if (this.state === state && this.queue.waiting === 0) break;
    }
    const errors = this.queue.takeFailures();
    if (this.state.name !== "open" && this.queue.waiting > 0) errors.push(this.lostChanges());
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => e.message).join("; "));
  }

  /**
   * Resolves when the bytes waiting in the socket are below `highWaterMark`.
   * A producer that streams fast should await it between chunks, so memory stays bounded.
   */
  async drain(): Promise<void> {
    if (this.state.name === "open") await this.state.connection.whenDrained(this.highWaterMark);
  }

  /** Opens the session in a browser; adds `obj` as a root first if it is not one. */
  async show(obj?: Model, options: OpenOptions = {}): Promise<void> {
    if (obj !== undefined) {
      if (this._document === null) throw new SessionStateError("show(obj) needs a document: pull() or push() first");
      if (!this._document.roots.includes(obj)) this._document.addRoot(obj);
    }
    await showSession({ session: this, ...options });
  }

  /**
   * Flushes pending changes, then closes the connection. Rejects (after closing) if
   * changes were lost. The document stays readable (`document`), no longer synced.
   */
  close(why = "closed"): Promise<void> {
    this.closing ??= this.closeNow(why);
    return this.closing;
  }

  /** `await using session = await pullSession(...)` closes the session at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- the state machine ---------------------------------------------------------------

  private to(next: SessionState): void {
    if (!canTransition(this.state.name, next.name)) {
      throw new Error(`bokeh-client: session ${this.id} cannot go from ${this.state.name} to ${next.name}`); // a bug here, not a user error
    }
    if (this.debug.enabled) this.debug.state(`session ${this.state.name}`, next.name, next.name === "closed" ? { error: next.error?.code, byUser: next.byUser } : undefined);
    this.state = next;
  }

  private startConnecting(): Promise<void> {
    const connection = this.newConnection();
    const opened = connection.open().then(
      () => {
        if (this.state.name !== "connecting" || this.state.connection !== connection) return; // closed meanwhile
        this.to({ name: "open", connection });
        this.setError(null);
      },
      (error: BokehError) => {
        if (this.state.name === "connecting" && this.state.connection === connection) this.to({ name: "idle" });
        this.setError(error);
        throw error;
      },
    );
    this.to({ name: "connecting", connection, opened });
    return opened;
  }

  private newConnection(): ClientConnection {
    if (this.options.token === undefined) this._token = null; // a fresh token for each new connection
    const heartbeat = this.options.heartbeat ?? (this.policy !== null ? 15_000 : false);
    const connection: ClientConnection = new ClientConnection(
      withQueryArguments(this.url, this.options.arguments),
      ["bokeh", this.token],
      { ...this.options, heartbeat },
      {
        onMessage: (message) => this.onMessage(message),
        onClose: (error) => this.onConnectionClosed(connection, error),
        readsBuffers: (header, content) => this.readsBuffers(header, content),
        onProgress: (progress) => this.emit("progress", progress),
      },
      this.debug.child(`conn=${++this.connections}`),
    );
    return connection;
  }

  /** A connection ended after its ACK. Only the open one matters: a resync attempt's failure reaches the attempt itself. */
  private onConnectionClosed(connection: ClientConnection, error: BokehError | null): void {
    if (this.state.name !== "open" || this.state.connection !== connection) return;
    if (error !== null) this.setError(error);
    this.queue.connectionLost();
    if (error !== null && this.policy !== null && isRetryable(error)) this.startReconnecting(this.policy, error);
    else this.end(error);
  }

  private startReconnecting(policy: ReconnectPolicy, error: BokehError): void {
    const abort = new AbortController();
    const done: Promise<void> = reconnectLoop(
      {
        disconnected: (last, attempt, delay) => {
          this.debug.log("reconnect", { attempt, delay, error: last.code });
          this.emit("disconnected", { error: last, attempt, delay });
        },
        attempt: (attempt) => this.reconnectAttempt(attempt),
      },
      policy,
      error,
      abort.signal,
    ).catch((final: BokehError) => {
      if (this.state.name === "reconnecting" && this.state.done === done) {
        this.debug.log("gave up", { error: final.code });
        this.setError(final);
        this.emit("gaveUp", final);
        this.end(final);
      }
      throw final;
    });
    done.catch(() => {}); // its outcome is reported by events and by later calls
    this.to({ name: "reconnecting", done, abort });
  }

  /** One attempt of the reconnect loop: a new connection, then the document resynced over it. */
  private async reconnectAttempt(attempt: number): Promise<void> {
    const connection = this.newConnection();
    try {
      await connection.open();
    } catch (error) {
      this.setError(error as BokehError);
      throw error;
    }
    this.emit("reconnected", { attempt });
    const info = await this.resync(connection);
    if (this.state.name !== "reconnecting") {
      await connection.close(); // closed meanwhile
      throw new SessionStateError(`session ${this.id} was closed while reconnecting`);
    }
    this.to({ name: "open", connection });
    this.setError(null);
    this.debug.log("resync", { mode: info.mode, replayed: info.replayed, skipped: info.skipped, rejected: info.rejected, replaced: info.replaced.length });
    this.emit("resynced", info);
    this.queue.send();
  }

  /** The session ends without `close()`: the connection was lost for good. */
  private end(error: BokehError | null): void {
    this.to({ name: "closed", error: error === null ? null : (this.lastError.connectionError ?? error), byUser: false });
    if (this.queue.waiting > 0) {
      const lost = this.lostChanges();
      this.emit("patchRejected", lost, lost.changes);
    }
    this.markEnded();
    this.emit("close", error);
  }

  private async closeNow(why: string): Promise<void> {
    let state = this.state;
    if (state.name === "connecting") await state.opened.catch(() => {});
    else if (state.name === "reconnecting") {
      state.abort.abort();
      await state.done.catch(() => {});
    }
    let failure: unknown = null;
    if (this.state.name === "open" || this.queue.waiting > 0) failure = await this.flush().then(() => null, (error: unknown) => error);
    state = this.state;
    const error = state.name === "closed" ? state.error : null;
    this.to({ name: "closed", error, byUser: true });
    this.stopListening?.();
    this.stopListening = null;
    this.queue.takeWaiting(); // reported by `failure`, if any
    if (state.name === "open") await state.connection.close(1000, why);
    this.markEnded();
    if (failure !== null) throw failure;
  }

  private lostChanges(): ChangesLostError {
    const { unconfirmed, pending } = this.queue.peekWaiting();
    const cause = this.state.name === "closed" ? (this.state.error ?? this.lastError.connectionError) : this.lastError.connectionError;
    return new ChangesLostError(unconfirmed, pending, cause ?? new SessionStateError(`session ${this.id} is not connected`));
  }

  // ---- requests ------------------------------------------------------------------------

  /**
   * Runs a request on the open connection; with `reconnect`, a request cut off by the lost
   * connection is made again once the session is resynced (pull, push and roundtrips can
   * be repeated safely), at most as many times as the policy has attempts.
   */
  private async retrying(request: (connection: ClientConnection) => Promise<void>): Promise<void> {
    for (let retries = 0; ; retries++) {
      try {
        return await request(await this.ready());
      } catch (error) {
        const retry = error instanceof ConnectionClosedError && this.state.name === "reconnecting";
        if (!retry || retries >= (this.policy?.attempts ?? 0)) throw error;
      }
    }
  }

  /** The open connection, once connected (while reconnecting: once resynced). */
  private async ready(): Promise<ClientConnection> {
    await this.connect();
    const state = this.state;
    if (state.name !== "open") throw this.lastError.connectionError ?? new SessionStateError(`session ${this.id} is not connected`);
    this.queue.send(); // requests go after the changes made before them
    return state.connection;
  }

  /** Sends the whole document; returns how many waiting changes it carried. */
  private async sendDocument(connection: ClientConnection, doc: Document): Promise<number> {
    const { format, version } = await this.documentFormat(connection);
    // Nothing is sent if the server's release lacks a model type or property the document uses.
    if (version !== "") checkBokehVersion(doc, version);
    const { unconfirmed, pending } = this.queue.takeWaiting(); // every change so far is part of what is pushed now
    this.pushEcho = { roots: new Set(doc.roots.map((root) => root.id)), title: doc.title };
    const { doc: json, frame, buffers: bytes } = documentContent(doc, format);
    const reply = connection.request("PUSH-DOC", { doc: json }, { contentJson: frame, buffers: bytes });
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

  /**
   * How to write a whole document for this server: in the form of its Bokeh release
   * (protocol/document-format.ts: 3.7 inline, 3.8 gzipped inline with a `config`, 3.9+ binary
   * buffers with a `config`), from the `bokehVersion` option or the version the server reports.
   * Our embedded server in 3.7 mode reads buffers too, and says so on the upgrade
   * (protocol/features.ts): arrays then go as buffers, without the base64.
   */
  private async documentFormat(connection: ClientConnection): Promise<{ format: DocumentContentOptions; version: string }> {
    const given = this.options.bokehVersion;
    if (given === undefined && connection.acceptsDocumentBuffers) return { format: { buffers: true, config: "omit" }, version: BOKEH_VERSION };
    // A Bokeh 4 server says nothing of its release but its framing; 4.0's form is 3.9's.
    const version = given ?? (connection.wireVersion === 4 ? "4.0" : await this.serverVersion(connection));
    return { format: version === "" ? { buffers: false, config: "omit" } : { bokehVersion: version }, version };
  }

  /** The server's Bokeh version ("" if it cannot tell); asked on `connection` (during a resync the session is not open yet). */
  private async serverVersion(connection: ClientConnection): Promise<string> {
    try {
      this.serverInfo ??= connection.request("SERVER-INFO-REQ", {}).then((reply) => reply.content as ServerInfo);
      return String((await this.serverInfo).version_info?.bokeh ?? "");
    } catch {
      this.serverInfo = null;
      return "";
    }
  }

  // ---- the document --------------------------------------------------------------------

  // Runs as the PULL-DOC-REPLY arrives, so the patches right behind it apply to it.
  private adopt(reply: Message): void {
    const json = docJson(reply);
    if (this._document === null) {
      const pulled = Document.fromJSON(json, reply.buffers);
      this.attach(pulled);
      pulled._markSynced();
    } else {
      // A second pull: the server's state wins, model instances that still exist are kept,
      // and the differences reach listeners as changes from the server (not echoed).
      reconcile(this._document, json, reply.buffers, this);
    }
  }

  /**
   * After a reconnection: a pulled document is pulled again (the server's state wins) and
   * the changes it had not confirmed are applied again; a pushed one is pushed again (it
   * holds every local change).
   */
  private async resync(connection: ClientConnection): Promise<ResyncInfo> {
    const document = this._document;
    if (document === null || this.origin === null) return { mode: "none", replayed: 0, rejected: 0, skipped: 0, replaced: [] };
    if (this.origin === "push") {
      const replayed = await this.sendDocument(connection, document);
      return { mode: "push", replayed, rejected: 0, skipped: 0, replaced: [] };
    }
    let info: ResyncInfo | null = null;
    await connection.request("PULL-DOC-REQ", {}, { onReply: (reply) => (info = this.repull(document, reply)) });
    return info as unknown as ResyncInfo;
  }

  /**
   * The resync of a pulled document, in one synchronous step as its PULL-DOC-REPLY arrives:
   * the server's state is adopted, then the waiting changes are taken from the queue and
   * applied again (they go back into it as new local changes), except those the server
   * shows it had applied.
   */
  private repull(document: Document, reply: Message): ResyncInfo {
    const { removed } = reconcile(document, docJson(reply), reply.buffers, this);
    const { unconfirmed, pending } = this.queue.takeWaiting();
    const skipped = appliedPrefix(document, unconfirmed, (event) => this.queue.streamEnd(event));
    const again = [...unconfirmed.slice(skipped), ...pending];
    const { rejected, reasons } = replay(document, again);
    if (rejected.length > 0) {
      const error = new ChangesRejectedError(rejected.length, [...new Set(reasons)].join("; "));
      this.queue.report(error);
      this.emit("patchRejected", error, rejected);
    }
    return { mode: "pull", replayed: again.length - rejected.length, rejected: rejected.length, skipped, replaced: replacements(removed, document) };
  }

  private attach(document: Document): void {
    this._document = document;
    const unsubscribe = document.onChange((event) => {
      if (event.setter !== this) this.queue.add(event); // applied from the server: not echoed back
    });
    const unguard = document._addGuard((setter, count) => {
      if (setter !== this) this.queue.admit(count);
    });
    const undetached = document.onDetachedChange((change) => this.detachedChange(document, change));
    this.stopListening = () => {
      unsubscribe();
      unguard();
      undetached();
    };
  }

  private detachedChange(document: Document, change: DocumentChangedEvent): void {
    if (!("model" in change)) return;
    const model = change.model;
    const replacement = replacements([model], document)[0]?.replacement ?? null;
    if (this.listenerCount("detachedChange") > 0) {
      this.emit("detachedChange", { model, change, replacement });
    } else if (!this.warnedDetached.has(model)) {
      this.warnedDetached.add(model);
      const instead = replacement !== null ? `; the document now holds ${replacement} in its place` : "";
      console.warn(`bokeh-client: session ${this.id}: ${model} is no longer in the session's document, so its ${change.kind} is not sent${instead}`);
    }
  }

  private detach(): void {
    this.stopListening?.();
    this.stopListening = null;
    this._document = null;
  }

  private onMessage(message: Message): void {
    if (message.header.msgtype !== "PATCH-DOC") {
      this.report(new ProtocolError(`unexpected ${message.header.msgtype} message from the server`));
      return;
    }
    if (message.skippedBuffers) return; // its arrays were not read: readsBuffers said it applies nothing
    const document = this._document;
    const patch = patchToApply(message.content, this.pushEcho, document !== null);
    if (document === null || patch === null) return;
    try {
      applyPatch(document, patch, message.buffers, this, { bokehVersion: document.bokehVersion });
    } catch (error) {
      this.report(
        error instanceof BokehError
          ? error
          : new BokehError("ERR_BOKEH_LISTENER", `a document listener threw while a server patch was applied: ${String(error)}`, { cause: error }),
      );
    }
  }

  /**
   * Whether onMessage will read this message's buffers. Not when it applies nothing of
   * it, as when every event is the echo of our push: a Bokeh server sends a pushed
   * document's arrays straight back, and the connection then skips them on the socket.
   */
  private readsBuffers(header: Header, content: unknown): boolean {
    if (header.msgtype !== "PATCH-DOC") return true; // reported as unexpected, not ours to skip
    return patchToApply(content, this.pushEcho, this._document !== null) !== null;
  }

  // ---- errors --------------------------------------------------------------------------

  private setError(error: BokehError | null): void {
    if (error === null) this.lastError = NO_ERROR;
    else if (error instanceof ConnectionError) {
      this.lastError = { connectionError: error, reason: error.reason, code: error.errorCode, detail: error.detail };
    } else {
      this.lastError = {
        connectionError: new ConnectionClosedError(this.url, 1006, "", { cause: error }),
        reason: error instanceof ProtocolError ? "PROTOCOL_ERROR" : "NETWORK_ERROR",
        code: 0,
        detail: error.message,
      };
    }
  }

  private report(error: BokehError): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
    else console.warn(`bokeh-client: session ${this.id}: ${error.message}`);
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
