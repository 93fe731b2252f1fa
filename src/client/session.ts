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
 * of their own: the ChangeQueue (local changes until confirmed), the SyncedDocument (the
 * document and what flows between it and the server), the reconnect loop and the resync
 * steps (resync.ts), and one ClientConnection at a time. Its options and events are in
 * session-types.ts.
 */
import type { ServerInfo } from "../protocol/message.js";
import { generateSessionId, generateToken, resolveSigning, type Signing } from "../protocol/token.js";
import type { Document } from "../document/document.js";
import type { Model } from "../document/model.js";
import { debugLog, type DebugLog } from "../util/debug.js";
import { Emitter } from "../util/emitter.js";
import type { BokehError } from "../util/errors.js";
import type { BrowserOpener, OpenOptions } from "./browser.js";
import { ChangeQueue } from "./change-queue.js";
import { ClientConnection } from "./connection.js";
import { ChangesLostError, ConnectionClosedError, describeFailure, NO_FAILURE, SessionStateError, type ErrorReason, type Failure } from "./errors.js";
import { isRetryable, reconnectLoop, reconnectPolicy, type ReconnectPolicy } from "./resync.js";
import { canTransition, type SessionState } from "./session-state.js";
import type { ClientSessionEvents, ClientSessionOptions, DetachedChange, ResyncInfo, TransferOptions } from "./session-types.js";
import { showSession } from "./show.js";
import { ServerRelease } from "./server-release.js";
import { SyncedDocument } from "./synced-document.js";
import { defaultWebsocketUrl, withQueryArguments } from "./urls.js";

