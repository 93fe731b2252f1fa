/**
 * FrameReader: reads the socket into one reused buffer, follows the frames going
 * by, and hands `ws` each large payload in one piece (or not at all, when nobody
 * will read it).
 *
 * Left to itself, Node reads a socket into a new 64 KiB buffer per read, and `ws`
 * keeps those until a frame is complete, then copies them into one buffer of the
 * frame's size: an 8 MB array arrives as 128 fresh buffers and an 8 MB join, all
 * fresh memory the process faults in. Here the socket is opened with Node's
 * `onread` option, so every read lands in one 64 KiB buffer, shared by all
 * connections, and:
 * - the HTTP response and small frames are copied out as they come and passed on
 *   as data, the way Node would have passed them;
 * - the payload of a frame of at least LARGE bytes is copied straight into a
 *   buffer of exactly its size, passed on once complete; `ws` finds the whole
 *   payload in one chunk and takes it as it is;
 * - a large binary frame nobody will read (the arrays a Bokeh server sends back
 *   after a push, see ReaderHooks) is skipped: `ws` gets an empty binary frame
 *   in its place, which keeps the message's frame count;
 * - a close frame's code and reason are told to the connection, since `ws`
 *   refuses the codes Bokeh closes with (10000, 10001) and loses the reason.
 * Apart from skipped payloads, `ws` sees exactly the bytes on the wire, in order;
 * only how they are cut into chunks changes. The reader needs only each frame's
 * length (RFC 6455, 5.2); `ws` still checks everything else and refuses what is
 * wrong (a frame the reader does not understand is passed on unchanged).
 */
import net from "node:net";
import tls from "node:tls";

/** Payloads at least this long are read into a buffer of their own, or skipped. */
export const LARGE = 64 * 1024;
const READ_SIZE = 64 * 1024;
const END_OF_HEADERS = [13, 10, 13, 10]; // \r\n\r\n
const SWITCHING_PROTOCOLS = "HTTP/1.1 101";
const MAX_HEADER = 14;
const FIN_BINARY = 0x82; // FIN set, no RSV bits, opcode 2: an unfragmented binary frame
const CLOSE = 0x8;

/** What the reader asks and tells the connection. */
export interface ReaderHooks {
  /** Messages `ws` has handed to the connection so far. */
  readonly messagesDelivered: number;
  /**
   * Asked at a large unfragmented binary frame, only once every message before it
   * has been delivered: true if nobody will read its `length` bytes.
   */
  canSkip(length: number): boolean;
  /**
   * A close frame with a code went by, told before `ws` reads it: its code and reason
   * as sent, even a code `ws` refuses (Bokeh's 10000 and 10001).
   */
  closeFrame(code: number, reason: string): void;
}

const NO_HOOKS: ReaderHooks = { messagesDelivered: -1, canSkip: () => false, closeFrame: () => {} };

type Phase = "response" | "frames" | "other";
type Target = "inline" | "own" | "skip";

/**
 * What Node reads every socket into. One for all connections: reads happen one at a
 * time, from the event loop, and `onRead` copies out what it needs before it returns.
 * `reads` counts them, so that a read nested inside another (which would overwrite
 * bytes the outer one has not copied yet) is caught instead of corrupting data.
 */
const shared = { buffer: Buffer.allocUnsafe(READ_SIZE), reads: 0 };

export class FrameReader {
  /** Node reads into this; `onRead` copies out every byte it needs before it returns. */
  readonly buffer = shared.buffer;
  private socket: net.Socket | null = null;
  private phase: Phase = "response";
  // The HTTP response: its first bytes, and how much of "\r\n\r\n" just went by.
  private statusLine = "";
  private endMatched = 0;
  // The current frame: its header so far, then where its payload goes and how much is left.
  private readonly header = Buffer.alloc(MAX_HEADER);
  private headerRead = 0;
  private target: Target = "inline";
  private payloadLeft = 0;
  private own: Buffer | null = null;
  private filled = 0;
  /** A close frame's payload, kept as it goes by (it is passed on too). */
  private closing: Buffer | null = null;
  /** Data frames with FIN set (each ends one `ws` message) whose header has gone by. */
  private messagesSeen = 0;
  // Within one read: bytes from `from` on are still to be copied out and passed on.
  private from = 0;
  private flowing = true;
  private read = 0;

  /** `maxPayload`: `ws`'s limit; a longer frame is passed on as it comes, for `ws` to refuse. */
  constructor(
    private readonly maxPayload: number,
    private readonly hooks: ReaderHooks = NO_HOOKS,
  ) {}

  attach(socket: net.Socket): void {
    this.socket = socket;
  }

  /** Node's `onread` callback: `nread` new bytes in `buf` (this.buffer). False asks Node to stop reading for now. */
  readonly onRead = (nread: number, buf: Buffer): boolean => {
    this.read = ++shared.reads;
    this.from = 0;
    this.flowing = true;
    let at = 0;
    while (at < nread) {
      if (shared.reads !== this.read) return this.overwritten();
      if (this.phase === "response") at = this.readResponse(buf, at, nread);
      else if (this.phase === "other") at = nread;
      else if (this.payloadLeft > 0) at = this.readPayload(buf, at, nread);
      else at = this.readHeader(buf, at);
    }
    this.passUpTo(buf, nread);
    return shared.reads === this.read ? this.flowing : this.overwritten();
  };

