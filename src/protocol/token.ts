/**
 * Session ids and session tokens, compatible with `bokeh.util.token`.
 *
 * - A session id is 44 random characters from [A-Za-z0-9]; when sessions are
 *   signed it is `<id>.<signature>`.
 * - A token is base64url (no padding) of the JSON
 *   `{"session_id": ..., "session_expiry": <unix seconds>}`, plus an optional
 *   `"__bk__zlib_"` entry holding base64url(zlib(JSON of extra payload)).
 *   Signed tokens append `.<signature>`.
 * - A signature is base64url(HMAC-SHA256(secret key, text before the dot)).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";
import { base64urlDecode, base64urlEncode } from "../util/base64url.js";
import { BokehError } from "../util/errors.js";
import { pyJson } from "./pyjson.js";

export const TOKEN_ZLIB_KEY = "__bk__zlib_";
export const DEFAULT_TOKEN_EXPIRATION = 300;

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A token that cannot be decoded or a signing setup that cannot work. */
export class TokenError extends BokehError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_BOKEH_TOKEN", message, options);
  }
}

/** Whether and how session ids and tokens are signed; each option falls back to Bokeh's environment variable. */
export interface SigningOptions {
  /** Secret key for signatures. Default: `BOKEH_SECRET_KEY`. */
  secretKey?: string | Uint8Array;
  /** Sign session ids and tokens. Default: `BOKEH_SIGN_SESSIONS`. */
  signSessions?: boolean;
}

/** Signing settings once resolved from the options and the environment (`resolveSigning`). */
export interface Signing {
  /** Whether session ids and tokens carry a signature. */
  signed: boolean;
  /** The key signatures are made with; null when none is set (then `signed` is false). */
  secretKey: Uint8Array | null;
}

/** Resolves signing settings the way Bokeh does: options first, then the environment. */
export function resolveSigning(options: SigningOptions = {}, env: NodeJS.ProcessEnv = process.env): Signing {
  const key = options.secretKey ?? env.BOKEH_SECRET_KEY;
  const secretKey = key === undefined || key === "" ? null : typeof key === "string" ? Buffer.from(key, "utf8") : key;
  const signed = options.signSessions ?? parseBool(env.BOKEH_SIGN_SESSIONS, "BOKEH_SIGN_SESSIONS");
  if (signed && secretKey === null) {
    throw new TokenError("signed sessions need a secret key: set BOKEH_SECRET_KEY or pass secretKey");
  }
  return { signed, secretKey };
}

function parseBool(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (["yes", "y", "true", "on", "1"].includes(v)) return true;
  if (["no", "n", "false", "off", "0", ""].includes(v)) return false;
  throw new TokenError(`${name}=${JSON.stringify(value)} is not a boolean (use yes/no)`);
}

/** 44 random characters from [A-Za-z0-9] (261 bits), from the system CSPRNG. */
export function randomString(length = 44): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export function signature(text: string, secretKey: Uint8Array): string {
  return base64urlEncode(createHmac("sha256", secretKey).update(text, "utf8").digest());
}

/** A new session id, as Bokeh makes them: 44 random characters, followed by `.<signature>` when sessions are signed. */
export function generateSessionId(signing: Signing = resolveSigning()): string {
  const id = randomString();
  return signing.signed ? `${id}.${signature(id, signing.secretKey as Uint8Array)}` : id;
}

/** How `generateToken` makes a token. */
export interface TokenOptions {
  /** Seconds until the token expires. Default 300, like Python's client. */
  expiration?: number;
  /** Extra JSON payload, compressed into `__bk__zlib_` (server-issued tokens carry headers, cookies, arguments). */
  extraPayload?: Record<string, unknown>;
  /** Clock, in milliseconds since the epoch. */
  now?: number;
}

