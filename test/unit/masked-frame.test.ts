/**
 * Large frames written by the client itself (client/masked-frame.ts): the bytes
 * are one masked text frame whose payload is exactly the JSON, or one masked
 * binary frame whose payload is exactly the bytes, and a real `ws` server reads
 * them, in order with frames sent through ws.
 */
import { connect, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { writeMaskedBinaryFrame, writeMaskedTextFrame } from "../../src/client/masked-frame.js";
import { blobPlaceholder, contentFrame, TextPieces } from "../../src/protocol/content.js";

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

/** Parses one client frame: FIN, opcode, mask bit, length, key; returns the unmasked payload. */
function parseMaskedFrame(bytes: Buffer): { fin: boolean; opcode: number; payload: Buffer; rest: number } {
  const fin = (bytes[0]! & 0x80) !== 0;
  const opcode = bytes[0]! & 0x0f;
  expect(bytes[1]! & 0x80).toBe(0x80); // masked
  let length = bytes[1]! & 0x7f;
  let at = 2;
  if (length === 126) {
    length = bytes.readUInt16BE(2);
    at = 4;
  } else if (length === 127) {
    length = Number(bytes.readBigUInt64BE(2));
    at = 10;
  }
  const key = bytes.subarray(at, at + 4);
  const payload = Buffer.from(bytes.subarray(at + 4, at + 4 + length));
  for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
  return { fin, opcode, payload, rest: bytes.length - (at + 4 + length) };
}

describe("TextPieces", () => {
  test.each([[[1]], [[48 * 1024]], [[48 * 1024 + 1, 5]], [[300_001, 0, 70_000]]])("blobs of %j bytes: the pieces join into the plain JSON", (sizes) => {
    const { pieces, json } = sample(sizes);
    const joined = pieces.toBuffer();
    expect(joined.toString("utf8")).toBe(json);
    expect(pieces.byteLength).toBe(Buffer.byteLength(json, "utf8"));
    for (const piece of pieces) {
      expect(piece.length).toBeGreaterThan(0);
      expect(piece.length).toBeLessThanOrEqual(64 * 1024 + json.length);
    }
  });
});

describe("writeMaskedTextFrame, writeMaskedBinaryFrame", () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  /** The bytes that reach a TCP server when `write` writes to a socket connected to it. */
  async function bytesOnTheWire(write: (socket: Socket) => void): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const received = new Promise<Buffer>((resolve) => {
      const server = createServer((peer) => {
        peer.on("data", (c: Buffer) => chunks.push(c));
        peer.on("end", () => resolve(Buffer.concat(chunks)));
      });
      closers.push(() => server.close());
      server.listen(0, "127.0.0.1", () => {
        const socket = connect((server.address() as { port: number }).port, "127.0.0.1", () => {
          write(socket);
          socket.end();
        });
        closers.push(() => socket.destroy());
      });
    });
    return received;
  }

  test.each([[[3]], [[40_000]], [[300_001, 70_000]], [[5_000_000]]])("blobs of %j bytes: one masked text frame, FIN set, payload = the JSON", async (sizes) => {
    const { pieces, json } = sample(sizes);
    const frame = parseMaskedFrame(await bytesOnTheWire((socket) => writeMaskedTextFrame(socket, pieces)));
    expect(frame).toMatchObject({ fin: true, opcode: 1, rest: 0 });
    expect(frame.payload.toString("utf8")).toBe(json);
  });

  test.each([1, 65_536, 65_537, 5_000_003])("binary payload of %d bytes: one masked binary frame, payload = the bytes, the source untouched", async (size) => {
    const source = new Uint8Array(size + 16).map((_, k) => (k * 13 + 5) & 0xff);
    const view = source.subarray(8, 8 + size); // a view into a larger buffer, as a typed-array column can be
    const before = Buffer.from(source);
    const frame = parseMaskedFrame(await bytesOnTheWire((socket) => writeMaskedBinaryFrame(socket, view)));
    expect(frame).toMatchObject({ fin: true, opcode: 2, rest: 0 });
    expect(frame.payload.equals(Buffer.from(view))).toBe(true);
    expect(Buffer.from(source).equals(before)).toBe(true);
  });

  test("frames written back to back while the socket is backed up each arrive whole (scratch buffers are reused only when free)", async () => {
    const payloads = [5_000_003, 3_000_000, 70_000, 2_000_001].map((size, i) => new Uint8Array(size).map((_, k) => (k * (i + 3) + i) & 0xff));
    const text = sample([2_000_000]);
    let bytes = await bytesOnTheWire((socket) => {
      writeMaskedBinaryFrame(socket, payloads[0]!);
      writeMaskedTextFrame(socket, text.pieces);
      for (const payload of payloads.slice(1)) writeMaskedBinaryFrame(socket, payload);
    });
    const frames: { opcode: number; payload: Buffer }[] = [];
    while (bytes.length > 0) {
      const frame = parseMaskedFrame(bytes);
      frames.push(frame);
      bytes = bytes.subarray(bytes.length - frame.rest);
    }
    expect(frames.map((f) => f.opcode)).toEqual([2, 1, 2, 2, 2]);
    expect(frames[0]!.payload.equals(Buffer.from(payloads[0]!))).toBe(true);
    expect(frames[1]!.payload.toString("utf8")).toBe(text.json);
    payloads.slice(1).forEach((payload, i) => expect(frames[i + 2]!.payload.equals(Buffer.from(payload))).toBe(true));
  });

  test("two frames get different masking keys", async () => {
    const keys: string[] = [];
    for (let i = 0; i < 2; i++) {
      const bytes = await bytesOnTheWire((socket) => writeMaskedTextFrame(socket, sample([1000]).pieces));
      keys.push(bytes.subarray(4, 8).toString("hex")); // 2-byte header + 16-bit length
    }
    expect(keys[0]).not.toBe(keys[1]);
  });

  describe("against a real ws server", () => {

    test("text and binary frames written between ws.send calls arrive whole and in order", async () => {
      const server = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: 1024 ** 3 });
      closers.push(() => server.close());
      await new Promise((resolve) => server.once("listening", resolve));
      const received: string[] = [];
      let binary: Buffer = Buffer.alloc(0);
      const done = new Promise<void>((resolve) =>
        server.on("connection", (peer) =>
          peer.on("message", (data: Buffer, isBinary: boolean) => {
            if (isBinary) binary = data;
            received.push(isBinary ? "x".repeat(data.length) : data.toString("utf8"));
            if (received.length === 6) resolve();
          }),
        ),
      );
      const port = (server.address() as { port: number }).port;
      const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      closers.push(() => client.terminate());
      let socket: Socket | null = null;
      client.once("upgrade", (res) => (socket = res.socket as Socket));
      await new Promise((resolve) => client.once("open", resolve));
      const small = sample([10]);
      const large = sample([3_000_000, 100]); // 4 MB of base64: more than the socket takes at once
      const bytes = new Uint8Array(3_000_001).map((_, k) => (k * 7) & 0xff);
      client.send("first");
      writeMaskedTextFrame(socket!, large.pieces);
      client.send("middle");
      writeMaskedBinaryFrame(socket!, bytes);
      writeMaskedTextFrame(socket!, small.pieces);
      client.send("last");
      await done;
      expect(received.map((r) => (r.length > 20 ? r.length : r))).toEqual(["first", large.json.length, "middle", bytes.length, small.json.length, "last"]);
      expect(received[1]).toBe(large.json);
      expect(binary.equals(Buffer.from(bytes))).toBe(true);
      expect(received[4]).toBe(small.json);
    });
  });
});
