/**
 * fast-check arbitraries for the serializer's values (JS side), for values it
 * must reject, for documents, for wire reps (decoder side) and for PATCH-DOC
 * events, all built from the library's own classes (`lib`).
 */
import fc from "fast-check";

export const BLOB_MIN = 48 * 1024;

const TYPED = [Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array];
const DTYPE = new Map([
  [Float64Array, "float64"], [Float32Array, "float32"], [Int32Array, "int32"], [Uint32Array, "uint32"],
  [Int16Array, "int16"], [Uint16Array, "uint16"], [Int8Array, "int8"], [Uint8Array, "uint8"],
]);
const SPECIAL_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "0", "1", "10", "-1", "", "id", "type", "length", "polluted"];

/** Sets an own property, `__proto__` included. */
export function own(target, key, value) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

export function objectFrom(entries, proto = Object.prototype) {
  const out = Object.create(proto);
  for (const [k, v] of entries) own(out, k, v);
  return out;
}

export const keyArb = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
);

export const stringArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }), // any code point, lone surrogates excluded
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.string({ unit: fc.constantFrom("\u0000", "\\", '"', "\ud800", "\udfff", "é", "\u2028", "\u{1F600}"), maxLength: 6 }),
  fc.constantFrom("__proto__", "constructor", "nan", "+inf", "\u0000inline:0", '{"type":"bytes","data":"'),
);

export const numberArb = fc.oneof(
  fc.double(), // includes NaN, ±Infinity, -0, subnormals
  fc.integer(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 2 ** 53 + 2, -(2 ** 31), 2 ** 32),
);

export const scalarArb = fc.oneof(numberArb, stringArb, fc.boolean(), fc.constant(null));

/** Typed arrays of every dtype, half of them views at a non-zero byteOffset of a larger buffer. */
export const typedArrayArb = fc
  .tuple(fc.constantFrom(...TYPED), fc.nat({ max: 3 }), fc.nat({ max: 3 }), fc.uint8Array({ maxLength: 40 }))
  .map(([C, before, after, bytes]) => {
    const size = C.BYTES_PER_ELEMENT;
    const n = Math.floor(bytes.length / size);
    const buffer = new ArrayBuffer((before + n + after) * size);
    new Uint8Array(buffer).fill(0xa5);
    new Uint8Array(buffer, before * size, n * size).set(bytes.subarray(0, n * size));
    return new C(buffer, before * size, n);
  });

/** Large byte arrays (>= 48 KiB: the blob path), filled cheaply from a seed. */
export const bigTypedArrayArb = fc
  .tuple(fc.constantFrom(Uint8Array, Float64Array, Int16Array), fc.integer({ min: BLOB_MIN, max: 300 * 1024 }), fc.integer(), fc.boolean())
  .map(([C, bytes, seed, offset]) => {
    const size = C.BYTES_PER_ELEMENT;
    const n = Math.ceil(bytes / size);
    const buffer = new ArrayBuffer((n + (offset ? 1 : 0)) * size);
    const view = new Uint8Array(buffer);
    let x = seed | 1;
    for (let i = 0; i < view.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      view[i] = x & 0xff;
    }
    return new C(buffer, offset ? size : 0, n);
  });

export const arrayBufferArb = fc.uint8Array({ maxLength: 24 }).map((b) => b.slice().buffer);

const shapeArb = fc.array(fc.nat({ max: 3 }), { minLength: 2, maxLength: 4 });

