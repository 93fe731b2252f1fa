/**
 * The client's websocket (client/transport/): the frames it writes, byte for byte
 * and as a real `ws` server reads them; the opening handshake and each way it can
 * fail; the closing handshake from either side; pings; a server that breaks the
 * protocol. Over real TCP (and TLS) sockets; a hand-written server only where a
 * real one cannot be made to misbehave.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { blobPlaceholder, contentFrame, TextPieces } from "../../src/protocol/content.js";
import { FrameWriter } from "../../src/client/transport/frame-writer.js";
import { Transport, type TransportEnding, type TransportHandler } from "../../src/client/transport/transport.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const tlsFile = (f: string) => readFileSync(new URL(`../fixtures/tls/${f}`, import.meta.url));

/** A content frame with blobs spliced in, and the plain JSON it must equal. */
function sample(blobSizes: number[]): { pieces: TextPieces; json: string } {
  const blobs = new Map<string, Uint8Array>();
  const plain: string[] = [];
  const spliced: string[] = [];
  blobSizes.forEach((size, i) => {
    const bytes = new Uint8Array(size).map((_, k) => (k * 31 + i) & 0xff);
    const placeholder = blobPlaceholder();
    blobs.set(placeholder, bytes);
    spliced.push(placeholder);
    plain.push(Buffer.from(bytes).toString("base64"));
  });
  const content = (data: string[]) => ({ title: "grüße ✓ 🙂", data, after: "ä" });
  const frame = contentFrame(content(spliced), blobs);
  if (typeof frame === "string") throw new Error("expected TextPieces");
  return { pieces: frame, json: JSON.stringify(content(plain)) };
}

