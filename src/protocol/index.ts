export { MESSAGE_TYPES, REPLY_TYPES, createMessage, isMsgType, type Buffers, type ErrorContent, type Header, type Message, type MsgType, type ServerInfo } from "./message.js";
export { Receiver, DEFAULT_MAX_BUFFERS, DEFAULT_MAX_MESSAGE_SIZE, type ReceiverOptions } from "./receiver.js";
export { messageFrames, type Frame } from "./sender.js";
export { MessageTooLargeError, ProtocolError, type ProtocolErrorKind } from "./errors.js";
export { makeId } from "./ids.js";
export { BOKEH_VERSION, KNOWN_BOKEH_VERSIONS, LATEST_BOKEH_VERSION, type KnownBokehVersion } from "./version.js";
export {
  DEFAULT_TOKEN_EXPIRATION,
  TOKEN_ZLIB_KEY,
  TokenError,
  checkSessionIdSignature,
  checkTokenSignature,
  generateSessionId,
  generateToken,
  getSessionId,
  getTokenPayload,
  resolveSigning,
  type Signing,
  type SigningOptions,
  type TokenOptions,
  type TokenPayload,
} from "./token.js";
