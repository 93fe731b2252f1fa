/**
 * Bokeh protocol messages: what travels in one logical message, independent of framing.
 *
 * Two framings exist (codec.ts). Bokeh 3 writes a message as a header, metadata and
 * content (three text frames), followed by `num_buffers` pairs of a buffer header and
 * a binary payload (receiver.ts, sender.ts). Bokeh 4 writes one JSON envelope of
 * header, content and buffer ids, followed by the binary payloads (envelope.ts).
 */

export const MESSAGE_TYPES = [
  "ACK",
  "OK",
  "ERROR",
  "PULL-DOC-REQ",
  "PULL-DOC-REPLY",
  "PUSH-DOC",
  "PATCH-DOC",
  "SERVER-INFO-REQ",
  "SERVER-INFO-REPLY",
  "SYNC",
] as const;

export type MsgType = (typeof MESSAGE_TYPES)[number];

const KNOWN_TYPES: ReadonlySet<string> = new Set(MESSAGE_TYPES);

/** Whether `value` is a message type of any Bokeh release. */
export function isMsgType(value: unknown): value is MsgType {
  return typeof value === "string" && KNOWN_TYPES.has(value);
}

/**
 * The framing of a Bokeh release: 3 for Bokeh 3.x (three text frames and buffer
 * headers), 4 for Bokeh 4.0 and later (one JSON envelope; Bokeh PR 15339).
 */
export type WireVersion = 3 | 4;

/**
 * The message types each framing knows. Bokeh 4 dropped SERVER-INFO-REQ / -REPLY and
 * added SYNC, a request the server answers with OK once it has handled everything
 * sent before it (BokehJS 4's `force_roundtrip`).
 */
export const WIRE_MESSAGE_TYPES: { readonly [W in WireVersion]: ReadonlySet<MsgType> } = {
  3: new Set(MESSAGE_TYPES.filter((type) => type !== "SYNC")),
  4: new Set(MESSAGE_TYPES.filter((type) => type !== "SERVER-INFO-REQ" && type !== "SERVER-INFO-REPLY")),
};

/** Message types that answer a request and therefore carry `reqid`. */
export const REPLY_TYPES: ReadonlySet<MsgType> = new Set(["OK", "ERROR", "PULL-DOC-REPLY", "SERVER-INFO-REPLY"]);

export interface Header {
  msgid: string;
  msgtype: MsgType;
  reqid?: string;
  /** Bokeh 3 only: how many buffers follow (Bokeh 4 lists their ids in the envelope). */
  num_buffers?: number;
}

/** Raw bytes of one buffer, keyed by the id its `{"type":"bytes","data":{"id":...}}` reference uses. */
export type Buffers = Map<string, Uint8Array>;

export interface Message<Content = unknown> {
  header: Header;
  /** Bokeh 3 only: free-form, unused by Bokeh (Bokeh 4 has none: always empty there). */
  metadata: Record<string, unknown>;
  content: Content;
  buffers: Buffers;
  /** Set when buffer payloads were skipped on arrival because nobody would read them (Receiver.skipPayload): drop the message. */
  skippedBuffers?: true;
}

export interface ErrorContent {
  text: string;
  traceback?: string | null;
}

/** The content of SERVER-INFO-REPLY, as Bokeh sends it (`requestServerInfo()`). */
export interface ServerInfo {
  /** The versions the server reports. */
  version_info: {
    /** The server's Bokeh release, e.g. "3.10.0". */
    bokeh: string;
    /** The server's own version: the same as `bokeh` for Bokeh's server and ours. */
    server: string;
  };
}

export interface CreateOptions {
  reqid?: string;
  buffers?: Buffers;
  /**
   * Write `num_buffers` even when it is 0, as Python's Bokeh 3.8+ does in every PATCH-DOC,
   * PUSH-DOC and PULL-DOC-REPLY (BokehJS and Bokeh 3.7 leave it out; both read absent as 0).
   */
  countBuffers?: boolean;
}

/** Builds a message; `reqid` is only set for replies. */
export function createMessage<Content>(msgtype: MsgType, msgid: string, content: Content, options: CreateOptions = {}): Message<Content> {
  const header: Header = { msgid, msgtype };
  if (options.reqid !== undefined) header.reqid = options.reqid;
  const buffers = options.buffers ?? new Map();
  if (buffers.size > 0 || options.countBuffers === true) header.num_buffers = buffers.size;
  return { header, metadata: {}, content, buffers };
}
