/**
 * FrameParser (client/transport/frame-parser.ts): the server's frames, as RFC 6455
 * defines them, in the spirit of the Autobahn test suite's client cases: framing,
 * fragmentation, control frames, close codes, UTF-8 of close reasons, limits. However
 * the reads cut the stream, the same messages come out; every violation is refused
 * with the close code the RFC calls for, and nothing else is ever thrown.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MessageTooLargeError } from "../../src/protocol/errors.js";
import { FrameError, FrameParser, IN_PLACE, SKIPPABLE, type FrameHandler } from "../../src/client/transport/frame-parser.js";

/** One server frame: `first` is FIN | RSV | opcode; unmasked unless `mask` is given. */
function frame(first: number, payload: Buffer | string, mask?: Buffer): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const n = data.length;
  const maskBit = mask ? 0x80 : 0;
  let header: Buffer;
  if (n < 126) header = Buffer.from([first, maskBit | n]);
  else if (n < 65536) header = Buffer.from([first, maskBit | 126, n >> 8, n & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeUIntBE(n, 4, 6);
  }
  return Buffer.concat(mask ? [header, mask, data] : [header, data]);
}

const FIN = 0x80;
const TEXT = 0x1;
const BINARY = 0x2;
const CONT = 0x0;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

const bytes = (n: number, seed: number) => Buffer.from(new Uint8Array(n).map((_, i) => (i * 7 + seed) & 0xff));
const closePayload = (code: number, reason = "") => Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason, "utf8")]);

/** Binary payloads are recorded as their length and SHA-1: comparing big Buffers element by element is slow. */
type Event = ["text", string] | ["binary", string] | ["ping", string] | ["pong", string] | ["close", number | null, string];

const digest = (b: Buffer) => `${b.length}:${createHash("sha1").update(b).digest("hex")}`;

/** Records what the parser hands on; `skip` decides skipBinary. */
function recorder(skip: (length: number) => boolean = () => false): FrameHandler & { events: Event[]; asked: number[] } {
  const events: Event[] = [];
  const asked: number[] = [];
  return {
    events,
    asked,
    onText: (p) => events.push(["text", p.toString("utf8")]),
    onBinary: (p) => events.push(["binary", digest(p)]),
    onPing: (p) => events.push(["ping", p.toString("utf8")]),
    onPong: (p) => events.push(["pong", p.toString("utf8")]),
    onClose: (code, reason) => events.push(["close", code, reason]),
    skipBinary: (length) => {
      asked.push(length);
      return skip(length);
    },
  };
}

/**
 * Feeds `stream` in reads of the given sizes (cycled), as the socket reader does: into the
 * payload being read when the parser offers it (`inPlace`), else through one reused read buffer.
 */
function feed(stream: Buffer, cuts: number[], handler: FrameHandler, max = 1 << 30, inPlace = true): FrameParser {
  const parser = new FrameParser(handler, max);
  const readBuffer = Buffer.alloc(64 * 1024);
  let at = 0;
  for (let i = 0; at < stream.length; i++) {
    const target = inPlace ? parser.inPlaceTarget() : null;
    const room = target === null ? readBuffer.length : target.length;
    const n = Math.max(1, Math.min(cuts[i % cuts.length]!, room, stream.length - at));
    if (target !== null) {
      stream.copy(target, 0, at, at + n);
      parser.filledInPlace(target, n);
    } else {
      stream.copy(readBuffer, 0, at, at + n);
      parser.push(readBuffer, 0, n);
      readBuffer.fill(0xee, 0, n); // the next read overwrites it: nothing may be kept from it
    }
    at += n;
  }
  return parser;
}

function refusal(stream: Buffer, max = 1 << 30): unknown {
  try {
    feed(stream, [stream.length], recorder(), max);
  } catch (error) {
    return error;
  }
  return null;
}

const STREAM = Buffer.concat([
  frame(FIN | TEXT, "grüße ✓"),
  frame(FIN | BINARY, bytes(200_000, 1)),
  frame(TEXT, "frag"),
  frame(FIN | PING, "p1"), // a control frame between fragments
  frame(CONT, "ment"),
  frame(FIN | CONT, "ed"),
  frame(BINARY, bytes(70_000, 2)),
  frame(FIN | CONT, bytes(3, 3)),
  frame(FIN | PONG, ""),
  frame(FIN | BINARY, Buffer.alloc(0)),
  frame(FIN | TEXT, "x".repeat(300)),
  frame(FIN | CLOSE, closePayload(1000, "bye")),
]);