/** NDArrays consistent with their shape and dtype: n-d numeric, bool, object lists. */
export function ndArrayArb(lib, item) {
  const numeric = fc.tuple(fc.constantFrom(...TYPED), shapeArb, fc.uint8Array({ minLength: 0, maxLength: 8 * 81 })).map(([C, shape, bytes]) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const array = new C(count);
    const raw = new Uint8Array(array.buffer);
    raw.set(bytes.subarray(0, raw.length));
    return new lib.NDArray(array, shape, DTYPE.get(C));
  });
  const oneD = fc.tuple(fc.constantFrom(...TYPED), fc.nat({ max: 6 })).map(([C, n]) => new lib.NDArray(new C(n).map((_, i) => i * 3 - 2), [n], DTYPE.get(C)));
  const bool = fc.array(fc.boolean(), { maxLength: 9 }).chain((bits) =>
    fc.constantFrom([bits.length], ...(bits.length === 6 ? [[2, 3], [3, 2]] : [])).map((shape) => new lib.NDArray(Uint8Array.from(bits, Number), shape, "bool")),
  );
  const objects = fc.array(item, { maxLength: 4 }).map((list) => new lib.NDArray(list, [list.length], "object"));
  return fc.oneof(numeric, oneD, bool, objects);
}

export function sliceArb(lib) {
  const bound = fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null });
  const step = fc.option(fc.integer({ min: -5, max: 5 }).filter((n) => n !== 0), { nil: null });
  return fc.record({ start: bound, stop: bound, step }).map((s) => new lib.Slice(s));
}

/** Placeholder for "the k-th model of this value's model graph", resolved after generation. */
class ModelRef {
  constructor(k) {
    this.k = k;
  }
}

function plainObjectArb(value, { nullProto = fc.boolean() } = {}) {
  return fc.tuple(fc.array(fc.tuple(keyArb, value), { maxLength: 4 }), nullProto).map(([entries, np]) => objectFrom(entries, np ? null : Object.prototype));
}

/**
 * Values the serializer accepts: scalars, nested arrays, plain objects (maps),
 * Maps with number/string keys, Sets, typed arrays, NDArrays, ArrayBuffers,
 * Slices, structs, ObjectValues, Dates, bigints, and models (`withModels`).
 */
export function valueArb(lib, { withModels = false, big = false, maxDepth = 4 } = {}) {
  const { tree } = fc.letrec((tie) => {
    const leaves = [
      { weight: 8, arbitrary: scalarArb },
      { weight: 3, arbitrary: typedArrayArb },
      { weight: 1, arbitrary: arrayBufferArb },
      { weight: 1, arbitrary: sliceArb(lib) },
      { weight: 1, arbitrary: fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms)) },
      { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }) },
    ];
    if (withModels) leaves.push({ weight: 4, arbitrary: fc.nat({ max: 7 }).map((k) => new ModelRef(k)) });
    if (big) leaves.push({ weight: 1, arbitrary: bigTypedArrayArb });
    return {
      tree: fc.oneof(
        { depthSize: "small", maxDepth },
        ...leaves,
        { weight: 3, arbitrary: fc.array(tie("tree"), { maxLength: 5 }) },
        { weight: 2, arbitrary: plainObjectArb(tie("tree")) },
        { weight: 1, arbitrary: fc.array(fc.tuple(fc.oneof(numberArb, stringArb), tie("tree")), { maxLength: 4 }).map((e) => new Map(e)) },
        { weight: 1, arbitrary: fc.array(tie("tree"), { maxLength: 4 }).map((items) => new Set(items)) },
        { weight: 1, arbitrary: ndArrayArb(lib, scalarArb) },
        {
          weight: 1,
          arbitrary: fc.oneof(
            fc.record({ type: fc.constant("field"), field: stringArb }),
            fc.record({ type: fc.constant("field"), field: stringArb, transform: tie("tree") }),
            fc.record({ type: fc.constant("value"), value: tie("tree") }),
            fc.record({ type: fc.constant("value"), value: tie("tree"), units: fc.constantFrom("screen", "data") }),
            fc.record({ type: fc.constant("expr"), expr: tie("tree") }),
          ),
        },
        { weight: 1, arbitrary: fc.tuple(stringArb, fc.array(fc.tuple(keyArb, tie("tree")), { maxLength: 3 })).map(([name, e]) => new lib.ObjectValue(name, objectFrom(e))) },
      ),
    };
  });
  return tree;
}

