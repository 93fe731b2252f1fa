/**
 * showSession: opens a session's page in a browser, as Python's `show_session`.
 */
import { generateSessionId, resolveSigning } from "../protocol/token.js";
import { openInBrowser, type BrowserOpener, type OpenOptions } from "./browser.js";
import { resolveServerUrl, serverUrlForWebsocketUrl } from "./urls.js";

/** What showSession needs of a session. */
export interface ShowableSession {
  /** The session id. */
  readonly id: string;
  /** The websocket URL. */
  readonly url: string;
  /** How to open a URL; undefined: the system browser. */
  readonly opener: BrowserOpener | undefined;
}

/** What `showSession` takes: a session, or a session id and a server URL; and how to open it. */
export interface ShowSessionOptions extends OpenOptions {
  /** Show this session (its server and id). */
  session?: ShowableSession;
  /** Otherwise: the session id (default: a new session) ... */
  sessionId?: string;
  /** ... on this server URL (default "default"). */
  url?: string;
  /** How to open the URL. Default: the session's opener, else the system browser. */
  opener?: BrowserOpener;
}

/** Opens `<app url>/?bokeh-session-id=<id>` in a browser, as Python's `show_session`. */
export async function showSession(options: ShowSessionOptions = {}): Promise<void> {
  let serverUrl: string;
  let sessionId: string;
  if (options.session !== undefined) {
    serverUrl = serverUrlForWebsocketUrl(options.session.url);
    sessionId = options.session.id;
  } else {
    serverUrl = `${resolveServerUrl(options.url)}/`;
    sessionId = options.sessionId ?? generateSessionId(resolveSigning());
  }
  const opener = options.opener ?? options.session?.opener ?? openInBrowser;
  await opener(`${serverUrl}?bokeh-session-id=${encodeURIComponent(sessionId)}`, { browser: options.browser, new: options.new ?? "tab" });
}
