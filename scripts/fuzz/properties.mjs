/**
 * The round-trip properties, as plain functions (used by the vitest suites with
 * fc.assert and by scripts/fuzz.mjs with fc.check). Each throws a Finding when
 * the property does not hold.
 */
import fc from "fast-check";
import { bigTypedArrayArb, buffersArb, documentArb, junkArb, modelGraphArb, patchArb, describeDocJson, wireArb } from "./arbitraries.mjs";
import { compareDocuments, compareValues, describeError, differenceFinding, expectTyped, Finding, isTypedError, utf8 } from "./core.mjs";
import { feedFrames } from "./harness.mjs";

const BIG = { maxMessageSize: 64 * 1024 * 1024, maxBuffers: 100_000 };

/** Resolves nothing, creates models with Model.create: what a fresh receiver has. */
export function freshFactory(lib) {
  return {
    resolve: () => undefined,
    create: (type, id) => lib.Model.create(type, id),
    initialize: (model, attributes) => model.initializeFromWire(attributes),
  };
}

function receive(lib, frames, textAs) {
  const receiver = new lib.Receiver(BIG);
  let message = null;
  for (const f of frames) {
    if (message !== null) throw new Finding("protocol", "frames left after a complete message");
    if ("binary" in f) message = receiver.consumeBinary(f.binary);
    else message = receiver.consumeText(textAs === "bytes" && typeof f.text === "string" ? utf8(f.text) : f.text);
  }
  if (message === null) throw new Finding("protocol", "the frames of a message did not make a message");
  return message;
}

/**
 * Encodes `value` (mode "inline": base64 in the JSON; "binary": buffers as
 * binary frames; "blob": large arrays spliced into the content frame by
 * contentFrame), sends it as the content of a message through messageFrames and
 * a Receiver, and decodes it. Returns "rejected" when the encoder refused the
 * value with a typed error, "accepted" when it came back equal; throws a
 * Finding otherwise.
 */
export function checkValueRoundTrip(lib, value, { mode = "inline", textAs = "string" } = {}) {
  const blobs = mode === "blob" ? new Map() : undefined;
  const encoder = new lib.Encoder({ binary: mode === "binary", blobs });
  let rep;
  try {
    rep = encoder.encode(value);
  } catch (error) {
    expectTyped(lib, error, "Encoder.encode");
    return "rejected";
  }
  let decoded;
  try {
    const content = { value: rep };
    const frame = mode === "blob" ? lib.contentFrame(content, blobs) : undefined;
    const frames = lib.messageFrames(lib.createMessage("PATCH-DOC", "fz", content, { buffers: encoder.buffers }), frame);
    const message = receive(lib, frames, textAs);
    decoded = new lib.Decoder({ models: freshFactory(lib), buffers: message.buffers }).decode(message.content.value);
  } catch (error) {
    if (error instanceof Finding) throw error;
    const kind = isTypedError(lib, error) ? "round-trip" : "untyped-error";
    throw new Finding(kind, `${mode}: a value the encoder accepted is not received back (${describeError(error)})`, error);
  }
  const diff = compareValues(lib, value, decoded);
  if (diff !== null) throw differenceFinding("round-trip", mode, diff);
  return "accepted";
}

/** A document round-trips through toJSON/JSON/fromJSON and through PUSH-DOC frames. */
export function checkDocumentRoundTrip(lib, doc, { textAs = "string" } = {}) {
  const stage = (what, fn) => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof Finding) throw error;
      const kind = isTypedError(lib, error) ? "round-trip" : "untyped-error";
      throw new Finding(kind, `document ${what}: ${describeError(error)}`, error);
    }
  };
  const viaJson = stage("through JSON", () => lib.Document.fromJSON(JSON.parse(JSON.stringify(doc.toJSON()))));
  let diff = compareDocuments(lib, doc, viaJson);
  if (diff !== null) throw differenceFinding("round-trip", "document through JSON", diff);
  const viaFrames = stage("through PUSH-DOC frames", () => {
    const { doc: json, frame } = lib.documentContent(doc);
    const message = receive(lib, lib.messageFrames(lib.createMessage("PUSH-DOC", "fz", { doc: json }), frame), textAs);
    return lib.Document.fromJSON(message.content.doc, message.buffers);
  });
  diff = compareDocuments(lib, doc, viaFrames);
  if (diff !== null) throw differenceFinding("round-trip", "document through PUSH-DOC frames", diff);
}

