/**
 * Recovering a close frame the `ws` package refuses to report.
 *
 * The real Bokeh server closes with codes 10000 and 10001, outside the range
 * RFC 6455 allows on the wire. `ws` then raises WS_ERR_INVALID_CLOSE_CODE and
 * reports 1006, losing the code and the reason. The connection keeps the last
 * bytes it received; a server's close frame is the last frame it sends, so it
 * sits at the end of those bytes: `0x88, length (< 126, unmasked), code, reason`.
 */
export class CloseFrameTap {
  private tail: Buffer = Buffer.alloc(0);

  /** Remembers the end of the byte stream (enough to hold one close frame). */
  observe(chunk: Buffer): void {
    this.tail = this.tail.length + chunk.length <= 256 ? Buffer.concat([this.tail, chunk]) : Buffer.from(chunk.subarray(-256));
  }

  /** The code and reason of the close frame ending the stream, if there is one. */
  lastCloseFrame(): { code: number; reason: string } | null {
    const tail = this.tail;
    for (let start = tail.length - 4; start >= 0; start--) {
      const length = tail[start + 1] as number;
      if (tail[start] === 0x88 && length >= 2 && length < 126 && start + 2 + length === tail.length) {
        return { code: tail.readUInt16BE(start + 2), reason: tail.subarray(start + 4).toString("utf8") };
      }
    }
    return null;
  }
}
