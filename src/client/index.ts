export { ClientSession, DEFAULT_SESSION_ID, showSession, type ClientSessionOptions, type ClientSessionEvents, type ShowSessionOptions } from "./session.js";
export { pullSession, pushSession, type SessionOptions } from "./api.js";
export { ClientConnection, DEFAULT_TIMEOUT, type ConnectionOptions, type ConnectionState } from "./connection.js";
export {
  AbortError,
  BrowserError,
  ChangesRejectedError,
  ConnectionClosedError,
  ConnectionError,
  HttpError,
  NetworkError,
  QueueFullError,
  RequestTimeoutError,
  ServerError,
  SessionRefusedError,
  SessionStateError,
  UrlError,
  type ErrorReason,
} from "./errors.js";
export { openInBrowser, type BrowserOpener, type OpenOptions, type NewBrowserTarget } from "./browser.js";
export {
  defaultServerUrl,
  defaultWebsocketUrl,
  resolveServerUrl,
  serverUrlForWebsocketUrl,
  websocketUrlForServerUrl,
  withQueryArguments,
  type QueryArguments,
} from "./urls.js";
export { reconnectPolicy, type ReconnectOptions, type ReconnectPolicy } from "./reconnect.js";
