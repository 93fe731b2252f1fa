/**
 * The fuzzing harness (scripts/fuzz/) run against the source (src/), and the
 * settings the CI suites share. scripts/fuzz.mjs runs the same harness against
 * dist/ for much longer: see docs/fuzzing.md.
 */
import * as content from "../../src/protocol/content.js";
import * as protocol from "../../src/protocol/index.js";
import * as serialization from "../../src/serialization/index.js";
import * as document from "../../src/document/index.js";
import * as errors from "../../src/util/errors.js";
import { addSyntheticMessages, loadCorpus, makeLib, type Corpus } from "../../scripts/fuzz/index.mjs";
import { FIXTURES } from "../helpers/transcripts.js";

export const lib = makeLib({ protocol, content, serialization, document, errors });

/** Seed of every suite (override with FUZZ_SEED to explore; failures print it with fast-check's counterexample). */
export const SEED = Number(process.env.FUZZ_SEED ?? 20251126);

/** Multiplies the CI case counts (FUZZ_SCALE=10 for a longer local run). */
export const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

export function runs(n: number): number {
  return Math.max(1, Math.round(n * SCALE));
}

/**
 * fast-check options: deterministic, and every one of the `numRuns` cases runs, however slow the
 * machine. A run that has not finished in 25 s (under the tests' 30 s timeout) (a hang, or shrinking a failure without end) fails
 * as interrupted, rather than passing quietly with fewer cases.
 */
export function fcOptions(numRuns: number): { seed: number; numRuns: number; interruptAfterTimeLimit: number; markInterruptAsFailure: true } {
  return { seed: SEED, numRuns: runs(numRuns), interruptAfterTimeLimit: 25_000, markInterruptAsFailure: true };
}

let corpus: Corpus | null = null;

/** Every recorded frame of test/fixtures/bokeh-3.7 plus the synthetic messages (large blobs, binary buffers). */
export function fuzzCorpus(): Corpus {
  corpus ??= addSyntheticMessages(lib, loadCorpus(FIXTURES));
  return corpus;
}
