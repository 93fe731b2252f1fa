/**
 * Transport: one client websocket (RFC 6455), the only code that touches its socket.
 *
 *   (handshake) ──► open ──close()──────────────► closing ──TCP ends──► closed
 *                     │  ──peer's close frame──►     ▲      (or the grace
 *                     │  ──bad frame──────────►──────┘       period ends)
 *                     └──── TCP ends or errors ─────────────────────► closed
 *
 * It reads through a SocketReader and FrameParser and writes through a FrameWriter.
 * Pings are answered, a peer's close frame is echoed, and the connection ends in
 * one TransportEnding that says how: the peer's close code and reason (Bokeh's
 * 10000 and 10001 included), who started it, and the error, if any.
 */
import type { Socket } from "node:net";
import { CLOSE_ABNORMAL, CLOSE_GRACE_MS, CLOSE_NO_STATUS, CLOSE_PROTOCOL_ERROR, CLOSE_TOO_LARGE, closeReason } from "../../protocol/close.js";
import { MessageTooLargeError } from "../../protocol/errors.js";
import { FrameParser, type FrameHandler } from "./frame-parser.js";
import { FrameWriter, type OutgoingFrame } from "./frame-writer.js";
import { handshake, type HandshakeOptions, type Upgraded } from "./handshake.js";
import { SocketReader } from "./socket-reader.js";

export type TransportState = "open" | "closing" | "closed";

/** How a transport ended. */
export interface TransportEnding {
  /** The peer's close code: 1005 for a close frame without one, 1006 when no close frame came. */
  code: number;
  reason: string;
  /** Who ended it: this side (`close()` or a frame it refused), the peer's close frame, or the network. */
  initiator: "client" | "server" | "network";
  /** Why, when it was not a clean close asked for by `close()`: a refused frame, a socket error. */
  error: Error | null;
}

/** What the transport hands on; called synchronously, in the order of the stream. */
export interface TransportHandler {
  /** The handshake succeeded; called before any frame is handed on. */
  onOpen(transport: Transport): void;
  onText(payload: Buffer): void;
  onBinary(payload: Buffer): void;
  /** See FrameHandler.skipBinary. */
  skipBinary(length: number): boolean;
  /** The frames of one socket read were handed on; `betweenFrames`: the read ended at a frame boundary. */
  onReadEnd(betweenFrames: boolean): void;
  onPong(): void;
  onPayloadProgress?(done: number, total: number): void;
  /** Called once, when the socket is gone. */
  onEnd(ending: TransportEnding): void;
}

export interface TransportOptions extends HandshakeOptions {
  /** Largest websocket message accepted from the server, in bytes (fragments together). */
  maxMessageSize: number;
}

export class Transport {
  private _state: TransportState = "open";
  private readonly writer: FrameWriter;
  private readonly socket: Socket;
  /** The peer's close frame, once it came. */
  private peerClose: { code: number; reason: string } | null = null;
  private initiator: TransportEnding["initiator"] | null = null;
  private error: Error | null = null;
  private graceTimer: NodeJS.Timeout | undefined;
  private _writes = 0;

  /** The 101's headers (lower-case names). */
  readonly headers: Upgraded["headers"];
  readonly protocol: string;

  /** Opens a websocket; resolves once the server's 101 checked out. */
  static async connect(url: string, options: TransportOptions, handler: TransportHandler): Promise<Transport> {
    let transport: Transport | null = null;
    const reader = new SocketReader(
      (error) => transport?.refuse(error),
      (betweenFrames) => handler.onReadEnd(betweenFrames),
    );
    const upgraded = await handshake(url, reader, options);
    transport = new Transport(upgraded, handler);
    handler.onOpen(transport);
    reader.attachParser(new FrameParser(transport.frameHandler(handler), options.maxMessageSize));
    return transport;
  }

  private constructor(
    upgraded: Upgraded,
    private readonly handler: TransportHandler,
  ) {
    this.socket = upgraded.socket;
    this.headers = upgraded.headers;
    this.protocol = upgraded.protocol;
    this.writer = new FrameWriter(this.socket);
    this.socket.on("error", (error) => {
      this.error ??= error;
    });
    this.socket.on("close", () => this.finish());
    this.socket.on("end", () => {
      // The peer ended TCP: finish our side too (after a close frame it is the normal end).
      if (!this.socket.destroyed) this.socket.end();
    });
    this.socket.resume(); // so that 'end' arrives; the data itself goes through onread
  }

