/**
 * Limits that keep one hostile or broken client from taking the embedded server
 * down with it. Bokeh's own server has none of the connection, session and
 * backlog limits; they are ours (docs/server.md), with defaults no normal use hits.
 */
import { BokehError } from "../util/errors.js";

/** The embedded server's limits, each set by the `BokehServer.start` option of the same name (docs/server.md). */
export interface ServerLimits {
  /** Largest message accepted from a client, in bytes (all its frames). */
  maxMessageSize: number;
  /** Largest number of binary buffers in one message. */
  maxBuffers: number;
  /** Most websocket connections open at once; more are refused with HTTP 503. */
  maxConnections: number;
  /** Most sessions alive at once; new ones beyond it are refused (503, or close code 1013). */
  maxSessions: number;
  /**
   * Bytes that may wait unsent to one connection when another message is due: a
   * client that stops reading is closed (1008) instead of growing the server's memory.
   */
  maxBacklog: number;
}

export const DEFAULT_LIMITS = {
  maxConnections: 10_000,
  maxSessions: Number.POSITIVE_INFINITY,
  maxBacklog: 64 * 1024 * 1024,
} as const;

/** The server is at one of its limits (connections, sessions). */
export class ServerBusyError extends BokehError {
  constructor(message: string) {
    super("ERR_BOKEH_SERVER_BUSY", message);
  }
}
