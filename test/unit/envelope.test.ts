/**
 * Bokeh 4's framing (protocol/envelope.ts, codec.ts), checked against BokehJS 4.0.0-dev.5's
 * own protocol code run in Node (test/helpers/bokehjs4.ts): what its `Message.send`
 * writes, our codec reads; what our codec writes, its `Receiver` reads; and an envelope
 * BokehJS refuses, ours refuses with a typed ProtocolError (and the reverse).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { BOKEH_4_SERVER_INFO, Codec, detectWire, FRAMINGS, framingOf } from "../../src/protocol/codec.js";
import { TextPieces } from "../../src/protocol/content.js";
import { EnvelopeReceiver, envelopeFrames, MAX_ENVELOPE_BUFFERS } from "../../src/protocol/envelope.js";
import { MessageTooLargeError, ProtocolError } from "../../src/protocol/errors.js";
import { createMessage, type Message } from "../../src/protocol/message.js";
import { Receiver } from "../../src/protocol/receiver.js";
import type { Frame } from "../../src/protocol/sender.js";
import { Decoder, type ModelFactory } from "../../src/serialization/decoder.js";
import { Encoder } from "../../src/serialization/encoder.js";
import { loadBokehJS4Protocol, sentByBokehJS, type BokehJS4Protocol, type BokehJSMessage } from "../helpers/bokehjs4.js";
import { framesOfMessage, loadTranscript } from "../helpers/transcripts.js";

/** The values decoded here hold no models. */
const NO_MODELS: ModelFactory<never> = {
  resolve: () => undefined,
  create: () => {
    throw new Error("no models here");
  },
  initialize: () => {},
};

let bjs: BokehJS4Protocol;
beforeAll(async () => {
  bjs = await loadBokehJS4Protocol();
});

/** Feeds BokehJS frames (strings, ArrayBuffers) to one of our readers, as a socket delivers them (bytes). */
function readFrames(reader: { consumeText(f: Uint8Array): Message | null; consumeBinary(b: Uint8Array): Message | null }, frames: readonly (string | ArrayBuffer)[]): Message[] {
  const out: Message[] = [];
  for (const frame of frames) {
    const message = typeof frame === "string" ? reader.consumeText(Buffer.from(frame, "utf8")) : reader.consumeBinary(new Uint8Array(frame));
    if (message !== null) out.push(message);
  }
  return out;
}

/** Our frames, as a browser's WebSocket hands them to BokehJS: strings and ArrayBuffers. */
function asDelivered(frames: readonly Frame[]): (string | ArrayBuffer)[] {
  return frames.map((frame) => {
    if ("binary" in frame) return new Uint8Array(frame.binary).slice().buffer;
    const text = frame.text;
    return typeof text === "string" ? text : Buffer.from(text instanceof TextPieces ? text.toBuffer() : text).toString("utf8");
  });
}

function readByBokehJS(frames: readonly (string | ArrayBuffer)[]): BokehJSMessage[] {
  const receiver = new bjs.Receiver();
  const out: BokehJSMessage[] = [];
  for (const frame of frames) {
    receiver.consume(frame);
    if (receiver.message !== null) out.push(receiver.message);
  }
  return out;
}

const bytesOf = (buffers: ReadonlyMap<string, Uint8Array | ArrayBuffer>) => [...buffers].map(([id, b]) => [id, [...new Uint8Array(b)]]);

