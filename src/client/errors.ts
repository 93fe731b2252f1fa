/**
 * Errors of the client layer. Connection failures keep Python's three cases
 * (wrong app path / other HTTP error / unreachable) and add the ones Python
 * reports as "HTTP 500": a session refused after the upgrade, and a connection
 * closed with a code (including Bokeh's 10000/10001) or dropped.
 */
import type { DocumentChangedEvent } from "../document/events.js";
import { ProtocolError } from "../protocol/errors.js";
import { BokehError } from "../util/errors.js";

/**
 * Why a session is not connected, as `ClientSession.errorReason`.
 * Python has the first three; the last two say what Python reports as "HTTP_ERROR 500".
 */
export type ErrorReason = "NO_ERROR" | "HTTP_ERROR" | "NETWORK_ERROR" | "SESSION_REFUSED" | "PROTOCOL_ERROR";

/** A connection that could not be opened or was lost. */
export class ConnectionError extends BokehError {
  /** Python's `error_reason` for this failure. */
  readonly reason: Exclude<ErrorReason, "NO_ERROR">;
  /** The HTTP status (HTTP_ERROR) or websocket close code (1005: no code, 1006: dropped), else 0. */
  readonly errorCode: number;
  /** What went wrong, in words (Python's `error_detail`). */
  readonly detail: string;
  /** The websocket URL. */
  readonly url: string;

  constructor(
    code: string,
    reason: Exclude<ErrorReason, "NO_ERROR">,
    message: string,
    fields: { errorCode?: number; detail?: string; url: string; cause?: unknown },
  ) {
    super(code, message, { cause: fields.cause });
    this.reason = reason;
    this.errorCode = fields.errorCode ?? 0;
    this.detail = fields.detail ?? "";
    this.url = fields.url;
  }
}

/** The websocket upgrade was answered with an HTTP error (404: no such application). */
export class HttpError extends ConnectionError {
  /** The HTTP status the server answered the upgrade with. */
  readonly status: number;

  constructor(url: string, status: number, statusText: string, body = "") {
    const message =
      status === 404
        ? `No Bokeh application at ${url} (HTTP 404 ${statusText}): check the application path`
        : `The server refused the websocket connection to ${url}: HTTP ${status} ${statusText}${body ? ` (${body.trim().slice(0, 200)})` : ""}`;
    super("ERR_BOKEH_HTTP", "HTTP_ERROR", message, { errorCode: status, detail: statusText, url });
    this.status = status;
  }
}

/** The server could not be reached (refused, DNS, TLS, timeout), or the connection dropped. */
export class NetworkError extends ConnectionError {
  constructor(url: string, detail: string, options: { cause?: unknown; errorCode?: number } = {}) {
    super("ERR_BOKEH_NETWORK", "NETWORK_ERROR", `Cannot reach a Bokeh server at ${url}: ${detail}`, {
      detail,
      url,
      cause: options.cause,
      errorCode: options.errorCode,
    });
  }
}

/** Describes a websocket close: "code 1000 'closed'", "no close code", "dropped without a close frame". */
export function describeClose(code: number, reason: string): string {
  if (code === 1005) return "an empty close frame (no code)";
  if (code === 1006) return "the TCP connection dropped without a close frame";
  return `close code ${code}${reason ? ` '${reason}'` : ""}`;
}

/**
 * The server accepted the websocket upgrade, then closed it before acknowledging
 * the session. A Bokeh server does this when the session token is expired,
 * badly signed, malformed, or the subprotocol is not "bokeh".
 */
export class SessionRefusedError extends ConnectionError {
  /** The close frame's code: 1005 for a close frame without one, 1006 for none at all. */
  readonly closeCode: number;
  /** The close frame's reason, "" if none. */
  readonly closeReason: string;

  constructor(url: string, closeCode: number, closeReason: string, cause?: unknown) {
    const detail = describeClose(closeCode, closeReason);
    const why =
      closeCode === 1006
        ? "A Bokeh server drops the connection like this when the session token is malformed or not signed with its secret key " +
          "(check BOKEH_SECRET_KEY and BOKEH_SIGN_SESSIONS); it also happens when the server stops."
        : closeCode === 1005
          ? "The session was refused: its token is expired, or not signed with the server's secret key " +
            "(check BOKEH_SECRET_KEY and BOKEH_SIGN_SESSIONS; a Bokeh 3.9 server refuses an unsigned session this way), " +
            "or the subprotocol is not 'bokeh'."
          : closeCode === 1013
            ? "The server is busy (at a limit on sessions); try again later."
            : "";
    super(
      "ERR_BOKEH_SESSION_REFUSED",
      "SESSION_REFUSED",
      `The Bokeh server at ${url} accepted the websocket and closed it before opening the session (${detail}).${why ? ` ${why}` : ""}`,
      { errorCode: closeCode, detail, url, cause },
    );
    this.closeCode = closeCode;
    this.closeReason = closeReason;
  }
}

/** An open connection was closed or dropped; pending requests are rejected with this. */
export class ConnectionClosedError extends ConnectionError {
  /** The close frame's code: 1005 for a close frame without one, 1006 for none at all; Bokeh's 10000 and 10001. */
  readonly closeCode: number;
  /** The close frame's reason, "" if none. */
  readonly closeReason: string;