  get state(): TransportState {
    return this._state;
  }

  /** How many times something was written to the socket so far (each write carries an ACK of what was read). */
  get writes(): number {
    return this._writes;
  }

  /** Bytes queued in the socket, not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** Resolves once at most `limit` bytes wait in the socket, or the transport ended. */
  whenDrained(limit: number): Promise<void> {
    if (this.bufferedAmount <= limit || this._state === "closed") return Promise.resolve();
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.bufferedAmount > limit && this._state !== "closed") return;
        this.socket.off("drain", check);
        this.socket.off("close", check);
        resolve();
      };
      this.socket.on("drain", check);
      this.socket.on("close", check);
    });
  }

  /** Writes the frames of one message. False if the transport is no longer open (nothing written). */
  send(frames: readonly OutgoingFrame[]): boolean {
    if (this._state !== "open") return false;
    this._writes += 1;
    this.writer.message(frames);
    return true;
  }

  ping(payload?: Uint8Array): void {
    if (this._state !== "open") return;
    this._writes += 1;
    this.writer.ping(payload);
  }

  /** An unsolicited pong (RFC 6455 5.5.3: a unidirectional heartbeat), which peers ignore. */
  pong(payload?: Uint8Array): void {
    if (this._state !== "open") return;
    this._writes += 1;
    this.writer.pong(payload);
  }

  /** Starts the closing handshake; the socket is dropped if the peer does not finish it in time. */
  close(code: number, reason: string): void {
    if (this._state !== "open") return;
    this.initiator = "client";
    this.startClosing(code, reason);
  }

  /** Drops the connection at once, without a closing handshake. */
  terminate(error?: Error): void {
    if (this._state === "closed") return;
    this.initiator ??= "client";
    if (error !== undefined) this.error ??= error;
    this.socket.destroy();
  }

  private frameHandler(handler: TransportHandler): FrameHandler {
    return {
      onText: (payload) => this._state === "open" && handler.onText(payload),
      onBinary: (payload) => this._state === "open" && handler.onBinary(payload),
      skipBinary: (length) => this._state === "open" && handler.skipBinary(length),
      onPayloadProgress: (done, total) => handler.onPayloadProgress?.(done, total),
      onPing: (payload) => this.pong(payload),
      onPong: () => handler.onPong(),
      onClose: (code, reason) => this.onPeerClose(code, reason),
    };
  }

  private onPeerClose(code: number | null, reason: string): void {
    if (this.peerClose !== null) return;
    this.peerClose = { code: code ?? CLOSE_NO_STATUS, reason };
    if (this._state === "open") {
      this.initiator = "server";
      // Echo the peer's code (RFC 6455 5.5.1), as Python's client does, Bokeh's 10000/10001 included.
      this.startClosing(code, "");
    }
    // The server closes TCP first (7.1.1); the grace timer covers one that does not.
  }

  /** A frame broke the protocol: close with the code it calls for, report the error. */
  private refuse(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.error ??= err;
    if (this._state !== "open") return;
    this.initiator = "client";
    const code = err instanceof MessageTooLargeError ? CLOSE_TOO_LARGE : ((err as { closeCode?: number }).closeCode ?? CLOSE_PROTOCOL_ERROR);
    this.startClosing(code, err.message);
  }

  private startClosing(code: number | null, reason: string): void {
    this._state = "closing";
    if (!this.socket.destroyed) this.writer.close(code, closeReason(reason));
    this.graceTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    this.graceTimer.unref();
  }

  private finish(): void {
    if (this._state === "closed") return;
    this._state = "closed";
    clearTimeout(this.graceTimer);
    const ending: TransportEnding = {
      code: this.peerClose?.code ?? CLOSE_ABNORMAL,
      reason: this.peerClose?.reason ?? "",
      initiator: this.initiator ?? (this.peerClose !== null ? "server" : "network"),
      error: this.error,
    };
    this.handler.onEnd(ending);
  }
}
