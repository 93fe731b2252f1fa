/**
 * The codec of a connection: Bokeh messages to and from websocket frames, in the
 * framing of the Bokeh release the peer speaks (message.ts `WireVersion`):
 *
 * | framing  | a message on the wire                                              | code        |
 * |----------|--------------------------------------------------------------------|-------------|
 * | Bokeh 3  | header, metadata, content text frames; a buffer header per buffer  | receiver.ts, sender.ts |
 * | Bokeh 4  | one JSON envelope (header, content, buffer ids); the buffers       | envelope.ts |
 *
 * The client's connection and the server's each hold one Codec, and nothing else in
 * them knows which framing is spoken. The server knows its own release; the client
 * learns the server's from its first frame, the ACK (`Codec.detecting`).
 *
 * Bokeh 4 also changed two requests: SERVER-INFO-REQ is gone, and SYNC (answered by OK
 * once everything sent before it was handled) is new. `Framing.request` says how each
 * request is made in a framing, so a caller can ask either on both (docs/decisions.md).
 */
import { envelopeFrames, EnvelopeReceiver } from "./envelope.js";
import { frameText } from "./content.js";
import { type Header, type Message, type MsgType, type ServerInfo, type WireVersion } from "./message.js";
import { Receiver, type ReceiverOptions } from "./receiver.js";
import { messageFrames, type Frame, type FrameText } from "./sender.js";
import { bokehAtLeast } from "./version.js";

/** Frames in, messages out: the reading half of a codec (Receiver, EnvelopeReceiver). */
export interface MessageReader {
  /** True between the first frame of a message and its last. */
  readonly inMessage: boolean;
  /** Feeds one text frame, as its UTF-8 bytes (validated) or as a string. Throws ProtocolError / MessageTooLargeError. */
  consumeText(frame: string | Uint8Array): Message | null;
  /** Feeds one binary frame. */
  consumeBinary(bytes: Uint8Array): Message | null;
  /**
   * The message whose next frame is a buffer payload of `length` bytes (its header and
   * content tell whether the payload will be read), or null.
   */
  awaitedPayload(length: number): { header: Header; content: unknown } | null;
  /** The awaited payload was skipped on the socket (it arrives empty); the message is marked `skippedBuffers`. */
  skipPayload(length: number): void;
}

/** How a request is made in a framing: the message type sent, and its reply read as the reply to what was asked. */
export interface RequestForm {
  readonly send: MsgType;
  reply(message: Message): Message;
}

/** One framing: stateless, shared by every connection that speaks it. */
export interface Framing {
  readonly wire: WireVersion;
  /** A reader of this framing's frames. */
  reader(options: ReceiverOptions): MessageReader;
  /** The frames of `message`; `contentJson` replaces `JSON.stringify(message.content)`. */
  frames(message: Message, contentJson?: FrameText): Frame[];
  /**
   * How to make request `msgtype` here. A round trip (SYNC in Bokeh 4, SERVER-INFO-REQ in
   * Bokeh 3) stands in for the other framing's, and Bokeh 4 answers SERVER-INFO-REQ with
   * what its framing tells: a Bokeh 4.0 server (`BOKEH_4_SERVER_INFO`).
   */
  request(msgtype: MsgType): RequestForm;
}

/**
 * What a Bokeh 4 server is known to be from its framing, the only thing it tells of its
 * release: Bokeh 4 removed SERVER-INFO (the exact release is in a pulled document's `version`).
 */
export const BOKEH_4_SERVER_INFO: ServerInfo = { version_info: { bokeh: "4.0", server: "4.0" } };

const AS_IS = (msgtype: MsgType): RequestForm => ({ send: msgtype, reply: (message) => message });

/** `reply` under another message type and content: what a stand-in request's answer means. */
function answered(reply: Message, msgtype: MsgType, content: unknown): Message {
  return { ...reply, header: { ...reply.header, msgtype }, content };
}

