/**
 * Bokeh 4's framing (Bokeh PR 15339; BokehJS 4.0 `protocol/message.ts`, `receiver.ts`):
 * a message is one text frame holding a JSON envelope,
 *
 *   {"header": {"msgid": "...", "msgtype": "...", "reqid": "..."}, "content": {...}, "buffers": ["id", ...]}
 *
 * followed by one binary frame per buffer id, in the order the ids are listed. There is
 * no metadata, no `num_buffers` and no buffer header frame; `reqid` is only in replies.
 *
 * EnvelopeReceiver reads it, one frame at a time:
 *
 *   envelope ─┬─ no buffers ─────────────────────────────► (complete message)
 *             └─► buffer payload ── as many as listed ──► (complete message)
 *
 * It enforces what BokehJS 4 and Bokeh 4's server enforce, each break a ProtocolError
 * (kind "protocol": Bokeh 4 closes with 10001 for all of them, BokehJS with 1002), after
 * which the receiver is unusable and the connection must be closed:
 * - the envelope is a text frame, a JSON object with exactly `header`, `content`, `buffers`;
 * - `header` is an object with a non-empty string `msgid`, a Bokeh 4 `msgtype`, a string
 *   `reqid` or none (null counts as none), and no other field;
 * - `content` is an object;
 * - `buffers` is a list of at most 10,000 unique non-empty strings;
 * - then come exactly that many binary frames (a text frame instead is an error, as is a
 *   binary frame where an envelope is due).
 */
import { TextPieces, parseContent } from "./content.js";
import type { MessageReader } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { MessageSize } from "./message-size.js";
import { WIRE_MESSAGE_TYPES, type Header, type Message, type MsgType } from "./message.js";
import { DEFAULT_MAX_BUFFERS, DEFAULT_MAX_MESSAGE_SIZE, type ReceiverOptions } from "./receiver.js";
import type { Frame, FrameText } from "./sender.js";
import { describePeerValue } from "../util/describe.js";

/** Most buffers in one Bokeh 4 message: BokehJS 4 and Bokeh 4 refuse more, whichever side sends them. */
export const MAX_ENVELOPE_BUFFERS = 10_000;

const ENVELOPE_KEYS = "buffers,content,header";
const HEADER_KEYS: ReadonlySet<string> = new Set(["msgid", "msgtype", "reqid"]);

type State = "envelope" | "buffer_payload" | "failed";

export class EnvelopeReceiver implements MessageReader {
  private readonly maxBuffers: number;
  private readonly size: MessageSize;

  private state: State = "envelope";
  private header: Header | null = null;
  private content: Record<string, unknown> = {};
  /** The buffer ids the envelope listed, in order; `received` of them have arrived. */
  private ids: readonly string[] = [];
  private received = 0;
  private buffers = new Map<string, Uint8Array>();

  constructor(options: ReceiverOptions = {}) {
    this.maxBuffers = Math.min(options.maxBuffers ?? DEFAULT_MAX_BUFFERS, MAX_ENVELOPE_BUFFERS);
    this.size = new MessageSize(options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE, options.sizeOption ?? "maxMessageSize");
  }

  get inMessage(): boolean {
    return this.state === "buffer_payload";
  }

  awaitedPayload(length: number): { header: Header; content: unknown } | null {
    if (this.state !== "buffer_payload" || this.header === null || !this.size.fits(length)) return null;
    return { header: this.header, content: this.content };
  }

  skipPayload(length: number): void {
    this.count(length); // counted as if received
    this.size.markSkipped();
  }

  consumeText(frame: string | Uint8Array): Message | null {
    this.count(typeof frame === "string" ? frame.length : frame.byteLength);
    switch (this.state) {
      case "envelope":
        return this.onEnvelope(frame);
      case "buffer_payload":
        return this.fail(new ProtocolError(`expected a binary frame for buffer ${describePeerValue(this.ids[this.received])} but received a text frame`));
      case "failed":
        return this.fail(new ProtocolError("receiver used after a protocol error"));
    }
  }

  consumeBinary(bytes: Uint8Array): Message | null {
    this.count(bytes.byteLength);
    switch (this.state) {
      case "buffer_payload":
        this.buffers.set(this.ids[this.received] as string, bytes);
        this.received += 1;
        return this.received === this.ids.length ? this.complete() : null;
      case "envelope":
        return this.fail(new ProtocolError("expected a text frame (a message envelope) but received a binary frame"));
      case "failed":
        return this.fail(new ProtocolError("receiver used after a protocol error"));
    }
  }

