/**
 * ClientConnection: one websocket to a Bokeh server, as a plain state machine.
 *
 *   connecting ──101──► awaiting-ack ──ACK──► open ──close()──► closing ──► closed
 *        │                   │                  │                              ▲
 *        └── HTTP error, ────┴── closed before ─┴── closed or dropped ─────────┘
 *            unreachable         ACK (refused)      by the server
 *
 * It frames and unframes messages (protocol/), matches replies to requests by
 * `reqid`, and hands every other message to the session. Every way it can end
 * is turned into one typed error, given to the pending requests and the session.
 */
import type { IncomingMessage } from "node:http";
import WebSocket from "ws";
import { closeReason } from "../protocol/close.js";
import { TextPieces } from "../protocol/content.js";
import { ACCEPTS_HEADER, acceptedFeatures, DOCUMENT_BUFFERS } from "../protocol/features.js";
import { makeId } from "../protocol/ids.js";
import { MessageTooLargeError, ProtocolError } from "../protocol/errors.js";
import { createMessage, REPLY_TYPES, type Buffers, type ErrorContent, type Header, type Message, type MsgType } from "../protocol/message.js";
import { DEFAULT_MAX_MESSAGE_SIZE, Receiver } from "../protocol/receiver.js";
import { messageFrames, sendFrames, type FrameText } from "../protocol/sender.js";
import { BokehError } from "../util/errors.js";
import { frameReaderConnection, type ReaderHooks } from "./frame-reader.js";
import { MASKED_WRITE_THRESHOLD, writeMaskedBinaryFrame, writeMaskedTextFrame } from "./masked-frame.js";
import {
  AbortError,
  ConnectionClosedError,
  HttpError,
  NetworkError,
  RequestTimeoutError,
  ServerError,
  SessionRefusedError,
  UrlError,
} from "./errors.js";

export interface ConnectionOptions {
  /** Extra HTTP headers for the websocket upgrade request (e.g. Authorization, Origin). */
  headers?: Record<string, string>;
  /** Cookies sent with the upgrade request. */
  cookies?: Record<string, string>;
  /** Trusted CA certificate(s) for wss:// (PEM), e.g. a private CA. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate and key for wss:// servers that require one. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Set false to accept a server certificate that does not verify (testing only). */
  rejectUnauthorized?: boolean;
  /** Milliseconds to wait for the connection and for each reply. Default 30,000; 0 waits forever. */
  timeout?: number;
  /** Cancels connecting and pending requests, and closes the connection. */
  signal?: AbortSignal;
  /** Largest message accepted from the server, in bytes. Default 20 MiB (as Python). */
  maxMessageSize?: number;
  /**
   * Milliseconds between websocket pings; a connection whose ping is not answered
   * before the next one is treated as dead (a half-open TCP connection). Default:
   * off, or 15,000 when `reconnect` is on.
   */
  heartbeat?: number | false;
}

export const DEFAULT_TIMEOUT = 30_000;

export type ConnectionState = "connecting" | "awaiting-ack" | "open" | "closing" | "closed";

export interface ConnectionHandlers {
  /** A message that is not a reply to a pending request (PATCH-DOC from the server...). */
  onMessage(message: Message): void;
  /** The connection ended after it was open; `error` is null when this side closed it. */
  onClose(error: BokehError | null): void;
  /**
   * Whether a message with this header and content, not a reply, will have its
   * buffers read. If not, large ones are skipped on the socket (client/frame-reader.ts).
   */
  readsBuffers?(header: Header, content: unknown): boolean;
}

