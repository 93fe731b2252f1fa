/**
 * Feeding frames to a Receiver and consuming the messages that come out, with
 * the properties checked on every input:
 *
 * - every exception is a typed BokehError (ProtocolError, MessageTooLargeError,
 *   DeserializationError...), never a TypeError/RangeError/SyntaxError;
 * - no built-in prototype or constructor is modified (PollutionGuard);
 * - a message we accept leaves us in a state we can write back: a received
 *   document, or a document after PATCH-DOC, can be written (toJSON), its JSON
 *   is accepted again and decodes to an equal document; an applied patch can be
 *   re-serialized (serializePatch, as the server does when it forwards a patch)
 *   and applying that to a second copy of the document gives an equal document.
 *
 * The corpus is every frame recorded from the real Bokeh 3.7 server and client
 * (test/fixtures/bokeh-3.7), plus a few synthetic messages with large inline
 * blobs (the content fast path, >= 256 KiB) and binary buffers.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compareDocuments, describeError, differenceFinding, expectTyped, Finding, mix32, Rng, utf8 } from "./core.mjs";
import { mutateFrames, warmTrees } from "./mutate.mjs";

export const DEFAULT_RECEIVER = { maxMessageSize: 4 * 1024 * 1024, maxBuffers: 64 };
const SETTER = Object.freeze({ fuzz: true });

// ---- corpus ------------------------------------------------------------------------------------

function frameOf(recorded) {
  return recorded.kind === "binary"
    ? { kind: "binary", bytes: new Uint8Array(Buffer.from(recorded.base64 ?? "", "base64")) }
    : { kind: "text", bytes: utf8(recorded.text ?? "") };
}

/**
 * Loads every transcript: its messages (frames in order, both directions), each
 * direction's whole frame stream, and the JSON text of its first document
 * (PULL-DOC-REPLY or PUSH-DOC), the base document patches are applied to.
 */
export function loadCorpus(fixturesDir) {
  const transcripts = [];
  for (const file of readdirSync(fixturesDir).filter((f) => f.endsWith(".json") && f !== "index.json").sort()) {
    const t = JSON.parse(readFileSync(join(fixturesDir, file), "utf8"));
    const frames = t.frames.filter((f) => f.kind === "text" || f.kind === "binary");
    if (frames.length === 0) continue;
    const byMessage = new Map();
    const streams = { "server->client": [], "client->server": [] };
    for (const f of frames) {
      const frame = frameOf(f);
      streams[f.dir].push(frame);
      if (f.msg !== undefined) {
        if (!byMessage.has(f.msg)) byMessage.set(f.msg, []);
        byMessage.get(f.msg).push(frame);
      }
    }
    const messages = t.messages.map((m) => ({ dir: m.dir, msgtype: m.msgtype, frames: byMessage.get(m.index) ?? [] }));
    let docText = null;
    for (const m of t.messages) {
      if ((m.msgtype === "PULL-DOC-REPLY" || m.msgtype === "PUSH-DOC") && m.complete && docText === null) {
        const content = byMessage.get(m.index)?.[2];
        if (content !== undefined) docText = JSON.stringify(JSON.parse(Buffer.from(content.bytes).toString("utf8")).doc);
      }
    }
    transcripts.push({ name: file.slice(0, -5), messages, streams: Object.values(streams).filter((s) => s.length > 0), docText });
  }
  const fallbackDoc = transcripts.find((t) => t.docText !== null)?.docText ?? '{"roots":[]}';
  for (const t of transcripts) t.docText ??= fallbackDoc;
  const pool = transcripts.flatMap((t) => t.messages.flatMap((m) => m.frames));
  warmTrees(pool);
  return { transcripts, pool };
}

/**
 * Synthetic messages (deterministic): a PUSH-DOC whose content frame carries
 * two large inline blobs (read through parseContent's fast path), a PATCH-DOC
 * with binary buffers, and a PULL-DOC-REPLY with every kind of value.
 */
