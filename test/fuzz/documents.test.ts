/**
 * Property: any document round-trips, through its JSON
 * (Document.fromJSON(JSON.parse(JSON.stringify(doc.toJSON())))) and through a
 * PUSH-DOC message (documentContent -> messageFrames -> Receiver -> fromJSON):
 * same title, roots, model ids, types, attributes, shared references and cycles.
 */
import fc from "fast-check";
import { describe, test } from "vitest";
import { asProperty, documentsCase } from "../../scripts/fuzz/index.mjs";
import { fcOptions, lib } from "./lib.js";

describe("fuzz: document round trips", () => {
  test("documents round-trip through JSON and through PUSH-DOC frames", () => {
    fc.assert(asProperty(documentsCase(lib)), fcOptions(600));
  }, 30_000);

  test("documents with large arrays round-trip (content frames >= 256 KiB: parseContent's fast path)", () => {
    fc.assert(asProperty(documentsCase(lib, { big: true })), fcOptions(10));
  }, 30_000);
});
