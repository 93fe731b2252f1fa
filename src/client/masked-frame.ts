/**
 * Writes one large text frame to the socket, masked piece by piece.
 *
 * A client masks every frame it sends with a fresh random key (RFC 6455, 5.3).
 * Handed a 21 MB content frame, `ws` allocates a second 21 MB buffer and masks
 * the frame into it. Written here instead, each 64 KiB piece of the frame
 * (TextPieces) is copied into one scratch buffer, masked there and handed to the
 * socket while it is still in the CPU cache: the whole frame never exists in
 * memory at once, and when the kernel takes each piece at once (the usual case)
 * the same 64 KiB serve the whole frame. The bytes on the wire are what `ws`
 * would send: one text frame, FIN set, a random masking key. (Not fragments:
 * Tornado before 6.3, which Bokeh 3.x allows, joins fragments in quadratic time.)
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

const SCRATCH = 64 * 1024;
const TEXT_FIN = 0x81;
const MASKED = 0x80;

/** `socket`: a TCP or TLS socket, which has copied the bytes of every write it reports done. */
export function writeMaskedTextFrame(socket: Socket, pieces: TextPieces): void {
  const length = pieces.byteLength;
  const key = randomFillSync(Buffer.allocUnsafe(4));
  socket.write(frameHeader(length, key));
  const rotated = Buffer.allocUnsafe(4);
  let scratch: Buffer | null = null;
  let written = 0;
  for (const piece of pieces) {
    const size = Buffer.byteLength(piece, "utf8");
    if (scratch === null || scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, SCRATCH));
    const bytes = scratch.subarray(0, scratch.write(piece, 0, "utf8"));
    // The key continues where the previous piece stopped.
    for (let i = 0; i < 4; i++) rotated[i] = key[(written + i) & 3] as number;
    mask(bytes, rotated, bytes, 0, bytes.length);
    socket.write(bytes);
    written += bytes.length;
    // Nothing left queued: the kernel has copied the bytes and the scratch buffer is
    // free again. Otherwise the socket still holds it, and the next piece gets a new one.
    if (socket.writableLength !== 0) scratch = null;
  }
  if (written !== length) throw new Error(`masked frame: wrote ${written} bytes of ${length}`); // a bug in TextPieces
}

function frameHeader(length: number, key: Buffer): Buffer {
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([TEXT_FIN, MASKED | length]);
  } else if (length < 65536) {
    header = Buffer.from([TEXT_FIN, MASKED | 126, length >> 8, length & 0xff]);
  } else {
    header = Buffer.alloc(10);
    header[0] = TEXT_FIN;
    header[1] = MASKED | 127;
    header.writeUIntBE(length, 4, 6); // bytes 2-3 stay 0: lengths below 2^48
  }
  return Buffer.concat([header, key]);
}
