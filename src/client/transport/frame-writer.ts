/**
 * FrameWriter: the frames a websocket client sends (RFC 6455, section 5), masked,
 * written to the socket it owns.
 *
 * A client masks every frame with a random key (5.3). The frames of one Bokeh
 * message are written in one go: small frames are masked together into one
 * buffer and written at once (one system call for the three text frames of a
 * message); a frame of LARGE bytes or more (a big content frame, an array buffer)
 * is masked piece by piece into a 1 MiB scratch buffer that goes to the socket
 * each time it is full, so the masked frame never exists in memory whole and the
 * user's arrays are never copied or changed. Frames go out whole, never as
 * fragments: Tornado before 6.3, which Bokeh 3.x allows, joins fragments in
 * quadratic time.
 */
import { randomFillSync } from "node:crypto";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { TextPieces } from "../../protocol/content.js";

/** A frame to write: text (a string, its UTF-8 bytes, or TextPieces) or binary. */
export type OutgoingFrame = { text: string | Uint8Array | TextPieces } | { binary: Uint8Array };

type MaskFn = (source: Uint8Array, mask: Uint8Array, output: Uint8Array, offset: number, length: number) => void;

/** `bufferutil`'s native mask when installed (an optional dependency), else plain JS. */
const nativeMask: MaskFn | null = (() => {
  try {
    return (createRequire(import.meta.url)("bufferutil") as { mask: MaskFn }).mask;
  } catch {
    return null;
  }
})();

function mask(source: Uint8Array, key: Uint8Array, output: Uint8Array, offset: number, length: number): void {
  if (nativeMask !== null && length >= 32) return nativeMask(source, key, output, offset, length);
  for (let i = 0; i < length; i++) output[offset + i] = (source[i] as number) ^ (key[i & 3] as number);
}

/** Frames at least this long are masked piece by piece through the scratch buffer. */
export const LARGE = 64 * 1024;
/** Bytes masked into the scratch buffer before each socket write: fits the L2 cache, and few writes. */
const SCRATCH = 1024 * 1024;
/** Messages up to this size get a buffer of their own, from Node's pool of small buffers. */
const POOLED = 4 * 1024;

const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/**
 * Masking keys come from this pool of random bytes, refilled when used up: one call
 * into the system's random source per 2,048 frames instead of one per frame.
 */
const keys = { pool: Buffer.allocUnsafe(8192), at: 8192 };

function nextKey(): Buffer {
  if (keys.at === keys.pool.length) {
    randomFillSync(keys.pool);
    keys.at = 0;
  }
  keys.at += 4;
  return keys.pool.subarray(keys.at - 4, keys.at);
}

/** A scratch buffer no socket holds, kept for the next large frame: fresh memory costs page faults. */
let spareScratch: Buffer | null = null;

export class FrameWriter {
  constructor(private readonly socket: Socket) {}

  /** Writes the frames of one message, in order, as few socket writes as their sizes allow. */
  message(frames: readonly OutgoingFrame[]): void {
    let small: SmallFrame[] = [];
    for (const frame of frames) {
      const opcode = "binary" in frame ? OP_BINARY : OP_TEXT;
      const data = "binary" in frame ? frame.binary : frame.text;
      const size = largeSize(data);
      if (size === null) {
        small.push(smallFrame(opcode, data));
        continue;
      }
      if (small.length > 0) this.writeSmall(small);
      small = [];
      this.large(opcode, data, size);
    }
    if (small.length > 0) this.writeSmall(small);
  }

  /**
   * Small frames in one write. Up to a few KiB they are masked into a new buffer (Node hands
   * those out from a pool); above, into the spare scratch buffer, kept for the next message
   * when the socket took the write at once: a stream of mid-sized messages (a 1,000-row
   * chunk is 16 KB) then allocates nothing per message.
   */
  private writeSmall(frames: readonly SmallFrame[]): void {
    let total = 0;
    for (const { length } of frames) total += headerSize(length) + 4 + length;
    // A socket that is behind keeps what it is given: then a buffer of just this size.
    if (total <= POOLED || total > SCRATCH || this.socket.writableLength !== 0) {
      this.socket.write(encodeFrames(frames, Buffer.allocUnsafe(total)));
      return;
    }
    const scratch = spareScratch ?? Buffer.allocUnsafe(SCRATCH);
    spareScratch = null;
    this.socket.write(encodeFrames(frames, scratch).subarray(0, total));
    // Nothing left queued: the kernel has the bytes and the buffer is free again.
    if (this.socket.writableLength === 0) spareScratch = scratch;
  }

  ping(payload: Uint8Array = EMPTY): void {
    this.writeSmall([smallFrame(OP_PING, payload)]);
  }

  pong(payload: Uint8Array = EMPTY): void {
    this.writeSmall([smallFrame(OP_PONG, payload)]);
  }

  /** A close frame: `code` null sends an empty one. */
  close(code: number | null, reason = ""): void {
    let payload = Buffer.alloc(0);
    if (code !== null) {
      payload = Buffer.allocUnsafe(2 + Buffer.byteLength(reason, "utf8"));
      payload.writeUInt16BE(code, 0);
      payload.write(reason, 2, "utf8");
    }
    this.writeSmall([smallFrame(OP_CLOSE, payload)]);
  }

