/**
 * Writes one large frame to the socket, masked piece by piece.
 *
 * A client masks every frame it sends with a fresh random key (RFC 6455, 5.3).
 * Handed a 21 MB content frame, or an 8 MB array buffer, `ws` allocates a second
 * buffer of that size and masks the frame into it. Written here instead, the
 * frame (the pieces of TextPieces, or the binary payload) is masked into a 1 MiB
 * scratch buffer, handed to the socket each time it is full while it is still in
 * the CPU cache: the masked frame never exists in memory at once, and when the
 * kernel takes each write at once (the usual case) the same scratch buffer serves
 * the whole frame, in few writes, and is kept for the next one. The bytes on the
 * wire are what `ws` would send: one frame, FIN set, a random masking key. (Not
 * fragments: Tornado before 6.3, which Bokeh 3.x allows, joins fragments in
 * quadratic time.)
 *
 * It writes to the socket `ws` writes to, in the same tick as the `ws.send`
 * calls for the message's other frames, so frames stay in order. That holds
 * because our connections never use permessage-deflate, the only case in which
 * `ws` queues frames instead of writing them at once.
 */
import { randomFillSync } from "node:crypto";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import type { TextPieces } from "../protocol/content.js";

type MaskFn = (source: Uint8Array, mask: Uint8Array, output: Uint8Array, offset: number, length: number) => void;

/** `bufferutil`'s native mask when installed (ws uses it too), else plain JS. */
const mask: MaskFn = (() => {
  try {
    return (createRequire(import.meta.url)("bufferutil") as { mask: MaskFn }).mask;
  } catch {
    return (source, key, output, offset, length) => {
      for (let i = 0; i < length; i++) output[offset + i] = (source[i] as number) ^ (key[i & 3] as number);
    };
  }
})();

/** Frames at least this long are worth writing here; shorter ones go through `ws.send`. */
export const MASKED_WRITE_THRESHOLD = 64 * 1024;
/** Bytes masked into the scratch buffer before each socket write: fits the CPU's L2 cache, and few writes. */
const SCRATCH = 1024 * 1024;
const FIN = 0x80;
const TEXT = 0x1;
const BINARY = 0x2;
const MASKED = 0x80;

/** Writes `pieces` as one masked text frame. `socket`: a TCP or TLS socket, which has copied the bytes of every write it reports done. */
export function writeMaskedTextFrame(socket: Socket, pieces: TextPieces): void {
  const writer = new MaskedWriter(socket, TEXT, pieces.byteLength);
  for (const piece of pieces) writer.text(piece);
  writer.end();
}

/** Writes `payload` as one masked binary frame. */
export function writeMaskedBinaryFrame(socket: Socket, payload: Uint8Array): void {
  const writer = new MaskedWriter(socket, BINARY, payload.byteLength);
  writer.bytes(payload);
  writer.end();
}

/** A scratch buffer no socket holds, kept for the next frame: fresh memory costs page faults. */
let spare: Buffer | null = null;

/**
 * One frame: the header, then the payload masked into the scratch buffer, which
 * goes to the socket each time it is full. The key continues from byte to byte
 * across pieces and writes.
 */
class MaskedWriter {
  private readonly key = randomFillSync(Buffer.allocUnsafe(4));
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
    socket.write(frameHeader(opcode, length, this.key));
    this.scratch = spare ?? Buffer.allocUnsafe(SCRATCH);
    spare = null;
  }

  /** A piece of text, written as UTF-8. */
  text(piece: string): void {
    const size = Buffer.byteLength(piece, "utf8");
    if (size > this.scratch.length - this.filled) this.flush();
    if (size > this.scratch.length) {
      this.bytes(Buffer.from(piece, "utf8")); // larger than the scratch buffer: only in frames we did not cut into pieces
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
    spare = this.scratch; // flush leaves one the socket does not hold
    if (this.masked !== this.length) throw new Error(`masked frame: wrote ${this.masked} bytes of ${this.length}`); // a bug in the caller
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

function frameHeader(opcode: number, length: number, key: Buffer): Buffer {
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([FIN | opcode, MASKED | length]);
  } else if (length < 65536) {
    header = Buffer.from([FIN | opcode, MASKED | 126, length >> 8, length & 0xff]);
  } else {
    header = Buffer.alloc(10);
    header[0] = FIN | opcode;
    header[1] = MASKED | 127;
    header.writeUIntBE(length, 4, 6); // bytes 2-3 stay 0: lengths below 2^48
  }
  return Buffer.concat([header, key]);
}
