/**
 * SocketReader: what Node reads from the socket, first for Node's HTTP client (the
 * response to the upgrade request), then for the FrameParser.
 *
 * Left to itself, Node reads a socket into a new 64 KiB buffer per read: an 8 MB
 * array would arrive as 128 fresh buffers, all fresh memory to fault in. The socket
 * is opened with Node's `onread` option instead, so every read lands in one 64 KiB
 * buffer shared by all connections, and:
 * - until the end of the HTTP response's headers, the bytes are copied out and pushed
 *   into the socket's stream, where Node's HTTP client reads them as it always does
 *   (it then hands us the socket through its `upgrade` event); after a response that
 *   is not a 101, everything goes to the HTTP client (the error page);
 * - after a 101, the bytes go to the FrameParser, which copies out what it keeps;
 *   until the transport has checked the response and attached the parser, they are
 *   kept aside (a server often sends its first frame with the 101);
 * - while the parser is in the middle of a large payload, Node reads straight into
 *   the rest of that payload instead (`onread` asks for its buffer before each read):
 *   an 8 MB array arrives in a few large reads, with no copy.
 *
 * A read that fails (the socket ends) is told apart by Node, not here; a read into
 * a payload that the parser did not expect throws, and ends the connection.
 */
import type { Socket } from "node:net";
import type { FrameParser } from "./frame-parser.js";

const READ_SIZE = 64 * 1024;
const END_OF_HEADERS = [13, 10, 13, 10]; // \r\n\r\n
const SWITCHING_PROTOCOLS = "HTTP/1.1 101";

/**
 * What Node reads every client socket into. One for all connections: reads happen one
 * at a time, from the event loop, and `onRead` copies out what it keeps before it
 * returns. `reads` counts them, so that a read nested inside another (which would
 * overwrite bytes the outer one has not copied yet) is caught instead of corrupting data.
 */
const shared = { buffer: Buffer.allocUnsafe(READ_SIZE), reads: 0 };

/** "other": the response was not a 101, the rest is the HTTP client's; "done": a frame error ended the parsing. */
type Phase = "response" | "frames" | "other" | "done";

export class SocketReader {
  private socket: Socket | null = null;
  private phase: Phase = "response";
  private statusLine = "";
  private endMatched = 0;
  private parser: FrameParser | null = null;
  /** Frame bytes that arrived before the parser was attached. */
  private early: Buffer[] = [];
  private read = 0;

  /**
   * `onError`: the parser refused the stream; `onReadEnd`: the frame bytes of a read
   * were parsed (the connection decides there whether a reply is still incomplete).
   */
  constructor(
    private readonly onError: (error: unknown) => void,
    private readonly onReadEnd: (betweenFrames: boolean) => void,
  ) {}

  attachSocket(socket: Socket): void {
    this.socket = socket;
  }

  /** From now on frame bytes go to `parser`, starting with those that came early. */
  attachParser(parser: FrameParser): void {
    this.parser = parser;
    const early = this.early;
    this.early = [];
    for (const bytes of early) if (!this.parse(() => parser.push(bytes))) return;
    if (early.length > 0) this.onReadEnd(parser.betweenFrames);
  }

  /** Node's `onread` buffer: asked before each read for where to put it. */
  readonly nextBuffer = (): Buffer => (this.phase === "frames" ? this.parser?.inPlaceTarget() : null) ?? shared.buffer;

  /** Node's `onread` callback: `nread` new bytes in `buf` (the shared buffer, or a payload read in place). */
  readonly onRead = (nread: number, buf: Buffer): boolean => {
    this.read = ++shared.reads;
    if (buf.buffer !== shared.buffer.buffer) {
      const parser = this.parser as FrameParser;
      if (this.parse(() => parser.filledInPlace(buf, nread))) this.onReadEnd(parser.betweenFrames);
      return true;
    }
    let at = 0;
    if (this.phase === "response") at = this.readResponse(buf, nread);
    if (this.phase === "other") {
      if (at < nread) this.socket?.push(Buffer.from(buf.subarray(at, nread)));
    } else if (this.phase === "frames" && at < nread) {
      const parser = this.parser;
      if (parser === null) this.early.push(Buffer.from(buf.subarray(at, nread)));
      else if (this.parse(() => parser.push(buf, at, nread))) this.onReadEnd(parser.betweenFrames);
    }
    if (shared.reads !== this.read) return this.overwritten();
    return true;
  };

  /** Up to the end of the response's headers, pushed into the stream for Node's HTTP client. */
  private readResponse(buf: Buffer, nread: number): number {
    let at = 0;
    while (at < nread) {
      const byte = buf[at++] as number;
      if (this.statusLine.length < SWITCHING_PROTOCOLS.length) this.statusLine += String.fromCharCode(byte);
      this.endMatched = byte === END_OF_HEADERS[this.endMatched] ? this.endMatched + 1 : byte === 13 ? 1 : 0;
      if (this.endMatched === END_OF_HEADERS.length) {
        this.phase = this.statusLine === SWITCHING_PROTOCOLS ? "frames" : "other";
        break;
      }
    }
    this.socket?.push(Buffer.from(buf.subarray(0, at)));
    return at;
  }

  /** Runs one step of the parser; false if it refused the stream. */
  private parse(step: () => void): boolean {
    try {
      step();
      return true;
    } catch (error) {
      this.phase = "done"; // nothing more is parsed
      this.onError(error);
      return false;
    }
  }

  private overwritten(): false {
    this.socket?.destroy(new Error("bokeh-client: a socket read happened inside another; the connection cannot go on"));
    return false;
  }
}
