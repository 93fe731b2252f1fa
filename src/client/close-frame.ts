/**
 * Recovering a close frame the `ws` package refuses to report.
 *
 * The real Bokeh server closes with codes 10000 and 10001, outside the range
 * RFC 6455 allows on the wire. `ws` then raises WS_ERR_INVALID_CLOSE_CODE
 * ("invalid status code 10000") and reports 1006, losing the reason. The
 * connection shows this tap every chunk it receives; when a chunk ends with a
 * close frame carrying such a code (`0x88, length < 126, code, reason`), the
 * tap keeps it, so the reason can be reported with the code.
 */
export class CloseFrameTap {
  private tail: Buffer = Buffer.alloc(0);
  private readonly seen: { code: number; reason: string }[] = [];

  observe(chunk: Buffer): void {
    this.tail = this.tail.length + chunk.length <= 256 ? Buffer.concat([this.tail, chunk]) : Buffer.from(chunk.subarray(-256));
    const frame = closeFrameAtEnd(this.tail);
    if (frame !== null && !isValidWireCode(frame.code) && this.seen.length < 4) this.seen.push(frame);
  }

  /** The reason sent with `code`, if a close frame with that code was seen. */
  reasonFor(code: number): string | null {
    return this.seen.find((frame) => frame.code === code)?.reason ?? null;
  }
}

/** The code ws names in its WS_ERR_INVALID_CLOSE_CODE message. */
export function invalidCloseCode(error: Error): number | null {
  const match = /invalid status code (\d+)/.exec(error.message);
  return match === null ? null : Number(match[1]);
}

function closeFrameAtEnd(tail: Buffer): { code: number; reason: string } | null {
  for (let start = tail.length - 4; start >= 0; start--) {
    const length = tail[start + 1] as number;
    if (tail[start] === 0x88 && length >= 2 && length < 126 && start + 2 + length === tail.length) {
      return { code: tail.readUInt16BE(start + 2), reason: tail.subarray(start + 4).toString("utf8") };
    }
  }
  return null;
}

function isValidWireCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}