  private large(opcode: number, data: string | Uint8Array | TextPieces, size: number): void {
    const writer = new LargeFrame(this.socket, opcode, size);
    if (data instanceof TextPieces) for (const piece of data) writer.text(piece);
    else if (typeof data === "string") writer.text(data);
    else writer.bytes(data);
    writer.end();
  }
}

/** The frame's payload size if it is LARGE or more, else null. */
function largeSize(data: string | Uint8Array | TextPieces): number | null {
  if (typeof data === "string" && data.length * 3 < LARGE) return null; // at most 3 UTF-8 bytes per UTF-16 unit
  const size = typeof data === "string" ? Buffer.byteLength(data, "utf8") : data.byteLength;
  return size < LARGE ? null : size;
}

const EMPTY = Buffer.alloc(0);

/** A frame under LARGE bytes: a string is written straight into the frames' buffer (no copy of its own). */
interface SmallFrame {
  opcode: number;
  text: string | null;
  bytes: Uint8Array;
  length: number;
}

function smallFrame(opcode: number, data: string | Uint8Array | TextPieces): SmallFrame {
  if (typeof data === "string") return { opcode, text: data, bytes: EMPTY, length: Buffer.byteLength(data, "utf8") };
  const bytes = data instanceof TextPieces ? data.toBuffer() : data;
  return { opcode, text: null, bytes, length: bytes.byteLength };
}

function headerSize(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

function writeHeader(out: Buffer, at: number, opcode: number, length: number, key: Uint8Array): number {
  out[at] = 0x80 | opcode; // FIN: never fragments
  if (length < 126) {
    out[at + 1] = 0x80 | length;
    at += 2;
  } else if (length < 65536) {
    out[at + 1] = 0x80 | 126;
    out.writeUInt16BE(length, at + 2);
    at += 4;
  } else {
    out[at + 1] = 0x80 | 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), at + 2);
    out.writeUInt32BE(length >>> 0, at + 6);
    at += 10;
  }
  out.set(key, at);
  return at + 4;
}

/** Small frames, masked, into `out` from its start (text is written in place, then masked there). Returns `out`. */
function encodeFrames(frames: readonly SmallFrame[], out: Buffer): Buffer {
  let at = 0;
  for (const { opcode, text, bytes, length } of frames) {
    const key = nextKey();
    at = writeHeader(out, at, opcode, length, key);
    if (text !== null) {
      out.write(text, at, length, "utf8");
      mask(out.subarray(at, at + length), key, out, at, length);
    } else {
      mask(bytes, key, out, at, length);
    }
    at += length;
  }
  return out;
}

/**
 * One large frame: the header, then the payload masked into the scratch buffer,
 * written each time the buffer is full. The key runs on from byte to byte across
 * pieces and writes.
 */
class LargeFrame {
  private readonly key = Buffer.from(nextKey());
  private readonly rotated = Buffer.allocUnsafe(4);
  private scratch: Buffer;
  /** Bytes of the scratch buffer masked and not written yet. */
  private filled = 0;
  /** Payload bytes masked so far. */
  private masked = 0;

  constructor(
    private readonly socket: Socket,
    opcode: number,
    private readonly length: number,
  ) {
    const header = Buffer.allocUnsafe(headerSize(length) + 4);
    writeHeader(header, 0, opcode, length, this.key);
    socket.write(header);
    this.scratch = spareScratch ?? Buffer.allocUnsafe(SCRATCH);
    spareScratch = null;
  }

  /** A piece of text, written as UTF-8. */
  text(piece: string): void {
    const size = Buffer.byteLength(piece, "utf8");
    if (size > this.scratch.length - this.filled) this.flush();
    if (size > this.scratch.length) {
      this.bytes(Buffer.from(piece, "utf8")); // larger than the scratch buffer: a frame not cut into pieces
      return;
    }
    const n = this.scratch.write(piece, this.filled, "utf8");
    mask(this.scratch.subarray(this.filled, this.filled + n), this.keyHere(), this.scratch, this.filled, n);
    this.filled += n;
    this.masked += n;
  }

  /** Bytes, masked into the scratch buffer as they are copied. */
  bytes(data: Uint8Array): void {
    for (let at = 0; at < data.byteLength; ) {
      if (this.filled === this.scratch.length) this.flush();
      const n = Math.min(this.scratch.length - this.filled, data.byteLength - at);
      mask(data.subarray(at, at + n), this.keyHere(), this.scratch, this.filled, n);
      this.filled += n;
      this.masked += n;
      at += n;
    }
  }

  end(): void {
    this.flush();
    spareScratch = this.scratch; // flush leaves one the socket does not hold
    if (this.masked !== this.length) throw new Error(`frame writer: wrote ${this.masked} bytes of ${this.length}`); // a bug here, not bad input
  }

  private keyHere(): Buffer {
    for (let i = 0; i < 4; i++) this.rotated[i] = this.key[(this.masked + i) & 3] as number;
    return this.rotated;
  }

  private flush(): void {
    if (this.filled === 0) return;
    this.socket.write(this.scratch.subarray(0, this.filled));
    this.filled = 0;
    // Nothing left queued: the kernel has copied the bytes and the scratch buffer is
    // free again. Otherwise the socket still holds it, and the next bytes get a new one.
    if (this.socket.writableLength !== 0) this.scratch = Buffer.allocUnsafe(this.scratch.length);
  }
}