export { DEFAULT_SESSION_ID } from "./session-types.js";
export type {
  ClientSessionEvents,
  ClientSessionOptions,
  DetachedChange,
  DisconnectedInfo,
  ReconnectedInfo,
  ReplacedModel,
  ResyncInfo,
  TransferOptions,
} from "./session-types.js";


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
  private readonly synced: SyncedDocument;
  private readonly release: ServerRelease;
  private readonly ended: Promise<void>;
  private markEnded!: () => void;

  private state: SessionState = { name: "idle" };
  private _token: string | null;
  private lastError: Failure = NO_FAILURE;
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
    const maxInFlight = options.maxPatchesInFlight ?? 4;
    if (!(maxInFlight >= 1)) throw new RangeError(`maxPatchesInFlight must be at least 1 (or Infinity), got ${String(maxInFlight)}`);
    this.queue = new ChangeQueue(
      {
        maxQueued: options.maxQueuedChanges ?? 100_000,
        maxPatchSize: options.maxPatchSize ?? 16 * 1024 * 1024,
        highWaterMark: this.highWaterMark,
        maxInFlight,
      },
      {
        sendingConnection: () => (this.state.name === "open" ? this.state.connection : null),
        document: () => this.synced.document,
        rejected: (error, events) => this.emit("patchRejected", error, events),
      },
    );
    this.release = new ServerRelease(options.bokehVersion);
    this.synced = new SyncedDocument({
      setter: this,
      queue: this.queue,
      rejected: (error, events) => this.emit("patchRejected", error, events),
      detachedChange: (info) => this.detachedChange(info),
      report: (error) => this.report(error),
    });
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
    return this.synced.document;
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
        await connection.request("PULL-DOC-REQ", {}, { onReply: (reply) => this.synced.adopt(reply) });
      }),
    );
    this.synced.settleOrigin("pull");
    return this.synced.document as Document;
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
    const attached = this.synced.document;
    const doc = document ?? attached;
    if (doc === null) throw new SessionStateError("push() needs a document: pass one, or pull() first");
    if (attached !== null && doc !== attached) throw new SessionStateError("cannot push a different document than the one attached to this session");
    await this.retrying(async (connection) => {
      const attachedHere = this.synced.document === null;
      // Attach before sending, so that server patches arriving before the OK are applied.
      if (attachedHere) this.synced.attach(doc);
      try {
        await this.synced.push(connection, doc, await this.release.documentWriting(connection));
      } catch (error) {
        if (attachedHere) {
          this.synced.detach(true);
          doc._resetSynced();
        }
        throw error;
      }
    });
    this.synced.settleOrigin("push");
  }

  /** Sends a request and waits for its answer: everything sent before has been processed by then. */
  async forceRoundtrip(): Promise<void> {
    await this.retrying(async (connection) => {
      await connection.request("SERVER-INFO-REQ", {});
    });
  }

  /** The server's version info; asked once, then cached (as Python). */
  async requestServerInfo(): Promise<ServerInfo> {
    return this.release.serverInfo(await this.ready());
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
      this.queue.sendAll();
      await this.queue.settled();
      if (this.state === state && this.queue.waiting === 0) break;
    }
    const errors = this.queue.takeFailures();
    if (this.state.name !== "open" && this.queue.waiting > 0) errors.push(this.lostChanges());
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => e.message).join("; "));
  }

  /**
   * Resolves when the changes waiting to be sent (while the server or the network is
   * behind) and the bytes waiting in the socket are each below `highWaterMark`.
   * A producer that streams fast should await it between chunks, so memory stays bounded.
   */
  async drain(): Promise<void> {
    for (;;) {
      const state = this.state;
      if (state.name !== "open") return;
      await this.queue.whenSent(this.highWaterMark);
      await state.connection.whenDrained(this.highWaterMark);
      if (this.queue.pendingBytes <= this.highWaterMark || this.state !== state) return;
    }
  }

  /** Opens the session in a browser; adds `obj` as a root first if it is not one. */
  async show(obj?: Model, options: OpenOptions = {}): Promise<void> {
    const document = this.synced.document;
    if (obj !== undefined) {
      if (document === null) throw new SessionStateError("show(obj) needs a document: pull() or push() first");
      if (!document.roots.includes(obj)) document.addRoot(obj);
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
        onMessage: (message) => this.synced.apply(message),
        onClose: (error) => this.onConnectionClosed(connection, error),
        readsBuffers: (header, content) => this.synced.readsBuffers(header, content),
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
    this.synced.detach(false); // the document stays readable, as in Python
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
    this.queue.sendAll(); // requests go after the changes made before them
    return state.connection;
  }

  /**
   * After a reconnection: a pulled document is pulled again (the server's state wins) and
   * the changes it had not confirmed are applied again; a pushed one is pushed again (it
   * holds every local change).
   */
  private async resync(connection: ClientConnection): Promise<ResyncInfo> {
    const document = this.synced.document;
    const origin = this.synced.origin;
    if (document === null || origin === null) return { mode: "none", replayed: 0, rejected: 0, skipped: 0, replaced: [] };
    if (origin === "push") {
      const replayed = await this.synced.push(connection, document, await this.release.documentWriting(connection));
      return { mode: "push", replayed, rejected: 0, skipped: 0, replaced: [] };
    }
    let info: ResyncInfo | null = null;
    await connection.request("PULL-DOC-REQ", {}, { onReply: (reply) => (info = this.synced.repull(reply)) });
    return info as unknown as ResyncInfo;
  }

  /** A local change to a model no longer in the document: the `detachedChange` event, or a warning once per model. */
  private detachedChange(info: DetachedChange): void {
    if (this.listenerCount("detachedChange") > 0) {
      this.emit("detachedChange", info);
    } else if (!this.warnedDetached.has(info.model)) {
      this.warnedDetached.add(info.model);
      const instead = info.replacement !== null ? `; the document now holds ${info.replacement} in its place` : "";
      console.warn(`bokeh-client: session ${this.id}: ${info.model} is no longer in the session's document, so its ${info.change.kind} is not sent${instead}`);
    }
  }

  // ---- errors --------------------------------------------------------------------------

  private setError(error: BokehError | null): void {
    this.lastError = describeFailure(error, this.url);
  }

  private report(error: BokehError): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
    else console.warn(`bokeh-client: session ${this.id}: ${error.message}`);
  }
}
