/**
 * FrameParser: the frames a websocket server sends (RFC 6455, section 5), from the
 * bytes of the socket's reads, as whole messages.
 *
 * A plain state machine over one frame at a time:
 *
 *   header ──► extended length ──► payload ──┐
 *     ▲                                       │ (a frame of length 0 skips payload)
 *     └───────────────────────────────────────┘
 *
 * The bytes it is given belong to a read buffer that the next read overwrites, so
 * everything kept is copied out before `push` returns. A payload is copied once,
 * into a buffer of exactly its size that is allocated when its header arrives: a
 * large binary frame costs one allocation and one copy, however many reads it
 * takes. Better still, while at least IN_PLACE bytes of a payload are to come, the
 * socket may read them straight into it (`inPlaceTarget`, then `filledInPlace`):
 * no copy at all. Fragments of one message are joined when the last one arrives.
 *
 * Every violation throws a FrameError carrying the close code to send: 1002 for a
 * broken rule (a masked server frame, reserved bits or opcodes, a fragmented or
 * oversized control frame, a continuation out of place, a bad close code), 1007
 * for a close reason that is not UTF-8; a message over the size limit throws a
 * MessageTooLargeError (close code 1009). After a throw the parser is spent.
 *
 * Text messages are delivered as bytes: the Bokeh receiver checks their UTF-8
 * (protocol/content.ts), with the fast path for ASCII.
 */
import { isUtf8 } from "node:buffer";
import { BokehError } from "../../util/errors.js";
import { CLOSE_INVALID_DATA, CLOSE_PROTOCOL_ERROR, isValidCloseCode } from "../../protocol/close.js";
import { MessageTooLargeError } from "../../protocol/errors.js";

/** A websocket frame that breaks RFC 6455, with the close code to answer it with (1002 or 1007). */
export class FrameError extends BokehError {
  readonly closeCode: number;

  constructor(closeCode: number, message: string) {
    super("ERR_BOKEH_PROTOCOL", message);
    this.closeCode = closeCode;
  }
}

/** What the parser hands on. Each method is called synchronously, in the order of the stream. */
export interface FrameHandler {
  /** A whole text message (its fragments joined), as UTF-8 bytes not yet validated. */
  onText(payload: Buffer): void;
  /** A whole binary message; empty in place of a skipped payload. */
  onBinary(payload: Buffer): void;
  onPing(payload: Buffer): void;
  onPong(payload: Buffer): void;
  /** A close frame: its code (null when it has none, "1005") and reason. */
  onClose(code: number | null, reason: string): void;
  /**
   * Asked when the header of an unfragmented binary frame of at least SKIPPABLE
   * bytes arrives, after every earlier message was handed on: true if nobody will
   * read the payload. Its bytes are then discarded as they arrive, and `onBinary`
   * gets an empty buffer when the frame ends.
   */
  skipBinary(length: number): boolean;
  /** Bytes of the current large payload read so far (for progress). */
  onPayloadProgress?(done: number, total: number): void;
}

/** Payloads at least this long may be skipped, and report progress. */
export const SKIPPABLE = 64 * 1024;
/** While at least this many bytes of a payload are to come, the socket reads them in place. */
export const IN_PLACE = 64 * 1024;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
const EMPTY = Buffer.alloc(0);

type State = "header" | "length" | "payload" | "failed";

export class FrameParser {
  private state: State = "header";
  /** The frame's header bytes so far (2, then up to 8 more for the extended length). */
  private readonly head = Buffer.alloc(10);
  private headRead = 0;
  private headSize = 2;
  // The current frame.
  private fin = false;
  private opcode = 0;
  private length = 0;
  private payload: Buffer = EMPTY;
  private filled = 0;
  private skipping = false;
  // A fragmented data message under way: its opcode and the fragments so far.
  private fragmentOpcode = -1;
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;

  /** `maxMessageSize`: the largest data message accepted, fragments together (bytes). */
  constructor(
    private readonly handler: FrameHandler,
    private readonly maxMessageSize: number,
  ) {}

  /** Whether the bytes so far end exactly at a frame boundary. */
  get betweenFrames(): boolean {
    return this.state === "header" && this.headRead === 0;
  }

  /** Takes `bytes[start, end)`; copies out everything it keeps. Throws FrameError or MessageTooLargeError. */
  push(bytes: Buffer, start = 0, end = bytes.length): void {
    let at = start;
    while (at < end) {
      switch (this.state) {
        case "header":
        case "length":
          at = this.readHead(bytes, at, end);
          break;
        case "payload":
          at = this.readPayload(bytes, at, end);
          break;
        case "failed":
          return;
      }
    }
  }

  private readHead(bytes: Buffer, at: number, end: number): number {
    while (at < end && this.headRead < this.headSize) {
      this.head[this.headRead++] = bytes[at++] as number;
      if (this.headRead === 2) this.onFirstTwoBytes();
    }
    if (this.headRead === this.headSize) this.onHeader();
    return at;
  }

  private onFirstTwoBytes(): void {
    const first = this.head[0] as number;
    const second = this.head[1] as number;
    this.fin = (first & 0x80) !== 0;
    this.opcode = first & 0x0f;
    if ((first & 0x70) !== 0) this.fail(CLOSE_PROTOCOL_ERROR, "a frame has reserved bits set (no extension was negotiated)");
    if ((second & 0x80) !== 0) this.fail(CLOSE_PROTOCOL_ERROR, "the server sent a masked frame");
    const code = second & 0x7f;
    this.headSize = code < 126 ? 2 : code === 126 ? 4 : 10;
    this.length = code;
    this.state = this.headSize > 2 ? "length" : "header";
  }

