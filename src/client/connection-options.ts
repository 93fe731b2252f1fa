/**
 * How a session connects: the options every connection of a session takes.
 */

/** How a session connects: headers, TLS, timeouts, size limits, heartbeat (ClientSessionOptions includes them all). */
export interface ConnectionOptions {
  /** Extra HTTP headers for the websocket upgrade request (e.g. Authorization, Origin). */
  headers?: Record<string, string>;
  /** Cookies sent with the upgrade request. */
  cookies?: Record<string, string>;
  /** Trusted CA certificate(s) for wss:// (PEM), e.g. a private CA. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate and key for wss:// servers that require one. */
  cert?: string | Buffer;
  /** The private key of `cert` (PEM). */
  key?: string | Buffer;
  /** Set false to accept a server certificate that does not verify (testing only). */
  rejectUnauthorized?: boolean;
  /** Milliseconds to wait for the connection and for each reply. Default 30,000; 0 waits forever. */
  timeout?: number;
  /** Cancels connecting and pending requests, and closes the connection. */
  signal?: AbortSignal;
  /**
   * Largest websocket message accepted from the server, in bytes: each of the frames a
   * Bokeh message is made of (its content, each buffer). Default 20 MiB, as Python's
   * `max_message_size`, which means the same.
   */
  maxMessageSize?: number;
  /**
   * Largest Bokeh message accepted from the server, all of its frames together, in bytes:
   * a bound against a server that would send without end. Default 512 MiB.
   */
  maxTotalMessageSize?: number;
  /**
   * Milliseconds between websocket pings; a connection whose ping is not answered
   * before the next one is treated as dead (a half-open TCP connection). Default:
   * off, or 15,000 when `reconnect` is on.
   */
  heartbeat?: number | false;
}

/** The default `timeout`: milliseconds to wait for the connection and for each reply. */
export const DEFAULT_TIMEOUT = 30_000;
/** The default `maxTotalMessageSize`: 512 MiB. */
export const DEFAULT_MAX_TOTAL_MESSAGE_SIZE = 512 * 1024 * 1024;