/** Replaces ModelRef placeholders in place (values are freshly generated trees). */
function resolveRefs(lib, value, models) {
  const walk = (v) => {
    if (v instanceof ModelRef) return models[v.k % models.length];
    if (typeof v !== "object" || v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Date || v instanceof lib.Slice || v instanceof lib.Model) return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      return v;
    }
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [walk(k), walk(x)]));
    if (v instanceof Set) return new Set([...v].map(walk));
    if (v instanceof lib.NDArray) return Array.isArray(v.array) ? new lib.NDArray(walk(v.array), v.shape, v.dtype) : v;
    if (v instanceof lib.ObjectValue) return new lib.ObjectValue(v.name, walk(v.attributes));
    for (const key of Object.keys(v)) own(v, key, walk(v[key]));
    return v;
  };
  return walk(value);
}

const TYPE_NAMES = fc.constantFrom("Plot", "Range1d", "GlyphRenderer", "Div", "fuzz.Thing", "Ünïcode", "toString", "__proto__", "constructor");
// "id" and "type" are not attributes (Model.set refuses them).
const ATTR_NAMES = fc.oneof(fc.constantFrom("name", "x", "y", "renderers", "data", "tags", "__proto__", "constructor", "0", "1", "10", "-1", ""), fc.string({ maxLength: 5 })).filter((n) => n !== "id" && n !== "type");

let graphs = 0;

function graphSpecArb(lib, options) {
  const value = valueArb(lib, { withModels: true, ...options });
  return fc.record({
    models: fc.array(fc.record({ type: TYPE_NAMES, attributes: fc.array(fc.tuple(ATTR_NAMES, value), { maxLength: 4 }) }), { minLength: 1, maxLength: 6 }),
    value,
  });
}

// Builds fresh models (unique ids) for a spec. Values of the spec are copied first
// (resolveRefs rebuilds containers), so a spec can be built any number of times.
function buildGraph(lib, spec) {
  graphs += 1;
  const models = spec.models.map((s, i) => new lib.Model(s.type, {}, { id: `fz${graphs}-${i}` }));
  spec.models.forEach((s, i) => {
    for (const [name, v] of s.attributes) models[i].set(name, resolveRefs(lib, structuredCopy(v), models));
  });
  return { models, value: resolveRefs(lib, structuredCopy(spec.value), models) };
}

// A copy of a generated value tree (containers only; leaves shared).
function structuredCopy(v) {
  if (typeof v !== "object" || v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof Date || v instanceof ModelRef) return v;
  if (Array.isArray(v)) return v.map(structuredCopy);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, structuredCopy(x)]));
  if (v instanceof Set) return new Set([...v].map(structuredCopy));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    if (Array.isArray(v.array)) return new v.constructor(v.array.map(structuredCopy), v.shape, v.dtype); // NDArray of objects
    if (typeof v.name === "string" && typeof v.attributes === "object") return new v.constructor(v.name, structuredCopy(v.attributes)); // ObjectValue
    return v;
  }
  return objectFrom(Object.keys(v).map((k) => [k, structuredCopy(v[k])]), proto);
}

/**
 * A graph of 1..6 generic models with unique ids whose attributes hold values
 * with references to each other (shared references and cycles through models),
 * attributes set one by one in random order; plus `value` built on them.
 */
export function modelGraphArb(lib, options = {}) {
  return graphSpecArb(lib, options).map((spec) => buildGraph(lib, spec));
}

/** Documents: 1..3 roots taken from a model graph, a title. */
export function documentArb(lib, options = {}) {
  return fc.tuple(graphSpecArb(lib, options), fc.nat(), fc.nat({ max: 2 }), stringArb).map(([spec, first, extra, title]) => {
    const graph = buildGraph(lib, spec);
    const roots = [];
    for (let i = 0; i <= extra; i++) {
      const m = graph.models[(first + i) % graph.models.length];
      if (!roots.includes(m)) roots.push(m);
    }
    const doc = new lib.Document({ roots });
    doc.title = title;
    return doc;
  });
}