const EXPECTED: Event[] = [
  ["text", "grüße ✓"],
  ["binary", digest(bytes(200_000, 1))],
  ["ping", "p1"],
  ["text", "fragmented"],
  ["binary", digest(Buffer.concat([bytes(70_000, 2), bytes(3, 3)]))],
  ["pong", ""],
  ["binary", digest(Buffer.alloc(0))],
  ["text", "x".repeat(300)],
  ["close", 1000, "bye"],
];

describe("FrameParser: messages", () => {
  test("whatever the reads, the same messages come out in order, fragments joined, controls in between", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 8 }), fc.boolean(), (cuts, inPlace) => {
        const handler = recorder();
        feed(STREAM, cuts, handler, 1 << 30, inPlace);
        expect(handler.events).toEqual(EXPECTED);
      }),
      { numRuns: 200 },
    );
  });

  test("large payloads are offered for reading in place, only while IN_PLACE bytes or more of them are to come", () => {
    const parser = new FrameParser(recorder(), 1 << 30);
    const payload = bytes(IN_PLACE + 10, 5);
    const stream = frame(FIN | BINARY, payload);
    parser.push(stream, 0, 10); // the header and the first bytes
    const target = parser.inPlaceTarget()!;
    expect(target.length).toBe(payload.length - (10 - (stream.length - payload.length)));
    stream.copy(target, 0, 10, 30);
    parser.filledInPlace(target, 20);
    expect(parser.inPlaceTarget()).toBeNull(); // fewer than IN_PLACE bytes to come: the shared buffer takes them with what follows
    expect(new FrameParser(recorder(), 1 << 30).inPlaceTarget()).toBeNull(); // between frames
    expect(() => parser.filledInPlace(Buffer.alloc(100), 5)).toThrow(/no payload was expected/);
  });

  test("every length encoding: 0, 125, 126, 65535, 65536 bytes", () => {
    for (const n of [0, 125, 126, 65_535, 65_536]) {
      const handler = recorder();
      feed(frame(FIN | BINARY, bytes(n, n)), [1000], handler);
      expect(handler.events).toEqual([["binary", digest(bytes(n, n))]]);
    }
  });

  test("a large unfragmented binary frame is offered for skipping; skipped, it arrives empty and the next frame is intact", () => {
    const stream = Buffer.concat([frame(FIN | BINARY, bytes(SKIPPABLE, 4)), frame(FIN | TEXT, "after"), frame(FIN | BINARY, bytes(SKIPPABLE - 1, 5))]);
    const handler = recorder(() => true);
    feed(stream, [4096], handler);
    expect(handler.asked).toEqual([SKIPPABLE]); // below SKIPPABLE: never asked
    expect(handler.events).toEqual([["binary", digest(Buffer.alloc(0))], ["text", "after"], ["binary", digest(bytes(SKIPPABLE - 1, 5))]]);
  });

  test("fragments are never offered for skipping", () => {
    const handler = recorder(() => true);
    feed(Buffer.concat([frame(BINARY, bytes(SKIPPABLE, 6)), frame(FIN | CONT, bytes(1, 7))]), [9999], handler);
    expect(handler.asked).toEqual([]);
    expect(handler.events).toEqual([["binary", digest(Buffer.concat([bytes(SKIPPABLE, 6), bytes(1, 7)]))]]);
  });

  test("a close frame without a code, with Bokeh's codes, with the registered and private ranges", () => {
    for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999, 10000, 10001]) {
      const handler = recorder();
      feed(frame(FIN | CLOSE, closePayload(code, "why ✓")), [3], handler);
      expect(handler.events).toEqual([["close", code, "why ✓"]]);
    }
    const empty = recorder();
    feed(frame(FIN | CLOSE, ""), [1], empty);
    expect(empty.events).toEqual([["close", null, ""]]);
  });

  test("betweenFrames: true only at a frame boundary", () => {
    const parser = new FrameParser(recorder(), 1 << 30);
    const f = frame(FIN | TEXT, "hello");
    expect(parser.betweenFrames).toBe(true);
    parser.push(f, 0, 1);
    expect(parser.betweenFrames).toBe(false);
    parser.push(f, 1, 4);
    expect(parser.betweenFrames).toBe(false);
    parser.push(f, 4, f.length);
    expect(parser.betweenFrames).toBe(true);
  });
});