  private onEnvelope(frame: string | Uint8Array): Message | null {
    let value: unknown;
    try {
      // Large inline base64 blobs are decoded straight into this message's buffers (content.ts).
      value = typeof frame === "string" ? JSON.parse(frame) : parseContent(frame, this.buffers);
    } catch (cause) {
      return this.fail(cause instanceof ProtocolError ? cause : new ProtocolError("message envelope could not be decoded", "protocol", { cause }));
    }
    try {
      const { header, content, ids } = decodeEnvelope(value, this.maxBuffers);
      // An id the content's inline blobs took (content.ts) cannot be a buffer's as well.
      const taken = ids.find((id) => this.buffers.has(id));
      if (taken !== undefined) throw new ProtocolError(`duplicate buffer id ${describePeerValue(taken)}`);
      this.header = header;
      this.content = content;
      this.ids = ids;
    } catch (error) {
      return this.fail(error as Error);
    }
    if (this.ids.length === 0) return this.complete();
    this.state = "buffer_payload";
    return null;
  }

  private complete(): Message {
    const message: Message = {
      header: this.header as Header,
      metadata: {},
      content: this.content,
      buffers: this.buffers,
      ...(this.size.skipped ? { skippedBuffers: true as const } : {}),
    };
    this.state = "envelope";
    this.size.reset();
    this.header = null;
    this.content = {};
    this.ids = [];
    this.received = 0;
    this.buffers = new Map();
    return message;
  }

  private count(bytes: number): void {
    try {
      this.size.add(bytes);
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private fail(error: Error): never {
    this.state = "failed";
    throw error;
  }
}

/** The header, content and buffer ids of a parsed envelope, checked as BokehJS 4 checks them. */
function decodeEnvelope(value: unknown, maxBuffers: number): { header: Header; content: Record<string, unknown>; ids: string[] } {
  if (!isPlainObject(value) || Object.keys(value).sort().join() !== ENVELOPE_KEYS) {
    throw new ProtocolError("message envelope must contain header, content, and buffers");
  }
  const { header, content, buffers } = value;
  if (!isPlainObject(header)) throw new ProtocolError("message header must be a JSON object");
  const { msgid, msgtype, reqid } = header;
  if (typeof msgid !== "string" || msgid === "") throw new ProtocolError("message header 'msgid' must be a non-empty string");
  if (typeof msgtype !== "string" || !WIRE_MESSAGE_TYPES[4].has(msgtype as MsgType)) {
    throw new ProtocolError(`unknown message type ${describePeerValue(msgtype)} for the Bokeh 4 protocol`);
  }
  if (reqid !== undefined && reqid !== null && typeof reqid !== "string") throw new ProtocolError("message header 'reqid' must be a string");
  const unknown = Object.keys(header).find((key) => !HEADER_KEYS.has(key));
  if (unknown !== undefined) throw new ProtocolError(`message header contains an unknown field ${describePeerValue(unknown)}`);
  if (!isPlainObject(content)) throw new ProtocolError("message content must be a JSON object");
  if (!Array.isArray(buffers) || !buffers.every((id) => typeof id === "string" && id !== "")) {
    throw new ProtocolError("message buffers must be a list of non-empty strings");
  }
  if (buffers.length > maxBuffers) throw new ProtocolError(`a message cannot carry more than ${maxBuffers} buffers (this one lists ${buffers.length})`);
  if (new Set(buffers).size !== buffers.length) throw new ProtocolError("message buffer ids must be unique");
  const decoded: Header = { msgid, msgtype: msgtype as MsgType };
  if (typeof reqid === "string") decoded.reqid = reqid;
  return { header: decoded, content, ids: buffers as string[] };
}

/**
 * The frames of `message` in Bokeh 4's framing: the envelope, compact JSON with its
 * fields in BokehJS's order (header, content, buffers), then each buffer. `contentJson`,
 * when given, is the content's JSON text (content.ts: large documents are written with
 * their base64 spliced in). A message type Bokeh 4 does not have, or more buffers than
 * it accepts, is a ProtocolError: the peer would refuse the message.
 */
export function envelopeFrames(message: Message, contentJson?: FrameText): Frame[] {
  const { msgid, msgtype, reqid } = message.header;
  if (!WIRE_MESSAGE_TYPES[4].has(msgtype)) throw new ProtocolError(`Bokeh 4 has no ${msgtype} message`);
  const ids = [...message.buffers.keys()];
  if (ids.length > MAX_ENVELOPE_BUFFERS) {
    throw new ProtocolError(`a Bokeh 4 message cannot carry more than ${MAX_ENVELOPE_BUFFERS} buffers (this ${msgtype} has ${ids.length})`);
  }
  const header = reqid === undefined ? { msgid, msgtype } : { msgid, msgtype, reqid };
  const before = `{"header":${JSON.stringify(header)},"content":`;
  const after = `,"buffers":${JSON.stringify(ids)}}`;
  const content = contentJson ?? JSON.stringify(message.content);
  let envelope: FrameText;
  if (typeof content === "string") envelope = before + content + after;
  else if (content instanceof TextPieces) envelope = content.wrapped(before, after);
  else envelope = Buffer.concat([Buffer.from(before, "utf8"), content, Buffer.from(after, "utf8")]);
  const frames: Frame[] = [{ text: envelope }];
  for (const bytes of message.buffers.values()) frames.push({ binary: bytes });
  return frames;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