// ---- values the serializer must reject (or round-trip) --------------------------------------

function cyclic(lib, kind) {
  switch (kind) {
    case "array": {
      const a = [1];
      a.push(a);
      return a;
    }
    case "object": {
      const o = { a: 1 };
      o.self = { back: o };
      return o;
    }
    case "map": {
      const m = new Map();
      m.set(1, m);
      return m;
    }
    case "set": {
      const s = new Set();
      s.add([s]);
      return s;
    }
    case "ndarray": {
      const list = [];
      const nd = new lib.NDArray(list, [1], "object");
      list.push(nd);
      return nd;
    }
    case "objectvalue": {
      const attrs = {};
      const ov = new lib.ObjectValue("X", attrs);
      attrs.me = ov;
      return ov;
    }
    case "struct": {
      const s = { type: "value", value: null };
      s.value = [s];
      return s;
    }
    default: { // through a model AND a plain container: still a container cycle
      const list = [];
      const m = new lib.Model("Holder", {}, { id: `fz-cyc-${graphs++}` });
      m.set("list", list);
      list.push(m);
      return list;
    }
  }
}

/** Things with no Bokeh representation, or shapes the encoder might not check. */
export function junkArb(lib) {
  const atom = fc.oneof(
    fc.constantFrom(
      undefined,
      Symbol("s"),
      () => 1,
      new Uint8ClampedArray(2),
      new BigInt64Array(1),
      new BigUint64Array(1),
      new DataView(new ArrayBuffer(2)),
      new WeakMap(),
      /re/,
      new Error("e"),
      Promise.resolve(1),
      new (class Custom {})(),
      new Date(Number.NaN),
      Object.create({ inherited: 1 }),
      new lib.Document(),
    ),
    fc.constantFrom("array", "object", "map", "set", "ndarray", "objectvalue", "struct", "model").map((k) => cyclic(lib, k)),
    // NDArrays and Slices whose parts disagree: the encoder should refuse them or they must round-trip
    fc.tuple(fc.constantFrom(...TYPED), fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }), fc.constantFrom("float64", "int8", "bool", "object", "uint16", "nope"), fc.nat({ max: 8 })).map(
      ([C, shape, dtype, n]) => new lib.NDArray(new C(n), shape, dtype),
    ),
    fc.record({ start: fc.option(fc.double(), { nil: null }), stop: fc.option(fc.double(), { nil: null }), step: fc.option(fc.double().filter((x) => x !== 0), { nil: null }) }).map((s) => new lib.Slice(s)),
    fc.constantFrom(...[1.5, NaN, Infinity].map((v) => new lib.Slice({ start: v }))),
  );
  // embedded in an otherwise valid value
  return fc.tuple(atom, valueArb(lib, { maxDepth: 2 }), fc.nat({ max: 4 })).map(([bad, ok, where]) => {
    switch (where) {
      case 0:
        return bad;
      case 1:
        return [ok, bad];
      case 2:
        return new Map([["k", bad]]);
      case 3:
        return new Set([ok, bad]);
      default:
        return { type: "value", value: bad };
    }
  });
}

// ---- wire reps (decoder input) ------------------------------------------------------------------

const WIRE_TYPES = ["ref", "number", "array", "set", "map", "struct", "bytes", "slice", "typed_array", "ndarray", "object", "date", "symbol", "value", "field", "expr", "event", "nope"];
const DTYPES = ["uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64", "bool", "object", "float16", "__proto__"];

const wireNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1, 2, 3, 1e21, 1e308, -1e308, 2 ** 53 + 2, 4294967296, 1.5, 1e9),
);
const wireScalar = fc.oneof(wireNumber, stringArb, fc.boolean(), fc.constant(null));