  constructor(url: string, closeCode: number, closeReason: string, options: { cause?: unknown; byClient?: boolean } = {}) {
    const detail = describeClose(closeCode, closeReason);
    const meaning =
      closeCode === 10000
        ? " (Bokeh: the server failed to handle a message)"
        : closeCode === 10001
          ? " (Bokeh: protocol error)"
          : "";
    const who = options.byClient ? "was closed" : "was closed by the server";
    const reason = closeCode === 10000 || closeCode === 10001 || closeCode === 1002 ? "PROTOCOL_ERROR" : "NETWORK_ERROR";
    super("ERR_BOKEH_CONNECTION_CLOSED", reason, `The connection to ${url} ${who}: ${detail}${meaning}`, {
      errorCode: closeCode,
      detail,
      url,
      cause: options.cause,
    });
    this.closeCode = closeCode;
    this.closeReason = closeReason;
  }
}

/** The server answered a request with an ERROR message. */
export class ServerError extends BokehError {
  /** The server's error text, e.g. `UnknownReferenceError("can't resolve reference 'p9'")`. */
  readonly text: string;
  /** The server's Python traceback, when it sent one. */
  readonly traceback: string | null;
  /** The message type of the request that failed. */
  readonly request: string;

  constructor(request: string, text: string, traceback: string | null) {
    super("ERR_BOKEH_SERVER", `The server rejected ${request}: ${text}`);
    this.text = text;
    this.traceback = traceback;
    this.request = request;
  }
}

/** The server did not answer within the request timeout. */
export class RequestTimeoutError extends BokehError {
  /** The timeout that passed, in milliseconds. */
  readonly timeout: number;

  constructor(what: string, timeout: number) {
    super("ERR_BOKEH_TIMEOUT", `${what} timed out after ${timeout} ms`);
    this.timeout = timeout;
  }
}

/** The operation was cancelled through an AbortSignal. */
export class AbortError extends BokehError {
  constructor(what: string, cause?: unknown) {
    super("ERR_BOKEH_ABORTED", `${what} was aborted`, { cause });
  }
}

/** A call that does not fit the session's state (push of a second document, pull while closed...). */
export class SessionStateError extends BokehError {
  constructor(message: string) {
    super("ERR_BOKEH_SESSION_STATE", message);
  }
}

/** A URL bokeh-client cannot use. */
export class UrlError extends BokehError {
  constructor(message: string) {
    super("ERR_BOKEH_URL", message);
  }
}

/** Local changes that could not be applied again after a reconnection (e.g. their model is gone). */
export class ChangesRejectedError extends BokehError {
  constructor(count: number, detail: string) {
    super("ERR_BOKEH_CHANGES_REJECTED", `${count} local change(s) could not be re-applied after reconnecting: ${detail}`);
  }
}

/**
 * Local changes the server never confirmed, held by a session that can no longer send
 * them: its connection was lost for good (no `reconnect`, or every attempt failed).
 * `changes` are the changes themselves, oldest first.
 */
export class ChangesLostError extends BokehError {
  /** The changes, oldest first: those sent but not confirmed, then those never sent. */
  readonly changes: readonly DocumentChangedEvent[];

  constructor(unconfirmed: readonly DocumentChangedEvent[], pending: readonly DocumentChangedEvent[], cause: BokehError | null) {
    const parts: string[] = [];
    if (unconfirmed.length > 0) parts.push(`${unconfirmed.length} local change(s) were not confirmed before the connection was lost`);
    if (pending.length > 0) parts.push(`${pending.length} local change(s) could not be sent`);
    super("ERR_BOKEH_CHANGES_LOST", `${parts.join("; ")}${cause !== null ? `: ${cause.message}` : ""}`, { cause: cause ?? undefined });
    this.changes = [...unconfirmed, ...pending];
  }
}

/** Too many local changes are waiting to be sent (disconnected, or the network is slower than the producer). */
export class QueueFullError extends BokehError {
  /** The `maxQueuedChanges` bound that was reached. */
  readonly limit: number;

  constructor(limit: number) {
    super(
      "ERR_BOKEH_QUEUE_FULL",
      `more than ${limit} local changes are waiting to be sent; await session.drain() or flush() between changes, or raise maxQueuedChanges`,
    );
    this.limit = limit;
  }
}

/** A browser could not be started to show a session. */
export class BrowserError extends BokehError {
  constructor(command: string, cause: unknown) {
    super("ERR_BOKEH_BROWSER", `could not start the browser '${command}': ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** What a session reports of its last connection failure (`errorReason`, `errorCode`, `errorDetail`). */
export interface Failure {
  readonly connectionError: ConnectionError | null;
  readonly reason: ErrorReason;
  readonly code: number;
  readonly detail: string;
}

export const NO_FAILURE: Failure = { connectionError: null, reason: "NO_ERROR", code: 0, detail: "" };

/** The failure `error` (null: none) means for a session with websocket URL `url`. */
export function describeFailure(error: BokehError | null, url: string): Failure {
  if (error === null) return NO_FAILURE;
  if (error instanceof ConnectionError) return { connectionError: error, reason: error.reason, code: error.errorCode, detail: error.detail };
  return {
    connectionError: new ConnectionClosedError(url, 1006, "", { cause: error }),
    reason: error instanceof ProtocolError ? "PROTOCOL_ERROR" : "NETWORK_ERROR",
    code: 0,
    detail: error.message,
  };
}
