/**
 * pullSession / pushSession: the one-call way to open a session, as in Python.
 */
import type { Document } from "../document/document.js";
import { ClientSession, type ClientSessionOptions, type TransferOptions } from "./session.js";
import { resolveServerUrl, websocketUrlForServerUrl } from "./urls.js";

/** What `pullSession` and `pushSession` take: the app's URL, a ClientSession's options, and the transfer's. */
export interface SessionOptions extends Omit<ClientSessionOptions, "websocketUrl">, TransferOptions {
  /** The app's http(s) URL, e.g. `http://localhost:5006/myapp`. Default "default" (`http://localhost:5006`). */
  url?: string;
}

function sessionFor(options: SessionOptions): ClientSession {
  const { url, onProgress: _onProgress, ...rest } = options;
  return new ClientSession({ ...rest, websocketUrl: websocketUrlForServerUrl(resolveServerUrl(url)) });
}

/** Opens a session (new, or `sessionId`) and pulls its document. */
export async function pullSession(options: SessionOptions = {}): Promise<ClientSession> {
  const session = sessionFor(options);
  try {
    await session.pull({ onProgress: options.onProgress });
  } catch (error) {
    await session.close().catch(() => {});
    throw error;
  }
  return session;
}

/** Opens a session (new, or `sessionId`) and pushes `document` into it. */
export async function pushSession(document: Document, options: SessionOptions = {}): Promise<ClientSession> {
  const session = sessionFor(options);
  try {
    await session.push(document, { onProgress: options.onProgress });
  } catch (error) {
    await session.close().catch(() => {});
    throw error;
  }
  return session;
}