export function addSyntheticMessages(lib, corpus) {
  const rng = new Rng(0x5eed);
  const M = (type, attrs, id) => new lib.Model(type, attrs, { id });
  const floats = new Float64Array(40_000).map(() => rng.int(1_000_000) / 7);
  const ints = new Int32Array(20_000).map(() => rng.u32() | 0);
  const selected = M("Selection", { indices: [], line_indices: [] }, "syn-sel");
  const policy = M("UnionRenderers", {}, "syn-pol");
  const bigSource = M("ColumnDataSource", { selected, selection_policy: policy, data: { x: floats, y: ints, label: ["a", "b"] } }, "syn-cds-big");
  const plot = M("Plot", { title: "synthetic", renderers: [M("GlyphRenderer", { data_source: bigSource }, "syn-gr")] }, "syn-plot");
  const big = new lib.Document({ roots: [plot] });
  big.title = "synthetic big";
  const { frame } = lib.documentContent(big);
  const push = lib.messageFrames(lib.createMessage("PUSH-DOC", "syn-push", null), frame);

  const values = M("Values", {
    nd: new lib.NDArray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], "float32"),
    bools: new lib.NDArray(new Uint8Array([1, 0, 1]), [3], "bool"),
    objects: new lib.NDArray(["a", 1, null], [3], "object"),
    set: new Set([1, "a", NaN]),
    map: new Map([[1, "one"], [Infinity, "inf"]]),
    slice: new lib.Slice({ start: 1, stop: -1, step: 2 }),
    field: { type: "field", field: "x", transform: M("LinearInterpolator", {}, "syn-tr") },
    value: { type: "value", value: -Infinity, units: "screen" },
    object: new lib.ObjectValue("some.Struct", { a: 1, b: [1, 2] }),
    bytes: new Uint8Array([1, 2, 3]).buffer,
    cycle: null,
  }, "syn-values");
  values.set("cycle", [values, { self: values }]);
  const source = M("ColumnDataSource", {
    selected: M("Selection", { indices: [] }, "syn-sel2"),
    data: { x: new Float64Array([1, 2, 3]), y: new Int32Array([4, 5, 6]), label: ["a", "b", "c"], img: [new lib.NDArray(new Float32Array(4), [2, 2], "float32")] },
  }, "syn-cds");
  const small = new lib.Document({ roots: [values, source] });
  const pull = lib.messageFrames(lib.createMessage("PULL-DOC-REPLY", "syn-pull", { doc: small.toJSON() }, { reqid: "r1" }));

  // PATCH-DOC with binary buffers (fixed buffer ids, so the frames are reproducible)
  const patchContent = {
    events: [
      {
        kind: "ColumnDataChanged",
        model: { id: "syn-cds" },
        attr: "data",
        data: { type: "map", entries: [["x", { type: "ndarray", array: { type: "bytes", data: { id: "b1" } }, shape: [3], dtype: "float64", order: "little" }], ["y", { type: "ndarray", array: { type: "bytes", data: { id: "b2" } }, shape: [2], dtype: "int32", order: "little" }]] },
        cols: ["x", "y"],
      },
      { kind: "ColumnsStreamed", model: { id: "syn-cds" }, attr: "data", data: { type: "map", entries: [["x", { type: "ndarray", array: { type: "bytes", data: { id: "b3" } }, shape: [1], dtype: "float64", order: "little" }], ["y", [7]], ["label", ["c"]]] }, rollover: 5 },
      { kind: "ColumnsPatched", model: { id: "syn-cds" }, attr: "data", patches: { type: "map", entries: [["label", [[0, "z"], [{ type: "slice", start: 0, stop: 1, step: null }, ["q"]]]]] } },
    ],
  };
  const buffers = new Map([
    ["b1", new Uint8Array(new Float64Array([1.5, 2.5, 3.5]).buffer)],
    ["b2", new Uint8Array(new Int32Array([4, 5]).buffer)],
    ["b3", new Uint8Array(new Float64Array([9]).buffer)],
  ]);
  const patch = lib.messageFrames(lib.createMessage("PATCH-DOC", "syn-patch", patchContent, { buffers }));

  const asFrames = (frames) => frames.map((f) => ("binary" in f ? { kind: "binary", bytes: f.binary } : { kind: "text", bytes: typeof f.text === "string" ? utf8(f.text) : f.text }));
  corpus.synthetic = {
    name: "synthetic",
    docText: JSON.stringify(small.toJSON()),
    messages: [
      { dir: "client->server", msgtype: "PUSH-DOC", frames: asFrames(push), big: true },
      { dir: "server->client", msgtype: "PULL-DOC-REPLY", frames: asFrames(pull) },
      { dir: "client->server", msgtype: "PATCH-DOC", frames: asFrames(patch) },
    ],
  };
  warmTrees(corpus.synthetic.messages[1].frames);
  return corpus;
}

// ---- feeding and consuming -------------------------------------------------------------------

