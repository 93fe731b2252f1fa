/**
 * Receiver: turns a stream of websocket frames into Bokeh messages, framed as
 * Bokeh 3 frames them (Bokeh 4's envelope: envelope.ts).
 *
 * A plain state machine, one frame at a time:
 *
 *   header ─► metadata ─► content ─┬─► (complete message)
 *                                  └─► buffer header ─► buffer payload ─┐
 *                                        ▲                              │
 *                                        └────── num_buffers times ─────┘
 *
 * Like the real Bokeh server, the three text frames are collected first and the
 * header is parsed when the content frame arrives. Any violation throws a
 * ProtocolError and leaves the receiver unusable (the connection must be closed).
 */
import type { MessageReader } from "./codec.js";
import { frameText, parseContent } from "./content.js";
import { ProtocolError } from "./errors.js";
import { MessageSize } from "./message-size.js";
import { describePeerValue } from "../util/describe.js";
import { WIRE_MESSAGE_TYPES, type Header, type Message, type MsgType } from "./message.js";

export interface ReceiverOptions {
  /** Largest total size in bytes of one message (all frames). Default 20 MiB. */
  maxMessageSize?: number;
  /** Largest `num_buffers` accepted in a header. Default 10,000. */
  maxBuffers?: number;
  /** The option that sets `maxMessageSize`, named in MessageTooLargeError. Default "maxMessageSize". */
  sizeOption?: string;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 20 * 1024 * 1024;
export const DEFAULT_MAX_BUFFERS = 10_000;

type State = "header" | "metadata" | "content" | "buffer_header" | "buffer_payload" | "failed";

export class Receiver implements MessageReader {
  private readonly maxBuffers: number;
  private readonly size: MessageSize;

  private state: State = "header";
  private headerText = "";
  private metadataText = "";
  private header: Header | null = null;
  private metadata: Record<string, unknown> = {};
  private content: unknown = null;
  private buffers = new Map<string, Uint8Array>();
  /** Binary buffers received so far (inline blobs taken out of the content are not counted). */
  private received = 0;
  private bufferId = "";

  constructor(options: ReceiverOptions = {}) {
    this.maxBuffers = options.maxBuffers ?? DEFAULT_MAX_BUFFERS;
    this.size = new MessageSize(options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE, options.sizeOption ?? "maxMessageSize");
  }

  /** True between the first frame of a message and its last. */
  get inMessage(): boolean {
    return this.state !== "header" && this.state !== "failed";
  }

  /**
   * The message whose next frame is a buffer payload of `length` bytes: its header
   * and content, which tell whether the payload will be read. Null otherwise, or if
   * `length` more bytes would make the message too large (it must then arrive, and
   * be refused).
   */
  awaitedPayload(length: number): { header: Header; content: unknown } | null {
    if (this.state !== "buffer_payload" || this.header === null || !this.size.fits(length)) return null;
    return { header: this.header, content: this.content };
  }

  /**
   * The awaited payload, `length` bytes, was skipped on the socket and arrives as an
   * empty binary frame. Its bytes count towards the message's size as if received;
   * the message is marked `skippedBuffers`, and whoever gets it drops it.
   */
  skipPayload(length: number): void {
    this.count(length); // counted as if received
    this.size.markSkipped();
  }

  /**
   * Feeds one text frame, as its UTF-8 bytes (validated here) or as a string.
   */
  consumeText(frame: string | Uint8Array): Message | null {
    this.count(typeof frame === "string" ? frame.length : frame.byteLength);
    const text = (): string => (typeof frame === "string" ? frame : this.attempt(() => frameText(frame)));
    switch (this.state) {
      case "header":
        this.headerText = text();
        this.state = "metadata";
        return null;
      case "metadata":
        this.metadataText = text();
        this.state = "content";
        return null;
      case "content":
        return this.onContent(frame);
      case "buffer_header":
        this.bufferId = parseBufferHeader(text());
        this.state = "buffer_payload";
        return null;
      case "buffer_payload":
        return this.fail(new ProtocolError("expected binary fragment but received text fragment for buffer payload"));
      case "failed":
        return this.fail(new ProtocolError("receiver used after a protocol error"));
    }
  }