describe("FrameParser: violations (RFC 6455 5.2-5.5, 7.4) are refused with the close code to send", () => {
  const cases: [string, Buffer, number][] = [
    ["a masked frame from a server", frame(FIN | TEXT, "x", Buffer.from([1, 2, 3, 4])), 1002],
    ...[0x40, 0x20, 0x10].map((rsv): [string, Buffer, number] => [`reserved bit 0x${rsv.toString(16)}`, frame(FIN | rsv | TEXT, "x"), 1002]),
    ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map((op): [string, Buffer, number] => [`reserved opcode ${op}`, frame(FIN | op, ""), 1002]),
    ["a fragmented ping", frame(PING, "x"), 1002],
    ["a ping of 126 bytes", frame(FIN | PING, bytes(126, 0)), 1002],
    ["a close frame of 126 bytes", frame(FIN | CLOSE, closePayload(1000, "x".repeat(124))), 1002],
    ["a continuation with nothing to continue", frame(FIN | CONT, "x"), 1002],
    ["a text frame inside a fragmented message", Buffer.concat([frame(TEXT, "a"), frame(FIN | TEXT, "b")]), 1002],
    ["a close frame with a 1-byte payload", frame(FIN | CLOSE, Buffer.from([3])), 1002],
    ...[0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 9999, 10002, 65535].map((code): [string, Buffer, number] => [
      `close code ${code}`,
      frame(FIN | CLOSE, closePayload(code)),
      1002,
    ]),
    ["a close reason that is not UTF-8", frame(FIN | CLOSE, Buffer.concat([closePayload(1000), Buffer.from([0xc3, 0x28])])), 1007],
    ["a 64-bit length with its top bit set", Buffer.from([FIN | BINARY, 127, 0x80, 0, 0, 0, 0, 0, 0, 1]), 1002],
  ];

  test.each(cases)("%s", (_, stream, code) => {
    const error = refusal(stream);
    expect(error).toBeInstanceOf(FrameError);
    expect((error as FrameError).closeCode).toBe(code);
    expect((error as FrameError).code).toBe("ERR_BOKEH_PROTOCOL");
  });

  test("a message over maxMessageSize, in one frame or across fragments, before its payload is read", () => {
    const one = refusal(Buffer.from([FIN | BINARY, 127, 0, 0, 0, 1, 0, 0, 0, 0]), 1000); // 4 GiB announced, nothing sent
    expect(one).toBeInstanceOf(MessageTooLargeError);
    expect((one as MessageTooLargeError).message).toMatch(/websocket message of at least 4294967296 bytes exceeds maxMessageSize \(1000 bytes\)/);
    const fragments = refusal(Buffer.concat([frame(BINARY, bytes(600, 0)), frame(FIN | CONT, bytes(600, 0))]), 1000);
    expect(fragments).toBeInstanceOf(MessageTooLargeError);
    expect(refusal(frame(FIN | BINARY, bytes(1000, 0)), 1000)).toBeNull(); // exactly the limit is fine
  });

  test("after a refusal the parser is spent: later bytes are ignored", () => {
    const handler = recorder();
    const parser = new FrameParser(handler, 1 << 30);
    expect(() => parser.push(frame(FIN | 0x3, ""))).toThrow(FrameError);
    parser.push(frame(FIN | TEXT, "ignored"));
    expect(handler.events).toEqual([]);
  });

  test("any bytes, cut anyhow: messages, or a FrameError / MessageTooLargeError, never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }), (data, cuts) => {
        try {
          feed(Buffer.from(data), cuts, recorder(() => true), 10_000);
        } catch (error) {
          expect(error instanceof FrameError || error instanceof MessageTooLargeError).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
