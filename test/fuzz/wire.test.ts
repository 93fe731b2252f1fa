/**
 * Grammar-based fuzzing of what a peer can send:
 * - decoder: generated wire reps (valid and not) either are rejected with a
 *   typed error, or decode to a value that the encoder accepts and that
 *   round-trips;
 * - PATCH-DOC: generated events against the documents of the recorded
 *   transcripts, fed through frames to a Receiver and applyPatch: typed errors
 *   only, no prototype pollution, the document stays writable and stable, and
 *   forwarding the applied patch (serializePatch) reproduces the same document.
 */
import fc from "fast-check";
import { afterEach, describe, expect, test } from "vitest";
import { asProperty, patchesCase, PollutionGuard, wireCase } from "../../scripts/fuzz/index.mjs";
import { fcOptions, fuzzCorpus, lib } from "./lib.js";

const guard = new PollutionGuard();
afterEach(() => {
  expect(guard.check(true)).toBeNull();
});

describe("fuzz: wire reps and patches", () => {
  test("decoder: typed rejection, or a value that round-trips", () => {
    fc.assert(asProperty(wireCase(lib)), fcOptions(5000));
  }, 30_000);

  const corpus = fuzzCorpus();
  const docs = new Map<string, string>();
  for (const name of ["c04_server_ColumnDataChanged", "c10_server_ColumnsPatched_slice", "d02_client_data_replace", "b_push_session"]) {
    const t = corpus.transcripts.find((x) => x.name === name);
    if (t !== undefined) docs.set(name, t.docText);
  }
  docs.set("synthetic", corpus.synthetic?.docText ?? "");

  test.each([...docs.keys()])("PATCH-DOC events against the document of %s", (name) => {
    fc.assert(asProperty(patchesCase(lib, docs.get(name) as string)), fcOptions(400));
  }, 30_000);
});
