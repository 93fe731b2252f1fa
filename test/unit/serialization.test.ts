import { describe, expect, test } from "vitest";
import { Decoder, type ModelFactory } from "../../src/serialization/decoder.js";
import { Encoder } from "../../src/serialization/encoder.js";
import { NDArray, ObjectValue, Slice } from "../../src/serialization/values.js";
import { Model } from "../../src/document/model.js";

function factory(known: Model[] = []): ModelFactory<Model> {
  const byId = new Map(known.map((m) => [m.id, m]));
  return {
    resolve: (id) => byId.get(id),
    create: (type, id) => Model.create(type, id),
    initialize: (m, attrs) => m.initializeFromWire(attrs),
  };
}

function roundTrip(value: unknown, binary = false): unknown {
  const encoder = new Encoder({ binary });
  const rep = JSON.parse(JSON.stringify(encoder.encode(value)));
  return new Decoder({ models: factory(), buffers: encoder.buffers }).decode(rep);
}

describe("encoder: every Bokeh value rep", () => {
  test.each([
    ["numbers", [1, 2.5, NaN, Infinity, -Infinity], [1, 2.5, { type: "number", value: "nan" }, { type: "number", value: "+inf" }, { type: "number", value: "-inf" }]],
    ["plain objects are maps", { a: 1 }, { type: "map", entries: [["a", 1]] }],
    ["empty map", {}, { type: "map" }],
    ["Maps with any keys", new Map<unknown, unknown>([[1, "x"]]), { type: "map", entries: [[1, "x"]] }],
    ["sets", new Set(["a"]), { type: "set", entries: ["a"] }],
    ["slices", new Slice({ start: 1, step: 2 }), { type: "slice", start: 1, stop: null, step: 2 }],
    ["structs keep their type", { type: "field", field: "x" }, { type: "field", field: "x" }],
    ["value struct with units", { type: "value", value: 1, units: "screen" }, { type: "value", value: 1, units: "screen" }],
    ["dates as milliseconds", new Date(1000), 1000],
    ["bytes inline", new Uint8Array([1, 2, 3]).buffer, { type: "bytes", data: "AQID" }],
    ["typed arrays as 1-d ndarrays", new Int32Array([1, -2]), { type: "ndarray", array: { type: "bytes", data: "AQAAAP7///8=" }, shape: [2], dtype: "int32", order: "little" }],
    ["n-d arrays", new NDArray(new Float32Array(4), [2, 2], "float32"), { type: "ndarray", array: { type: "bytes", data: "AAAAAAAAAAAAAAAAAAAAAA==" }, shape: [2, 2], dtype: "float32", order: "little" }],
    ["object-dtype arrays", new NDArray(["a", "b"], [2], "object"), { type: "ndarray", array: ["a", "b"], shape: [2], dtype: "object", order: "little" }],
    ["non-model objects", new ObjectValue("some.Struct", { a: 1 }), { type: "object", name: "some.Struct", attributes: { a: 1 } }],
  ])("%s", (_name, value, rep) => {
    expect(JSON.parse(JSON.stringify(new Encoder().encode(value)))).toEqual(rep);
  });

  test("models: in full once, then as references; known models as references", () => {
    const child = new Model("Child", { x: 1 });
    const known = new Model("Known");
    const parent = new Model("Parent", { a: child, b: child, c: known });
    const encoder = new Encoder({ isKnown: (m) => m === known });
    expect(encoder.encode(parent)).toEqual({
      type: "object",
      name: "Parent",
      id: parent.id,
      attributes: { a: { type: "object", name: "Child", id: child.id, attributes: { x: 1 } }, b: { id: child.id }, c: { id: known.id } },
    });
    expect(encoder.newModels).toEqual([parent, child]);
  });

  test("binary mode: array bytes become buffers referenced by id, views are sent without copying", () => {
    const big = new Float64Array(10).map((_, i) => i);
    const view = big.subarray(2, 5);
    const encoder = new Encoder({ binary: true });
    const rep = encoder.encode(view) as { array: { data: { id: string } } };
    const bytes = encoder.buffers.get(rep.array.data.id)!;
    expect(bytes.buffer).toBe(big.buffer);
    expect(Array.from(new Float64Array(bytes.slice().buffer))).toEqual([2, 3, 4]);
  });

  test("values with no Bokeh form are typed errors", () => {
    const circular: unknown[] = [];
    circular.push(circular);
    expect(() => new Encoder().encode(circular)).toThrow(expect.objectContaining({ code: "ERR_BOKEH_SERIALIZATION", message: "circular reference" }));
    expect(() => new Encoder().encode(() => 1)).toThrow(/can't serialize a value of type function/);
    expect(() => new Encoder().encode(Symbol("s"))).toThrow(/symbol/);
    expect(() => new Encoder().encode(new WeakMap())).toThrow(/can't serialize \[object WeakMap\]/);
  });
});

describe("decoder", () => {
  test("every value survives encode -> JSON -> decode, inline and as buffers", () => {
    const value = {
      n: [1, NaN, -Infinity],
      s: new Set([1, 2]),
      m: new Map<unknown, unknown>([[1, "a"]]),
      f: new Float64Array([1.5, NaN]),
      i: new Uint16Array([1, 65535]),
      nd: new NDArray(new Int8Array([1, 2, 3, 4, 5, 6]), [2, 3], "int8"),
      b: new NDArray(new Uint8Array([1, 0]), [2], "bool"),
      sl: new Slice({ stop: -1 }),
      st: { type: "expr", expr: 5 },
      o: new ObjectValue("x.Y", { z: [1] }),
      raw: new Uint8Array([9, 8]).buffer,
    };
    for (const binary of [false, true]) expect(roundTrip(value, binary)).toEqual(value);
  });

  test("big-endian arrays are byte-swapped; unaligned buffers are copied", () => {
    const be = { type: "ndarray", array: { type: "bytes", data: Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]).toString("base64") }, shape: [2], dtype: "int32", order: "big" };
    expect(Array.from(new Decoder({ models: factory() }).decode(be) as Int32Array)).toEqual([1, 2]);
    const backing = new Uint8Array(9);
    backing.set(new Uint8Array(new Float64Array([3.5]).buffer), 1);
    const decoded = new Decoder({ models: factory(), buffers: new Map([["b", backing.subarray(1)]]) }).decode({
      type: "ndarray",
      array: { type: "bytes", data: { id: "b" } },
      shape: [1],
      dtype: "float64",
      order: "little",
    });
    expect(Array.from(decoded as Float64Array)).toEqual([3.5]);
  });

  test("a full object rep for an id already known returns the known model (like Bokeh)", () => {
    const known = new Model("Div", { text: "mine" });
    const decoded = new Decoder({ models: factory([known]) }).decode({ type: "object", name: "Div", id: known.id, attributes: { text: "theirs" } });
    expect(decoded).toBe(known);
    expect(known.get("text")).toBe("mine");
  });

  test("references resolve to models defined earlier in the same value", () => {
    const [a, b] = new Decoder({ models: factory() }).decode([
      { type: "object", name: "Axis", id: "a1" },
      { type: "object", name: "Grid", id: "g1", attributes: { axis: { id: "a1" } } },
    ]) as Model[];
    expect(b!.get("axis")).toBe(a);
  });

  test("hostile input gives typed errors and never pollutes prototypes", () => {
    const decode = (rep: unknown) => new Decoder({ models: factory() }).decode(rep);
    expect(() => decode({ id: "nope" })).toThrow(expect.objectContaining({ code: "ERR_BOKEH_UNKNOWN_REFERENCE", id: "nope" }));
    expect(() => decode({ type: "who knows" })).toThrow(/unable to decode an object of type "who knows"/);
    expect(() => decode({ type: "number", value: "lots" })).toThrow(/invalid number/);
    expect(() => decode({ type: "ndarray", array: { type: "bytes", data: "AAA=" }, shape: [1], dtype: "float64", order: "little" })).toThrow(/not a whole number of float64/);
    expect(() => decode({ type: "ndarray", array: { type: "bytes", data: "AAAAAA==" }, shape: [3], dtype: "int32", order: "little" })).toThrow(/does not match/);
    expect(() => decode({ type: "ndarray", array: { type: "bytes", data: { id: "missing" } }, shape: [1], dtype: "uint8" })).toThrow(/can't resolve buffer 'missing'/);
    expect(() => decode({ type: "ndarray", array: { type: "bytes", data: "" }, shape: [0], dtype: "complex128" })).toThrow(/unsupported dtype/);
    expect(() => decode({ type: "map", entries: [[1]] })).toThrow(/not a \[key, value\] pair/);
    expect(() => decode({ type: "slice", start: "a", stop: null, step: null })).toThrow(/slice bound/);
    expect(() => decode({ type: "symbol", name: "x" })).toThrow(/named symbol/);
    const polluted = decode(JSON.parse('{"type":"map","entries":[["__proto__",{"type":"map","entries":[["hacked",1]]}]]}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).hacked).toBeUndefined();
    expect(Object.keys(polluted)).toEqual(["__proto__"]);
    const plain = decode(JSON.parse('{"__proto__": {"hacked": 1}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).hacked).toBeUndefined();
    expect(Object.keys(plain)).toEqual(["__proto__"]);
  });
});