/** Runs `fn`; a typed error is an expected rejection (returns `undefined`), anything else a Finding. */
function attempt(lib, where, fn) {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    expectTyped(lib, error, where);
    return { ok: false, error };
  }
}

function baseDocument(lib, docText) {
  return lib.Document.fromJSON(JSON.parse(docText));
}

// Read-only copies of base documents, for the generic decoder (it only resolves references).
const readOnlyDocs = new Map();
function readOnlyDocument(lib, docText) {
  let doc = readOnlyDocs.get(docText);
  if (doc === undefined || doc.lib !== lib) {
    doc = { lib, doc: baseDocument(lib, docText) };
    if (readOnlyDocs.size > 64) readOnlyDocs.clear();
    readOnlyDocs.set(docText, doc);
  }
  return doc.doc;
}

/** A document we hold must be writable, and what we write must read back equal. */
export function checkDocument(lib, doc, where) {
  let json;
  try {
    json = doc.toJSON();
  } catch (error) {
    throw new Finding("corrupt-document", `${where}: the document can no longer be written (${describeError(error)})`, error);
  }
  let again;
  try {
    again = lib.Document.fromJSON(JSON.parse(JSON.stringify(json)));
  } catch (error) {
    throw new Finding("unstable-document", `${where}: our own JSON of the document is rejected (${describeError(error)})`, error);
  }
  const diff = compareDocuments(lib, doc, again);
  if (diff !== null) throw differenceFinding("unstable-document", `${where}: the document changes when written and read back`, diff);
}

/**
 * Feeds frames to one Receiver and consumes each message; throws a Finding on a
 * violation. Like a session, the messages share one document: a received
 * PULL-DOC-REPLY / PUSH-DOC replaces it, PATCH-DOC changes it (it starts as the
 * transcript's document, `docText`).
 */
export function feedFrames(lib, frames, { receiver: options = DEFAULT_RECEIVER, docText, echo = true } = {}) {
  const receiver = new lib.Receiver(options);
  const session = { docText, doc: null };
  let messages = 0;
  for (const frame of frames) {
    let message = null;
    try {
      if (frame.kind === "binary") message = receiver.consumeBinary(frame.bytes);
      else message = receiver.consumeText(frame.asString ? Buffer.from(frame.bytes).toString("utf8") : frame.bytes);
    } catch (error) {
      expectTyped(lib, error, `Receiver.consume${frame.kind === "binary" ? "Binary" : "Text"}`);
      // a failed receiver must keep failing with a typed error
      try {
        receiver.consumeText("{}");
        throw new Finding("protocol", "the receiver accepted a frame after a protocol error");
      } catch (again) {
        expectTyped(lib, again, "Receiver after error");
      }
      return messages;
    }
    if (message !== null) {
      messages += 1;
      consumeMessage(lib, message, session, echo);
    }
  }
  return messages;
}

/** `session`: `{ docText, doc }` (or just the base document's JSON text). */
export function consumeMessage(lib, message, session, echo = true) {
  if (typeof session === "string") session = { docText: session, doc: null };
  const { header, content, buffers } = message;
  if (!lib.isMsgType(header.msgtype)) throw new Finding("protocol", `a message with msgtype ${JSON.stringify(header.msgtype)} was accepted`);
  if (buffers.size < (header.num_buffers ?? 0)) throw new Finding("protocol", `num_buffers ${header.num_buffers} but ${buffers.size} buffers`);
  if (typeof content !== "object" || content === null || Array.isArray(content)) throw new Finding("protocol", "content is not an object");

  // The generic deserializer on any content, resolving references against the base document.
  attempt(lib, "Decoder.decode(content)", () => new lib.Decoder({ models: readOnlyDocument(lib, session.docText)._modelFactory(), buffers }).decode(content));

  if (header.msgtype === "PULL-DOC-REPLY" || header.msgtype === "PUSH-DOC") {
    const result = attempt(lib, "Document.fromJSON", () => lib.Document.fromJSON(content.doc, buffers));
    if (result.ok) {
      checkDocument(lib, result.value, "received document");
      session.doc = result.value;
    }
  } else if (header.msgtype === "PATCH-DOC") {
    // the document to patch, and a copy of it for the forwarding check
    let doc = session.doc;
    let copy = null;
    if (doc === null) doc = baseDocument(lib, session.docText);
    else if (echo) copy = () => lib.Document.fromJSON(JSON.parse(JSON.stringify(session.doc.toJSON())));
    const before = copy === null ? null : copy();
    const events = [];
    const off = doc.onChange((event) => events.push(event));
    const applied = attempt(lib, "applyPatch", () => lib.applyPatch(doc, content, buffers, SETTER));
    off();
    session.doc = doc;
    checkDocument(lib, doc, applied.ok ? "after applyPatch" : "after a rejected applyPatch");
    if (applied.ok && echo) echoPatch(lib, doc, events, before ?? baseDocument(lib, session.docText));
  }
}