  private onHeader(): void {
    if (this.headSize === 4) this.length = this.head.readUInt16BE(2);
    else if (this.headSize === 10) {
      const high = this.head.readUInt32BE(2);
      if (high >= 0x200000) this.fail(CLOSE_PROTOCOL_ERROR, "a frame length is beyond 2^53 bytes");
      this.length = high * 2 ** 32 + this.head.readUInt32BE(6);
    }
    this.headRead = 0;
    this.headSize = 2;
    this.checkFrame();
    this.startPayload();
  }

  private checkFrame(): void {
    const { opcode, length } = this;
    if (opcode >= OP_CLOSE) {
      if (opcode > OP_PONG) this.fail(CLOSE_PROTOCOL_ERROR, `reserved opcode ${opcode}`);
      if (!this.fin) this.fail(CLOSE_PROTOCOL_ERROR, "a control frame is fragmented");
      if (length > 125) this.fail(CLOSE_PROTOCOL_ERROR, `a control frame of ${length} bytes (at most 125)`);
      return;
    }
    if (opcode > OP_BINARY) this.fail(CLOSE_PROTOCOL_ERROR, `reserved opcode ${opcode}`);
    if (opcode === OP_CONTINUATION && this.fragmentOpcode < 0) this.fail(CLOSE_PROTOCOL_ERROR, "a continuation frame with no message to continue");
    if (opcode !== OP_CONTINUATION && this.fragmentOpcode >= 0) this.fail(CLOSE_PROTOCOL_ERROR, "a new message began before the fragmented one ended");
    if (this.fragmentBytes + length > this.maxMessageSize) {
      this.state = "failed";
      throw new MessageTooLargeError(this.fragmentBytes + length, this.maxMessageSize, "a websocket message", "maxMessageSize");
    }
  }

  private startPayload(): void {
    this.filled = 0;
    this.skipping = this.opcode === OP_BINARY && this.fin && this.length >= SKIPPABLE && this.handler.skipBinary(this.length);
    this.payload = this.skipping || this.length === 0 ? EMPTY : Buffer.allocUnsafe(this.length);
    if (this.length === 0) this.endFrame();
    else this.state = "payload";
  }

  /**
   * Where the socket may read next without a copy: the rest of the payload being read,
   * while at least IN_PLACE bytes of it are to come (so the read cannot run past it);
   * else null (the shared read buffer, whose bytes go through `push`).
   */
  inPlaceTarget(): Buffer | null {
    if (this.state !== "payload" || this.skipping || this.length - this.filled < IN_PLACE) return null;
    return this.payload.subarray(this.filled);
  }

  /** A read landed in `target`, the buffer `inPlaceTarget()` gave: `n` more bytes of the payload. */
  filledInPlace(target: Uint8Array, n: number): void {
    const expected = this.state === "payload" && !this.skipping && target.buffer === this.payload.buffer && target.byteOffset === this.payload.byteOffset + this.filled;
    if (!expected || n > this.length - this.filled) throw new Error("bokeh-client: a socket read landed where no payload was expected");
    this.advance(n);
  }

  private readPayload(bytes: Buffer, at: number, end: number): number {
    const n = Math.min(end - at, this.length - this.filled);
    if (!this.skipping) bytes.copy(this.payload, this.filled, at, at + n);
    this.advance(n);
    return at + n;
  }

  private advance(n: number): void {
    this.filled += n;
    if (this.length >= SKIPPABLE && !this.skipping) this.handler.onPayloadProgress?.(this.filled, this.length);
    if (this.filled === this.length) this.endFrame();
  }

  private endFrame(): void {
    this.state = "header";
    const payload = this.payload;
    this.payload = EMPTY;
    switch (this.opcode) {
      case OP_PING:
        return this.handler.onPing(payload);
      case OP_PONG:
        return this.handler.onPong(payload);
      case OP_CLOSE:
        return this.onCloseFrame(payload);
    }
    if (!this.fin) {
      if (this.opcode !== OP_CONTINUATION) this.fragmentOpcode = this.opcode;
      this.fragments.push(payload);
      this.fragmentBytes += payload.length;
      return;
    }
    let opcode = this.opcode;
    let message = payload;
    if (opcode === OP_CONTINUATION) {
      opcode = this.fragmentOpcode;
      this.fragments.push(payload);
      message = this.fragments.length === 1 ? (this.fragments[0] as Buffer) : Buffer.concat(this.fragments, this.fragmentBytes + payload.length);
      this.fragmentOpcode = -1;
      this.fragments = [];
      this.fragmentBytes = 0;
    }
    if (opcode === OP_TEXT) this.handler.onText(message);
    else this.handler.onBinary(message);
  }

  private onCloseFrame(payload: Buffer): void {
    if (payload.length === 0) return this.handler.onClose(null, "");
    if (payload.length === 1) this.fail(CLOSE_PROTOCOL_ERROR, "a close frame with a 1-byte payload");
    const code = payload.readUInt16BE(0);
    if (!isValidCloseCode(code)) this.fail(CLOSE_PROTOCOL_ERROR, `invalid close code ${code}`);
    const reason = payload.subarray(2);
    if (!isUtf8(reason)) this.fail(CLOSE_INVALID_DATA, "a close reason that is not UTF-8");
    this.handler.onClose(code, reason.toString("utf8"));
  }

  private fail(closeCode: number, message: string): never {
    this.state = "failed";
    throw new FrameError(closeCode, message);
  }
}
