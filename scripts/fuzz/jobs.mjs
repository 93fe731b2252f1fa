/**
 * The fuzzing schedule: an endless, deterministic sequence of jobs. Job `j` of
 * seed `s` is either one mutation input or a batch of property cases
 * (fc.check with a seed derived from s and j), so any finding is reproduced by
 * `node scripts/fuzz.mjs --seed s --job j`.
 */
import fc from "fast-check";
import { describeError, errorSignature, Finding, mix32, pollutionFinding, PollutionGuard, toBase64 } from "./core.mjs";
import { mutationInput, runMutationInput } from "./harness.mjs";
import { documentsCase, junkCase, patchesCase, valuesCase, wireCase } from "./properties.mjs";

/** Property batches: name -> cases per job. Their slots in every cycle of 100 jobs: */
export const PROPERTY_BATCHES = {
  values: 20,
  junk: 20,
  documents: 8,
  wire: 40,
  patches: 25,
  "values-big": 2,
  "documents-big": 1,
};
const SLOTS = ["values", "junk", "documents", "wire", "patches", "patches", "wire"];

export function jobKind(job) {
  const slot = job % 100;
  if (slot < SLOTS.length) return SLOTS[slot];
  if (slot === SLOTS.length && job % 2000 === SLOTS.length) return "values-big";
  if (slot === SLOTS.length + 1 && job % 2000 === SLOTS.length + 1) return "documents-big";
  return "mutation";
}

/** What a worker needs: the library, the corpus, the documents patches are generated for. */
export function createContext(lib, corpus) {
  const patchDocs = [...new Set(corpus.transcripts.map((t) => t.docText)), corpus.synthetic.docText];
  return { lib, corpus, patchDocs, guard: new PollutionGuard(), properties: new Map(), seen: new Set() };
}

function propertyCase(ctx, kind, job) {
  const { lib } = ctx;
  const key = kind === "patches" ? `patches:${job % ctx.patchDocs.length}` : kind;
  let p = ctx.properties.get(key);
  if (p === undefined) {
    switch (kind) {
      case "values":
        p = valuesCase(lib);
        break;
      case "values-big":
        p = valuesCase(lib, { big: true });
        break;
      case "junk":
        p = junkCase(lib);
        break;
      case "documents":
        p = documentsCase(lib);
        break;
      case "documents-big":
        p = documentsCase(lib, { big: true });
        break;
      case "wire":
        p = wireCase(lib);
        break;
      default:
        p = patchesCase(lib, ctx.patchDocs[job % ctx.patchDocs.length]);
    }
    ctx.properties.set(key, p);
  }
  return p;
}

function clip(text, n) {
  return text.length <= n ? text : `${text.slice(0, n)}… (${text.length} chars)`;
}

function asFinding(error) {
  return error instanceof Finding ? error : new Finding("untyped-error", describeError(error), error);
}

/**
 * Runs job `job`. Returns `{ inputs, kind, findings }`; each finding has a
 * signature (for grouping), a message, the error stack and a reproduction.
 */
export function runJob(ctx, seed, job, { shrink = true, frames: keepFrames = true, budgetMs = 2000, onCase = null } = {}) {
  const kind = jobKind(job);
  const findings = [];
  let inputs = 0;
  if (kind === "mutation") {
    const input = mutationInput(ctx.corpus, seed, job);
    inputs = 1;
    onCase?.(0, input);
    const started = performance.now();
    const finding = runMutationInput(ctx.lib, input);
    const took = performance.now() - started;
    const pollution = ctx.guard.check();
    const f = finding ?? (pollution !== null ? pollutionFinding(pollution) : took > budgetMs ? new Finding("slow", `a mutation input took ${Math.round(took)} ms (budget ${budgetMs} ms)`) : null);
    if (f !== null) {
      const size = input.frames.reduce((n, fr) => n + fr.bytes.byteLength, 0);
      findings.push({
        job,
        kind,
        signature: f.signature,
        message: f.message,
        stack: String(f.cause?.stack ?? f.stack ?? "").split("\n").slice(0, 8).join("\n"),
        repro: {
          source: input.source,
          docFrom: input.docFrom,
          receiver: input.receiver,
          size,
          frames: keepFrames ? input.frames.map((fr) => ({ kind: fr.kind, ...(fr.asString ? { asString: true } : {}), base64: toBase64(fr.bytes) })) : undefined,
        },
      });
    }
    return { inputs, kind, findings };
  }
  const runs = PROPERTY_BATCHES[kind];
  const caseSeed = mix32(seed, 0x70726f70, job) | 0;
  const c = propertyCase(ctx, kind, job);
  // The same values fc.check would try for this seed (run i is replayed by path "i").
  let cases;
  try {
    cases = fc.sample(c.arb, { seed: caseSeed, numRuns: runs });
  } catch (error) {
    const f = new Finding("harness", `generating ${kind} cases failed: ${describeError(error)}`, error);
    return { inputs: 0, kind, findings: [{ job, kind, signature: f.signature, message: f.message, stack: String(error?.stack ?? ""), repro: { fcSeed: caseSeed, numRuns: runs } }] };
  }
  for (let i = 0; i < cases.length; i++) {
    inputs += 1;
    onCase?.(i, cases[i]);
    const started = performance.now();
    let error = null;
    try {
      c.run(cases[i]);
    } catch (e) {
      error = asFinding(e);
    }
    const took = performance.now() - started;
    if (error === null && took > budgetMs) error = new Finding("slow", `one ${kind} case took ${Math.round(took)} ms (budget ${budgetMs} ms)`);
    const pollution = ctx.guard.check();
    if (error === null && pollution !== null) error = pollutionFinding(pollution);
    if (error === null) continue;
    const finding = {
      job,
      kind,
      signature: error.signature,
      message: error.message,
      stack: String(error.cause?.stack ?? error.stack ?? "").split("\n").slice(0, 8).join("\n"),
      repro: { fcSeed: caseSeed, numRuns: runs, path: String(i), counterexample: clip(safeStringify(cases[i]), 1500) },
    };
    if (shrink && !ctx.seen.has(finding.signature) && error.kind !== "slow") {
      // first time this worker sees this failure: let fast-check shrink it
      const signature = finding.signature;
      const same = (args) => {
        let found = null;
        try {
          c.run(args);
        } catch (e) {
          found = asFinding(e);
        }
        const polluted = ctx.guard.check(true);
        if (found === null && polluted !== null) found = pollutionFinding(polluted);
        return found === null || found.signature !== signature; // only shrink towards the same failure
      };
      const shrunk = fc.check(fc.property(c.arb, same), { seed: caseSeed, numRuns: runs, path: String(i), interruptAfterTimeLimit: 1_000 });
      ctx.guard.check();
      if (shrunk.failed && shrunk.counterexample !== null) {
        finding.repro.shrunk = { counterexample: clip(safeStringify(shrunk.counterexample[0]), 3000), path: shrunk.counterexamplePath };
      }
    }
    ctx.seen.add(finding.signature);
    findings.push(finding);
  }
  return { inputs, kind, findings };
}

export function safeStringify(value) {
  try {
    return fc.stringify(value);
  } catch (error) {
    return `(cannot print: ${describeError(error)})`;
  }
}

export { errorSignature };