/** Forwarding an applied patch (as the server does) must reproduce the same document elsewhere. */
function echoPatch(lib, doc, events, copy) {
  // As a server forwarding to another client: the models the copy has are written as
  // references, the patch's new models in full.
  doc._resetSynced();
  doc._markSynced(doc.models.filter((model) => copy.getModelById(model.id) !== null));
  let serialized;
  let frames;
  try {
    serialized = lib.serializePatch(doc, events);
    frames = lib.messageFrames(lib.createMessage("PATCH-DOC", "echo", serialized.content, { buffers: serialized.buffers }));
  } catch (error) {
    throw new Finding("echo", `an applied patch cannot be serialized again (${describeError(error)})`, error);
  }
  const receiver = new lib.Receiver();
  let message = null;
  try {
    for (const f of frames) message = "binary" in f ? receiver.consumeBinary(f.binary) : receiver.consumeText(f.text);
    lib.applyPatch(copy, message.content, message.buffers, SETTER);
  } catch (error) {
    throw new Finding("echo", `the re-serialized patch is rejected (${describeError(error)})`, error);
  }
  const diff = compareDocuments(lib, doc, copy);
  if (diff !== null) throw differenceFinding("echo", "forwarding an applied patch gives a different document", diff);
}

// ---- mutation inputs ---------------------------------------------------------------------------

/**
 * The mutated input number `index` for `seed`: deterministic, so one input can
 * be regenerated from (seed, index) alone.
 */
export function mutationInput(corpus, seed, index) {
  const rng = new Rng(mix32(seed, 0x6d757461, index));
  const { transcripts, pool } = corpus;
  const withMessages = transcripts.filter((t) => t.messages.length > 0);
  let source;
  let frames;
  let docText;
  let docFrom;
  const mode = rng.weighted([[700, "message"], [150, "stream"], [100, "pair"], [40, "synthetic"], [10, "synthetic-big"]]);
  if (mode === "synthetic" || mode === "synthetic-big") {
    const syn = corpus.synthetic;
    const candidates = syn.messages.filter((m) => (mode === "synthetic-big") === (m.big === true));
    const m = rng.pick(candidates);
    source = `synthetic ${m.msgtype}`;
    frames = m.frames;
    docText = syn.docText;
    docFrom = "synthetic";
  } else {
    const t = rng.pick(withMessages);
    docText = t.docText;
    docFrom = t.name;
    if (mode === "stream") {
      const i = rng.int(t.streams.length);
      source = `${t.name} stream ${i}`;
      frames = t.streams[i];
    } else {
      const mi = rng.int(t.messages.length);
      frames = t.messages[mi].frames;
      source = `${t.name} message ${mi} (${t.messages[mi].msgtype})`;
      if (mode === "pair") {
        const other = rng.pick(withMessages);
        const oi = rng.int(other.messages.length);
        frames = [...frames, ...other.messages[oi].frames];
        source += ` + ${other.name} message ${oi}`;
      }
    }
  }
  const mutated = rng.chance(0.02) ? frames : mutateFrames(rng, frames, pool);
  const receiver = rng.chance(0.1)
    ? { maxMessageSize: rng.pick([0, 1, 64, 200, 1000, 5000, 100_000]), maxBuffers: rng.pick([0, 1, 2, 3]) }
    : DEFAULT_RECEIVER;
  return { source, docFrom, frames: mutated, receiver, docText };
}

/** Runs one mutation input; returns null or the Finding. */
export function runMutationInput(lib, input) {
  try {
    feedFrames(lib, input.frames, { receiver: input.receiver, docText: input.docText });
    return null;
  } catch (error) {
    return error instanceof Finding ? error : new Finding("harness", describeError(error), error);
  }
}

/** The base document text of a transcript name (or "synthetic"), for replaying recorded frames. */
export function docTextOf(corpus, name) {
  if (name === "synthetic") return corpus.synthetic.docText;
  return corpus.transcripts.find((t) => t.name === name)?.docText ?? corpus.transcripts[0].docText;
}
