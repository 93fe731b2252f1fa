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
 *   resynced, with every unconfirmed local change sent again;
 * - every failure is a typed error, and nothing rejects unobserved.
 */
import type { Header, Message, ServerInfo } from "../protocol/message.js";
import { ProtocolError } from "../protocol/errors.js";
import { documentArraysAsBuffers } from "../protocol/version.js";
import { generateSessionId, generateToken, resolveSigning, type Signing, type SigningOptions } from "../protocol/token.js";
import { Document, type DocJson } from "../document/document.js";
import { reconcile } from "../document/reconcile.js";
import type { DocumentChangedEvent } from "../document/events.js";
import type { Model } from "../document/model.js";
import { applyPatch, documentContent, serializePatch } from "../document/patch.js";
import { isPlainObject } from "../serialization/values.js";
import { Emitter } from "../util/emitter.js";
import { BokehError } from "../util/errors.js";
import { openInBrowser, type BrowserOpener, type OpenOptions } from "./browser.js";
import { ClientConnection, type ConnectionOptions } from "./connection.js";
import {
  ChangesRejectedError,
  ConnectionClosedError,
  ConnectionError,
  QueueFullError,
  ServerError,
  SessionStateError,
  type ErrorReason,
} from "./errors.js";
import { isRetryable, reconnectPolicy, replay, type ReconnectOptions, type ReconnectPolicy } from "./reconnect.js";
import { defaultWebsocketUrl, resolveServerUrl, serverUrlForWebsocketUrl, withQueryArguments, type QueryArguments } from "./urls.js";

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
  /** Most local changes kept waiting to be sent (while disconnected or slowed down). Default 100,000. */
  maxQueuedChanges?: number;
  /** Bytes waiting in the socket above which sending pauses and `drain()` waits. Default 16 MiB. */
  highWaterMark?: number;
  /**
   * Largest PATCH-DOC sent: bigger batches of changes are split into several
   * messages, in order. Default 16 MiB (Bokeh servers refuse messages over 20 MiB).
   */
  maxPatchSize?: number;
  /**
   * The server's Bokeh version, if known ("3.7.3"). Pushing a document needs it:
   * Bokeh 3.7 takes arrays inline and rejects a `config`, 3.8+ takes arrays as binary
   * buffers and requires a `config`. When it is not given, the session asks the
   * server once (SERVER-INFO-REQ, cached) before the first push.
   */
  bokehVersion?: string;
}

export interface ClientSessionEvents {
  [event: string]: unknown[];
  /** The connection ended; `error` is null when this side closed it. */
  close: [error: BokehError | null];
  /**
   * Local changes the server did not take: it answered ERROR (ServerError), or
   * after a reconnection they no longer fit its document (ChangesRejectedError).
   */
  patchRejected: [error: BokehError, events: readonly DocumentChangedEvent[]];
  /** Something went wrong outside any call (a server patch that could not be applied...). */
  error: [error: BokehError];
  /** With `reconnect`: the connection was lost; attempt `attempt` starts in `delay` ms. */
  disconnected: [info: { error: BokehError; attempt: number; delay: number }];
  /** With `reconnect`: a new connection is open (the document is resynced next). */
  reconnected: [info: { attempt: number }];
  /** With `reconnect`: the document is in sync again; `replayed` local changes were sent again. */
  resynced: [info: { mode: "pull" | "push" | "none"; replayed: number; rejected: number }];
  /** With `reconnect`: every attempt failed; the session is down (a `close` event follows). */
  gaveUp: [error: BokehError];
}

/** Python's `DEFAULT_SESSION_ID`. */
export const DEFAULT_SESSION_ID = "default";

interface PushEcho {
  roots: Set<string>;
  title: string;
}

export class ClientSession extends Emitter<ClientSessionEvents> {
  readonly id: string;
  /** The websocket URL (without the arguments query). */
  readonly url: string;
  /** How `show()` opens a URL (the `opener` option); undefined means the system browser. */
  readonly opener: BrowserOpener | undefined;

