/**
 * ClientConnection: Bokeh messages over one websocket (a Transport), as a plain
 * state machine.
 *
 *   connecting ──101──► awaiting-ack ──ACK──► open ──close()──► closing ──► closed
 *        │                   │                  │                              ▲
 *        └── HTTP error, ────┴── closed before ─┴── closed or dropped ─────────┘
 *            unreachable         ACK (refused)      by the server
 *
 * It frames and unframes messages with its codec (protocol/codec.ts), matches replies
 * to requests by `reqid`, and hands every other message to the session. Every way it
 * can end is turned into one typed error, given to the pending requests and the session.
 *
 * The codec learns the server's framing from its first frame, the ACK: Bokeh 3's header
 * frame or Bokeh 4's envelope. Nothing else here knows which; a request Bokeh 4 has no
 * message for is made the way the codec says (SERVER-INFO-REQ as a SYNC round trip).
 */
import { CLOSE_NORMAL, CLOSE_PROTOCOL_ERROR, CLOSE_TOO_LARGE } from "../protocol/close.js";
import { ACCEPTS_HEADER, acceptedFeatures, CLIENT_ACCEPTS_HEADER, DOCUMENT_BUFFERS, UI_EVENTS } from "../protocol/features.js";
import { makeId } from "../protocol/ids.js";
import { KeepAlive } from "../protocol/keepalive.js";
import { MessageTooLargeError, ProtocolError } from "../protocol/errors.js";
import { Codec } from "../protocol/codec.js";
import { createMessage, REPLY_TYPES, type Buffers, type ErrorContent, type Header, type Message, type MsgType, type WireVersion } from "../protocol/message.js";
import { DEFAULT_MAX_MESSAGE_SIZE } from "../protocol/receiver.js";
import type { Frame, FrameText } from "../protocol/sender.js";
import { debugLog, frameBytes, summarizeFrames, type DebugFields, type DebugLog } from "../util/debug.js";
import { BokehError } from "../util/errors.js";
import { DEFAULT_MAX_TOTAL_MESSAGE_SIZE, DEFAULT_TIMEOUT, type ConnectionOptions } from "./connection-options.js";
import { AbortError, ConnectionClosedError, NetworkError, ServerError, SessionRefusedError } from "./errors.js";
import { PendingRequests, type ReplyCallback } from "./pending-requests.js";
import { PROGRESS_THRESHOLD, ProgressTracker, type TransferProgress } from "./progress.js";
import { Transport, type TransportEnding } from "./transport/transport.js";

export { DEFAULT_MAX_TOTAL_MESSAGE_SIZE, DEFAULT_TIMEOUT, type ConnectionOptions };

export type ConnectionState = "connecting" | "awaiting-ack" | "open" | "closing" | "closed";

export interface ConnectionHandlers {
  /** A message that is not a reply to a pending request (PATCH-DOC from the server...). */
  onMessage(message: Message): void;
  /** The connection ended after it was open; `error` is null when this side closed it. */
  onClose(error: BokehError | null): void;
  /**
   * Whether a message with this header and content, not a reply, will have its
   * buffers read. If not, large ones are skipped on the socket.
   */
  readsBuffers?(header: Header, content: unknown): boolean;
  /** Progress of a large message in or out (client/progress.ts). */
  onProgress?(progress: TransferProgress): void;
}

/** What a request may carry and do besides its content. */
export interface RequestOptions {
  buffers?: Buffers;
  /** The content frame, already written (protocol/content.ts), instead of `JSON.stringify(content)`. */
  contentJson?: FrameText;
  /** Runs synchronously when the reply arrives, before any later message is handled; a throw fails the request. */
  onReply?: (message: Message) => void;
}

export class ClientConnection {
  readonly url: string;
  private _state: ConnectionState = "connecting";
  private readonly options: ConnectionOptions;
  private readonly handlers: ConnectionHandlers;
  private readonly subprotocols: string[];
  /** Messages to and from frames, in the server's framing (known from its ACK). */
  private readonly codec: Codec;
  private readonly pending: PendingRequests;
  private readonly closeWaiters: (() => void)[] = [];
  private transport: Transport | null = null;
  private opened: { resolve(): void; reject(error: Error): void } | null = null;
  /** Why this side ended the connection (a refused message, a timeout, an abort...). */
  private failure: BokehError | null = null;
  private ackTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly keepAlive = new KeepAlive();
  /** A check whether to acknowledge an incomplete reply with a pong is scheduled (onReadEnd). */
  private ackCheckScheduled = false;
  /** What the server said it accepts beyond Bokeh 3.7 (protocol/features.ts): only our embedded server says anything. */
  private features: ReadonlySet<string> = new Set();
  /** NODE_DEBUG=bokeh-client lines: states, and each message in and out (docs/debugging.md). */
  private readonly debug: DebugLog;
  /** Sizes of the messages in and out, for their debug lines and the progress of large ones. */
  private readonly progress: ProgressTracker;
  private readonly onAbort = () => this.fail(new AbortError(`connection to ${this.url}`, this.options.signal?.reason), CLOSE_NORMAL, "aborted");