function base64Arb() {
  return fc.oneof(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString("base64")), fc.constantFrom("", "A", "AA", "!!!!", "AAA=", "=", "\u00e9\u00e9"));
}

/** Decoder inputs: Bokeh reps, well-formed and not, referencing `ids` and `bufferIds`. */
export function wireArb({ ids = [], bufferIds = [], maxDepth = 4 } = {}) {
  const idArb = fc.oneof(fc.constantFrom(...ids, "fz-new-1", "fz-new-2", "__proto__", "constructor", ""), stringArb);
  const bufferId = fc.oneof(fc.constantFrom(...bufferIds, "nope", "__proto__", "\u0000inline:0"), stringArb);
  const anyJunk = fc.oneof(wireScalar, fc.constant([]), fc.constant({}));
  const { rep } = fc.letrec((tie) => {
    const bytesRep = fc.oneof(
      fc.record({ type: fc.constant("bytes"), data: base64Arb() }),
      fc.record({ type: fc.constant("bytes"), data: fc.record({ id: bufferId }) }),
      fc.record({ type: fc.constantFrom("bytes", "nope"), data: anyJunk }),
    );
    const list = fc.array(tie("rep"), { maxLength: 4 });
    const dict = fc.array(fc.tuple(keyArb, tie("rep")), { maxLength: 4 }).map((e) => objectFrom(e));
    const slicePart = fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 5 }), wireNumber, anyJunk, fc.record({ type: fc.constant("number"), value: fc.constantFrom("nan", "+inf", 3) }));
    return {
      rep: fc.oneof(
        { depthSize: "small", maxDepth },
        { weight: 6, arbitrary: wireScalar },
        { weight: 2, arbitrary: list },
        { weight: 2, arbitrary: dict },
        { weight: 1, arbitrary: fc.record({ type: fc.constant("number"), value: fc.oneof(fc.constantFrom("nan", "+inf", "-inf", "inf", null), wireNumber) }) },
        { weight: 2, arbitrary: fc.record({ type: fc.constantFrom("array", "set"), entries: fc.oneof(list, anyJunk) }, { requiredKeys: ["type"] }) },
        { weight: 2, arbitrary: fc.record({ type: fc.constantFrom("map", "struct"), entries: fc.oneof(fc.array(fc.oneof(fc.tuple(tie("rep"), tie("rep")), anyJunk), { maxLength: 4 }), anyJunk) }, { requiredKeys: ["type"] }) },
        { weight: 1, arbitrary: fc.record({ type: fc.constant("map"), entries: fc.array(fc.tuple(fc.constantFrom("__proto__", "constructor", "toString", "0", "a"), tie("rep")), { maxLength: 3 }) }) },
        { weight: 2, arbitrary: bytesRep },
        { weight: 2, arbitrary: fc.record({ type: fc.constant("slice"), start: slicePart, stop: slicePart, step: slicePart }, { requiredKeys: ["type"] }) },
        { weight: 2, arbitrary: fc.record({ type: fc.constant("typed_array"), array: fc.oneof(bytesRep, anyJunk), dtype: fc.constantFrom(...DTYPES), order: fc.constantFrom("little", "big", "middle") }, { requiredKeys: ["type", "array", "dtype"] }) },
        {
          weight: 2,
          arbitrary: fc.record(
            {
              type: fc.constant("ndarray"),
              array: fc.oneof(bytesRep, list, fc.record({ type: fc.constant("array"), entries: list })),
              shape: fc.oneof(fc.array(fc.oneof(fc.nat({ max: 4 }), fc.constantFrom(-1, 1.5, 1e9, 2 ** 53)), { maxLength: 3 }), anyJunk),
              dtype: fc.constantFrom(...DTYPES),
              order: fc.constantFrom("little", "big"),
            },
            { requiredKeys: ["type", "array", "shape"] },
          ),
        },
        { weight: 3, arbitrary: fc.record({ type: fc.constant("object"), name: fc.oneof(fc.constantFrom("Plot", "ColumnDataSource", "", "__proto__", "toString"), stringArb, anyJunk), id: idArb, attributes: fc.oneof(dict, anyJunk) }, { requiredKeys: ["type", "name"] }) },
        { weight: 2, arbitrary: fc.oneof(fc.record({ type: fc.constant("ref"), id: fc.oneof(idArb, anyJunk) }), fc.record({ id: idArb })) },
        { weight: 1, arbitrary: fc.record({ type: fc.constantFrom("date", "symbol"), iso: fc.oneof(stringArb, fc.constantFrom("2020-01-01T00:00:00Z")), name: stringArb }) },
        { weight: 2, arbitrary: fc.tuple(fc.constantFrom("value", "field", "expr", "event"), dict).map(([type, d]) => own(d, "type", type)) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...WIRE_TYPES), dict).map(([type, d]) => own(d, "type", type)) },
      ),
    };
  });
  return rep;
}