  /** Feeds one binary frame. */
  consumeBinary(bytes: Uint8Array): Message | null {
    this.count(bytes.byteLength);
    switch (this.state) {
      case "buffer_payload":
        if (this.buffers.has(this.bufferId)) {
          return this.fail(new ProtocolError(`duplicate buffer id '${this.bufferId}'`));
        }
        this.buffers.set(this.bufferId, bytes);
        this.received += 1;
        if (this.received === this.header?.num_buffers) return this.complete();
        this.state = "buffer_header";
        return null;
      case "failed":
        return this.fail(new ProtocolError("receiver used after a protocol error"));
      default:
        return this.fail(
          new ProtocolError(`expected text fragment but received binary fragment for ${this.state.replace("_", " ")}`),
        );
    }
  }

  private onContent(frame: string | Uint8Array): Message | null {
    const header = this.attempt(() => parseHeader(this.headerText, this.maxBuffers));
    this.header = header;
    this.metadata = this.attempt(() => parseObject(this.metadataText, "metadata could not be decoded"));
    // Large inline base64 blobs are decoded straight into this message's buffers (content.ts).
    this.content = this.attempt(() =>
      checkObject(() => (typeof frame === "string" ? JSON.parse(frame) : parseContent(frame, this.buffers)), "content could not be decoded"),
    );
    if ((header.num_buffers ?? 0) === 0) return this.complete();
    this.state = "buffer_header";
    return null;
  }

  private complete(): Message {
    const message: Message = {
      header: this.header as Header,
      metadata: this.metadata,
      content: this.content,
      buffers: this.buffers,
      ...(this.size.skipped ? { skippedBuffers: true as const } : {}),
    };
    this.state = "header";
    this.size.reset();
    this.headerText = "";
    this.metadataText = "";
    this.header = null;
    this.metadata = {};
    this.content = null;
    this.buffers = new Map();
    this.received = 0;
    return message;
  }

  private count(bytes: number): void {
    try {
      this.size.add(bytes);
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private attempt<T>(parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      return this.fail(error as Error);
    }
  }

  private fail(error: Error): never {
    this.state = "failed";
    throw error;
  }
}

function parseHeader(text: string, maxBuffers: number): Header {
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (cause) {
    throw new ProtocolError("header is not valid JSON", "unexpected", { cause });
  }
  if (!isPlainObject(header)) throw new ProtocolError("header is not a JSON object", "unexpected");
  const { msgtype, msgid, reqid, num_buffers } = header;
  if (msgtype === undefined) throw new ProtocolError("No 'msgtype' in header");
  if (typeof msgtype !== "string" || !WIRE_MESSAGE_TYPES[3].has(msgtype as MsgType)) throw new ProtocolError(`unknown message type ${describePeerValue(msgtype)}`, "unexpected");
  if (typeof msgid !== "string") throw new ProtocolError("No 'msgid' in header");
  if (reqid !== undefined && typeof reqid !== "string") throw new ProtocolError("'reqid' in header is not a string");
  if (num_buffers !== undefined) {
    if (!Number.isSafeInteger(num_buffers) || (num_buffers as number) < 0) {
      throw new ProtocolError(`invalid 'num_buffers' in header: ${describePeerValue(num_buffers)}`);
    }
    if ((num_buffers as number) > maxBuffers) {
      throw new ProtocolError(`'num_buffers' ${describePeerValue(num_buffers)} exceeds the limit of ${maxBuffers}`);
    }
  }
  return header as unknown as Header;
}

function parseObject(text: string, error: string): Record<string, unknown> {
  return checkObject(() => JSON.parse(text), error);
}

function checkObject(parse: () => unknown, error: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parse();
  } catch (cause) {
    if (cause instanceof ProtocolError) throw cause;
    throw new ProtocolError(error, "protocol", { cause });
  }
  if (!isPlainObject(value)) throw new ProtocolError(error);
  return value;
}

function parseBufferHeader(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProtocolError(`Malformed buffer header ${text.slice(0, 100)}`);
  }
  if (!isPlainObject(value) || typeof value.id !== "string") {
    throw new ProtocolError(`Malformed buffer header ${text.slice(0, 100)}`);
  }
  return value.id;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
