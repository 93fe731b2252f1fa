/**
 * ServerConnection: the server side of one websocket, after the session opened.
 *
 * Requests are answered the way the real Bokeh server answers them:
 * PULL-DOC-REQ -> PULL-DOC-REPLY; PUSH-DOC -> the document is replaced (the
 * change events go to every connection, this one included) then OK; PATCH-DOC ->
 * applied, sent to the other connections, then OK; SERVER-INFO-REQ (Bokeh 3) ->
 * reply; SYNC (Bokeh 4) -> OK, after everything that came before it.
 * A request that cannot be applied gets ERROR and the connection stays open.
 * A malformed frame closes this connection only (see docs/server.md for codes).
 *
 * Messages are read and written by the codec of the server's release (protocol/codec.ts);
 * its framing decides which of the message types above can arrive at all. Close codes,
 * the close grace period and keep-alive pings are the client's too (protocol/close.ts,
 * protocol/keepalive.ts).
 */
import type WebSocket from "ws";
import { Document, type DocJson } from "../document/document.js";
import { applyPatch, documentContent } from "../document/patch.js";
import { MessageTooLargeError, ProtocolError } from "../protocol/errors.js";
import { CLOSE_GRACE_MS, CLOSE_INTERNAL_ERROR, CLOSE_POLICY, CLOSE_PROTOCOL_ERROR, CLOSE_TOO_LARGE, closeReason } from "../protocol/close.js";
import { Codec } from "../protocol/codec.js";
import { TextPieces } from "../protocol/content.js";
import { makeId } from "../protocol/ids.js";
import { KeepAlive } from "../protocol/keepalive.js";
import { createMessage, type Message, type MsgType } from "../protocol/message.js";
import { sendFrames, type Frame, type FrameText } from "../protocol/sender.js";
import { isPlainObject } from "../serialization/values.js";
import { debugLog, summarizeFrames, type DebugLog } from "../util/debug.js";
import type { ServerLimits } from "./limits.js";
import type { Log, ServerSession } from "./server-session.js";

export type ConnectionLimits = Pick<ServerLimits, "maxMessageSize" | "maxBuffers" | "maxBacklog">;

/** The server side of one websocket on a session (`session.connections`). */
export class ServerConnection {
  /** The session this websocket views. */
  readonly session: ServerSession;
  private readonly ws: WebSocket;
  private readonly codec: Codec;
  private readonly log: Log;
  private readonly maxBacklog: number;
  private readonly keepAlive = new KeepAlive();
  /** NODE_DEBUG=bokeh-client lines for this connection (docs/debugging.md). */
  private readonly debug: DebugLog;
  /** Bytes of the frames of the message being received (for its debug line). */
  private received = 0;

  /**
   * Whether the peer reads UI events another connection sent (a browser's clicks): our client
   * says so on the upgrade; BokehJS and Python's client do not (protocol/features.ts UI_EVENTS).
   */
  readonly readsUIEvents: boolean;

  /** @internal Made by the server for each accepted websocket (`ws` types stay out of the published API). */
  constructor(ws: WebSocket, session: ServerSession, limits: ConnectionLimits, log: Log, options: { readsUIEvents?: boolean } = {}) {
    this.readsUIEvents = options.readsUIEvents ?? false;
    this.ws = ws;
    this.session = session;
    this.log = log;
    this.codec = Codec.of(session.behaviour.framing, limits);
    this.maxBacklog = limits.maxBacklog;
    this.debug = debugLog(`server session=${session.id}`).child(`conn=${session._connectionNumber()}`);
  }

  /** Whether the websocket is open. */
  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Subscribes to the session and sends ACK, then handles `early`: frames that came before it. */
  start(early: readonly [Buffer, boolean][] = []): void {
    this.ws.on("message", (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    this.ws.on("pong", () => this.keepAlive.pong());
    this.ws.on("close", (code: number, reason: Buffer) => {
      this.debug.state("open", "closed", { code, reason: reason.toString() || undefined });
      this.session.unsubscribe(this);
    });
    this.ws.on("error", (error) => this.log("debug", `session ${this.session.id}: websocket error: ${error.message}`));
    this.session.subscribe(this);
    this.debug.state("connecting", "open");
    this.send(createMessage("ACK", makeId(), {}));
    for (const [data, isBinary] of early) this.onFrame(data, isBinary);
  }

  /** @internal Sends one message's frames in order, unless the client is too far behind (`maxBacklog`: closed with 1008). */
  sendFrames(frames: readonly Frame[]): void {
    if (!this.isOpen) return;
    // Checked before sending, so one large message is fine but a client that stopped
    // reading cannot make the server hold an ever-growing backlog.
    if (this.ws.bufferedAmount > this.maxBacklog) {
      const text = `client too slow: ${this.ws.bufferedAmount} bytes unsent (maxBacklog ${this.maxBacklog})`;
      this.log("warn", `session ${this.session.id}: closing a connection: ${text}`);
      this.close(CLOSE_POLICY, text);
      return;
    }
    if (this.debug.enabled) this.debug.message("out", summarizeFrames(frames));
    // The server does not mask, so ws sends a buffer without copying it: TextPieces go whole.
    sendFrames(frames, (data, options) => this.ws.send(data instanceof TextPieces ? data.toBuffer() : data, options));
  }

  /**
   * Keep-alive (protocol/keepalive.ts, as the client decides it): a ping whose payload
   * counts up ("0", "1", ...) like the real server's. Returns false when the previous
   * ping was never answered: the peer is gone.
   */
  ping(): boolean {
    if (!this.isOpen) return true;
    const payload = this.keepAlive.beat();
    if (payload === null) return false;
    this.ws.ping(payload);
    return true;
  }

  /** Closes the websocket with `code` and `reason`, and drops it if the client does not answer the close frame. */
  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.CLOSED) return;
    this.ws.close(code, closeReason(reason));
    // A client that never answers the close frame is dropped after the grace period the client gives a server too.
    const timer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    timer.unref();
    this.ws.once("close", () => clearTimeout(timer));
  }