/** Parses the client frames in `bytes`: FIN, opcode, mask bit, key; unmasks each payload. */
function parseClientFrames(bytes: Buffer): { fin: boolean; opcode: number; key: string; payload: Buffer }[] {
  const frames = [];
  let at = 0;
  while (at < bytes.length) {
    const fin = (bytes[at]! & 0x80) !== 0;
    const opcode = bytes[at]! & 0x0f;
    expect(bytes[at + 1]! & 0x80).toBe(0x80); // every client frame is masked
    let length = bytes[at + 1]! & 0x7f;
    let head = 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      head = 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      head = 10;
    }
    const key = bytes.subarray(at + head, at + head + 4);
    const payload = Buffer.from(bytes.subarray(at + head + 4, at + head + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
    frames.push({ fin, opcode, key: key.toString("hex"), payload });
    at += head + 4 + length;
  }
  return frames;
}

/** The bytes that reach a TCP server when `write` writes to a socket connected to it. */
async function bytesOnTheWire(write: (socket: Socket) => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise<Buffer>((resolve) => {
    const server = createServer((peer) => {
      peer.on("data", (c: Buffer) => chunks.push(c));
      peer.on("end", () => resolve(Buffer.concat(chunks)));
    });
    cleanups.push(() => server.close());
    server.listen(0, "127.0.0.1", () => {
      const socket = connect((server.address() as AddressInfo).port, "127.0.0.1", () => {
        write(socket);
        socket.end();
      });
      cleanups.push(() => socket.destroy());
    });
  });
}

describe("FrameWriter: the bytes on the wire", () => {
  test.each([[[3]], [[40_000]], [[300_001, 70_000]], [[5_000_000]]])("a content frame with blobs of %j bytes: one masked text frame, FIN set, payload = the JSON", async (sizes) => {
    const { pieces, json } = sample(sizes);
    const frames = parseClientFrames(await bytesOnTheWire((socket) => new FrameWriter(socket).message([{ text: pieces }])));
    expect(frames.map((f) => [f.fin, f.opcode])).toEqual([[true, 1]]);
    expect(frames[0]!.payload.toString("utf8")).toBe(json);
  });

  test.each([1, 65_535, 65_536, 65_537, 5_000_003])("a binary payload of %d bytes: one masked binary frame equal to it; the source untouched", async (size) => {
    const source = new Uint8Array(size + 16).map((_, k) => (k * 13 + 5) & 0xff);
    const view = source.subarray(8, 8 + size); // a view into a larger buffer, as a typed-array column can be
    const before = Buffer.from(source);
    const frames = parseClientFrames(await bytesOnTheWire((socket) => new FrameWriter(socket).message([{ binary: view }])));
    expect(frames.map((f) => [f.fin, f.opcode])).toEqual([[true, 2]]);
    expect(frames[0]!.payload.equals(Buffer.from(view))).toBe(true);
    expect(Buffer.from(source).equals(before)).toBe(true);
  });

  test("a message's frames in order, small and large mixed, each with its own key; control frames", async () => {
    const big = new Uint8Array(3_000_001).map((_, k) => (k * 7) & 0xff);
    const frames = parseClientFrames(
      await bytesOnTheWire((socket) => {
        const writer = new FrameWriter(socket);
        writer.message([{ text: '{"msgtype": "PATCH-DOC"}' }, { text: "{}" }, { text: "ü".repeat(40_000) }, { text: '{"id": "0"}' }, { binary: big }, { text: "x" }]);
        writer.ping(Buffer.from("p"));
        writer.pong();
        writer.close(1000, "bye");
        writer.close(null);
      }),
    );
    expect(frames.map((f) => f.opcode)).toEqual([1, 1, 1, 1, 2, 1, 9, 10, 8, 8]);
    expect(frames[2]!.payload.toString("utf8")).toBe("ü".repeat(40_000));
    expect(frames[4]!.payload.equals(Buffer.from(big))).toBe(true);
    expect(frames[8]!.payload.readUInt16BE(0)).toBe(1000);
    expect(frames[8]!.payload.subarray(2).toString()).toBe("bye");
    expect(frames[9]!.payload.length).toBe(0);
    expect(new Set(frames.map((f) => f.key)).size).toBe(frames.length);
  });

  test("large and mid-sized frames written back to back while the socket is backed up each arrive whole (a scratch buffer is reused only when free)", async () => {
    const payloads = [5_000_003, 3_000_000, 70_000, 2_000_001].map((size, i) => new Uint8Array(size).map((_, k) => (k * (i + 3) + i) & 0xff));
    const mid = [16_000, 8_000, 40_000].map((size, i) => new Uint8Array(size).map((_, k) => (k * (i + 5) + 1) & 0xff)); // masked into the scratch buffer
    const text = sample([2_000_000]);
    const frames = parseClientFrames(
      await bytesOnTheWire((socket) => {
        const writer = new FrameWriter(socket);
        writer.message([{ binary: payloads[0]! }, { text: text.pieces }]);
        for (const payload of mid) writer.message([{ text: '{"id": "0"}' }, { binary: payload }]);
        for (const payload of payloads.slice(1)) writer.message([{ binary: payload }]);
      }),
    );
    expect(frames.map((f) => f.opcode)).toEqual([2, 1, 1, 2, 1, 2, 1, 2, 2, 2, 2]);
    expect(frames[0]!.payload.equals(Buffer.from(payloads[0]!))).toBe(true);
    expect(frames[1]!.payload.toString("utf8")).toBe(text.json);
    mid.forEach((payload, i) => expect(frames[3 + 2 * i]!.payload.equals(Buffer.from(payload))).toBe(true));
    payloads.slice(1).forEach((payload, i) => expect(frames[i + 8]!.payload.equals(Buffer.from(payload))).toBe(true));
  });
});

/** A handler that records what the transport hands on, and its ending. */
function recorder(skip: (length: number) => boolean = () => false): TransportHandler & {
  texts: string[];
  binaries: Buffer[];
  pongs: number;
  firstPong: Promise<void>;
  ended: Promise<TransportEnding>;
} {
  let end!: (ending: TransportEnding) => void;
  let ponged!: () => void;
  const handler = {
    texts: [] as string[],
    binaries: [] as Buffer[],
    pongs: 0,
    firstPong: new Promise<void>((resolve) => (ponged = resolve)),
    ended: new Promise<TransportEnding>((resolve) => (end = resolve)),
    onOpen: () => {},
    onText: (p: Buffer) => handler.texts.push(p.toString("utf8")),
    onBinary: (p: Buffer) => handler.binaries.push(p),
    skipBinary: skip,
    onReadEnd: () => {},
    onPong: () => {
      handler.pongs += 1;
      ponged();
    },
    onEnd: (ending: TransportEnding) => end(ending),
  };
  return handler;
}

const options = { protocols: ["bokeh", "token"], timeout: 5000, maxMessageSize: 1 << 30 };

/** A real ws server, plain or TLS, selecting the first subprotocol like Bokeh. */
async function wsServer(secure = false): Promise<{ url: string; wss: WebSocketServer; connected: Promise<WebSocket> }> {
  const https = secure ? createHttpsServer({ key: tlsFile("server.key"), cert: tlsFile("server.pem") }) : undefined;
  const wss = new WebSocketServer({
    ...(https ? { server: https } : { port: 0, host: "127.0.0.1" }),
    maxPayload: 1 << 30,
    handleProtocols: (protocols) => [...protocols][0] ?? false,
  });
  const connected = new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
  if (https) await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
  else await new Promise<void>((resolve) => wss.once("listening", resolve));
  cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  if (https) cleanups.push(() => new Promise<void>((resolve) => https.close(() => resolve())));
  const port = ((https ?? wss).address() as AddressInfo).port;
  return { url: `${secure ? "wss" : "ws"}://127.0.0.1:${port}/ws?x=1`, wss, connected };
}

async function open(url: string, handler: TransportHandler, extra: Partial<typeof options> & { ca?: Buffer; headers?: Record<string, string> } = {}): Promise<Transport> {
  const transport = await Transport.connect(url, { ...options, ...extra }, handler);
  cleanups.push(() => transport.terminate());
  return transport;
}

describe("Transport against a real ws server", () => {
  const MESSAGES: [Buffer, boolean][] = [
    [Buffer.from("small ✓", "utf8"), false],
    [Buffer.from(new Uint8Array(5_000_003).map((_, i) => i & 0xff)), true],
    [Buffer.from("grüße ".repeat(40_000), "utf8"), false],
    [Buffer.from(new Uint8Array(70_000).map((_, i) => (i * 3) & 0xff)), true],
    [Buffer.from([1, 2, 3]), true],
  ];

  test.each([false, true])("messages arrive whole and in order both ways; the server's close ends it (TLS: %s)", async (secure) => {
    const { url, connected } = await wsServer(secure);
    const handler = recorder();
    const transport = await open(url, handler, secure ? { ca: tlsFile("ca.pem") } : {});
    expect(transport.protocol).toBe("bokeh");
    const peer = await connected;
    const received: Buffer[] = [];
    const allReceived = new Promise<void>((resolve) =>
      peer.on("message", (data: Buffer) => {
        received.push(data);
        if (received.length === 2) resolve();
      }),
    );
    transport.send([{ text: "hello ✓" }, { binary: MESSAGES[1]![0] }]);
    await allReceived;
    expect(received[0]!.toString()).toBe("hello ✓");
    expect(received[1]!.equals(MESSAGES[1]![0])).toBe(true);
    for (const [data, binary] of MESSAGES) peer.send(data, { binary });
    peer.close(4001, "done here");
    const ending = await handler.ended;
    expect(ending).toEqual({ code: 4001, reason: "done here", initiator: "server", error: null });
    expect(handler.texts).toEqual([MESSAGES[0]![0].toString(), MESSAGES[2]![0].toString()]);
    expect(handler.binaries.map((b) => b.length)).toEqual([5_000_003, 70_000, 3]);
    expect(handler.binaries[0]!.equals(MESSAGES[1]![0])).toBe(true);
    expect(transport.state).toBe("closed");
  });

  test("our close: the server sees its code and reason; the ending says we started it", async () => {
    const { url, connected } = await wsServer();
    const handler = recorder();
    const transport = await open(url, handler);
    const peer = await connected;
    const seen = new Promise<[number, string]>((resolve) => peer.on("close", (code, reason) => resolve([code, reason.toString()])));
    transport.close(1000, "finished");
    expect(await seen).toEqual([1000, "finished"]);
    expect(await handler.ended).toEqual({ code: 1000, reason: "finished", initiator: "client", error: null });
  });

  test("a ping is answered with a pong carrying its payload; a pong reaches the handler; headers are sent", async () => {
    const { url, connected, wss } = await wsServer();
    const upgradeHeaders = new Promise<Record<string, unknown>>((resolve) => wss.once("headers", (_h, req) => resolve(req.headers)));
    const handler = recorder();
    const transport = await open(url, handler, { headers: { Origin: "http://example.test", Cookie: "a=1" } });
    const peer = await connected;
    expect(await upgradeHeaders).toMatchObject({ origin: "http://example.test", cookie: "a=1", "sec-websocket-protocol": "bokeh, token" });
    const pong = new Promise<string>((resolve) => peer.once("pong", (data) => resolve(data.toString())));
    peer.ping("are you there");
    expect(await pong).toBe("are you there");
    const ping = new Promise<string>((resolve) => peer.once("ping", (data) => resolve(data.toString())));
    transport.ping(Buffer.from("7"));
    expect(await ping).toBe("7");
    await handler.firstPong; // ws answers our ping
    expect(handler.pongs).toBe(1);
  });

  test("the server drops TCP without a close frame: ending 1006 from the network", async () => {
    const { url, connected } = await wsServer();
    const handler = recorder();
    await open(url, handler);
    (await connected).terminate();
    expect(await handler.ended).toMatchObject({ code: 1006, initiator: "network" });
  });

  test("a large binary frame the handler will not read is skipped; the rest arrives", async () => {
    const { url, connected } = await wsServer();
    const handler = recorder((length) => length === 5_000_003);
    await open(url, handler);
    const peer = await connected;
    for (const [data, binary] of MESSAGES) peer.send(data, { binary });
    peer.close();
    await handler.ended;
    expect(handler.binaries.map((b) => b.length)).toEqual([0, 70_000, 3]);
    expect(handler.texts).toHaveLength(2);
  });
});

/**
 * A server written by hand: answers the upgrade with `respond(key)` (the response text)
 * and then writes `after`; records what the client sends.
 */
async function handServer(respond: (accept: string) => string, after: Buffer[] = []): Promise<{ url: string; received: Promise<Buffer> }> {
  let gotAll!: (bytes: Buffer) => void;
  const received = new Promise<Buffer>((resolve) => (gotAll = resolve));
  const server: Server = createServer((socket) => {
    const chunks: Buffer[] = [];
    let answered = false;
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString("latin1");
      if (!answered && text.includes("\r\n\r\n")) {
        answered = true;
        const key = /sec-websocket-key: *(\S+)/i.exec(text)?.[1] ?? "";
        const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
        socket.write(respond(accept));
        for (const bytes of after) socket.write(bytes);
        chunks.length = 0;
        return;
      }
      // A close frame from the client: end TCP, as a server does after the closing handshake.
      if (answered && chunks.length === 1 && (chunk[0]! & 0x0f) === 0x8) socket.end();
    });
    socket.on("end", () => {
      gotAll(Buffer.concat(chunks));
      socket.end();
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`, received };
}

const upgradeOk = (accept: string, extra = "Sec-WebSocket-Protocol: bokeh\r\n") =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${extra}\r\n`;

describe("Transport: the handshake and servers that break the rules", () => {
  test.each([
    ["a wrong Sec-WebSocket-Accept", (_: string) => upgradeOk("AAAAAAAAAAAAAAAAAAAAAAAAAAA="), /wrong Sec-WebSocket-Accept/],
    ["a subprotocol that was not offered", (a: string) => upgradeOk(a, "Sec-WebSocket-Protocol: chat\r\n"), /subprotocol 'chat' was not offered/],
    ["an extension that was not offered", (a: string) => upgradeOk(a, "Sec-WebSocket-Protocol: bokeh\r\nSec-WebSocket-Extensions: permessage-deflate\r\n"), /extension/],
  ])("%s: a ProtocolError", async (_, respond, message) => {
    const { url } = await handServer(respond);
    await expect(Transport.connect(url, options, recorder())).rejects.toMatchObject({ code: "ERR_BOKEH_PROTOCOL", message: expect.stringMatching(message) });
  });

  test("an HTTP error: HttpError with the status and the body's text", async () => {
    const { url } = await handServer(() => "HTTP/1.1 403 Forbidden\r\nContent-Length: 12\r\nConnection: close\r\n\r\nnot allowed!");
    await expect(Transport.connect(url, options, recorder())).rejects.toMatchObject({ code: "ERR_BOKEH_HTTP", status: 403, message: expect.stringMatching(/HTTP 403 Forbidden \(not allowed!\)/) });
  });

  test("nothing listening, a bad URL, no answer in time", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    await expect(Transport.connect(`ws://127.0.0.1:${port}/ws`, options, recorder())).rejects.toMatchObject({ code: "ERR_BOKEH_NETWORK", message: expect.stringMatching(/ECONNREFUSED/) });
    await expect(Transport.connect("http://127.0.0.1/ws", options, recorder())).rejects.toMatchObject({ code: "ERR_BOKEH_URL" });
    await expect(Transport.connect("not a url", options, recorder())).rejects.toMatchObject({ code: "ERR_BOKEH_URL" });
    const silent = createServer((socket) => socket.resume()); // reads (so it sees the client go), never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => silent.close(resolve)));
    const silentUrl = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/ws`;
    await expect(Transport.connect(silentUrl, { ...options, timeout: 50 }, recorder())).rejects.toMatchObject({ code: "ERR_BOKEH_NETWORK", message: expect.stringMatching(/within 50 ms/) });
  });

  test("a 101 without a subprotocol is let through (a Bokeh server refuses a token that way, then closes)", async () => {
    const { url } = await handServer((a) => upgradeOk(a, ""), [Buffer.from([0x88, 0x00])]);
    const handler = recorder();
    const transport = await Transport.connect(url, options, handler);
    expect(transport.protocol).toBe("");
    expect(await handler.ended).toMatchObject({ code: 1005, initiator: "server" });
  });

  test("Bokeh's close code 10000 with its reason, sent with the 101: reported as sent, and echoed", async () => {
    const reason = Buffer.from("server failed to parse a message");
    const close = Buffer.concat([Buffer.from([0x88, 2 + reason.length, 10000 >> 8, 10000 & 0xff]), reason]);
    const { url, received } = await handServer((a) => upgradeOk(a), [close]);
    const handler = recorder();
    await Transport.connect(url, options, handler);
    const ending = await handler.ended;
    expect(ending).toEqual({ code: 10000, reason: "server failed to parse a message", initiator: "server", error: null });
    const echoed = parseClientFrames(await received);
    expect(echoed.map((f) => [f.opcode, f.payload.readUInt16BE(0)])).toEqual([[8, 10000]]);
  });

  test("a frame that breaks RFC 6455: we close with 1002 and the ending carries the error", async () => {
    const masked = Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x41]); // a server must not mask
    const { url, received } = await handServer((a) => upgradeOk(a), [masked]);
    const handler = recorder();
    await Transport.connect(url, options, handler);
    const ending = await handler.ended;
    expect(ending).toMatchObject({ code: 1006, initiator: "client", error: { code: "ERR_BOKEH_PROTOCOL", closeCode: 1002 } });
    const sent = parseClientFrames(await received);
    expect(sent.map((f) => [f.opcode, f.payload.readUInt16BE(0)])).toEqual([[8, 1002]]);
    expect(handler.texts).toEqual([]);
  });

  test("a message over maxMessageSize: closed with 1009 before its payload is read", async () => {
    const header = Buffer.from([0x82, 127, 0, 0, 0, 0, 0x40, 0, 0, 0]); // 1 GiB announced
    const { url, received } = await handServer((a) => upgradeOk(a), [header]);
    const handler = recorder();
    await Transport.connect(url, { ...options, maxMessageSize: 20 * 1024 * 1024 }, handler);
    expect(await handler.ended).toMatchObject({ initiator: "client", error: { code: "ERR_BOKEH_MESSAGE_TOO_LARGE", limit: 20 * 1024 * 1024 } });
    expect(parseClientFrames(await received).map((f) => [f.opcode, f.payload.readUInt16BE(0)])).toEqual([[8, 1009]]);
  });
});

describe("SocketReader", () => {
  const RESPONSE = Buffer.from("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");

  /** The socket's `push` and `destroy`, as the reader uses them: a read nested in another cannot be made to happen on a real socket. */
  class Sink {
    readonly chunks: Buffer[] = [];
    destroyed: Error | null = null;
    onPush: (() => void) | null = null;
    push(chunk: Buffer): boolean {
      this.chunks.push(chunk);
      this.onPush?.();
      return true;
    }
    destroy(error: Error): void {
      this.destroyed = error;
    }
  }

  test("the response goes to the HTTP client up to its end; frame bytes wait for the parser, then are parsed in order", async () => {
    const { SocketReader } = await import("../../src/client/transport/socket-reader.js");
    const { FrameParser } = await import("../../src/client/transport/frame-parser.js");
    const texts: string[] = [];
    const ends: boolean[] = [];
    const reader = new SocketReader(() => {}, (between) => ends.push(between));
    const sink = new Sink();
    reader.attachSocket(sink as unknown as Socket);
    const stream = Buffer.concat([RESPONSE, Buffer.from([0x81, 2]), Buffer.from("hi"), Buffer.from([0x81, 3, 0x61])]);
    const buffer = reader.nextBuffer();
    stream.copy(buffer);
    reader.onRead(stream.length, buffer);
    expect(Buffer.concat(sink.chunks).equals(RESPONSE)).toBe(true);
    const parser = new FrameParser({ onText: (p) => texts.push(p.toString()), onBinary() {}, onPing() {}, onPong() {}, onClose() {}, skipBinary: () => false }, 1 << 20);
    reader.attachParser(parser);
    Buffer.from("bc").copy(reader.nextBuffer());
    reader.onRead(2, reader.nextBuffer());
    expect(texts).toEqual(["hi", "abc"]);
    expect(ends).toEqual([false, true]); // the early bytes ended inside a frame, the next read at a boundary
  });

  test("a read inside another one (which would overwrite the shared buffer) ends the connection instead of corrupting it", async () => {
    const { SocketReader } = await import("../../src/client/transport/socket-reader.js");
    const outer = new SocketReader(() => {}, () => {});
    const inner = new SocketReader(() => {}, () => {});
    const outerSink = new Sink();
    const innerSink = new Sink();
    outer.attachSocket(outerSink as unknown as Socket);
    inner.attachSocket(innerSink as unknown as Socket);
    outerSink.onPush = () => {
      RESPONSE.copy(inner.nextBuffer());
      inner.onRead(RESPONSE.length, inner.nextBuffer());
    };
    RESPONSE.copy(outer.nextBuffer());
    expect(outer.onRead(RESPONSE.length, outer.nextBuffer())).toBe(false);
    expect(outerSink.destroyed?.message).toMatch(/read happened inside another/);
    expect(Buffer.concat(innerSink.chunks).equals(RESPONSE)).toBe(true);
  });
});
