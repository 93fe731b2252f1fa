export {
  MESSAGE_TYPES,
  REPLY_TYPES,
  WIRE_MESSAGE_TYPES,
  createMessage,
  isMsgType,
  type Buffers,
  type ErrorContent,
  type Header,
  type Message,
  type MsgType,
  type ServerInfo,
  type WireVersion,
} from "./message.js";
export { BOKEH_4_SERVER_INFO, Codec, FRAMINGS, detectWire, framingOf, type Framing, type MessageReader, type RequestForm } from "./codec.js";
export { EnvelopeReceiver, MAX_ENVELOPE_BUFFERS, envelopeFrames } from "./envelope.js";
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