describe("frames BokehJS 4 writes, our codec reads", () => {
  test("every message type BokehJS 4 sends or answers, with and without buffers, and a reply's reqid", () => {
    const serializer = new bjs.Serializer({ binary: true });
    const x = new Float64Array([1.5, -2, Number.NaN]);
    const labels = new Int32Array([7, 8]);
    const patch = { events: [{ kind: "ColumnDataChanged", model: { id: "p1" }, attr: "data", data: serializer.encode(new Map<string, unknown>([["x", x], ["l", labels]])), cols: null }] };
    const reply = new bjs.Message({ msgid: "r1", msgtype: "OK", reqid: "q1" }, {});
    const sent = [bjs.Message.create("ACK", {}), bjs.Message.create("PULL-DOC-REQ", {}), bjs.Message.create("SYNC", {}), bjs.Message.create("PATCH-DOC", patch), reply];

    const receiver = new EnvelopeReceiver();
    const received = readFrames(receiver, sent.flatMap(sentByBokehJS));
    expect(received.map((m) => m.header)).toEqual(sent.map((m) => m.header));
    expect(received.map((m) => m.metadata)).toEqual(sent.map(() => ({})));
    const read = received[3]!;
    // BokehJS names buffers by their position ("0", "1"); the content refers to them.
    expect([...read.buffers.keys()]).toEqual(["0", "1"]);
    const decoded = new Decoder({ models: NO_MODELS, buffers: read.buffers }).decode((read.content as typeof patch).events[0]!.data) as Record<string, unknown>;
    expect(decoded).toEqual({ x, l: labels });
    expect(receiver.inMessage).toBe(false);
  });

  test("a Bokeh 4 ACK makes a detecting codec speak Bokeh 4; a Bokeh 3 ACK (recorded from 3.9.2) Bokeh 3", () => {
    const ack4 = sentByBokehJS(bjs.Message.create("ACK", {}));
    expect(detectWire(ack4[0] as string)).toBe(4);
    const codec4 = Codec.detecting();
    expect(codec4.framing).toBeNull();
    expect(readFrames(codec4, ack4).map((m) => m.header.msgtype)).toEqual(["ACK"]);
    expect(codec4.framing?.wire).toBe(4);
    expect(asDelivered(codec4.frames(createMessage("PULL-DOC-REQ", "m1", {})))).toEqual(['{"header":{"msgid":"m1","msgtype":"PULL-DOC-REQ"},"content":{},"buffers":[]}']);

    const t = loadTranscript("a_pull_session", "3.9");
    const ackFrames = framesOfMessage(t, t.messages.find((m) => m.msgtype === "ACK")!.index).map((f) => f.text!);
    expect(ackFrames).toHaveLength(3);
    expect(detectWire(ackFrames[0]!)).toBe(3);
    const codec3 = Codec.detecting();
    expect(readFrames(codec3, ackFrames).map((m) => m.header.msgtype)).toEqual(["ACK"]);
    expect(codec3.framing?.wire).toBe(3);
  });

  test("a first frame that is neither is refused as Bokeh 3 always refused it", () => {
    for (const first of ["not json", "[1]", '{"msgtype":"ACK","header":{}}']) expect(detectWire(first)).toBe(3);
    const codec = Codec.detecting();
    expect(() => readFrames(codec, ["not json", "{}", "{}"])).toThrow(/header is not valid JSON/);
    expect(() => Codec.detecting().consumeBinary(new Uint8Array([1]))).toThrow(/expected text fragment but received binary fragment for header/);
  });
});

