import { BokehError } from "../util/errors.js";

/**
 * How bad a framing failure is, mirroring the real Bokeh server's two close codes:
 * - "protocol": the peer broke a rule of the protocol (Bokeh closes with 10001);
 * - "unexpected": the message could not be parsed at all (Bokeh closes with 10000).
 */
export type ProtocolErrorKind = "protocol" | "unexpected";

/** A frame or message that does not follow the Bokeh websocket protocol. */
export class ProtocolError extends BokehError {
  /** Whether a rule of the protocol was broken or the message could not be parsed at all. */
  readonly kind: ProtocolErrorKind;

  constructor(message: string, kind: ProtocolErrorKind = "protocol", options?: { cause?: unknown }) {
    super("ERR_BOKEH_PROTOCOL", message, options);
    this.kind = kind;
  }
}

/**
 * A message is larger than a configured limit: one websocket message over
 * `maxMessageSize` (Python's meaning), or a whole Bokeh message (all of its frames)
 * over the total bound.
 */
export class MessageTooLargeError extends BokehError {
  /** The limit, in bytes. */
  readonly limit: number;
  /** The bytes seen when the limit was passed: at least this many (the rest was not read). */
  readonly size: number;
  /** The option that set the limit. */
  readonly option: string;

  constructor(size: number, limit: number, what = "a message", option = "maxMessageSize") {
    super("ERR_BOKEH_MESSAGE_TOO_LARGE", `${what} of at least ${size} bytes exceeds ${option} (${limit} bytes)`);
    this.size = size;
    this.limit = limit;
    this.option = option;
  }
}

/** A Bokeh version that bokeh-client does not know, or cannot speak where it was asked for. */
export class UnsupportedVersionError extends BokehError {
  /** The version asked for, as given. */
  readonly version: unknown;

  constructor(version: unknown, message: string) {
    super("ERR_BOKEH_UNSUPPORTED_VERSION", message);
    this.version = version;
  }
}
