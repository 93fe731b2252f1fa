export { ClientSession, DEFAULT_SESSION_ID, type ClientSessionOptions, type ClientSessionEvents, type ResyncInfo, type ReplacedModel, type DetachedChange, type TransferOptions, type DisconnectedInfo, type ReconnectedInfo } from "./session.js";
export type { TransferProgress } from "./progress.js";
export { showSession, type ShowSessionOptions, type ShowableSession } from "./show.js";
export { pullSession, pushSession, type SessionOptions } from "./api.js";
export { DEFAULT_TIMEOUT, DEFAULT_MAX_TOTAL_MESSAGE_SIZE, type ConnectionOptions } from "./connection.js";
export {
  AbortError,
  BrowserError,
  ChangesLostError,
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
export { reconnectPolicy, type ReconnectOptions, type ReconnectPolicy } from "./resync.js";
