/**
 * Mutation fuzzing (short CI budget; scripts/fuzz.mjs runs the same inputs by
 * the million): recorded Bokeh 3.7 frames, both directions, mutated (frames
 * dropped/duplicated/spliced, text<->binary, bit flips, truncation, corrupted
 * JSON, huge numbers, deep nesting, long strings, duplicated and `__proto__`
 * keys, changed num_buffers...) and fed to a fresh Receiver, complete messages
 * to the decoder, Document.fromJSON and applyPatch on the transcript's document.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, test } from "vitest";
import { mutationInput, PollutionGuard, runMutationInput, toBase64 } from "../../scripts/fuzz/index.mjs";
import { fuzzCorpus, lib, runs, SEED } from "./lib.js";

const INPUTS = runs(20_000);
const BUDGET_MS = 2_000; // per input
const HEAP_GROWTH = 128 * 1024 * 1024; // retained (measured after a full GC) over the whole run

// Bounded memory is about what stays reachable, so the heap is measured after a full
// GC (garbage from one large input is not growth). vitest's workers run without
// --expose-gc; this turns it on for this worker only.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
function retainedHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

describe("fuzz: mutated recorded frames", () => {
  test(`${INPUTS} mutated inputs: typed errors only, no hang, bounded memory, no prototype pollution`, () => {
    const corpus = fuzzCorpus();
    const guard = new PollutionGuard();
    const findings: string[] = [];
    const heapBefore = retainedHeap();
    let peakHeap = heapBefore;
    for (let index = 0; index < INPUTS; index++) {
      const input = mutationInput(corpus, SEED, index);
      const started = performance.now();
      const finding = runMutationInput(lib, input);
      const took = performance.now() - started;
      const pollution = guard.check(index % 50 === 0);
      const problem = finding?.message ?? (pollution !== null ? `prototype pollution: ${pollution}` : took > BUDGET_MS ? `took ${Math.round(took)} ms` : null);
      if (index % 2000 === 0) peakHeap = Math.max(peakHeap, retainedHeap());
      if (problem === null) continue;
      const frames = JSON.stringify(input.frames.map((f) => ({ kind: f.kind, ...(f.asString === true ? { asString: true } : {}), base64: toBase64(f.bytes) })));
      findings.push(
        `input ${index} (seed ${SEED}; node scripts/fuzz.mjs --seed ${SEED} --job <n> replays the CLI's inputs): ${input.source}\n  ${problem}\n  frames: ${frames.length > 600 ? `${frames.slice(0, 600)}…` : frames}`,
      );
      if (findings.length >= 10) break;
    }
    peakHeap = Math.max(peakHeap, retainedHeap());
    const leftover = guard.check(true);
    if (leftover !== null) findings.push(`prototype pollution: ${leftover}`);
    expect(peakHeap - heapBefore).toBeLessThan(HEAP_GROWTH);
    expect(findings, findings.join("\n\n")).toEqual([]);
  }, 30_000);
});
