/**
 * FrameReader (client/frame-reader.ts): however the socket's reads cut the
 * stream, `ws` gets the same bytes in order, each large payload in one chunk of
 * its own, and a large binary payload is skipped only when the connection says
 * nobody will read it, after every message before it was delivered. Then the
 * same over real sockets, TCP and TLS, with real `ws` servers and clients.
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import fc from "fast-check";
import { afterEach, describe, expect, test } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { FrameReader, frameReaderConnection, LARGE, type ReaderHooks } from "../../src/client/frame-reader.js";

const RESPONSE = Buffer.from("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");

/** One server frame: FIN and opcode in the first byte, then the length, unmasked unless `mask` is given. */
function frame(first: number, payload: Buffer, mask?: Buffer): Buffer {
  const n = payload.length;
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
  return Buffer.concat(mask ? [header, mask, payload] : [header, payload]);
}

const bytes = (n: number, seed: number) => Buffer.from(new Uint8Array(n).map((_, i) => (i * 7 + seed) & 0xff));

/** Hooks that skip nothing and ignore close frames unless told otherwise. */
function hooks(given: Partial<ReaderHooks> & { messagesDelivered: number }): ReaderHooks & { messagesDelivered: number } {
  // Copied with its descriptors, so that a getter for messagesDelivered stays a getter.
  const defaults: Omit<ReaderHooks, "messagesDelivered"> = { canSkip: () => false, closeFrame: () => {} };
  return Object.defineProperties({ ...defaults }, Object.getOwnPropertyDescriptors(given)) as unknown as ReaderHooks & { messagesDelivered: number };
}