  private readonly options: ClientSessionOptions;
  private readonly signing: Signing;
  private _token: string | null;
  private connection: ClientConnection | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private _document: Document | null = null;
  private unsubscribe: (() => void) | null = null;

  private readonly policy: ReconnectPolicy | null;
  private readonly maxQueued: number;
  private readonly highWaterMark: number;
  /** How the document was attached: a reconnection re-pulls or re-pushes accordingly. */
  private origin: "pull" | "push" | null = null;
  /** While reconnecting: settles once the session is resynced (or gave up). */
  private reconnecting: Promise<void> | null = null;
  private cancelReconnect: (() => void) | null = null;
  /** Changes sent but never confirmed because the connection was lost (replayed after a reconnection). */
  private unacked: DocumentChangedEvent[] = [];

  private queue: DocumentChangedEvent[] = [];
  private flushScheduled = false;
  private waitingForDrain = false;
  private readonly inflight = new Set<Promise<BokehError | null>>();
  private unreported: BokehError[] = [];
  private serverInfo: Promise<ServerInfo> | null = null;
  private pushEcho: PushEcho | null = null;

  /** Set when an open connection was lost: the session stays down (no silent reconnect). */
  private lost: BokehError | null = null;
  private readonly ended: Promise<void>;
  private markEnded!: () => void;
  private _errorReason: ErrorReason = "NO_ERROR";
  private _errorCode = 0;
  private _errorDetail = "";
  private connectionError: ConnectionError | null = null;

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
    this.maxQueued = options.maxQueuedChanges ?? 100_000;
    this.highWaterMark = options.highWaterMark ?? 16 * 1024 * 1024;
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

  get connected(): boolean {
    return this.connection?.state === "open";
  }

  /** The session's document: null until `pull()` or `push()`. */
  get document(): Document | null {
    return this._document;
  }

  get errorReason(): ErrorReason {
    return this._errorReason;
  }

  /** HTTP status or websocket close code of the last connection failure, else 0. */
  get errorCode(): number {
    return this._errorCode;
  }

  get errorDetail(): string {
    return this._errorDetail;
  }

  /** Local changes not yet sent to the server. */
  get pendingChanges(): number {
    return this.queue.length;
  }