/** A session token for `sessionId`, as Bokeh's `generate_jwt_token` makes it: expires after `expiration` seconds, signed when sessions are signed. */
export function generateToken(sessionId: string, signing: Signing = resolveSigning(), options: TokenOptions = {}): string {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: Record<string, unknown> = {
    session_id: sessionId,
    session_expiry: now + (options.expiration ?? DEFAULT_TOKEN_EXPIRATION),
  };
  const extra = options.extraPayload;
  if (extra !== undefined && Object.keys(extra).length > 0) {
    if ("session_id" in extra) throw new TokenError("extraPayload for session tokens may not contain 'session_id'");
    const json = pyJson(encodeBytes(extra));
    payload[TOKEN_ZLIB_KEY] = base64urlEncode(deflateSync(Buffer.from(json, "utf8"), { level: 9 }));
  }
  const token = base64urlEncode(pyJson(payload));
  return signing.signed ? `${token}.${signature(token, signing.secretKey as Uint8Array)}` : token;
}

/** What a token carries besides its session id: its expiry and any extra payload (headers, cookies, arguments of a page request). */
export interface TokenPayload {
  /** When the token expires, in seconds since the epoch. */
  session_expiry?: number;
  [key: string]: unknown;
}

function decodeTokenJson(token: string): Record<string, unknown> {
  const base = token.split(".")[0] ?? "";
  let decoded: unknown;
  try {
    decoded = JSON.parse(base64urlDecode(base).toString("utf8"));
  } catch (cause) {
    throw new TokenError("malformed session token", { cause });
  }
  if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) {
    throw new TokenError("malformed session token: payload is not a JSON object");
  }
  return decoded as Record<string, unknown>;
}

/** The session id a token names; a `TokenError` when the token cannot be decoded. Does not check signatures. */
export function getSessionId(token: string): string {
  const id = decodeTokenJson(token).session_id;
  if (typeof id !== "string") throw new TokenError("malformed session token: no session_id");
  return id;
}

/** The token payload without `session_id`, with the compressed extra payload expanded. */
export function getTokenPayload(token: string): TokenPayload {
  const decoded = decodeTokenJson(token);
  const compressed = decoded[TOKEN_ZLIB_KEY];
  delete decoded[TOKEN_ZLIB_KEY];
  delete decoded.session_id;
  if (typeof compressed === "string") {
    let extra: unknown;
    try {
      extra = JSON.parse(inflateSync(base64urlDecode(compressed)).toString("utf8"));
    } catch (cause) {
      throw new TokenError("malformed session token: bad compressed payload", { cause });
    }
    Object.assign(decoded, decodeBytes(extra));
  }
  return decoded;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  // Compare equal-length buffers only; the length itself is not secret.
  return x.length === y.length && timingSafeEqual(x, y);
}

export function checkSessionIdSignature(sessionId: string, signing: Signing): boolean {
  if (!signing.signed) return true;
  const dot = sessionId.indexOf(".");
  if (dot < 0) return false;
  return safeEqual(signature(sessionId.slice(0, dot), signing.secretKey as Uint8Array), sessionId.slice(dot + 1));
}

/** Checks the token's own signature and the signature of the session id inside it. */
export function checkTokenSignature(token: string, signing: Signing): boolean {
  if (!signing.signed) return true;
  const dot = token.indexOf(".");
  if (dot < 0) return false;
  const tokenValid = safeEqual(signature(token.slice(0, dot), signing.secretKey as Uint8Array), token.slice(dot + 1));
  const idValid = checkSessionIdSignature(getSessionId(token), signing);
  return tokenValid && idValid;
}

// Python's token JSON writes bytes as {"bytes": "<base64url>"}.
function encodeBytes(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: base64urlEncode(value) };
  if (Array.isArray(value)) return value.map(encodeBytes);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeBytes(v)]));
  }
  return value;
}

function decodeBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeBytes);
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === "bytes" && typeof entries[0][1] === "string") {
      return new Uint8Array(base64urlDecode(entries[0][1]));
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, decodeBytes(v)]));
  }
  return value;
}