describe("frames our codec writes, BokehJS 4 reads", () => {
  test("requests and replies, buffers in order, the content as a string, as bytes, and as TextPieces with spliced base64", () => {
    const encoder = new Encoder({ binary: true });
    const data = encoder.encode(new Map<string, unknown>([["a", new Float64Array([1, 2])], ["b", new Uint8Array([9, 8, 7])]]));
    const patch = createMessage("PATCH-DOC", "m1", { events: [{ kind: "ColumnsStreamed", model: { id: "p1" }, attr: "data", data, rollover: null }] }, { buffers: encoder.buffers });
    const ok = createMessage("OK", "m2", {}, { reqid: "q9", countBuffers: true });
    const blob = Buffer.from("blob bytes, spliced as base64");
    const asPieces = new TextPieces(['{"doc":{"x":{"type":"bytes","data":"', blob, '"}}}']);
    const pushed = createMessage("PUSH-DOC", "m3", null);
    const asBytes = createMessage("PULL-DOC-REPLY", "m4", null, { reqid: "q2" });

    const frames = [
      ...envelopeFrames(patch),
      ...envelopeFrames(ok),
      ...envelopeFrames(pushed, asPieces),
      ...envelopeFrames(asBytes, Buffer.from('{"doc":{"title":"é"}}', "utf8")),
    ];
    const read = readByBokehJS(asDelivered(frames));
    expect(read.map((m) => m.header)).toEqual([
      { msgid: "m1", msgtype: "PATCH-DOC" },
      { msgid: "m2", msgtype: "OK", reqid: "q9" }, // no num_buffers: BokehJS 4 refuses unknown header fields
      { msgid: "m3", msgtype: "PUSH-DOC" },
      { msgid: "m4", msgtype: "PULL-DOC-REPLY", reqid: "q2" },
    ]);
    expect(read[0]!.content).toEqual(patch.content);
    expect(bytesOf(read[0]!.buffers)).toEqual(bytesOf(encoder.buffers));
    expect(read[2]!.content).toEqual({ doc: { x: { type: "bytes", data: blob.toString("base64") } } });
    expect(read[3]!.content).toEqual({ doc: { title: "é" } });
  });

  test("the envelope is what BokehJS writes for the same message: compact, header, content, buffers", () => {
    const ours = asDelivered(envelopeFrames(createMessage("SYNC", "s1", {})));
    const theirs = sentByBokehJS(new bjs.Message({ msgid: "s1", msgtype: "SYNC" }, {}));
    expect(ours).toEqual(theirs);
  });

  test("a message Bokeh 4 does not have, or more buffers than it takes, is a ProtocolError before anything is sent", () => {
    expect(() => envelopeFrames(createMessage("SERVER-INFO-REQ", "i1", {}))).toThrow(/Bokeh 4 has no SERVER-INFO-REQ message/);
    const many = new Map<string, Uint8Array>();
    for (let i = 0; i <= MAX_ENVELOPE_BUFFERS; i++) many.set(`b${i}`, new Uint8Array(0));
    const error = (() => {
      try {
        envelopeFrames(createMessage("PATCH-DOC", "p1", { events: [] }, { buffers: many }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/more than 10000 buffers/);
  });
});

/** Envelopes BokehJS 4's Message.decode refuses; ours refuses each with a ProtocolError. */
const REFUSED: [string, string][] = [
  ["not JSON", "{"],
  ["a list", "[]"],
  ["no buffers", '{"header":{"msgid":"a","msgtype":"ACK"},"content":{}}'],
  ["an extra field", '{"header":{"msgid":"a","msgtype":"ACK"},"content":{},"buffers":[],"metadata":{}}'],
  ["a header that is a list", '{"header":[],"content":{},"buffers":[]}'],
  ["an empty msgid", '{"header":{"msgid":"","msgtype":"ACK"},"content":{},"buffers":[]}'],
  ["a number msgid", '{"header":{"msgid":1,"msgtype":"ACK"},"content":{},"buffers":[]}'],
  ["a Bokeh 3 message type", '{"header":{"msgid":"a","msgtype":"SERVER-INFO-REQ"},"content":{},"buffers":[]}'],
  ["an unknown message type", '{"header":{"msgid":"a","msgtype":"NOPE"},"content":{},"buffers":[]}'],
  ["a number reqid", '{"header":{"msgid":"a","msgtype":"OK","reqid":3},"content":{},"buffers":[]}'],
  ["num_buffers in the header", '{"header":{"msgid":"a","msgtype":"ACK","num_buffers":0},"content":{},"buffers":[]}'],
  ["content that is a list", '{"header":{"msgid":"a","msgtype":"ACK"},"content":[],"buffers":[]}'],
  ["content that is null", '{"header":{"msgid":"a","msgtype":"ACK"},"content":null,"buffers":[]}'],
  ["buffers that are not a list", '{"header":{"msgid":"a","msgtype":"ACK"},"content":{},"buffers":{}}'],
  ["an empty buffer id", '{"header":{"msgid":"a","msgtype":"PATCH-DOC"},"content":{},"buffers":[""]}'],
  ["a number buffer id", '{"header":{"msgid":"a","msgtype":"PATCH-DOC"},"content":{},"buffers":[1]}'],
  ["a repeated buffer id", '{"header":{"msgid":"a","msgtype":"PATCH-DOC"},"content":{},"buffers":["x","x"]}'],
  ["10,001 buffers", JSON.stringify({ header: { msgid: "a", msgtype: "PATCH-DOC" }, content: {}, buffers: Array.from({ length: 10_001 }, (_, i) => `b${i}`) })],
];

/** Envelopes both accept. */
const ACCEPTED: [string, string][] = [
  ["fields in another order", '{"buffers":[],"content":{},"header":{"msgtype":"ACK","msgid":"a"}}'],
  ["a null reqid (read as none)", '{"header":{"msgid":"a","msgtype":"OK","reqid":null},"content":{},"buffers":[]}'],
  ["whitespace", ' { "header" : { "msgid" : "a" , "msgtype" : "SYNC" } , "content" : { } , "buffers" : [ ] } '],
];

describe("the rules BokehJS 4 enforces", () => {
  test.each(REFUSED)("%s: refused by BokehJS 4 and by ours (ProtocolError, and the receiver is unusable after)", (_, envelope) => {
    expect(() => bjs.Message.decode(envelope)).toThrow();
    const receiver = new EnvelopeReceiver();
    let error: unknown;
    try {
      receiver.consumeText(Buffer.from(envelope));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).kind).toBe("protocol");
    expect(() => receiver.consumeText('{"header":{"msgid":"a","msgtype":"ACK"},"content":{},"buffers":[]}')).toThrow(/used after a protocol error/);
  });

  test.each(ACCEPTED)("%s: accepted by both, the same header", (_, envelope) => {
    const theirs = bjs.Message.decode(envelope);
    const ours = new EnvelopeReceiver().consumeText(Buffer.from(envelope));
    expect(ours?.header).toEqual(theirs.header);
  });

  test("generated envelopes: ours accepts exactly those BokehJS 4 accepts, with the same header and content", () => {
    // Each part valid most of the time, so that whole envelopes are often valid and each rule is reached.
    const often = <T, U>(valid: fc.Arbitrary<T>, broken: fc.Arbitrary<U>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: broken });
    const id = often(fc.constantFrom("a", "p1", "0"), fc.constantFrom("", 3, null, ["a"]));
    const header = often(
      fc.record(
        { msgid: id, msgtype: often(fc.constantFrom("ACK", "OK", "SYNC", "PATCH-DOC", "PULL-DOC-REPLY"), fc.constantFrom("SERVER-INFO-REQ", "ack", 3)), reqid: id, num_buffers: fc.constant(0) },
        { requiredKeys: [] },
      ),
      fc.constantFrom([], null, "h"),
    );
    const content = often(fc.dictionary(fc.string({ maxLength: 2 }), fc.integer(), { maxKeys: 2 }), fc.constantFrom([], null, 1));
    const buffers = often(fc.uniqueArray(fc.constantFrom("0", "1", "x"), { maxLength: 3 }), fc.array(id, { maxLength: 3 }));
    const envelope = fc.tuple(header, content, buffers, often(fc.constant("whole"), fc.constantFrom("no header", "no buffers", "metadata"))).map(([h, c, b, shape]) => {
      const value: Record<string, unknown> = { header: h, content: c, buffers: b };
      if (shape === "no header") delete value.header;
      if (shape === "no buffers") delete value.buffers;
      if (shape === "metadata") value.metadata = {};
      return value;
    });
    let accepted = 0;
    fc.assert(
      fc.property(envelope, (value) => {
        const text = JSON.stringify(value);
        let theirs: { header: object; content: object } | null = null;
        try {
          theirs = bjs.Message.decode(text);
        } catch {
          theirs = null;
        }
        const receiver = new EnvelopeReceiver();
        let ours: Message | null | "refused" = "refused";
        try {
          ours = receiver.consumeText(Buffer.from(text));
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
        }
        if (theirs === null) return ours === "refused";
        // Accepted: complete now, or waiting for the listed buffers.
        if (ours === "refused") return false;
        accepted += 1;
        return ours === null ? receiver.inMessage : JSON.stringify([ours.header, ours.content]) === JSON.stringify([theirs.header, theirs.content]);
      }),
      { seed: 20251126, numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(100); // the generator reaches valid envelopes, not only broken ones
  });
});

describe("buffer frames", () => {
  const twoBuffers = '{"header":{"msgid":"a","msgtype":"PATCH-DOC"},"content":{"events":[]},"buffers":["x","y"]}';

  test("a binary frame where an envelope is due, and a text frame where a buffer is due, are ProtocolErrors", () => {
    expect(() => new EnvelopeReceiver().consumeBinary(new Uint8Array([1]))).toThrow(/expected a text frame \(a message envelope\) but received a binary frame/);
    const receiver = new EnvelopeReceiver();
    expect(receiver.consumeText(twoBuffers)).toBeNull();
    expect(receiver.consumeBinary(new Uint8Array([1]))).toBeNull();
    expect(() => receiver.consumeText("{}")).toThrow(/expected a binary frame for buffer "y" but received a text frame/);
  });

  test("the buffers take the listed ids in order; the next message starts clean", () => {
    const receiver = new EnvelopeReceiver();
    receiver.consumeText(twoBuffers);
    expect(receiver.inMessage).toBe(true);
    expect(receiver.awaitedPayload(2)).toEqual({ header: { msgid: "a", msgtype: "PATCH-DOC" }, content: { events: [] } });
    receiver.consumeBinary(new Uint8Array([1]));
    const message = receiver.consumeBinary(new Uint8Array([2, 3]));
    expect(bytesOf(message!.buffers)).toEqual([["x", [1]], ["y", [2, 3]]]);
    expect(receiver.inMessage).toBe(false);
    expect(receiver.consumeText('{"header":{"msgid":"b","msgtype":"OK","reqid":"a"},"content":{},"buffers":[]}')?.buffers.size).toBe(0);
  });

  test("a skipped payload marks the message; sizes count every frame, against the limit and the option that sets it", () => {
    const receiver = new EnvelopeReceiver({ maxMessageSize: 200, sizeOption: "maxTotalMessageSize" });
    receiver.consumeText(twoBuffers);
    expect(receiver.awaitedPayload(1000)).toBeNull(); // would be too large: it must arrive, and be refused
    receiver.skipPayload(10);
    receiver.consumeBinary(new Uint8Array(0));
    expect(receiver.consumeBinary(new Uint8Array(0))?.skippedBuffers).toBe(true);
    receiver.consumeText(twoBuffers);
    let error: unknown;
    try {
      receiver.consumeBinary(new Uint8Array(150));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect((error as Error).message).toMatch(/maxTotalMessageSize \(200 bytes\)/);
  });

  test("maxBuffers lowers the 10,000 Bokeh 4 allows, never raises it", () => {
    const three = '{"header":{"msgid":"a","msgtype":"PATCH-DOC"},"content":{},"buffers":["1","2","3"]}';
    expect(() => new EnvelopeReceiver({ maxBuffers: 2 }).consumeText(three)).toThrow(/more than 2 buffers/);
    const many = JSON.stringify({ header: { msgid: "a", msgtype: "PATCH-DOC" }, content: {}, buffers: Array.from({ length: 10_001 }, (_, i) => `b${i}`) });
    expect(() => new EnvelopeReceiver({ maxBuffers: 50_000 }).consumeText(many)).toThrow(/more than 10000 buffers/);
  });

  test("large inline base64 in a big envelope is read around JSON.parse, and cannot take a listed buffer's id", () => {
    const blob = Buffer.alloc(300 * 1024, 7);
    const envelope = `{"header":{"msgid":"a","msgtype":"PUSH-DOC"},"content":{"doc":{"type":"bytes","data":"${blob.toString("base64")}"}},"buffers":[]}`;
    const message = new EnvelopeReceiver().consumeText(Buffer.from(envelope));
    const ref = (message!.content as { doc: { data: { id: string } } }).doc.data;
    expect(Buffer.from(message!.buffers.get(ref.id)!).equals(blob)).toBe(true);
    const clash = envelope.replace('"buffers":[]', `"buffers":[${JSON.stringify(ref.id)}]`);
    expect(() => new EnvelopeReceiver().consumeText(Buffer.from(clash))).toThrow(/duplicate buffer id/);
  });

  test("a text frame that is not UTF-8 is a ProtocolError", () => {
    expect(() => new EnvelopeReceiver().consumeText(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(/not valid UTF-8/);
  });
});

describe("requests in each framing", () => {
  const ok = (reqid: string) => createMessage("OK", "r", {}, { reqid });

  test("Bokeh 4 asks SERVER-INFO-REQ as a SYNC round trip, answered with what its framing tells", () => {
    const form = FRAMINGS[4].request("SERVER-INFO-REQ");
    expect(form.send).toBe("SYNC");
    const reply = form.reply(ok("q"));
    expect(reply.header).toEqual({ msgid: "r", msgtype: "SERVER-INFO-REPLY", reqid: "q" });
    expect(reply.content).toEqual(BOKEH_4_SERVER_INFO);
    expect(BOKEH_4_SERVER_INFO).toEqual({ version_info: { bokeh: "4.0", server: "4.0" } });
    expect(FRAMINGS[4].request("PULL-DOC-REQ").send).toBe("PULL-DOC-REQ");
  });

  test("Bokeh 3 asks SYNC as a SERVER-INFO-REQ round trip, answered as OK", () => {
    const form = FRAMINGS[3].request("SYNC");
    expect(form.send).toBe("SERVER-INFO-REQ");
    expect(form.reply(createMessage("SERVER-INFO-REPLY", "r", { version_info: {} }, { reqid: "q" })).header.msgtype).toBe("OK");
    expect(FRAMINGS[3].request("SERVER-INFO-REQ").send).toBe("SERVER-INFO-REQ");
  });

  test("each release's framing", () => {
    expect(["3.7.3", "3.10.0", "4.0.0-dev.5", "4.1.0", "5.0.0", "nonsense"].map((v) => framingOf(v).wire)).toEqual([3, 3, 4, 4, 4, 3]);
  });

  test("the Bokeh 3 receiver refuses SYNC, as a Bokeh 3 server does", () => {
    const frames = ['{"msgid":"a","msgtype":"SYNC"}', "{}", "{}"];
    expect(() => frames.forEach((f) => new Receiver().consumeText(f))).not.toThrow(); // one frame each: no message yet
    const receiver = new Receiver();
    receiver.consumeText(frames[0]!);
    receiver.consumeText(frames[1]!);
    expect(() => receiver.consumeText(frames[2]!)).toThrow(/unknown message type "SYNC"/);
  });
});