  constructor(url: string, subprotocols: string[], options: ConnectionOptions, handlers: ConnectionHandlers, debug: DebugLog = debugLog("client")) {
    this.url = url;
    this.debug = debug;
    this.subprotocols = subprotocols;
    this.options = options;
    this.handlers = handlers;
    this.codec = Codec.detecting({ maxMessageSize: options.maxTotalMessageSize ?? DEFAULT_MAX_TOTAL_MESSAGE_SIZE, sizeOption: "maxTotalMessageSize" });
    this.pending = new PendingRequests(this.timeout(), url);
    this.progress = new ProgressTracker((progress) => handlers.onProgress?.(progress));
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** The framing the server speaks (3 or 4, its Bokeh major version), known once its ACK arrived; null before. */
  get wireVersion(): WireVersion | null {
    return this.codec.framing?.wire ?? null;
  }

  /** The server reads a whole document's arrays as binary buffers although it may say it is 3.7 (protocol/features.ts). */
  get acceptsDocumentBuffers(): boolean {
    return this.features.has(DOCUMENT_BUFFERS);
  }

  /** Bytes queued in the socket, not yet written to the network. */
  get bufferedAmount(): number {
    return this.transport?.bufferedAmount ?? 0;
  }

  /** Resolves once at most `limit` bytes wait in the socket (or the connection closed). */
  whenDrained(limit: number): Promise<void> {
    return this.transport?.whenDrained(limit) ?? Promise.resolve();
  }

  /** Connects and waits for the server's ACK. Rejects with a typed ConnectionError. */
  open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.opened = { resolve, reject };
      const signal = this.options.signal;
      if (signal?.aborted) {
        this.failure = new AbortError(`connection to ${this.url}`, signal.reason);
        this.finish(null);
        return;
      }
      signal?.addEventListener("abort", this.onAbort, { once: true });
      const timeout = this.timeout();
      if (timeout > 0) {
        this.ackTimer = setTimeout(() => this.fail(new NetworkError(this.url, `no ACK from the server within ${timeout} ms`), CLOSE_NORMAL, "timeout"), timeout);
      }
      Transport.connect(this.url, this.transportOptions(), {
        onOpen: (transport) => {
          if (this._state !== "connecting") {
            transport.terminate(); // aborted or timed out meanwhile
            return;
          }
          this.transport = transport;
          this.features = acceptedFeatures(transport.headers[ACCEPTS_HEADER]);
          this.setState("awaiting-ack");
        },
        onText: (payload) => this.onFrame(payload, false),
        onBinary: (payload) => this.onFrame(payload, true),
        skipBinary: (length) => this.canSkipPayload(length),
        onReadEnd: (betweenFrames) => this.onReadEnd(betweenFrames),
        onPayloadProgress: (done, total) => this.onPayloadProgress(done, total),
        onPong: () => this.keepAlive.pong(),
        onEnd: (ending) => this.finish(ending),
      }).catch((error: unknown) => {
        this.failure ??= error instanceof BokehError ? error : new NetworkError(this.url, String(error), { cause: error });
        this.finish(null);
      });
    });
  }

  /**
   * Sends a request and resolves with its reply; an ERROR reply rejects with ServerError.
   * `onReply` runs synchronously when the reply arrives, before any later message
   * is handled (a pull adopts its document before the patches that follow it).
   */
  request(msgtype: MsgType, content: unknown, options: RequestOptions = {}): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      this.post(msgtype, content, options, (error, reply) => (error === null ? resolve(reply as Message) : reject(error)));
    });
  }

  /**
   * `request` with a callback instead of a promise: lighter for the thousands of PATCH-DOCs
   * a session may keep in flight. `done` is called once, never synchronously.
   */
  post(msgtype: MsgType, content: unknown, options: RequestOptions, done: ReplyCallback): void {
    if (this._state !== "open") {
      const error = this.notOpen(msgtype);
      queueMicrotask(() => done(error, null));
      return;
    }
    const form = this.codec.request(msgtype);
    const message = createMessage(form.send, makeId(), content, { buffers: options.buffers });
    let frames: Frame[];
    try {
      frames = this.codec.frames(message, options.contentJson); // a message the server's framing cannot carry: ProtocolError
    } catch (error) {
      queueMicrotask(() => done(error instanceof BokehError ? error : new ProtocolError(String(error)), null));
      return;
    }
    this.pending.add(message.header.msgid, msgtype, form, options.onReply, done);
    if (this.debug.enabled) this.debug.message("out", summarizeFrames(frames));
    const transport = this.transport;
    if (transport === null) return;
    // Progress only for large messages: a quick lower bound first (a string's length), so the
    // thousands of small ones a session sends cost no byte counting.
    const large = this.handlers.onProgress !== undefined && frames.reduce((n, f) => n + roughSize(f), 0) >= PROGRESS_THRESHOLD / 3;
    const queuedBefore = large ? transport.bufferedAmount : 0;
    transport.send(frames);
    if (large) {
      const bytes = frames.reduce((n, frame) => n + frameBytes(frame), 0);
      if (bytes >= PROGRESS_THRESHOLD) this.progress.sending(transport, msgtype, bytes, queuedBefore);
    }
  }

  /** A large frame of the incoming message advanced. */
  private onPayloadProgress(done: number, frameTotal: number): void {
    if (this.handlers.onProgress !== undefined) this.progress.payload(done, frameTotal, this.codec.awaitedPayload(0));
  }

  /** Closes the connection (after pending writes) and resolves once it is closed. */
  close(code = CLOSE_NORMAL, reason = "closed"): Promise<void> {
    if (this._state === "closed") return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this._state === "closing") return done;
    if (this.transport === null) {
      this.fail(new AbortError(`connection to ${this.url}`), code, reason);
      return done;
    }
    this.setState("closing");
    this.transport.close(code, reason);
    return done;
  }

  private transportOptions(): Parameters<typeof Transport.connect>[1] {
    const o = this.options;
    // Our embedded server forwards other connections' UI events (a browser's clicks) to clients that read them (protocol/features.ts).
    const headers: Record<string, string> = { [CLIENT_ACCEPTS_HEADER]: UI_EVENTS, ...o.headers };
    if (o.cookies !== undefined && Object.keys(o.cookies).length > 0) {
      const pairs = Object.entries(o.cookies).map(([k, v]) => `${k}=${v}`);
      headers.Cookie = headers.Cookie ? `${headers.Cookie}; ${pairs.join("; ")}` : pairs.join("; ");
    }
    return {
      protocols: this.subprotocols,
      headers,
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      rejectUnauthorized: o.rejectUnauthorized,
      timeout: this.timeout(),
      maxMessageSize: o.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    };
  }

  private setState(next: ConnectionState, fields?: DebugFields): void {
    this.debug.state(this._state, next, fields);
    this._state = next;
  }

  private timeout(): number {
    const t = this.options.timeout ?? DEFAULT_TIMEOUT;
    return Number.isFinite(t) && t > 0 ? t : 0;
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (this._state !== "awaiting-ack" && this._state !== "open") return;
    let message: Message | null;
    this.progress.frame(data.byteLength);
    try {
      message = isBinary ? this.codec.consumeBinary(data) : this.codec.consumeText(data);
    } catch (error) {
      const tooLarge = error instanceof MessageTooLargeError;
      this.fail(error as BokehError, tooLarge ? CLOSE_TOO_LARGE : CLOSE_PROTOCOL_ERROR, tooLarge ? "message too large" : (error as Error).message);
      return;
    }
    if (message === null) return;
    if (this.debug.enabled) {
      const { msgtype, msgid, reqid } = message.header;
      this.debug.message("in", { msgtype, msgid, reqid, bytes: this.progress.messageBytes, buffers: message.buffers.size }, message.skippedBuffers ? { skipped: true } : undefined);
    }
    this.progress.messageEnd(message.header.msgtype);
    this.dispatch(message);
  }

  /**
   * A read ended in the middle of a message, between two of its frames. A server
   * that leaves Nagle's algorithm on (Bokeh's Tornado does) holds its next small
   * frame until this one is acknowledged, and the kernel delays that ACK by up to
   * 40 ms. Any bytes we send carry the ACK at once; an unsolicited pong is the
   * smallest frame a peer ignores (RFC 6455 5.5.3). docs/decisions.md, "The 44 ms stall".
   */
  private onReadEnd(betweenFrames: boolean): void {
    const transport = this.transport;
    if (!betweenFrames || !this.codec.inMessage || transport === null || this.ackCheckScheduled) return;
    // Not at once: when we are about to write anyway (the next change of a stream of edits,
    // queued for the next turn of the event loop), that write carries the ACK and no pong is
    // needed. Two turns later, a pong goes out only if nothing was written meanwhile and the
    // message is still incomplete. (A few microseconds of latency; a write saved per reply.)
    this.ackCheckScheduled = true;
    const writes = transport.writes;
    setImmediate(() =>
      setImmediate(() => {
        this.ackCheckScheduled = false;
        if (transport.writes === writes && this.codec.inMessage) transport.pong();
      }),
    );
  }

  /** A large binary payload is about to be read: skip it if it belongs to a message whose buffers will not be read. */
  private canSkipPayload(length: number): boolean {
    if (this._state !== "open") return false;
    const awaited = this.codec.awaitedPayload(length);
    if (awaited === null) return false;
    const { header, content } = awaited;
    const isReply = header.reqid !== undefined && this.pending.has(header.reqid) && REPLY_TYPES.has(header.msgtype);
    if (isReply || this.handlers.readsBuffers?.(header, content) !== false) return false;
    this.codec.skipPayload(length);
    return true;
  }

  private dispatch(message: Message): void {
    const { msgtype, reqid } = message.header;
    if (this._state === "awaiting-ack") {
      if (msgtype !== "ACK") {
        this.fail(new ProtocolError(`expected ACK as the first message, got ${msgtype}`), CLOSE_PROTOCOL_ERROR, "expected ACK");
        return;
      }
      this.setState("open");
      clearTimeout(this.ackTimer);
      this.startHeartbeat();
      this.opened?.resolve();
      this.opened = null;
      return;
    }
    const entry = reqid !== undefined && REPLY_TYPES.has(msgtype) ? this.pending.take(reqid) : undefined;
    if (entry !== undefined) {
      if (msgtype === "ERROR") {
        const content = message.content as Partial<ErrorContent>;
        entry.done(new ServerError(entry.what, String(content.text ?? "unknown error"), content.traceback ?? null), null);
        return;
      }
      let reply: Message;
      try {
        reply = entry.form.reply(message);
        entry.onReply?.(reply);
      } catch (error) {
        entry.done(error instanceof BokehError ? error : new BokehError("ERR_BOKEH_REPLY", String(error), { cause: error }), null);
        return;
      }
      entry.done(null, reply);
      return;
    }
    this.handlers.onMessage(message);
  }

  /** Ends the connection because of `error`: a close frame with `code` if the socket is open, else drop it. */
  private fail(error: BokehError, code: number, reason: string): void {
    if (this._state === "closed") return;
    this.failure ??= error;
    const transport = this.transport;
    if (transport === null) {
      // Still connecting: the transport, when it comes, is dropped (see open()).
      this.finish(null);
      return;
    }
    this.setState("closing", { error: error.code });
    if (transport.state === "open") transport.close(code, reason);
    else transport.terminate();
  }

  // A ping every `heartbeat` ms; no pong before the next one means the peer is gone
  // (e.g. a half-open TCP connection after a network change), so the socket is dropped.
  private startHeartbeat(): void {
    const interval = this.options.heartbeat;
    if (interval === undefined || interval === false || interval <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      const ping = this.keepAlive.beat();
      if (ping === null) {
        this.failure ??= new NetworkError(this.url, `no answer to a heartbeat ping within ${interval} ms`, { errorCode: 1006 });
        this.transport?.terminate();
        return;
      }
      this.transport?.ping(Buffer.from(ping));
    }, interval);
    this.heartbeatTimer.unref();
  }

  private notOpen(what: string): BokehError {
    return this.failure ?? new ConnectionClosedError(this.url, 1000, "", { byClient: true, cause: what });
  }

  /** The connection is closed (`ending` null: it never got past the handshake): settle everything that waits on it. */
  private finish(ending: TransportEnding | null): void {
    if (this._state === "closed") return;
    const wasOpen = this.opened === null && ending !== null;
    const closedByUs = this._state === "closing" && this.failure === null;
    this.setState("closed", { code: ending?.code, reason: ending?.reason || undefined, by: ending?.initiator });
    clearTimeout(this.ackTimer);
    clearInterval(this.heartbeatTimer);
    this.options.signal?.removeEventListener("abort", this.onAbort);
    this.transport?.terminate();

    const error = closedByUs ? null : this.explain(ending, wasOpen);
    const forPending = error ?? new ConnectionClosedError(this.url, ending?.code ?? 1000, ending?.reason ?? "", { byClient: true });
    this.pending.failAll(forPending); // in microtasks: the session hears of the loss (onClose, below) first
    if (this.opened !== null) {
      this.opened.reject(forPending);
      this.opened = null;
    } else if (wasOpen) {
      this.handlers.onClose(error);
    }
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }

  private explain(ending: TransportEnding | null, wasOpen: boolean): BokehError {
    if (this.failure !== null) return this.failure;
    if (ending === null) return new NetworkError(this.url, "connection failed");
    const cause = ending.error ?? undefined;
    if (cause instanceof BokehError) return cause; // a frame the transport refused
    if (!wasOpen) return new SessionRefusedError(this.url, ending.code, ending.reason, cause);
    return new ConnectionClosedError(this.url, ending.code, ending.reason, { cause });
  }
}

/** A frame's size, at least a third of its bytes: a string's length, without encoding it. */
function roughSize(frame: Frame): number {
  if ("binary" in frame) return frame.binary.byteLength;
  return typeof frame.text === "string" ? frame.text.length : frame.text.byteLength;
}
