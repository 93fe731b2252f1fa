/**
 * Bokeh protocol messages: what travels in one logical message, independent of framing.
 *
 * On the wire a message is a header, metadata and content (three text frames),
 * followed by `num_buffers` pairs of a buffer header and a binary payload
 * (see receiver.ts and sender.ts).
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
] as const;

export type MsgType = (typeof MESSAGE_TYPES)[number];

const KNOWN_TYPES: ReadonlySet<string> = new Set(MESSAGE_TYPES);

export function isMsgType(value: unknown): value is MsgType {
  return typeof value === "string" && KNOWN_TYPES.has(value);
}

/** Message types that answer a request and therefore carry `reqid`. */
export const REPLY_TYPES: ReadonlySet<MsgType> = new Set(["OK", "ERROR", "PULL-DOC-REPLY", "SERVER-INFO-REPLY"]);

export interface Header {
  msgid: string;
  msgtype: MsgType;
  reqid?: string;
  num_buffers?: number;
}

/** Raw bytes of one buffer, keyed by the id its `{"type":"bytes","data":{"id":...}}` reference uses. */
export type Buffers = Map<string, Uint8Array>;

export interface Message<Content = unknown> {
  header: Header;
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
