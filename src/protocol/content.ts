/**
 * Content frames, fast for bulk data.
 *
 * PULL-DOC-REPLY and PUSH-DOC carry array bytes inline as base64 inside the JSON
 * (`{"type":"bytes","data":"<base64>"}`). Passing tens of megabytes of base64
 * through JSON.parse / JSON.stringify costs far more than the base64 itself, so:
 *
 * - reading: each large inline blob is found with native `indexOf` (the exact
 *   compact byte sequence can only be JSON structure: quotes inside a JSON string
 *   are escaped), decoded straight from the frame's bytes into the message's
 *   buffers, and replaced by a buffer reference before JSON.parse sees the text;
 * - writing: the encoder leaves a placeholder string for each large blob
 *   (`blobPlaceholder()`), and `contentFrame()` splices the base64 into the frame (TextPieces).
 *
 * The bytes on the wire are exactly what plain JSON would produce.
 */
import { isAscii, isUtf8 } from "node:buffer";
import { randomBytes } from "node:crypto";
import { ProtocolError } from "./errors.js";

/** Inline byte arrays at least this long (raw bytes) go around JSON. */
export const BLOB_THRESHOLD = 48 * 1024;
/** Content frames at least this long are scanned for inline blobs. */
const SCAN_THRESHOLD = 256 * 1024;

const BYTES_REP = Buffer.from('{"type":"bytes","data":"', "latin1");
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Text of a text frame: one fast copy for ASCII, validated UTF-8 otherwise. */
export function frameText(bytes: Uint8Array): string {
  const buffer = asBuffer(bytes);
  if (isAscii(buffer)) return buffer.toString("latin1");
  if (isUtf8(buffer)) return buffer.toString("utf8");
  throw new ProtocolError("text frame is not valid UTF-8");
}

const INLINE_PREFIX = "\u0000inline:";

/** Id under which a blob read out of a content frame is stored in the message's buffers. */
export function inlineBlobId(index: number): string {
  return `${INLINE_PREFIX}${index}`;
}

/** Whether a buffer id is one parseContent made for bytes that were inline base64 in the frame. */
export function isInlineBlobId(id: string): boolean {
  return id.startsWith(INLINE_PREFIX);
}

/**
 * Parses a content frame; large inline blobs are decoded into `buffers` and their
 * reps become `{"type":"bytes","data":{"id": ...}}`. Throws SyntaxError for bad JSON.
 */
export function parseContent(bytes: Uint8Array, buffers: Map<string, Uint8Array>): unknown {
  const frame = asBuffer(bytes);
  if (frame.length < SCAN_THRESHOLD) return JSON.parse(frameText(frame));
  const pieces: string[] = [];
  let copied = 0; // frame[copied..] not yet in pieces
  let at = frame.indexOf(BYTES_REP, 0);
  while (at >= 0) {
    const start = at + BYTES_REP.length;
    const end = frame.indexOf(QUOTE, start);
    if (end < 0) break; // unterminated: JSON.parse reports it
    const backslash = frame.indexOf(BACKSLASH, start);
    if (end - start >= (BLOB_THRESHOLD * 4) / 3 && (backslash < 0 || backslash > end)) {
      const id = inlineBlobId(buffers.size);
      const decoded = Buffer.from(frame.toString("latin1", start, end), "base64");
      buffers.set(id, new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength));
      pieces.push(frameText(frame.subarray(copied, start - 1)), JSON.stringify({ id }));
      copied = end + 1;
    }
    at = frame.indexOf(BYTES_REP, end + 1);
  }
  pieces.push(frameText(frame.subarray(copied)));
  return JSON.parse(pieces.join(""));
}

const NONCE = randomBytes(6).toString("hex");
const PLACEHOLDER_PREFIX = `\u0000blob:${NONCE}:`;
/** How the prefix looks inside JSON text: the opening quote, NUL escaped. */
const PLACEHOLDER_IN_JSON = JSON.stringify(PLACEHOLDER_PREFIX).slice(0, -1);
let placeholders = 0;

/** A unique string the encoder writes in place of a large blob's base64. */
export function blobPlaceholder(): string {
  placeholders += 1;
  return `${PLACEHOLDER_PREFIX}${placeholders}`;
}

/**
 * The content frame for `content`, in which each placeholder string of `blobs`
 * is replaced by its bytes in base64: a string when there are no blobs, else
 * TextPieces.
 */
export function contentFrame(content: unknown, blobs: ReadonlyMap<string, Uint8Array>): string | TextPieces {
  const json = JSON.stringify(content);
  if (blobs.size === 0) return json;
  // One pass over the JSON text, taking placeholders in the order they appear there
  // (which need not be the order they were made in).
  const parts: (string | Buffer)[] = [];
  let from = 0;
  for (let at = json.indexOf(PLACEHOLDER_IN_JSON); at >= 0; at = json.indexOf(PLACEHOLDER_IN_JSON, at + 1)) {
    const end = json.indexOf('"', at + PLACEHOLDER_IN_JSON.length);
    const bytes = blobs.get(`${PLACEHOLDER_PREFIX}${json.slice(at + PLACEHOLDER_IN_JSON.length, end)}`);
    if (bytes === undefined) continue; // not one of this message's blobs
    parts.push(json.slice(from, at + 1), asBuffer(bytes)); // up to and with the opening quote
    from = end;
  }
  parts.push(json.slice(from));
  return new TextPieces(parts);
}

/** Raw bytes per base64 piece: a multiple of 3, so that the pieces join without padding. */
const PIECE = 48 * 1024;

/**
 * A text frame made of JSON text and blobs written as base64, produced piece by
 * piece (64 KiB of base64 each), so that a sender can write a large frame without
 * the whole of it ever being in memory (client/transport/frame-writer.ts), and the base64
 * strings die young.
 */
export class TextPieces {
  /** Length of the whole frame in bytes. */
  readonly byteLength: number;
  private readonly parts: readonly (string | Buffer)[];

  constructor(parts: readonly (string | Buffer)[]) {
    this.parts = parts;
    this.byteLength = parts.reduce((n, p) => n + (typeof p === "string" ? Buffer.byteLength(p, "utf8") : 4 * Math.ceil(p.length / 3)), 0);
  }

  /** The pieces in order: JSON text as it is, blobs in base64 (never an empty string). */
  *[Symbol.iterator](): Iterator<string> {
    for (const part of this.parts) {
      if (typeof part === "string") {
        if (part.length > 0) yield part;
        continue;
      }
      for (let at = 0; at < part.length; at += PIECE) yield part.toString("base64", at, Math.min(at + PIECE, part.length));
    }
  }

  /** The same frame with JSON text `before` and `after` it (a Bokeh 4 envelope around its content). */
  wrapped(before: string, after: string): TextPieces {
    return new TextPieces([before, ...this.parts, after]);
  }

  /** The whole frame as bytes. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    let offset = 0;
    for (const piece of this) offset += out.write(piece, offset, "utf8");
    return out;
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