export const FRAMINGS: { readonly [W in WireVersion]: Framing } = {
  3: {
    wire: 3,
    reader: (options) => new Receiver(options),
    frames: messageFrames,
    request: (msgtype) =>
      msgtype === "SYNC" ? { send: "SERVER-INFO-REQ", reply: (message) => answered(message, "OK", {}) } : AS_IS(msgtype),
  },
  4: {
    wire: 4,
    reader: (options) => new EnvelopeReceiver(options),
    frames: envelopeFrames,
    request: (msgtype) =>
      msgtype === "SERVER-INFO-REQ"
        ? { send: "SYNC", reply: (message) => answered(message, "SERVER-INFO-REPLY", structuredClone(BOKEH_4_SERVER_INFO)) }
        : AS_IS(msgtype),
  },
};

/** The framing of Bokeh release `version` ("3.9.2", "4.0.0-dev.5"). */
export function framingOf(version: string): Framing {
  return FRAMINGS[bokehAtLeast(version, 4, 0) ? 4 : 3];
}

/**
 * Which framing a peer's first text frame is in. A JSON object with a `header` and no
 * `msgtype` is a Bokeh 4 envelope; anything else is read as a Bokeh 3 header frame, whose
 * reader then says what is wrong with it, as before Bokeh 4 existed.
 */
export function detectWire(frame: string | Uint8Array): WireVersion {
  try {
    const value: unknown = JSON.parse(typeof frame === "string" ? frame : frameText(frame));
    return typeof value === "object" && value !== null && !Array.isArray(value) && "header" in value && !("msgtype" in value) ? 4 : 3;
  } catch {
    return 3;
  }
}

/** A connection's codec: the reader of its framing and the framing itself. */
export class Codec implements MessageReader {
  private current: { framing: Framing; reader: MessageReader } | null = null;
  private readonly options: ReceiverOptions;

  private constructor(framing: Framing | null, options: ReceiverOptions) {
    this.options = options;
    if (framing !== null) this.current = { framing, reader: framing.reader(options) };
  }

  /** A codec of `framing` (the server: its own release's). */
  static of(framing: Framing, options: ReceiverOptions = {}): Codec {
    return new Codec(framing, options);
  }

  /** A codec whose framing the peer's first frame decides (the client: the server's ACK). */
  static detecting(options: ReceiverOptions = {}): Codec {
    return new Codec(null, options);
  }

  /** The framing spoken; null until the first frame decided it. */
  get framing(): Framing | null {
    return this.current?.framing ?? null;
  }

  get inMessage(): boolean {
    return this.current?.reader.inMessage ?? false;
  }

  consumeText(frame: string | Uint8Array): Message | null {
    return (this.current ?? this.decide(detectWire(frame))).reader.consumeText(frame);
  }

  consumeBinary(bytes: Uint8Array): Message | null {
    // A binary first frame: Bokeh 3's reader refuses it as it always did.
    return (this.current ?? this.decide(3)).reader.consumeBinary(bytes);
  }

  awaitedPayload(length: number): { header: Header; content: unknown } | null {
    return this.current?.reader.awaitedPayload(length) ?? null;
  }

  skipPayload(length: number): void {
    this.current?.reader.skipPayload(length);
  }

  /** The frames of `message` in this connection's framing (Bokeh 3's until the peer's first frame). */
  frames(message: Message, contentJson?: FrameText): Frame[] {
    return (this.current?.framing ?? FRAMINGS[3]).frames(message, contentJson);
  }

  /** How to make request `msgtype` on this connection (Framing.request). */
  request(msgtype: MsgType): RequestForm {
    return (this.current?.framing ?? FRAMINGS[3]).request(msgtype);
  }

  private decide(wire: WireVersion): { framing: Framing; reader: MessageReader } {
    const framing = FRAMINGS[wire];
    this.current = { framing, reader: framing.reader(this.options) };
    return this.current;
  }
}