/** Buffers for wire reps: ids -> bytes of assorted lengths (some not a multiple of 2/4/8). */
export const buffersArb = fc.array(fc.tuple(fc.constantFrom("b0", "b1", "b2", "b3"), fc.uint8Array({ maxLength: 33 })), { maxLength: 4 }).map((entries) => new Map(entries));

/** PATCH-DOC content against a document described by `info` (model ids, attribute and column names). */
export function patchArb(info) {
  const ids = info.models.map((m) => m.id);
  const attrs = [...new Set(info.models.flatMap((m) => m.attrs))];
  const withData = info.models.filter((m) => m.attrs.includes("data")).map((m) => m.id);
  const columns = info.columns.length > 0 ? info.columns : ["x"];
  const rep = wireArb({ ids, bufferIds: ["b0", "b1", "b2", "b3"], maxDepth: 3 });
  const ref = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ids).map((id) => ({ id })) }, { weight: 1, arbitrary: rep });
  const attr = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...attrs, "data") }, { weight: 1, arbitrary: fc.constantFrom("id", "type", "__proto__", "constructor", "") });
  // column events mostly on models that hold columns (ColumnDataSource.data)
  const sourceRef = withData.length === 0 ? ref : fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...withData).map((id) => ({ id })) }, { weight: 1, arbitrary: ref });
  const dataAttr = fc.oneof({ weight: 4, arbitrary: fc.constant("data") }, { weight: 1, arbitrary: attr });
  const column = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...columns) }, { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "new", "0") });
  const columnValue = fc.oneof(
    fc.array(wireScalar, { maxLength: 4 }),
    fc.record({ type: fc.constant("ndarray"), array: fc.record({ type: fc.constant("bytes"), data: fc.constantFrom("AAAAAAAA8D8=", "AAAAAAAAAAAAAAAAAAAAAA==", "AQIDBA==") }), shape: fc.constantFrom([1], [2], [4], [2, 2]), dtype: fc.constantFrom("float64", "int32", "uint8", "float32") }),
    fc.record({ type: fc.constant("ndarray"), array: fc.array(wireScalar, { maxLength: 4 }), shape: fc.constantFrom([0], [2], [2, 2], [3, 1], [1e6], [2 ** 40]), dtype: fc.constantFrom("object", "float64") }),
    rep,
  );
  const columnMap = fc.array(fc.tuple(column, columnValue), { maxLength: 3 }).map((entries) => ({ type: "map", entries }));
  const index = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -4, max: 6 }) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant("slice"), start: fc.option(fc.integer({ min: -4, max: 6 })), stop: fc.option(fc.integer({ min: -4, max: 8 })), step: fc.option(fc.integer({ min: -2, max: 3 })) }) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.record({ type: fc.constant("slice"), start: fc.constant(null), stop: fc.constant(null), step: fc.constant(null) })) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -1, max: 2 }), fc.integer({ min: -1, max: 2 })) },
    { weight: 1, arbitrary: rep },
  );
  const patchList = fc.oneof({ weight: 6, arbitrary: fc.array(fc.tuple(index, columnValue), { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: rep });
  const patches = fc.array(fc.tuple(column, patchList), { minLength: 1, maxLength: 3 }).map((entries) => ({ type: "map", entries }));
  const event = fc.oneof(
    fc.record({ kind: fc.constant("ModelChanged"), model: ref, attr, new: rep }, { requiredKeys: ["kind", "model", "attr"] }),
    fc.record({ kind: fc.constant("ColumnDataChanged"), model: sourceRef, attr: dataAttr, data: columnMap, cols: fc.oneof(fc.constant(null), fc.array(column, { maxLength: 3 })) }, { requiredKeys: ["kind", "model", "attr", "data"] }),
    fc.record({ kind: fc.constant("ColumnsStreamed"), model: sourceRef, attr: dataAttr, data: columnMap, rollover: fc.oneof(fc.constant(null), fc.nat({ max: 6 }), fc.constantFrom(-1, 1.5, 1e9)) }, { requiredKeys: ["kind", "model", "attr", "data"] }),
    fc.record({ kind: fc.constant("ColumnsPatched"), model: sourceRef, attr: dataAttr, patches }),
    fc.record({ kind: fc.constantFrom("RootAdded", "RootRemoved"), model: fc.oneof(ref, rep) }),
    fc.record({ kind: fc.constant("TitleChanged"), title: fc.oneof(stringArb, wireScalar) }),
    fc.record({ kind: fc.constant("MessageSent"), msg_type: fc.oneof(fc.constant("bokeh_event"), stringArb), msg_data: rep }),
  );
  // Set a column, then stream into it or patch it, in the same patch.
  const setThenChange = fc
    .tuple(sourceRef, dataAttr, column, columnValue, fc.oneof(fc.constant(null), fc.constant(["x"])), fc.boolean(), fc.array(fc.tuple(index, columnValue), { minLength: 1, maxLength: 2 }), columnValue)
    .map(([model, attr, name, value, cols, stream, list, rows]) => [
      { kind: "ColumnDataChanged", model, attr, data: { type: "map", entries: [[name, value]] }, cols: cols === null ? null : [name] },
      stream ? { kind: "ColumnsStreamed", model, attr, data: { type: "map", entries: [[name, rows]] }, rollover: null } : { kind: "ColumnsPatched", model, attr, patches: { type: "map", entries: [[name, list]] } },
    ]);
  // Later column events often target the model and attribute of an earlier one.
  const events = fc
    .tuple(fc.array(fc.oneof({ weight: 5, arbitrary: event.map((e) => [e]) }, { weight: 1, arbitrary: setThenChange }), { minLength: 1, maxLength: 3 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }))
    .map(([groups, follow]) => {
      const list = groups.flat();
      return list.map((e, i) => {
        const previous = list[i - 1];
        if (i === 0 || !follow[i % 6] || !("attr" in e) || previous === undefined || !("attr" in previous)) return e;
        return { ...e, model: previous.model, attr: previous.attr };
      });
    });
  return fc.record({ events, buffers: buffersArb });
}

/** Model ids, attribute names and column names of a document JSON (for patchArb). */
export function describeDocJson(docJson) {
  const models = [];
  const columns = new Set();
  const walk = (v) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== "object" || v === null) return;
    if (v.type === "object" && typeof v.id === "string") {
      const attrs = typeof v.attributes === "object" && v.attributes !== null ? Object.keys(v.attributes) : [];
      models.push({ id: v.id, type: v.name, attrs });
      const data = v.attributes?.data;
      if (data?.type === "map" && Array.isArray(data.entries)) for (const [k] of data.entries) if (typeof k === "string") columns.add(k);
    }
    Object.values(v).forEach(walk);
  };
  walk(docJson.roots);
  return { models, columns: [...columns] };
}