  /** Drops the connection without a close frame. */
  terminate(): void {
    this.ws.terminate();
  }

  private send(message: Message, contentJson?: FrameText): void {
    this.sendFrames(this.codec.frames(message, contentJson));
  }

  private reply(request: Message, msgtype: MsgType, content: unknown): void {
    this.send(createMessage(msgtype, makeId(), content, { reqid: request.header.msgid }));
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    let message: Message | null;
    this.received += data.length;
    try {
      message = isBinary ? this.codec.consumeBinary(data) : this.codec.consumeText(data);
    } catch (error) {
      // Where Bokeh closes with 10000 / 10001, outside the RFC 6455 range, we close with 1011 / 1002.
      const code =
        error instanceof MessageTooLargeError ? CLOSE_TOO_LARGE : error instanceof ProtocolError && error.kind === "unexpected" ? CLOSE_INTERNAL_ERROR : CLOSE_PROTOCOL_ERROR;
      this.log("warn", `session ${this.session.id}: closing a connection: ${(error as Error).message}`);
      this.close(code, (error as Error).message);
      return;
    }
    if (message === null) return;
    if (this.debug.enabled) {
      const { msgtype, msgid, reqid } = message.header;
      this.debug.message("in", { msgtype, msgid, reqid, bytes: this.received, buffers: message.buffers.size });
    }
    this.received = 0;
    this.handle(message);
  }

  private handle(message: Message): void {
    const { msgtype } = message.header;
    this.log("debug", `session ${this.session.id}: received ${msgtype}${msgtype === "PATCH-DOC" ? ` (${eventCount(message.content)} events)` : ""}`);
    try {
      switch (msgtype) {
        case "PULL-DOC-REQ":
          return this.onPull(message);
        case "PUSH-DOC":
          return this.onPush(message);
        case "PATCH-DOC":
          return this.onPatch(message);
        case "SERVER-INFO-REQ": {
          const version = this.session.behaviour.version;
          return this.reply(message, "SERVER-INFO-REPLY", { version_info: { bokeh: version, server: version } });
        }
        case "SYNC":
          // Messages are handled in order, so everything sent before it has been.
          return this.reply(message, "OK", {});
        default: {
          const text = `Message '${msgtype}' content: ${JSON.stringify(message.content)} not expected on server`;
          this.log("warn", `session ${this.session.id}: ${text}`);
          this.close(CLOSE_INTERNAL_ERROR, text);
          return;
        }
      }
    } catch (error) {
      this.log("warn", `session ${this.session.id}: ${msgtype} failed: ${(error as Error).message}`);
      this.reply(message, "ERROR", errorContent(error));
    }
  }

  private onPull(message: Message): void {
    const document = this.session.document;
    // In the server's format: a 3.7 server leaves out a `config` a 3.8+ client pushed.
    const { version, countBuffers } = this.session.behaviour;
    const { doc, frame, buffers } = documentContent(document, { bokehVersion: version });
    document._markSynced();
    this.send(createMessage("PULL-DOC-REPLY", makeId(), { doc }, { reqid: message.header.msgid, buffers, countBuffers }), frame);
  }

  private onPush(message: Message): void {
    const content = message.content;
    if (!isPlainObject(content) || !isPlainObject(content.doc)) throw new ProtocolError("PUSH-DOC without a document");
    const pushed = Document.fromJSON(content.doc as unknown as DocJson, message.buffers);
    // Like Bokeh, the replacement's events go to every connection, the pusher included.
    this.session.document._replaceWith(pushed, undefined);
    this.reply(message, "OK", {});
  }

  private onPatch(message: Message): void {
    const result = applyPatch(this.session.document, message.content, message.buffers, this, { bokehVersion: this.session.behaviour.version });
    if (result.droppedForRemovedModel !== undefined) {
      this.log("warn", `session ${this.session.id}: dropped a patch that refers to a removed model (id=${result.droppedForRemovedModel})`);
    }
    this.reply(message, "OK", {});
  }
}

function eventCount(content: unknown): number {
  return isPlainObject(content) && Array.isArray(content.events) ? content.events.length : 0;
}

/** ERROR content `{text, traceback}`; text reads like Python's repr of the exception. */
function errorContent(error: unknown): { text: string; traceback: string | null } {
  if (error instanceof Error) return { text: `${error.name}(${JSON.stringify(error.message)})`, traceback: error.stack ?? null };
  return { text: String(error), traceback: null };
}
