/**
 * A fuzzing worker process (forked by scripts/fuzz.mjs): runs the chunks of
 * jobs the main process hands out. It announces each job before running it, so
 * when it hangs, runs out of memory or crashes (V8 aborts the whole process on
 * some allocation failures) the main process knows which job did it; and it
 * reports its heap after a forced GC at the end of each chunk, to detect leaks.
 */
import { addSyntheticMessages, loadCorpus } from "./harness.mjs";
import { createContext, runJob } from "./jobs.mjs";
import { loadLib } from "./lib.mjs";

const { dist, fixtures, seed, budgetMs, shrink = true } = JSON.parse(process.env.FUZZ_WORKER ?? "{}");
const gc = globalThis.gc ?? (() => {});
const lib = await loadLib(dist);
const ctx = createContext(lib, addSyntheticMessages(lib, loadCorpus(fixtures)));
const reported = new Map(); // signature -> times reported in full by this worker

process.on("message", (msg) => {
  if (msg.type === "stop") process.exit(0);
  if (msg.type === "seen") {
    ctx.seen.add(msg.signature); // already shrunk by another worker
    return;
  }
  if (msg.type !== "run") return;
  const counts = {};
  const findings = [];
  let inputs = 0;
  for (let job = msg.from; job < msg.to; job++) {
    process.send({ type: "begin", job });
    const result = runJob(ctx, seed, job, { budgetMs, shrink });
    inputs += result.inputs;
    counts[result.kind] = (counts[result.kind] ?? 0) + result.inputs;
    for (const f of result.findings) {
      const n = reported.get(f.signature) ?? 0;
      reported.set(f.signature, n + 1);
      // the first few of each kind in full; the others by job number only
      findings.push(n < 3 ? f : { job: f.job, kind: f.kind, signature: f.signature, message: f.message.slice(0, 300) });
    }
  }
  gc();
  process.send({ type: "done", from: msg.from, to: msg.to, inputs, counts, findings, heap: process.memoryUsage().heapUsed });
});
process.send({ type: "ready" });
