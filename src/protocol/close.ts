/**
 * Websocket close codes and reasons, named once for the client and the server.
 */

/** RFC 6455 codes we send or explain. */
export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_PROTOCOL_ERROR = 1002;
/** Not sent on the wire: the close frame had no code. */
export const CLOSE_NO_STATUS = 1005;
/** Not sent on the wire: the TCP connection ended without a close frame. */
export const CLOSE_ABNORMAL = 1006;
export const CLOSE_INVALID_DATA = 1007;
/** Policy violation: our server closes a client that stopped reading. */
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_LARGE = 1009;
export const CLOSE_INTERNAL_ERROR = 1011;
/** The server is busy (a session limit); try again later. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * Bokeh's own codes, outside the range RFC 6455 allows on the wire. A Bokeh server
 * closes with 10000 when it could not handle a message, with 10001 for a protocol error.
 * Our embedded server sends CLOSE_INTERNAL_ERROR and CLOSE_PROTOCOL_ERROR in their place.
 */
export const BOKEH_CLOSE_UNEXPECTED = 10000;
export const BOKEH_CLOSE_PROTOCOL = 10001;

/** Milliseconds to wait for the peer's close frame (and the end of TCP) before dropping the socket. */
export const CLOSE_GRACE_MS = 3000;

/**
 * Whether a close frame may carry `code` (RFC 6455 7.4): the defined codes, the
 * registered and private ranges, and Bokeh's two codes, which real servers send.
 */
export function isValidCloseCode(code: number): boolean {
  if (code === BOKEH_CLOSE_UNEXPECTED || code === BOKEH_CLOSE_PROTOCOL) return true;
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== CLOSE_NO_STATUS && code !== CLOSE_ABNORMAL;
}

/** A websocket close reason cut to the 123 bytes a close frame can carry. */
export function closeReason(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return bytes.length <= 123 ? text : bytes.subarray(0, 120).toString("utf8");
}
