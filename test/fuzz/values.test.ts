/**
 * Property: every value the serializer accepts comes back equal through
 * encode -> frames (messageFrames) -> Receiver -> decode, inline (base64),
 * binary (buffers as binary frames) and through the large-blob path
 * (Encoder({blobs}) + contentFrame, parseContent), and everything else is
 * rejected with a typed BokehError. See docs/fuzzing.md for the value mapping.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { asProperty, checkValueRoundTrip, junkCase, valuesCase } from "../../scripts/fuzz/index.mjs";
import { fcOptions, lib } from "./lib.js";

describe("fuzz: serializer round trips", () => {
  test("every accepted value round-trips (inline, binary, blob; text frames as strings and bytes)", () => {
    fc.assert(asProperty(valuesCase(lib)), fcOptions(2000));
  }, 30_000);

  test("large byte arrays (>= 48 KiB) round-trip through the content fast path", () => {
    fc.assert(asProperty(valuesCase(lib, { big: true })), fcOptions(20));
  }, 30_000);

  test("other values are rejected with a typed error, or round-trip exactly", () => {
    fc.assert(asProperty(junkCase(lib)), fcOptions(1000));
  }, 30_000);

  test("cycles through models are allowed, cycles in plain containers are a SerializationError", () => {
    const a = new lib.Model("A", {}, { id: "cyc-a" });
    const b = new lib.Model("B", { a }, { id: "cyc-b" });
    a.set("b", b);
    a.set("self", [a, { again: a }]);
    for (const mode of ["inline", "binary", "blob"] as const) expect(checkValueRoundTrip(lib, a, { mode })).toBe("accepted");

    const list: unknown[] = [1];
    list.push({ back: list });
    const holder = new lib.Model("Holder", {}, { id: "cyc-h" });
    const viaModel: unknown[] = [holder];
    holder.set("list", viaModel);
    for (const value of [list, viaModel]) {
      expect(() => new lib.Encoder().encode(value)).toThrow(lib.SerializationError);
      expect(checkValueRoundTrip(lib, value)).toBe("rejected");
    }
  });

  test("documented mapping: -0 becomes 0 in JSON, stays -0 inside typed arrays", () => {
    const decode = (value: unknown, binary: boolean): unknown => {
      const encoder = new lib.Encoder({ binary });
      const rep = JSON.parse(JSON.stringify(encoder.encode(value)));
      return new lib.Decoder({ models: { resolve: () => undefined, create: () => null, initialize: () => {} }, buffers: encoder.buffers }).decode(rep);
    };
    expect(Object.is(decode(-0, false), 0)).toBe(true);
    expect(Object.is((decode([-0], false) as number[])[0], 0)).toBe(true);
    for (const binary of [false, true]) expect(Object.is((decode(new Float64Array([-0]), binary) as Float64Array)[0], -0)).toBe(true);
  });
});
