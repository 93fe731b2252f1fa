/**
 * Applications: the function that fills a new session's document, and the
 * context it gets (request arguments, callbacks tied to the session's lifetime).
 */
import type { Document } from "../document/document.js";

/** The HTTP request that created a session, as the app sees it (Bokeh's `session_context.request`). */
export interface SessionRequest {
  /** Query arguments of the request that created the session: `{ name: [values] }`. */
  readonly arguments: Readonly<Record<string, string[]>>;
  /** Its headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Its cookies: `{ name: value }`. */
  readonly cookies: Readonly<Record<string, string>>;
}

/** What an app knows of the session it fills (Bokeh's `curdoc().session_context`), and callbacks that end with it. */
export interface SessionContext {
  /** The session id. */
  readonly id: string;
  /** The application path ("/" or "/name"). */
  readonly appPath: string;
  /** The request that created the session. */
  readonly request: SessionRequest;
  /** Runs `callback` every `period` ms while the session lives. Returns a function that stops it. */
  addPeriodicCallback(callback: () => void, period: number): () => void;
  /** Runs `callback` once after `timeout` ms (unless the session ends first). Returns a function that cancels it. */
  addTimeoutCallback(callback: () => void, timeout: number): () => void;
  /** Runs `callback` when the session is destroyed. */
  onSessionDestroyed(callback: () => void): void;
}

/** Fills the document of a new session. May be async; the session opens when it settles. */
export type Application = (document: Document, context: SessionContext) => void | Promise<void>;

/** Parses a Cookie header into `{ name: value }`. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      cookies[name] = value;
    }
  }
  return cookies;
}

/** `?a=1&a=2&b=x` -> `{ a: ["1", "2"], b: ["x"] }`. */
export function queryArguments(search: URLSearchParams): Record<string, string[]> {
  const args: Record<string, string[]> = {};
  for (const [name, value] of search) (args[name] ??= []).push(value);
  return args;
}
