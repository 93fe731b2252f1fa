import { describe, expect, test } from "vitest";
import { MessageTooLargeError, ProtocolError } from "../../src/protocol/errors.js";
import { createMessage } from "../../src/protocol/message.js";
import { pyJson } from "../../src/protocol/pyjson.js";
import { Receiver } from "../../src/protocol/receiver.js";
import { TextPieces } from "../../src/protocol/content.js";
import { messageFrames, type Frame } from "../../src/protocol/sender.js";
import {
  checkSessionIdSignature,
  checkTokenSignature,
  generateSessionId,
  generateToken,
  getSessionId,
  getTokenPayload,
  randomString,
  resolveSigning,
  signature,
} from "../../src/protocol/token.js";
import { loadTranscript, scenarioNames } from "../helpers/transcripts.js";

function feed(receiver: Receiver, frames: Frame[]) {
  const out = [];
  for (const f of frames) {
    const m = "text" in f ? receiver.consumeText(f.text instanceof TextPieces ? f.text.toBuffer() : f.text) : receiver.consumeBinary(f.binary);
    if (m) out.push(m);
  }
  return out;
}

describe("receiver", () => {
  test("every complete message in every transcript, both directions, parses into the annotated message", () => {
    let count = 0;
    // f05-f11 and f13 send malformed frames on purpose (tested below and in replay-server).
    for (const name of scenarioNames().filter((n) => !/^f(0[5-9]|1[013])_/.test(n))) {
      const t = loadTranscript(name);
      for (const dir of ["server->client", "client->server"] as const) {
        const receiver = new Receiver();
        for (const m of t.messages.filter((m) => m.dir === dir && m.complete)) {
          const frames = t.frames.filter((f) => f.msg === m.index).map((f) => (f.kind === "binary" ? { binary: Buffer.from(f.base64!, "base64") } : { text: f.text! }));
          const [message] = feed(receiver, frames);
          expect(message?.header.msgtype, `${name} #${m.index}`).toBe(m.msgtype);
          expect(message?.header.msgid).toBe(m.msgid);
          expect(message?.buffers.size).toBe(m.num_buffers);
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(150);
  });

  test.each([
    [[{ text: "this is not json" }, { text: "{}" }, { text: "{}" }], "unexpected", /header is not valid JSON/],
    [[{ text: '{"msgid":"x1"}' }, { text: "{}" }, { text: "{}" }], "protocol", /No 'msgtype' in header/],
    [[{ text: '{"msgid":"x1","msgtype":"FOO"}' }, { text: "{}" }, { text: "{}" }], "unexpected", /unknown message type "FOO"/],
    [[{ binary: new Uint8Array([0, 1, 2]) }], "protocol", /expected text fragment but received binary fragment for header/],
    [[{ text: '{"msgid":"x1","msgtype":"OK"}' }, { text: "{}" }, { text: "not json" }], "protocol", /content could not be decoded/],
    [[{ text: '{"msgid":"x1","msgtype":"OK"}' }, { text: "[]" }, { text: "{}" }], "protocol", /metadata could not be decoded/],
    [[{ text: '{"msgid":"x","msgtype":"PATCH-DOC","num_buffers":1}' }, { text: "{}" }, { text: "{}" }, { text: '{"nope":1}' }], "protocol", /Malformed buffer header/],
    [[{ text: '{"msgid":"x","msgtype":"PATCH-DOC","num_buffers":1}' }, { text: "{}" }, { text: "{}" }, { text: '{"id":"b"}' }, { text: "text" }], "protocol", /expected binary fragment/],
    [[{ text: '{"msgid":"x","msgtype":"PATCH-DOC","num_buffers":-1}' }, { text: "{}" }, { text: "{}" }], "protocol", /invalid 'num_buffers'/],
    [[{ text: '{"msgid":"x","msgtype":"PATCH-DOC","num_buffers":1e9}' }, { text: "{}" }, { text: "{}" }], "protocol", /exceeds the limit/],
    [[{ text: '{"msgid":5,"msgtype":"OK"}' }, { text: "{}" }, { text: "{}" }], "protocol", /No 'msgid'/],
  ] as const)("malformed frames give a typed ProtocolError (%#)", (frames, kind, message) => {
    const receiver = new Receiver();
    let error: unknown;
    try {
      feed(receiver, frames as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).kind).toBe(kind);
    expect((error as ProtocolError).message).toMatch(message);
    expect(() => receiver.consumeText("{}")).toThrow(ProtocolError); // unusable afterwards
  });

  test("maxMessageSize counts all frames of one message, and resets between messages", () => {
    const receiver = new Receiver({ maxMessageSize: 100 });
    const small = messageFrames(createMessage("OK", "m1", { a: "x".repeat(40) }));
    expect(feed(receiver, small)).toHaveLength(1);
    expect(feed(receiver, small)).toHaveLength(1);
    const big = messageFrames(createMessage("OK", "m2", { a: "x".repeat(200) }));
    expect(() => feed(receiver, big)).toThrow(MessageTooLargeError);
  });

  test("duplicate buffer ids are refused", () => {
    const receiver = new Receiver();
    const frames = [
      { text: '{"msgid":"x","msgtype":"PATCH-DOC","num_buffers":2}' },
      { text: "{}" },
      { text: "{}" },
      { text: '{"id":"b"}' },
      { binary: new Uint8Array(1) },
      { text: '{"id":"b"}' },
      { binary: new Uint8Array(1) },
    ];
    expect(() => feed(receiver, frames)).toThrow(/duplicate buffer id/);
  });
});

describe("sender", () => {
  test("headers and buffer headers are written as Python writes them; content is compact", () => {
    const buffers = new Map([["b1", new Uint8Array([1, 2])]]);
    const frames = messageFrames(createMessage("PATCH-DOC", "p1", { events: [] }, { buffers }));
    expect(frames).toEqual([
      { text: '{"msgid": "p1", "msgtype": "PATCH-DOC", "num_buffers": 1}' },
      { text: "{}" },
      { text: '{"events":[]}' },
      { text: '{"id": "b1"}' },
      { binary: new Uint8Array([1, 2]) },
    ]);
    expect(messageFrames(createMessage("OK", "p2", {}, { reqid: "p1" }))[0]).toEqual({ text: '{"msgid": "p2", "msgtype": "OK", "reqid": "p1"}' });
  });

  test("byte-for-byte like the recorded ACK and reply headers", () => {
    const t = loadTranscript("d01_client_property_set");
    for (const m of t.messages.filter((m) => m.dir === "server->client")) {
      const recorded = t.frames.find((f) => f.msg === m.index && f.part === "header")!.text!;
      const ours = messageFrames(createMessage(m.msgtype as never, m.msgid, {}, m.reqid ? { reqid: m.reqid } : {}))[0];
      expect(ours).toEqual({ text: recorded });
    }
  });
});

describe("tokens and session ids", () => {
  const key = "fixture-secret-key-NOT-SECRET-0123456789abcdef";
  const signing = resolveSigning({ signSessions: true, secretKey: key });

  test("the recorded signed session id and token verify, with the exact same signatures", () => {
    const t = loadTranscript("g09_signed_sessions_ok");
    const id = String(t.python_view.session_id);
    const [base, sig] = id.split(".");
    expect(signature(base!, Buffer.from(key))).toBe(sig);
    const token = t.upgrade.request.subprotocols![1]!;
    const [tokenBase, tokenSig] = token.split(".");
    expect(signature(tokenBase!, Buffer.from(key))).toBe(tokenSig);
    expect(checkTokenSignature(token, signing)).toBe(true);
    expect(checkSessionIdSignature(id, signing)).toBe(true);
    expect(getSessionId(token)).toBe(id);
  });

  test("tokens signed with another key, or not signed, fail the check", () => {
    const t = loadTranscript("g10_refused_invalid_signature");
    expect(checkTokenSignature(t.upgrade.request.subprotocols![1]!, signing)).toBe(false);
    const unsigned = loadTranscript("g11_refused_unsigned_token").upgrade.request.subprotocols![1]!;
    expect(checkTokenSignature(unsigned, signing)).toBe(false);
    expect(checkTokenSignature(unsigned, resolveSigning({ signSessions: false }))).toBe(true);
  });

  test("a server-issued token's compressed payload decodes as Python's does", () => {
    const t = loadTranscript("g12_server_issued_token_ok");
    const page = t.python_view.page_token as { token: string; session_id: string; token_payload_decoded: Record<string, unknown> };
    expect(getSessionId(page.token)).toBe(page.session_id);
    const payload = getTokenPayload(page.token);
    expect(payload.headers).toEqual(page.token_payload_decoded.headers);
    expect(payload.cookies).toEqual({});
    expect(payload.arguments).toEqual({ period: [new Uint8Array([0x30])] }); // Python bytes b"0"
    expect(payload.session_expiry).toBe(page.token_payload_decoded.session_expiry);
  });

  test("our tokens have Python's exact layout", () => {
    const token = generateToken("abc", resolveSigning({ signSessions: false }), { now: 1_000_000_000_000, expiration: 300 });
    expect(Buffer.from(token, "base64url").toString()).toBe('{"session_id": "abc", "session_expiry": 1000000300}');
    const extra = generateToken("abc", resolveSigning({ signSessions: false }), { extraPayload: { headers: { a: "é" }, arguments: { x: [new Uint8Array([1])] } } });
    expect(getTokenPayload(extra)).toMatchObject({ headers: { a: "é" }, arguments: { x: [new Uint8Array([1])] } });
    expect(() => generateToken("abc", resolveSigning({ signSessions: false }), { extraPayload: { session_id: "x" } })).toThrow(/may not contain 'session_id'/);
  });

  test("session ids: 44 characters of [A-Za-z0-9], signed ids verify", () => {
    expect(randomString()).toMatch(/^[A-Za-z0-9]{44}$/);
    const id = generateSessionId(signing);
    expect(id).toMatch(/^[A-Za-z0-9]{44}\.[A-Za-z0-9_-]{43}$/);
    expect(checkSessionIdSignature(id, signing)).toBe(true);
    expect(checkSessionIdSignature(id.replace(/^./, "x"), signing)).toBe(id.startsWith("x"));
  });

  test("malformed tokens and bad settings are typed errors", () => {
    expect(() => getSessionId("garbage")).toThrow(expect.objectContaining({ code: "ERR_BOKEH_TOKEN" }));
    expect(() => getSessionId("!!!")).toThrow(expect.objectContaining({ code: "ERR_BOKEH_TOKEN" }));
    expect(() => resolveSigning({ signSessions: true }, {})).toThrow(/need a secret key/);
    expect(() => resolveSigning({}, { BOKEH_SIGN_SESSIONS: "maybe" })).toThrow(/not a boolean/);
    expect(resolveSigning({}, { BOKEH_SIGN_SESSIONS: "yes", BOKEH_SECRET_KEY: "k" }).signed).toBe(true);
  });

  test("pyJson writes like Python's json.dumps", () => {
    expect(pyJson({ a: [1, 2.5, "x"], b: null, c: { d: true } })).toBe('{"a": [1, 2.5, "x"], "b": null, "c": {"d": true}}');
    expect(pyJson("é")).toBe('"\\u00e9"');
  });
});