  private overwritten(): false {
    this.socket?.destroy(new Error("bokeh-client: a socket read happened inside another; the connection cannot go on"));
    return false;
  }

  private pass(chunk: Buffer): void {
    if (this.socket === null || !this.socket.push(chunk)) this.flowing = false;
  }

  private passUpTo(buf: Buffer, to: number): void {
    if (shared.reads !== this.read) return; // overwritten: onRead stops at its next step
    if (to > this.from) this.pass(Buffer.from(buf.subarray(this.from, to)));
    this.from = to;
  }

  /** Up to the end of the HTTP response's headers; frames follow a 101. */
  private readResponse(buf: Buffer, at: number, end: number): number {
    while (at < end) {
      const byte = buf[at++] as number;
      if (this.statusLine.length < SWITCHING_PROTOCOLS.length) this.statusLine += String.fromCharCode(byte);
      this.endMatched = byte === END_OF_HEADERS[this.endMatched] ? this.endMatched + 1 : byte === 13 ? 1 : 0;
      if (this.endMatched === END_OF_HEADERS.length) {
        this.phase = this.statusLine === SWITCHING_PROTOCOLS ? "frames" : "other";
        break;
      }
    }
    return at;
  }

  /** One byte of a frame header; once it is whole, decides where the payload goes. */
  private readHeader(buf: Buffer, at: number): number {
    this.header[this.headerRead++] = buf[at++] as number;
    const size = headerSize(this.header, this.headerRead);
    if (size === null || this.headerRead < size) return at;
    this.headerRead = 0;

    const first = this.header[0] as number;
    const length = payloadLength(this.header);
    const messagesBefore = this.messagesSeen;
    if (first & 0x80 && (first & 0x0f) <= 2) this.messagesSeen += 1;
    this.payloadLeft = Number.isSafeInteger(length) ? length : Number.POSITIVE_INFINITY;
    this.target = "inline";
    const masked = ((this.header[1] as number) & 0x80) !== 0; // a server must not mask: ws refuses it
    if ((first & 0x0f) === CLOSE && length >= 2 && length <= 125 && !masked) this.closing = Buffer.alloc(0);
    if (length < LARGE || length > this.maxPayload || masked) return at;

    const headerStart = at - size;
    if (first === FIN_BINARY && headerStart >= 0) {
      // The messages before this frame reach ws (and the connection) now; then ask.
      this.passUpTo(buf, headerStart);
      if (this.hooks.messagesDelivered === messagesBefore && this.hooks.canSkip(length)) {
        this.pass(Buffer.from([FIN_BINARY, 0])); // an empty binary frame in its place
        this.target = "skip";
        this.from = at;
        return at;
      }
    }
    this.passUpTo(buf, at);
    this.target = "own";
    this.own = Buffer.allocUnsafe(length);
    this.filled = 0;
    return at;
  }

  private keepClosing(part: Buffer): void {
    const payload = Buffer.concat([this.closing as Buffer, part]);
    this.closing = payload;
    if (this.payloadLeft > 0) return;
    this.closing = null;
    this.hooks.closeFrame(payload.readUInt16BE(0), payload.subarray(2).toString("utf8"));
  }

  private readPayload(buf: Buffer, at: number, end: number): number {
    const n = Math.min(end - at, this.payloadLeft);
    this.payloadLeft -= n;
    if (this.target === "inline") {
      if (this.closing !== null) this.keepClosing(buf.subarray(at, at + n));
      return at + n; // passed on with the bytes around it
    }
    if (this.target === "own" && this.own !== null) {
      buf.copy(this.own, this.filled, at, at + n);
      this.filled += n;
      if (this.payloadLeft === 0) {
        this.pass(this.own);
        this.own = null;
      }
    }
    this.from = at + n;
    return at + n;
  }
}

/** The header's full size once its second byte is known (length code and mask bit), else null. */
function headerSize(header: Buffer, read: number): number | null {
  if (read < 2) return null;
  const second = header[1] as number;
  const code = second & 0x7f;
  return (code < 126 ? 2 : code === 126 ? 4 : 10) + (second & 0x80 ? 4 : 0);
}

function payloadLength(header: Buffer): number {
  const code = (header[1] as number) & 0x7f;
  if (code < 126) return code;
  if (code === 126) return header.readUInt16BE(2);
  return header.readUInt32BE(2) * 2 ** 32 + header.readUInt32BE(6);
}

type ConnectOptions = net.NetConnectOpts & tls.ConnectionOptions & { socketPath?: string; host?: string };

/**
 * A `createConnection` for `ws`: the socket `ws` itself would open (TCP, or TLS
 * for wss://), read through a FrameReader.
 */
export function frameReaderConnection(
  secure: boolean,
  maxPayload: number,
  hooks: ReaderHooks,
): (options: ConnectOptions) => net.Socket {
  return (options) => {
    const reader = new FrameReader(maxPayload, hooks);
    const onread = { buffer: reader.buffer, callback: reader.onRead };
    let socket: net.Socket;
    if (secure) {
      const servername = options.servername ?? (options.host !== undefined && net.isIP(options.host) === 0 ? options.host : "");
      // Node's tls.connect takes `onread` like net.connect does; @types/node leaves it out.
      socket = tls.connect({ ...options, path: undefined, servername, onread } as unknown as tls.ConnectionOptions);
    } else {
      socket = net.connect({ ...options, path: options.socketPath, onread } as net.NetConnectOpts);
    }
    reader.attach(socket);
    return socket;
  };
}