interface Pending {
  what: MsgType;
  onReply: ((message: Message) => void) | undefined;
  resolve(message: Message): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export class ClientConnection {
  readonly url: string;
  private _state: ConnectionState = "connecting";
  private readonly options: ConnectionOptions;
  private readonly handlers: ConnectionHandlers;
  private readonly subprotocols: string[];
  private readonly receiver: Receiver;
  private readonly pending = new Map<string, Pending>();
  private readonly closeWaiters: (() => void)[] = [];
  private ws: WebSocket | null = null;
  private opened: { resolve(): void; reject(error: Error): void } | null = null;
  private failure: BokehError | null = null;
  private wsError: Error | null = null;
  /** The server answered the upgrade with 101 Switching Protocols. */
  private upgraded = false;
  private ackTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private awaitingPong = false;
  private socket: IncomingMessage["socket"] | null = null;
  /** What the server said it accepts beyond Bokeh 3.7 (protocol/features.ts): only our embedded server says anything. */
  private features: ReadonlySet<string> = new Set();
  /** The close frame the server sent, as the FrameReader saw it (ws refuses Bokeh's codes 10000/10001). */
  private closeFrame: { code: number; reason: string } | null = null;
  /** For the FrameReader: the messages ws has handed over, whether a payload will be read, close frames. */
  private readonly readerHooks = {
    messagesDelivered: 0,
    canSkip: (length: number): boolean => this.canSkipPayload(length),
    closeFrame: (code: number, reason: string): void => {
      this.closeFrame ??= { code, reason }; // the first: a peer sends one, whatever comes after it
    },
  } satisfies ReaderHooks;
  private readonly onAbort = () => this.fail(new AbortError(`connection to ${this.url}`, this.options.signal?.reason), 1000, "aborted");

  constructor(url: string, subprotocols: string[], options: ConnectionOptions, handlers: ConnectionHandlers) {
    this.url = url;
    this.subprotocols = subprotocols;
    this.options = options;
    this.handlers = handlers;
    this.receiver = new Receiver({ maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE });
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** The server reads a whole document's arrays as binary buffers although it may say it is 3.7 (protocol/features.ts). */
  get acceptsDocumentBuffers(): boolean {
    return this.features.has(DOCUMENT_BUFFERS);
  }

  /** Bytes queued in the socket, not yet written to the network. */
  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  /** Resolves once at most `limit` bytes wait in the socket (or the connection closed). */
  whenDrained(limit: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.bufferedAmount <= limit || this._state === "closed") {
          this.socket?.off("drain", check);
          clearTimeout(timer);
          resolve();
        }
      };
      // 'drain' says the socket emptied; the timer covers bytes still queued inside ws.
      const timer: NodeJS.Timeout = setInterval(check, 10);
      this.socket?.on("drain", check);
      check();
    });
  }

  /** Connects and waits for the server's ACK. Rejects with a typed ConnectionError. */
  open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.opened = { resolve, reject };
      const signal = this.options.signal;
      if (signal?.aborted) {
        this.failure = new AbortError(`connection to ${this.url}`, signal.reason);
        this.finish(1006, "");
        return;
      }
      signal?.addEventListener("abort", this.onAbort, { once: true });
      try {
        this.ws = new WebSocket(this.url, this.subprotocols, this.socketOptions());
      } catch (error) {
        this.failure = new UrlError(`invalid websocket URL ${this.url}: ${(error as Error).message}`);
        this.finish(1006, "");
        return;
      }
      const timeout = this.timeout();
      if (timeout > 0) {
        this.ackTimer = setTimeout(() => this.fail(new NetworkError(this.url, `no ACK from the server within ${timeout} ms`), 1000, "timeout"), timeout);
      }
      this.listen(this.ws);
    });
  }

  /**
   * Sends a request and resolves with its reply; an ERROR reply rejects with ServerError.
   * `onReply` runs synchronously when the reply arrives, before any later message
   * is handled (a pull adopts its document before the patches that follow it).
   */
  request(
    msgtype: MsgType,
    content: unknown,
    options: { buffers?: Buffers; contentJson?: FrameText; onReply?: (message: Message) => void } = {},
  ): Promise<Message> {
    if (this._state !== "open") return Promise.reject(this.notOpen(msgtype));
    const message = createMessage(msgtype, makeId(), content, { buffers: options.buffers });
    return new Promise<Message>((resolve, reject) => {
      const timeout = this.timeout();
      const entry: Pending = { what: msgtype, onReply: options.onReply, resolve, reject, timer: undefined };
      if (timeout > 0) {
        entry.timer = setTimeout(() => {
          this.pending.delete(message.header.msgid);
          reject(new RequestTimeoutError(`${msgtype} to ${this.url}`, timeout));
        }, timeout);
      }
      this.pending.set(message.header.msgid, entry);
      this.write(message, options.contentJson);
    });
  }

  /** Closes the connection (after pending writes) and resolves once it is closed. */
  close(code = 1000, reason = "closed"): Promise<void> {
    if (this._state === "closed") return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this._state === "closing") return done;
    if (this.ws === null || this._state === "connecting") {
      this.fail(new AbortError(`connection to ${this.url}`), code, reason);
      return done;
    }
    this._state = "closing";
    this.ws.close(code, reason);
    this.terminateLater();
    return done;
  }

  private socketOptions(): WebSocket.ClientOptions {
    const o = this.options;
    const headers: Record<string, string> = { ...o.headers };
    if (o.cookies !== undefined && Object.keys(o.cookies).length > 0) {
      const pairs = Object.entries(o.cookies).map(([k, v]) => `${k}=${v}`);
      headers.Cookie = headers.Cookie ? `${headers.Cookie}; ${pairs.join("; ")}` : pairs.join("; ");
    }
    const timeout = this.timeout();
    const maxPayload = o.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    return {
      headers,
      perMessageDeflate: false,
      followRedirects: false,
      skipUTF8Validation: true, // the Receiver validates text frames itself, faster (content.ts)
      maxPayload,
      createConnection: frameReaderConnection(this.url.startsWith("wss:"), maxPayload, this.readerHooks) as WebSocket.ClientOptions["createConnection"],
      ...(timeout > 0 ? { handshakeTimeout: timeout } : {}),
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      ...(o.cert !== undefined ? { cert: o.cert } : {}),
      ...(o.key !== undefined ? { key: o.key } : {}),
      ...(o.rejectUnauthorized !== undefined ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
    };
  }

  private timeout(): number {
    const t = this.options.timeout ?? DEFAULT_TIMEOUT;
    return Number.isFinite(t) && t > 0 ? t : 0;
  }

  private listen(ws: WebSocket): void {
    ws.on("upgrade", (res: IncomingMessage) => {
      this.upgraded = true;
      this.socket = res.socket;
      res.socket.setNoDelay(true);
      this.features = acceptedFeatures(res.headers[ACCEPTS_HEADER]);
    });
    ws.on("unexpected-response", (req, res) => this.onHttpError(req, res));
    ws.on("open", () => {
      if (this._state === "connecting") this._state = "awaiting-ack";
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      this.readerHooks.messagesDelivered += 1;
      this.onFrame(data, isBinary);
    });
    ws.on("pong", () => {
      this.awaitingPong = false;
    });
    ws.on("error", (error: Error) => {
      this.wsError ??= error;
    });
    ws.on("close", (code: number, reason: Buffer) => this.finish(code, reason.toString("utf8")));
  }

  private onHttpError(req: import("node:http").ClientRequest, res: IncomingMessage): void {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      if (this.failure === null) {
        const body = Buffer.concat(chunks).toString("utf8");
        this.failure = new HttpError(this.url, res.statusCode ?? 0, res.statusMessage ?? "", /<html/i.test(body) ? "" : body);
      }
      req.destroy();
      this.ws?.terminate();
    };
    res.on("data", (chunk: Buffer) => {
      if (size < 4096) chunks.push(chunk);
      size += chunk.length;
    });
    res.on("end", done);
    res.on("error", done);
    setTimeout(done, 1000).unref();
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (this._state === "closed") return;
    let message: Message | null;
    try {
      message = isBinary ? this.receiver.consumeBinary(data) : this.receiver.consumeText(data);
    } catch (error) {
      const tooLarge = error instanceof MessageTooLargeError;
      this.fail(error as BokehError, tooLarge ? 1009 : 1002, tooLarge ? "message too large" : (error as Error).message);
      return;
    }
    if (message !== null) this.dispatch(message);
  }

  /** A large binary payload is about to be read: skip it if it belongs to a message whose buffers will not be read. */
  private canSkipPayload(length: number): boolean {
    if (this._state !== "open") return false;
    const awaited = this.receiver.awaitedPayload(length);
    if (awaited === null) return false;
    const { header, content } = awaited;
    const isReply = header.reqid !== undefined && this.pending.has(header.reqid) && REPLY_TYPES.has(header.msgtype);
    if (isReply || this.handlers.readsBuffers?.(header, content) !== false) return false;
    this.receiver.skipPayload(length);
    return true;
  }

  private dispatch(message: Message): void {
    const { msgtype, reqid } = message.header;
    if (this._state === "awaiting-ack") {
      if (msgtype !== "ACK") {
        this.fail(new ProtocolError(`expected ACK as the first message, got ${msgtype}`), 1002, "expected ACK");
        return;
      }
      this._state = "open";
      clearTimeout(this.ackTimer);
      this.startHeartbeat();
      this.opened?.resolve();
      this.opened = null;
      return;
    }
    const entry = reqid === undefined ? undefined : this.pending.get(reqid);
    if (entry !== undefined && REPLY_TYPES.has(msgtype)) {
      this.pending.delete(reqid as string);
      clearTimeout(entry.timer);
      if (msgtype === "ERROR") {
        const content = message.content as Partial<ErrorContent>;
        entry.reject(new ServerError(entry.what, String(content.text ?? "unknown error"), content.traceback ?? null));
      } else {
        try {
          entry.onReply?.(message);
          entry.resolve(message);
        } catch (error) {
          entry.reject(error as Error);
        }
      }
      return;
    }
    this.handlers.onMessage(message);
  }

  private write(message: Message, contentJson?: FrameText): void {
    const ws = this.ws as WebSocket;
    const socket = this.socket;
    // Large frames are masked and written piece by piece (masked-frame.ts); `ws` sends the rest.
    const direct = socket !== null && ws.readyState === WebSocket.OPEN ? socket : null;
    sendFrames(messageFrames(message, contentJson), (data, options) => {
      if (data instanceof TextPieces) {
        if (direct !== null) writeMaskedTextFrame(direct, data);
        else ws.send(data.toBuffer(), options);
      } else if (direct !== null && typeof data !== "string" && options.binary && data.byteLength >= MASKED_WRITE_THRESHOLD) {
        writeMaskedBinaryFrame(direct, data);
      } else {
        ws.send(data, options);
      }
    });
  }

  /** Ends the connection because of `error`: close with `code` if open, else drop it. */
  private fail(error: BokehError, code: number, reason: string): void {
    if (this._state === "closed") return;
    this.failure ??= error;
    const ws = this.ws;
    if (ws === null) {
      this.finish(1006, "");
    } else if (ws.readyState === WebSocket.OPEN && code !== 1006) {
      this._state = "closing";
      ws.close(code, closeReason(reason));
      this.terminateLater();
    } else {
      ws.terminate();
    }
  }

  // A ping every `heartbeat` ms; no pong before the next one means the peer is gone
  // (e.g. a half-open TCP connection after a network change), so the socket is dropped.
  private startHeartbeat(): void {
    const interval = this.options.heartbeat;
    if (interval === undefined || interval === false || interval <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      if (this.awaitingPong) {
        this.fail(new NetworkError(this.url, `no answer to a heartbeat ping within ${interval} ms`, { errorCode: 1006 }), 1006, "");
        return;
      }
      this.awaitingPong = true;
      this.ws?.ping();
    }, interval);
    this.heartbeatTimer.unref();
  }

  // A peer that never answers our close frame: drop the socket after a grace period.
  private terminateLater(): void {
    this.graceTimer = setTimeout(() => this.ws?.terminate(), 3000);
    this.graceTimer.unref();
  }

  private notOpen(what: string): BokehError {
    return this.failure ?? new ConnectionClosedError(this.url, 1000, "", { byClient: true, cause: what });
  }

  /** The connection is closed: work out why, then settle everything that waits on it. */
  private finish(code: number, reason: string): void {
    if (this._state === "closed") return;
    const wasOpen = this._state === "open" || (this._state === "closing" && this.opened === null);
    const closedByUs = this._state === "closing" && this.failure === null;
    this._state = "closed";
    clearTimeout(this.ackTimer);
    clearTimeout(this.graceTimer);
    clearInterval(this.heartbeatTimer);
    this.options.signal?.removeEventListener("abort", this.onAbort);

    const error = closedByUs ? null : this.explain(code, reason, wasOpen);
    const forPending = error ?? new ConnectionClosedError(this.url, code, reason, { byClient: true });
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(forPending);
    }
    this.pending.clear();
    if (this.opened !== null) {
      this.opened.reject(forPending);
      this.opened = null;
    } else if (wasOpen) {
      this.handlers.onClose(error);
    }
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }

  private explain(code: number, reason: string, wasOpen: boolean): BokehError {
    if (this.failure !== null) return this.failure;
    const wsError = this.wsError as (Error & { code?: string }) | null;
    if (wsError?.code === "WS_ERR_INVALID_CLOSE_CODE") {
      // Bokeh closes with 10000 and 10001, outside the range RFC 6455 allows on the wire:
      // ws refuses them and reports 1006. The code is in ws's error message, the reason
      // in the close frame, which the FrameReader saw go by before ws read it.
      const invalid = invalidCloseCode(wsError);
      if (invalid !== null) {
        code = invalid;
        reason = this.closeFrame?.code === invalid ? this.closeFrame.reason : "";
      }
    } else if (wsError?.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
      return new MessageTooLargeError(this.options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE, this.options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE);
    } else if (!this.upgraded) {
      const detail = wsError?.message ?? `connection closed (${code})`;
      return new NetworkError(this.url, detail, { cause: wsError ?? undefined });
    }
    if (!wasOpen) return new SessionRefusedError(this.url, code, reason, wsError ?? undefined);
    return new ConnectionClosedError(this.url, code, reason, { cause: wsError ?? undefined });
  }
}

/** The code ws names in its WS_ERR_INVALID_CLOSE_CODE message ("invalid status code 10000"). */
function invalidCloseCode(error: Error): number | null {
  const match = /invalid status code (\d+)/.exec(error.message);
  return match === null ? null : Number(match[1]);
}