  /** Opens the connection and waits for the server's ACK (while reconnecting: for the resync). */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new SessionStateError(`session ${this.id} is closed`));
    if (this.reconnecting !== null) return this.reconnecting;
    if (this.lost !== null) return Promise.reject(this.lost);
    if (this.connected) return Promise.resolve();
    if (this.connecting !== null) return this.connecting;
    return this.openConnection();
  }

  private openConnection(): Promise<void> {
    if (this.options.token === undefined) this._token = null; // a fresh token for each new connection
    const heartbeat = this.options.heartbeat ?? (this.policy !== null ? 15_000 : false);
    const options = { ...this.options, heartbeat };
    const connection = new ClientConnection(withQueryArguments(this.url, this.options.arguments), ["bokeh", this.token], options, {
      onMessage: (message) => this.onMessage(message),
      onClose: (error) => this.onClose(error),
      readsBuffers: (header, content) => this.readsBuffers(header, content),
    });
    this.connection = connection;
    this.connecting = connection.open().then(
      () => {
        this.connecting = null;
        this.setError(null);
      },
      (error: BokehError) => {
        this.connecting = null;
        this.setError(error);
        throw error;
      },
    );
    return this.connecting;
  }

  /** Throws the error that keeps this session from being connected, if there is one (Python's check). */
  checkConnectionErrors(): void {
    if (this.connected) return;
    if (this.connectionError !== null) throw this.connectionError;
    if (this.closed) throw new SessionStateError(`session ${this.id} is closed`);
    throw new SessionStateError(`session ${this.id} is not connected: call connect() first`);
  }

  /** Fetches the session's document from the server; it stays in sync from then on. */
  async pull(): Promise<Document> {
    await this.retrying(async () => {
      const connection = await this.ready();
      await connection.request("PULL-DOC-REQ", {}, { onReply: (reply) => this.adopt(reply) });
    });
    this.origin ??= "pull";
    return this._document as Document;
  }

  /** Sends `document` (default: the session's) to the server, replacing the session's document there. */
  async push(document?: Document): Promise<void> {
    const doc = document ?? this._document;
    if (doc === null) throw new SessionStateError("push() needs a document: pass one, or pull() first");
    if (this._document !== null && doc !== this._document) {
      throw new SessionStateError("cannot push a different document than the one attached to this session");
    }
    await this.retrying(async () => {
      const connection = await this.ready();
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

  private async sendDocument(connection: ClientConnection, doc: Document): Promise<void> {
    const format = await this.documentFormat(connection);
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
  }

  /**
   * How to write a whole document for this server. Bokeh 3.8 changed the format: arrays as binary
   * buffers, and a `config` model. Our embedded server speaks 3.7 but reads buffers, and says so on
   * the upgrade (protocol/features.ts): arrays go as buffers, without the base64 and a quarter of
   * the bytes. Otherwise the `bokehVersion` option, or the version the server reports, decides.
   */
  private async documentFormat(connection: ClientConnection): Promise<{ buffers: boolean; config: "ensure" | "omit" }> {
    const version = this.options.bokehVersion;
    if (version === undefined && connection.acceptsDocumentBuffers) return { buffers: true, config: "omit" };
    const modern = documentArraysAsBuffers(version ?? (await this.serverVersion()));
    return { buffers: modern, config: modern ? "ensure" : "omit" };
  }

  /** Sends a request and waits for its answer: everything sent before has been processed by then. */
  async forceRoundtrip(): Promise<void> {
    await this.retrying(async () => {
      const connection = await this.ready();
      await connection.request("SERVER-INFO-REQ", {});
    });
  }

  /** The server's Bokeh version ("" if it cannot tell). */
  private async serverVersion(): Promise<string> {
    try {
      return String((await this.requestServerInfo()).version_info?.bokeh ?? "");
    } catch {
      return "";
    }
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
   * sent so far. Rejects with the server's ERROR text if it rejected any of them,
   * or with the connection error if changes could not be sent.
   */
  async flush(): Promise<void> {
    do {
      // A connection lost meanwhile (with `reconnect`): wait for the resync, which
      // sends the unconfirmed changes again, then wait for those to be confirmed.
      if (this.reconnecting !== null) await this.reconnecting.catch(() => {});
      await this.drain();
      this.sendQueued();
      await Promise.all([...this.inflight]);
    } while (this.reconnecting !== null);
    const errors = this.unreported.splice(0);
    if (this.queue.length > 0) {
      const why = this.connectionError ?? new SessionStateError("not connected");
      errors.push(new SessionStateError(`${this.queue.length} local change(s) could not be sent: ${why.message}`));
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => e.message).join("; "));
  }

  /**
   * Resolves when the bytes waiting in the socket are below `highWaterMark`.
   * A producer that streams fast should await it between chunks, so memory stays bounded.
   */
  async drain(): Promise<void> {
    const connection = this.connection;
    if (connection !== null && connection.state === "open") await connection.whenDrained(this.highWaterMark);
  }

  /** Opens the session in a browser; adds `obj` as a root first if it is not one. */
  async show(obj?: Model, options: OpenOptions = {}): Promise<void> {
    if (obj !== undefined) {
      if (this._document === null) throw new SessionStateError("show(obj) needs a document: pull() or push() first");
      if (!this._document.roots.includes(obj)) this._document.addRoot(obj);
    }
    await showSession({ session: this, ...options });
  }

  /** Flushes pending changes, then closes the connection. Rejects (after closing) if changes were lost. */
  async close(why = "closed"): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let failure: unknown = null;
    this.cancelReconnect?.();
    if (this.connecting !== null) await this.connecting.catch(() => {});
    if (this.connected) {
      try {
        await this.flush();
      } catch (error) {
        failure = error;
      }
    } else if (this.queue.length > 0 || this.unreported.length > 0) {
      failure = await this.flush().then(() => null, (error: unknown) => error);
    }
    await this.connection?.close(1000, why);
    this.detach();
    this.markEnded();
    if (failure !== null) throw failure;
  }

  /** `await using session = await pullSession(...)` closes the session at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- internals ---------------------------------------------------------------------

  /**
   * Runs a request; with `reconnect`, a request cut off by the lost connection is
   * made again once the session is resynced (pull, push and roundtrips can be
   * repeated safely), at most as many times as the policy has attempts.
   */
  private async retrying(request: () => Promise<void>): Promise<void> {
    for (let retries = 0; ; retries++) {
      try {
        return await request();
      } catch (error) {
        const retry = error instanceof ConnectionClosedError && this.reconnecting !== null && !this.closed;
        if (!retry || retries >= (this.policy?.attempts ?? 0)) throw error;
      }
    }
  }

  private async ready(): Promise<ClientConnection> {
    await this.connect(); // while reconnecting, this waits for the resync
    this.sendQueued(); // requests go after the changes made before them
    return this.connection as ClientConnection;
  }

  // Runs as the PULL-DOC-REPLY arrives, so the patches right behind it apply to it.
  private adopt(reply: Message): void {
    const json = isPlainObject(reply.content) ? (reply.content.doc as DocJson | undefined) : undefined;
    if (json === undefined) throw new ProtocolError("PULL-DOC-REPLY without a document");
    if (this._document === null) {
      const pulled = Document.fromJSON(json, reply.buffers);
      this.attach(pulled);
      pulled._markSynced();
    } else {
      // A re-pull: the server's state wins, model instances that still exist are kept,
      // and the differences reach listeners as changes from the server (not echoed).
      reconcile(this._document, json, reply.buffers, this);
    }
  }

  private attach(document: Document): void {
    this._document = document;
    this.unsubscribe = document.onChange((event) => this.onLocalChange(event));
  }

  private detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this._document = null;
  }

  private onLocalChange(event: DocumentChangedEvent): void {
    if (event.setter === this) return; // applied from the server: do not echo it back
    if (this.queue.length >= this.maxQueued) throw new QueueFullError(this.maxQueued);
    this.queue.push(event);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.sendQueued());
    }
  }

  /** Sends every queued change as one PATCH-DOC. */
  private sendQueued(): void {
    this.flushScheduled = false;
    const connection = this.connection;
    const document = this._document;
    if (this.queue.length === 0 || document === null || connection === null || connection.state !== "open") return;
    if (connection.bufferedAmount > this.highWaterMark) {
      // The network is behind: keep the changes queued until the socket drains.
      if (!this.waitingForDrain) {
        this.waitingForDrain = true;
        void connection.whenDrained(this.highWaterMark).then(() => {
          this.waitingForDrain = false;
          this.sendQueued();
        });
      }
      return;
    }
    this.sendBatch(connection, document, this.queue.splice(0));
  }

  /** Sends `events` as one PATCH-DOC, or as several in order when one would exceed `maxPatchSize`. */
  private sendBatch(connection: ClientConnection, document: Document, events: DocumentChangedEvent[]): void {
    const patch = serializePatch(document, events, { eventModelsInFull: true });
    if (patch.content.events.length === 0) return;
    const json = JSON.stringify(patch.content);
    let size = json.length;
    for (const bytes of patch.buffers.values()) size += bytes.byteLength;
    if (size > (this.options.maxPatchSize ?? 16 * 1024 * 1024) && events.length > 1) {
      const half = events.length >> 1;
      this.sendBatch(connection, document, events.slice(0, half));
      this.sendBatch(connection, document, events.slice(half));
      return;
    }
    const request = connection.request("PATCH-DOC", patch.content, { buffers: patch.buffers, contentJson: json });
    document._markSynced(patch.newModels);
    const settled = request.then(
      () => null,
      (error: BokehError) => {
        if (this.policy !== null && !(error instanceof ServerError) && !this.closed) {
          this.unacked.push(...events); // the connection went down: sent again after reconnecting
          return null;
        }
        this.unreported.push(error);
        if (error instanceof ServerError) this.emit("patchRejected", error, events);
        return error;
      },
    );
    this.inflight.add(settled);
    void settled.then(() => this.inflight.delete(settled));
  }

  private onMessage(message: Message): void {
    if (message.header.msgtype !== "PATCH-DOC") {
      this.report(new ProtocolError(`unexpected ${message.header.msgtype} message from the server`));
      return;
    }
    if (message.skippedBuffers) return; // its arrays were not read: patchToApply dropped it when it came (readsBuffers)
    const document = this._document;
    const patch = this.patchToApply(message.content);
    if (document === null || patch === null) return;
    try {
      applyPatch(document, patch, message.buffers, this);
    } catch (error) {
      this.report(
        error instanceof BokehError
          ? error
          : new BokehError("ERR_BOKEH_LISTENER", `a document listener threw while a server patch was applied: ${String(error)}`, { cause: error }),
      );
    }
  }

  /** The part of a server patch onMessage applies; null when it applies nothing. */
  private patchToApply(content: unknown): unknown {
    if (this._document === null) return null; // not attached yet: the document we will pull already has it
    const kept = this.withoutPushEcho(content);
    return isPlainObject(kept) && Array.isArray(kept.events) && kept.events.length === 0 ? null : kept;
  }

  /**
   * Whether onMessage will read this message's buffers. Not when it applies nothing
   * of it, as when every event is the echo of our push: a Bokeh server sends a
   * pushed document's arrays straight back, and the connection then skips them on
   * the socket instead of reading them into memory (client/transport/frame-parser.ts).
   */
  private readsBuffers(header: Header, content: unknown): boolean {
    if (header.msgtype !== "PATCH-DOC") return true; // reported as unexpected, not ours to skip
    return this.patchToApply(content) !== null;
  }

  // A server replacing its document with a pushed one removes its old roots and adds
  // the pushed ones, and sends all of that back to the pusher before its OK. Those
  // events describe our own push, so they are skipped (applying them would remove
  // our roots, or undo a change made meanwhile). Other events are applied.
  private withoutPushEcho(content: unknown): unknown {
    const echo = this.pushEcho;
    if (echo === null || !isPlainObject(content) || !Array.isArray(content.events)) return content;
    const events = content.events.filter((event: unknown) => {
      if (!isPlainObject(event)) return true;
      const id = isPlainObject(event.model) ? event.model.id : undefined;
      if (event.kind === "RootAdded") return !(typeof id === "string" && echo.roots.has(id));
      if (event.kind === "RootRemoved") return false;
      if (event.kind === "TitleChanged") return event.title !== echo.title;
      return true;
    });
    return { ...content, events };
  }

  private onClose(error: BokehError | null): void {
    if (error !== null) this.setError(error);
    if (error !== null && this.policy !== null && !this.closed && isRetryable(error)) {
      this.reconnecting = this.reconnect(this.policy, error);
      this.reconnecting.catch(() => {}); // its outcome is reported by events and by later calls
      return;
    }
    if (error !== null) this.lost = this.connectionError;
    this.markEnded();
    this.emit("close", error);
  }

  /** Tries to open a new connection with backoff, then resyncs the document. */
  private async reconnect(policy: ReconnectPolicy, first: BokehError): Promise<void> {
    let last = first;
    try {
      for (let attempt = 1; attempt <= policy.attempts; attempt++) {
        const delay = policy.delay(attempt);
        this.emit("disconnected", { error: last, attempt, delay });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, delay);
          this.cancelReconnect = () => {
            clearTimeout(timer);
            reject(new SessionStateError(`session ${this.id} was closed while reconnecting`));
          };
        });
        try {
          await this.openConnection();
          this.emit("reconnected", { attempt });
          await this.resync(this.connection as ClientConnection);
          return;
        } catch (error) {
          if (this.closed) throw error;
          last = error instanceof BokehError ? error : new BokehError("ERR_BOKEH_RECONNECT", String(error), { cause: error });
          if (!isRetryable(last)) break;
        }
      }
      throw last;
    } catch (error) {
      const final = error instanceof BokehError ? error : last;
      this.setError(final);
      this.lost = this.connectionError ?? final;
      const lostChanges = this.unacked.length + this.queue.length;
      if (lostChanges > 0) this.unreported.push(new SessionStateError(`${lostChanges} local change(s) were not confirmed before the connection was lost: ${final.message}`));
      if (!this.closed) {
        this.emit("gaveUp", final);
        this.markEnded();
        this.emit("close", final);
      }
      throw final;
    } finally {
      this.cancelReconnect = null;
      this.reconnecting = null;
    }
  }

  /**
   * After a reconnection: a pulled document is pulled again (server state wins)
   * and the changes the server never confirmed are applied again; a pushed one is
   * pushed again (it holds every local change).
   */
  private async resync(connection: ClientConnection): Promise<void> {
    const document = this._document;
    const pending = [...this.unacked, ...this.queue];
    this.unacked = [];
    this.queue = [];
    if (document === null || this.origin === null) {
      this.emit("resynced", { mode: "none", replayed: 0, rejected: 0 });
      return;
    }
    if (this.origin === "push") {
      await this.sendDocument(connection, document);
      this.emit("resynced", { mode: "push", replayed: pending.length, rejected: 0 });
      return;
    }
    await connection.request("PULL-DOC-REQ", {}, { onReply: (reply) => this.adopt(reply) });
    const { rejected, reasons } = replay(document, pending);
    if (rejected.length > 0) {
      const error = new ChangesRejectedError(rejected.length, [...new Set(reasons)].join("; "));
      this.unreported.push(error);
      this.emit("patchRejected", error, rejected);
    }
    this.sendQueued();
    this.emit("resynced", { mode: "pull", replayed: pending.length - rejected.length, rejected: rejected.length });
  }

  private setError(error: BokehError | null): void {
    if (error instanceof ConnectionError) {
      this.connectionError = error;
      this._errorReason = error.reason;
      this._errorCode = error.errorCode;
      this._errorDetail = error.detail;
    } else if (error === null) {
      this.connectionError = null;
      this._errorReason = "NO_ERROR";
      this._errorCode = 0;
      this._errorDetail = "";
    } else {
      this.connectionError = new ConnectionClosedError(this.url, 1006, "", { cause: error });
      this._errorReason = error instanceof ProtocolError ? "PROTOCOL_ERROR" : "NETWORK_ERROR";
      this._errorCode = 0;
      this._errorDetail = error.message;
    }
  }

  private report(error: BokehError): void {
    if (this.listenerCount("error") > 0) this.emit("error", error);
    else console.warn(`bokeh-client: session ${this.id}: ${error.message}`);
  }
}

export interface ShowSessionOptions extends OpenOptions {
  /** Show this session (its server and id). */
  session?: ClientSession;
  /** Otherwise: the session id (default: a new session) ... */
  sessionId?: string;
  /** ... on this server URL (default "default"). */
  url?: string;
  /** How to open the URL. Default: the session's opener, else the system browser. */
  opener?: BrowserOpener;
}

/** Opens `<app url>/?bokeh-session-id=<id>` in a browser, as Python's `show_session`. */
export async function showSession(options: ShowSessionOptions = {}): Promise<void> {
  let serverUrl: string;
  let sessionId: string;
  if (options.session !== undefined) {
    serverUrl = serverUrlForWebsocketUrl(options.session.url);
    sessionId = options.session.id;
  } else {
    serverUrl = `${resolveServerUrl(options.url)}/`;
    sessionId = options.sessionId ?? generateSessionId(resolveSigning());
  }
  const opener = options.opener ?? options.session?.opener ?? openInBrowser;
  await opener(`${serverUrl}?bokeh-session-id=${encodeURIComponent(sessionId)}`, { browser: options.browser, new: options.new ?? "tab" });
}