/** A sink with the socket's `push` and `destroy`, as the reader uses them. */
class Sink {
  readonly chunks: Buffer[] = [];
  destroyed: Error | null = null;
  push(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }
  destroy(error: Error): void {
    this.destroyed = error;
  }
  get all(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Feeds `stream` to a new reader in reads of the given sizes (cycled), as Node would through `onread`. */
function feed(stream: Buffer, cuts: number[], policy?: ReaderHooks, maxPayload = 1 << 30): Sink {
  const reader = new FrameReader(maxPayload, policy);
  const sink = new Sink();
  reader.attach(sink as unknown as Socket);
  let at = 0;
  for (let i = 0; at < stream.length; i++) {
    const n = Math.min(cuts[i % cuts.length]!, reader.buffer.length, stream.length - at);
    stream.copy(reader.buffer, 0, at, at + n);
    reader.onRead(n, reader.buffer);
    at += n;
  }
  return sink;
}

/** Whether bytes [start, start + size) of the stream arrive in one read when reads are cut as `cuts` (cycled). */
function withinOneRead(cuts: number[], start: number, size: number): boolean {
  let at = 0;
  for (let i = 0; ; i++) {
    const end = at + Math.min(cuts[i % cuts.length]!, 64 * 1024);
    if (start < end) return start + size <= end;
    at = end;
  }
}

const BIG = bytes(200_000, 3);
const FRAMES = [
  frame(0x81, Buffer.from('{"msgtype":"PATCH-DOC"}')),
  frame(0x82, bytes(LARGE, 1)), // large: exactly the threshold
  frame(0x82, bytes(LARGE - 1, 2)), // 16-bit length, below the threshold
  frame(0x89, Buffer.from("ping")),
  frame(0x01, bytes(LARGE + 5, 4)), // a fragmented text message: large first fragment
  frame(0x80, bytes(10, 5)), // its last fragment
  frame(0x82, BIG),
  frame(0x81, Buffer.from("after")),
];
const STREAM = Buffer.concat([RESPONSE, ...FRAMES]);

describe("FrameReader, read by read", () => {
  test("whatever the reads, ws gets the same bytes, and each large payload as one chunk", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 8 }), (cuts) => {
        const sink = feed(STREAM, cuts);
        expect(sink.all.equals(STREAM)).toBe(true);
        for (const payload of [bytes(LARGE, 1), bytes(LARGE + 5, 4), BIG]) {
          expect(sink.chunks.some((chunk) => chunk.equals(payload))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  test("a payload the policy says nobody reads is skipped: ws gets an empty binary frame in its place", () => {
    const asked: number[] = [];
    // Every message before the 200 kB frame has been delivered: 4 of them (the text,
    // the two binaries, the fragmented text); the ping is not a message.
    const policy = hooks({ messagesDelivered: 4, canSkip: (length) => (asked.push(length), true) });
    const skipped = Buffer.concat([RESPONSE, ...FRAMES.slice(0, 6), Buffer.from([0x82, 0]), FRAMES[7]!]);
    const headerAt = RESPONSE.length + FRAMES.slice(0, 6).reduce((n, f) => n + f.length, 0);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 4 }), (cuts) => {
        asked.length = 0;
        const out = feed(STREAM, cuts, policy).all;
        if (withinOneRead(cuts, headerAt, 10)) {
          expect(out.equals(skipped)).toBe(true);
          expect(asked).toEqual([BIG.length]);
        } else {
          // Its header came in two reads, the first part already passed on: it cannot be replaced, the payload is read.
          expect(out.equals(STREAM)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
    expect(feed(STREAM, [65536], policy).all.equals(skipped)).toBe(true);
  });

  test("a frame header cut between two reads is not replaced: the payload is read after all", () => {
    const policy = hooks({ messagesDelivered: 4, canSkip: () => true });
    expect(feed(STREAM, [1]).all.equals(STREAM)).toBe(true);
    expect(feed(STREAM, [1], policy).all.equals(STREAM)).toBe(true);
  });

  test("the policy is not asked while a message before the frame has not been delivered", () => {
    let asked = 0;
    const policy = hooks({ messagesDelivered: 3, canSkip: () => (asked++, true) });
    expect(feed(STREAM, [65536], policy).all.equals(STREAM)).toBe(true);
    expect(asked).toBe(0);
  });

  test("any bytes after a 101, frames or garbage, cut anyhow: passed on exactly, nothing thrown", () => {
    const anyFrame = fc.record({
      first: fc.integer({ min: 0, max: 255 }),
      length: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 60_000, max: 150_000 })),
      mask: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
    });
    const stream = fc.tuple(fc.array(anyFrame, { maxLength: 6 }), fc.uint8Array({ maxLength: 40 }), fc.nat(300_000));
    fc.assert(
      fc.property(stream, fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 5 }), ([frames, garbage, cutAt], cuts) => {
        const whole = Buffer.concat([RESPONSE, ...frames.map((f, i) => frame(f.first, bytes(f.length, i), f.mask && Buffer.from(f.mask))), garbage]);
        // Cut anywhere, then zeros: they complete a large payload left unfinished (the reader
        // holds one until it is whole: ws could do nothing with a part of it) and then read as
        // empty frames.
        const input = Buffer.concat([whole.subarray(0, Math.min(whole.length, RESPONSE.length + cutAt)), Buffer.alloc(160_000)]);
        const sink = feed(input, cuts, hooks({ messagesDelivered: -1, canSkip: () => true }), 100_000);
        expect(sink.all.equals(input)).toBe(true);
        expect(sink.destroyed).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  test("a close frame is told with its code and reason, even a code ws refuses, before ws gets it; whatever the reads", () => {
    const reason = "Bokeh's own code: ünicode";
    const close = frame(0x88, Buffer.concat([Buffer.from([10000 >> 8, 10000 & 0xff]), Buffer.from(reason, "utf8")]));
    const stream = Buffer.concat([RESPONSE, FRAMES[0]!, close]);
    for (const cuts of [[65536], [1], [3, 7], [RESPONSE.length + FRAMES[0]!.length + 5]]) {
      const told: [number, string, number][] = [];
      const sink = new Sink();
      const reader = new FrameReader(1 << 30, hooks({ messagesDelivered: 0, closeFrame: (code, text) => told.push([code, text, sink.all.length]) }));
      reader.attach(sink as unknown as Socket);
      let at = 0;
      for (let i = 0; at < stream.length; i++) {
        const n = Math.min(cuts[i % cuts.length]!, stream.length - at);
        stream.copy(reader.buffer, 0, at, at + n);
        reader.onRead(n, reader.buffer);
        at += n;
      }
      expect(sink.all.equals(stream)).toBe(true);
      expect(told.map(([code, text]) => [code, text])).toEqual([[10000, reason]]);
      expect(told[0]![2]).toBeLessThan(stream.length); // told before the frame's last byte reached ws
    }
  });

  test("masked, over the limit, or not a 101: passed on unchanged for ws to judge", () => {
    const never = hooks({ messagesDelivered: 0, canSkip: () => true });
    const masked = Buffer.concat([RESPONSE, frame(0x82, bytes(100_000, 6), Buffer.from([1, 2, 3, 4]))]);
    expect(feed(masked, [65536], never).all.equals(masked)).toBe(true);
    const over = Buffer.concat([RESPONSE, frame(0x82, bytes(100_000, 7))]);
    expect(feed(over, [65536], never, 99_999).all.equals(over)).toBe(true);
    const notFound = Buffer.concat([Buffer.from("HTTP/1.1 404 Not Found\r\nContent-Length: 100010\r\n\r\n"), frame(0x82, bytes(100_000, 8))]);
    const sink = feed(notFound, [65536], never);
    expect(sink.all.equals(notFound)).toBe(true);
  });

  test("a read inside another one (which would overwrite the shared buffer) ends the connection instead of corrupting it", () => {
    const outer = new FrameReader(1 << 30);
    const inner = new FrameReader(1 << 30);
    const innerSink = new Sink();
    inner.attach(innerSink as unknown as Socket);
    const outerSink = new (class extends Sink {
      override push(chunk: Buffer): boolean {
        super.push(chunk);
        if (this.chunks.length === 1) {
          RESPONSE.copy(inner.buffer);
          inner.onRead(RESPONSE.length, inner.buffer);
        }
        return true;
      }
    })();
    outer.attach(outerSink as unknown as Socket);
    const stream = Buffer.concat([RESPONSE, frame(0x82, bytes(100_000, 9))]);
    stream.copy(outer.buffer, 0, 0, 65536);
    expect(outer.onRead(65536, outer.buffer)).toBe(false);
    expect(outerSink.destroyed?.message).toMatch(/read happened inside another/);
    expect(innerSink.all.equals(RESPONSE)).toBe(true);
  });
});

describe("FrameReader over real sockets", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const MESSAGES: [Buffer, boolean][] = [
    [Buffer.from("small ✓", "utf8"), false],
    [bytes(5_000_003, 11), true],
    [Buffer.from("grüße ".repeat(40_000), "utf8"), false], // large text
    [bytes(70_000, 12), true],
    [bytes(3, 13), true],
  ];

  /**
   * A real ws server (plain or TLS) that sends MESSAGES on every connection, then
   * closes: at once (so they may come in the same read as the 101 response), or
   * when `onRequest`, once the client sent a message.
   */
  async function serve(secure: boolean, onRequest = false): Promise<string> {
    const tls = (f: string) => readFileSync(new URL(`../fixtures/tls/${f}`, import.meta.url));
    const https = secure ? createHttpsServer({ key: tls("server.key"), cert: tls("server.pem") }) : undefined;
    const wss = https ? new WebSocketServer({ server: https }) : new WebSocketServer({ port: 0, host: "127.0.0.1" });
    wss.on("connection", (ws) => {
      const send = () => {
        for (const [data, binary] of MESSAGES) ws.send(data, { binary });
        ws.close(1000, "done");
      };
      if (onRequest) ws.once("message", send);
      else send();
    });
    if (https) await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    else await new Promise<void>((resolve) => wss.once("listening", resolve));
    cleanups.push(() => new Promise<void>((resolve) => (https ? https.close(() => resolve()) : wss.close(() => resolve()))));
    if (https) cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const port = ((https ?? wss).address() as AddressInfo).port;
    return `${secure ? "wss" : "ws"}://127.0.0.1:${port}/`;
  }

  /** Connects a ws client through a FrameReader and collects what it receives until the close. */
  async function receive(url: string, policy?: (delivered: number) => Pick<ReaderHooks, "canSkip">): Promise<[Buffer, boolean][]> {
    const got: [Buffer, boolean][] = [];
    const counted = hooks({ messagesDelivered: 0 });
    const chosen = policy ? hooks({ get messagesDelivered() { return counted.messagesDelivered; }, canSkip: (n: number) => policy(counted.messagesDelivered).canSkip(n) }) : counted;
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      maxPayload: 1 << 30,
      ca: url.startsWith("wss") ? readFileSync(new URL("../fixtures/tls/ca.pem", import.meta.url)) : undefined,
      createConnection: frameReaderConnection(url.startsWith("wss"), 1 << 30, chosen) as WebSocket.ClientOptions["createConnection"],
    });
    ws.on("open", () => ws.send("go"));
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      counted.messagesDelivered += 1;
      got.push([data, isBinary]);
    });
    await new Promise<void>((resolve, reject) => {
      ws.on("close", () => resolve());
      ws.on("error", reject);
    });
    return got;
  }

  test.each([false, true])("a real ws server's messages arrive whole and in order (TLS: %s)", async (secure) => {
    const got = await receive(await serve(secure));
    expect(got.length).toBe(MESSAGES.length);
    got.forEach(([data, binary], i) => {
      expect(binary).toBe(MESSAGES[i]![1]);
      expect(data.equals(MESSAGES[i]![0])).toBe(true);
    });
  });

  test.each([false, true])("a large binary message the connection will not read arrives empty, the others intact (TLS: %s)", async (secure) => {
    // Skips the 5 MB message, only once the one message before it was delivered.
    const got = await receive(await serve(secure, true), (delivered) => ({
      canSkip: (length) => delivered === 1 && length === 5_000_003,
    }));
    expect(got.map(([data]) => data.length)).toEqual([MESSAGES[0]![0].length, 0, ...MESSAGES.slice(2).map(([d]) => d.length)]);
    got.forEach(([data], i) => {
      if (i !== 1) expect(data.equals(MESSAGES[i]![0])).toBe(true);
    });
  });
});