/**
 * Decoder input: the decoder either rejects `rep` with a typed error, or what it
 * returns is a value the encoder accepts and that round-trips (in all modes).
 */
export function checkWireRep(lib, rep, buffers) {
  let value;
  try {
    value = new lib.Decoder({ models: freshFactory(lib), buffers }).decode(JSON.parse(JSON.stringify(rep)));
  } catch (error) {
    expectTyped(lib, error, "Decoder.decode");
    return "rejected";
  }
  for (const mode of ["inline", "binary"]) {
    if (checkValueRoundTrip(lib, value, { mode }) === "rejected") {
      throw new Finding("round-trip", `${mode}: the encoder rejects a value the decoder produced`);
    }
  }
  return "accepted";
}

/** A PATCH-DOC message fed to a Receiver and applied to the base document (harness checks). */
export function checkPatch(lib, docText, { events, buffers }) {
  const frames = lib.messageFrames(lib.createMessage("PATCH-DOC", "fz", JSON.parse(JSON.stringify({ events })), { buffers }));
  feedFrames(lib, frames.map((f) => ("binary" in f ? { kind: "binary", bytes: f.binary } : { kind: "text", bytes: utf8(f.text) })), { docText });
}

// ---- the properties: an arbitrary and a check, for fc.assert (tests) or case by case (scripts/fuzz.mjs)

const modes = fc.constantFrom("inline", "binary", "blob");
const textAs = fc.constantFrom("string", "bytes");

/** `{ arb, run }` as a fast-check property. */
export function asProperty({ arb, run }) {
  return fc.property(arb, (args) => {
    run(args);
  });
}

/**
 * Every value the serializer should accept is accepted and round-trips (the
 * value, and a model of its graph). `big`: each value also holds a byte array
 * of 48..300 KiB (the blob path; content frames >= 256 KiB go through parseContent's fast path).
 */
export function valuesCase(lib, { big = false } = {}) {
  return {
    arb: fc.tuple(modelGraphArb(lib), big ? bigTypedArrayArb : fc.constant(null), modes, textAs),
    run([{ value, models }, large, mode, how]) {
      for (const v of large === null ? [value, models[0]] : [[large, value], models[0]]) {
        if (checkValueRoundTrip(lib, v, { mode, textAs: how }) === "rejected") {
          let reason = "";
          try {
            new lib.Encoder().encode(v);
          } catch (error) {
            reason = describeError(error);
          }
          throw new Finding("rejected", `a valid value was rejected (${reason})`);
        }
      }
    },
  };
}

/** Anything else: a typed rejection, or acceptance and an exact round trip. */
export function junkCase(lib) {
  return { arb: fc.tuple(junkArb(lib), modes), run: ([value, mode]) => checkValueRoundTrip(lib, value, { mode }) };
}

/** `big`: the first root also holds a byte array of 48..300 KiB. */
export function documentsCase(lib, { big = false } = {}) {
  return {
    arb: fc.tuple(documentArb(lib, { maxDepth: 3 }), big ? bigTypedArrayArb : fc.constant(null), textAs),
    run: ([doc, large, how]) => {
      if (large !== null && !doc.roots[0].has("fuzz_big_array")) doc.roots[0].set("fuzz_big_array", large);
      checkDocumentRoundTrip(lib, doc, { textAs: how });
    },
  };
}

export function wireCase(lib) {
  return {
    arb: fc.tuple(wireArb({ ids: ["p1", "p2"], bufferIds: ["b0", "b1", "b2", "b3"] }), buffersArb),
    run: ([rep, buffers]) => checkWireRep(lib, rep, buffers),
  };
}

/** PATCH-DOC events generated against `docText` (a transcript's document). */
export function patchesCase(lib, docText) {
  const info = describeDocJson(JSON.parse(docText));
  return { arb: patchArb(info), run: (patch) => checkPatch(lib, docText, patch) };
}
