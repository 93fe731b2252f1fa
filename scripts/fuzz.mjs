#!/usr/bin/env node
/**
 * Long fuzzing run over the built library (dist/): mutation fuzzing of the
 * receiver / deserializer / applyPatch with frames recorded from Bokeh 3.7, and
 * the property-based round trips (values, documents, wire reps, patches).
 * See docs/fuzzing.md.
 *
 *   npm run fuzz                                   # build, then 1,000,000 inputs
 *   node scripts/fuzz.mjs --inputs 200000 --seed 7 # options below (or FUZZ_* env vars)
 *   node scripts/fuzz.mjs --seed 7 --job 1234      # replay one job, print everything
 *   node scripts/fuzz.mjs --replay finding.json    # replay frames saved with --out
 *
 * Exits 1 when there are findings (an untyped error, a broken round trip, a
 * hang, a slow input, prototype pollution, memory blow-up), 0 otherwise.
 */
import { availableParallelism } from "node:os";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fork } from "node:child_process";
import { addSyntheticMessages, docTextOf, feedFrames, loadCorpus, mutationInput } from "./fuzz/harness.mjs";
import { createContext, jobKind, runJob, safeStringify } from "./fuzz/jobs.mjs";
import { describeError, Finding, pollutionFinding, PollutionGuard, toBase64 } from "./fuzz/core.mjs";
import { loadLib } from "./fuzz/lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const FIXTURES = join(ROOT, "test", "fixtures", "bokeh-3.7");

// ---- options ------------------------------------------------------------------------------------

const HELP = `usage: node scripts/fuzz.mjs [options]
  --inputs N       inputs to run, mutation + property cases (env FUZZ_INPUTS, default 1000000)
  --seed S         seed, an integer or "random" (env FUZZ_SEED, default 1)
  --workers W      worker threads (env FUZZ_WORKERS, default: available CPUs, at most 8)
  --budget-ms T    an input slower than this is a finding (default 2000)
  --hang-ms T      a job running longer than this is killed and reported as a hang (default 3000)
  --max-heap-mb M  V8 old-space limit of each worker process; exceeding it is a memory finding (default 1024)
  --growth-mb M    heap growth (after GC, between chunks) reported as a leak (default 256)
  --max-rss-mb M   total RSS of the workers reported as a memory blow-up (default 6144)
  --out FILE       write every finding, with reproductions, as JSON
  --job J          replay job J of the seed in this process and print it (repeatable)
  --replay FILE    replay a finding from an --out file (its first one), or {frames, receiver, docFrom}
  --verbose        with --job: print every property case before running it (find the one that hangs)
  --no-shrink      report property counterexamples as found (faster when there are many findings)
  --quiet          no progress lines`;

function parseArgs(argv) {
  const o = {
    inputs: Number(process.env.FUZZ_INPUTS ?? 1_000_000),
    seed: process.env.FUZZ_SEED ?? "1",
    workers: Number(process.env.FUZZ_WORKERS ?? Math.min(8, availableParallelism())),
    budgetMs: 2000,
    hangMs: 3_000,
    maxHeapMb: 1024,
    growthMb: 256,
    maxRssMb: 6144,
    out: null,
    jobs: [],
    replay: null,
    quiet: false,
    verbose: false,
    shrink: true,
    chunk: 100,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "--inputs": o.inputs = Number(next()); break;
      case "--seed": o.seed = next(); break;
      case "--workers": o.workers = Number(next()); break;
      case "--budget-ms": o.budgetMs = Number(next()); break;
      case "--hang-ms": o.hangMs = Number(next()); break;
      case "--max-heap-mb": o.maxHeapMb = Number(next()); break;
      case "--growth-mb": o.growthMb = Number(next()); break;
      case "--max-rss-mb": o.maxRssMb = Number(next()); break;
      case "--out": o.out = next(); break;
      case "--job": o.jobs.push(Number(next())); break;
      case "--replay": o.replay = next(); break;
      case "--chunk": o.chunk = Number(next()); break;
      case "--quiet": o.quiet = true; break;
      case "--verbose": o.verbose = true; break;
      case "--no-shrink": o.shrink = false; break;
      case "-h":
      case "--help":
        console.log(HELP);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${HELP}`);
    }
  }
  o.seed = o.seed === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(o.seed);
  for (const k of ["inputs", "seed", "workers", "budgetMs", "hangMs", "maxHeapMb", "chunk"]) {
    if (!Number.isSafeInteger(o[k]) || o[k] < 0) throw new Error(`--${k} must be a non-negative integer`);
  }
  o.workers = Math.max(1, o.workers);
  return o;
}

// ---- replaying ---------------------------------------------------------------------------------------

async function replayJobs(o) {
  const lib = await loadLib(DIST);
  const ctx = createContext(lib, addSyntheticMessages(lib, loadCorpus(FIXTURES)));
  let found = 0;
  for (const job of o.jobs) {
    // printed before each case runs, so a case that hangs or crashes the process is on screen
    const onCase = (i, input) => {
      if (input?.frames !== undefined) {
        console.log(`job ${job}: ${input.source}; receiver ${JSON.stringify(input.receiver)}; frames ${JSON.stringify(input.frames.map((f) => ({ kind: f.kind, ...(f.asString ? { asString: true } : {}), base64: toBase64(f.bytes) })))}`);
      } else if (o.verbose) console.log(`job ${job} case ${i}: ${safeStringify(input).slice(0, 4000)}`);
    };
    const result = runJob(ctx, o.seed, job, { budgetMs: o.budgetMs, onCase });
    console.log(`seed ${o.seed} job ${job} (${result.kind}): ${result.inputs} input(s), ${result.findings.length} finding(s)`);
    for (const f of result.findings) {
      found += 1;
      console.log(JSON.stringify(f, null, 2));
    }
  }
  return found;
}

async function replayFile(file) {
  const lib = await loadLib(DIST);
  const corpus = addSyntheticMessages(lib, loadCorpus(FIXTURES));
  let data = JSON.parse(readFileSync(file, "utf8"));
  if (Array.isArray(data.findings)) data = data.findings.find((f) => f.example?.repro?.frames)?.example.repro ?? data;
  if (!Array.isArray(data.frames)) throw new Error(`${file} has no frames to replay (property findings replay with --seed/--job)`);
  const frames = data.frames.map((f) => ({ kind: f.kind, asString: f.asString === true, bytes: new Uint8Array(Buffer.from(f.base64, "base64")) }));
  const guard = new PollutionGuard();
  try {
    const n = feedFrames(lib, frames, { receiver: data.receiver, docText: docTextOf(corpus, data.docFrom ?? data.source?.split(" ")[0]) });
    const pollution = guard.check();
    if (pollution !== null) throw pollutionFinding(pollution);
    console.log(`no finding: ${frames.length} frame(s), ${n} message(s)`);
    return 0;
  } catch (error) {
    console.log(error instanceof Finding ? error.message : describeError(error));
    console.log(String(error.cause?.stack ?? error.stack));
    return 1;
  }
}

// ---- the run ---------------------------------------------------------------------------------------------

async function run(o) {
  const started = Date.now();
  // the frames of a mutation job that killed its worker are regenerated here (cheap, deterministic)
  const lib = await loadLib(DIST);
  let corpus = null;
  const reproOf = (job) => {
    if (job < 0 || jobKind(job) !== "mutation") return { seed: o.seed, job, replay: `node scripts/fuzz.mjs --seed ${o.seed} --job ${job} --verbose` };
    corpus ??= addSyntheticMessages(lib, loadCorpus(FIXTURES));
    const input = mutationInput(corpus, o.seed, job);
    return { source: input.source, docFrom: input.docFrom, receiver: input.receiver, size: input.frames.reduce((n, f) => n + f.bytes.byteLength, 0), frames: input.frames.map((f) => ({ kind: f.kind, ...(f.asString ? { asString: true } : {}), base64: toBase64(f.bytes) })) };
  };
  const findings = new Map(); // signature -> { count, jobs, example }
  const counts = {};
  let inputs = 0;
  let nextJob = 0;
  let peakRss = 0;
  let baselineHeap = null;
  let leakReported = false;
  const workersRef = new Array(o.workers).fill(null);

  const record = (f) => {
    let entry = findings.get(f.signature);
    if (entry === undefined) {
      entry = { signature: f.signature, count: 0, jobs: [], example: f };
      findings.set(f.signature, entry);
      for (const w of workersRef) if (w !== null && w.connected) w.send({ type: "seen", signature: f.signature });
    }
    entry.count += 1;
    if (entry.jobs.length < 25) entry.jobs.push(f.job);
    if (entry.example.repro === undefined && f.repro !== undefined) entry.example = f;
  };

  console.log(`fuzz: seed ${o.seed}, ${o.inputs.toLocaleString("en")} inputs, ${o.workers} worker(s), budget ${o.budgetMs} ms/input, hang after ${o.hangMs} ms`);

  await new Promise((resolveRun) => {
    const workers = workersRef;
    const current = new Array(o.workers).fill(null); // chunk in progress
    const running = new Array(o.workers).fill(null); // { job, since }
    let live = 0;
    let stopping = false;

    const assign = (slot) => {
      const w = workers[slot];
      if (inputs >= o.inputs || stopping) {
        current[slot] = null;
        w.send({ type: "stop" });
        return;
      }
      // the last chunks shrink so the count is not overshot by much
      const remaining = o.inputs - inputs;
      const size = Math.max(1, Math.min(o.chunk, Math.ceil(remaining / (2 * o.workers))));
      current[slot] = { from: nextJob, to: nextJob + size };
      nextJob += size;
      w.send({ type: "run", ...current[slot] });
    };

    const spawn = (slot, resume = null) => {
      const w = fork(fileURLToPath(new URL("./fuzz/worker.mjs", import.meta.url)), [], {
        env: { ...process.env, FUZZ_WORKER: JSON.stringify({ dist: DIST, fixtures: FIXTURES, seed: o.seed, budgetMs: o.budgetMs, shrink: o.shrink }) },
        execArgv: ["--expose-gc", `--max-old-space-size=${o.maxHeapMb}`, ...(process.env.FUZZ_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean)],
        stdio: ["ignore", "inherit", "pipe", "ipc"],
      });
      workers[slot] = w;
      live += 1;
      let stderr = "";
      w.stderr.on("data", (chunk) => {
        stderr = (stderr + chunk.toString("utf8")).slice(-4000);
      });
      w.on("message", (msg) => {
        if (msg.type === "begin") {
          running[slot] = { job: msg.job, since: Date.now() };
        } else if (msg.type === "ready") {
          if (resume !== null) {
            current[slot] = resume;
            w.send({ type: "run", ...resume });
          } else assign(slot);
        } else if (msg.type === "done") {
          running[slot] = null;
          inputs += msg.inputs;
          for (const [k, n] of Object.entries(msg.counts)) counts[k] = (counts[k] ?? 0) + n;
          for (const f of msg.findings) record(f);
          baselineHeap ??= msg.heap;
          if (!leakReported && msg.heap - baselineHeap > o.growthMb * 1024 * 1024) {
            leakReported = true;
            record({ job: msg.to - 1, kind: "memory", signature: "memory: heap grows", message: `worker heap after GC grew from ${mb(baselineHeap)} to ${mb(msg.heap)} by job ${msg.to - 1}`, repro: { seed: o.seed, jobs: `<= ${msg.to - 1}` } });
          }
          assign(slot);
        }
      });
      w.on("exit", (code, signal) => {
        live -= 1;
        const chunk = current[slot];
        const job = running[slot]?.job ?? chunk?.from ?? -1;
        running[slot] = null;
        if (code === 0 && !w.killedForHang) {
          if (live === 0) resolveRun();
          return;
        }
        // a hang, an out-of-memory abort or a crash in `job`: record it, go on after it
        const oom = /heap out of memory|invalid size error|Invalid array length|allocation failed/i.test(stderr);
        const kind = w.killedForHang ? "hang" : oom ? "memory" : "crash";
        const detail = w.killedForHang ? `still running after ${o.hangMs} ms` : `${oom ? "out of memory: " : ""}exit ${signal ?? code}; ${lastLines(stderr)}`;
        record({ job, kind: jobKind(job), signature: `${kind}: ${kind === "crash" ? detail.replace(/\d+/g, "#").slice(0, 120) : jobKind(job)}`, message: `${kind} in job ${job} (${jobKind(job)}): ${detail}`, repro: reproOf(job) });
        current[slot] = null;
        if (stopping) {
          if (live === 0) resolveRun();
          return;
        }
        spawn(slot, chunk !== null && job >= chunk.from && job + 1 < chunk.to ? { from: job + 1, to: chunk.to } : null);
      });
    };

    for (let slot = 0; slot < o.workers; slot++) spawn(slot);

    let lastPrint = Date.now();
    const timer = setInterval(() => {
      for (let slot = 0; slot < o.workers; slot++) {
        const r = running[slot];
        const w = workers[slot];
        if (r !== null && Date.now() - r.since > o.hangMs && w !== null && !w.killedForHang) {
          w.killedForHang = true;
          w.kill("SIGKILL");
        }
      }
      const rss = totalRss(workers);
      peakRss = Math.max(peakRss, rss);
      if (rss > o.maxRssMb * 1024 * 1024 && !findings.has("memory: rss")) {
        const jobs = running.map((r) => r?.job ?? -1);
        record({ job: jobs[0], kind: "memory", signature: "memory: rss", message: `worker RSS ${mb(rss)} > ${o.maxRssMb} MB while running jobs ${jobs.join(", ")}`, repro: { seed: o.seed, jobs } });
      }
      if (!o.quiet && Date.now() - lastPrint >= 10_000) {
        lastPrint = Date.now();
        const s = (Date.now() - started) / 1000;
        console.log(`  ${inputs.toLocaleString("en")} inputs, ${Math.round(inputs / s).toLocaleString("en")}/s, ${findings.size} distinct finding(s), rss ${mb(rss)}`);
      }
      if (live === 0) {
        clearInterval(timer);
        resolveRun();
      }
    }, 250);
    const stop = () => {
      if (stopping) process.exit(130);
      stopping = true;
      console.log("interrupted: finishing the chunks in progress (Ctrl-C again to quit now)");
    };
    process.on("SIGINT", stop);
  });

  const seconds = (Date.now() - started) / 1000;
  const list = [...findings.values()].sort((a, b) => b.count - a.count);
  console.log("");
  console.log(`inputs: ${inputs.toLocaleString("en")} (${Object.entries(counts).map(([k, n]) => `${k} ${n.toLocaleString("en")}`).join(", ")})`);
  console.log(`time: ${seconds.toFixed(1)} s, ${Math.round(inputs / seconds).toLocaleString("en")} inputs/s, ${o.workers} worker(s), peak rss ${mb(peakRss)}`);
  console.log(`seed: ${o.seed}, jobs 0..${nextJob - 1}`);
  console.log(`findings: ${list.length} distinct, ${list.reduce((n, f) => n + f.count, 0)} inputs`);
  for (const [i, f] of list.entries()) {
    const e = f.example;
    console.log("");
    console.log(`#${i + 1} ${f.signature}`);
    console.log(`   ${f.count} input(s); jobs ${f.jobs.join(", ")}${f.count > f.jobs.length ? ", …" : ""}`);
    console.log(`   ${e.message.slice(0, 400)}`);
    if (e.stack) console.log(e.stack.split("\n").slice(0, 4).map((l) => `     ${l.trim()}`).join("\n"));
    console.log(`   reproduce: node scripts/fuzz.mjs --seed ${o.seed} --job ${e.job}${e.repro?.replay !== undefined ? " --verbose" : ""}`);
    const r = e.repro ?? {};
    if (r.frames !== undefined) {
      const b64 = JSON.stringify(r.frames);
      console.log(`   input: ${r.source}; receiver ${JSON.stringify(r.receiver)}; ${r.size} bytes in ${r.frames.length} frame(s)`);
      console.log(`   frames: ${b64.length <= 2000 ? b64 : `${b64.slice(0, 300)}… (${b64.length} chars: see --out or --job)`}`);
    }
    if (r.shrunk !== undefined) console.log(`   shrunk counterexample (fc seed ${r.fcSeed}, path ${r.shrunk.path}): ${r.shrunk.counterexample.slice(0, 1200)}`);
    else if (r.counterexample !== undefined) console.log(`   counterexample (fc seed ${r.fcSeed}, path ${r.path}): ${r.counterexample.slice(0, 800)}`);
  }
  if (o.out !== null) {
    writeFileSync(o.out, JSON.stringify({ seed: o.seed, inputs, seconds, counts, findings: list }, null, 1));
    console.log(`\nfindings written to ${o.out}`);
  }
  return list.length;
}

function lastLines(text) {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !/^\d+: 0x/.test(l) && !/^#+$/.test(l));
  return lines.slice(0, 3).join(" | ").slice(0, 300);
}

// RSS of the worker processes (Linux /proc; 0 elsewhere).
function totalRss(workers) {
  let total = 0;
  for (const w of workers) {
    if (w === null || w.exitCode !== null || w.pid === undefined) continue;
    try {
      const statm = readFileSync(`/proc/${w.pid}/statm`, "utf8").split(" ");
      total += Number(statm[1]) * 4096;
    } catch {
      // not Linux, or the worker just exited
    }
  }
  return total;
}

function mb(bytes) {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

// ---- main ----------------------------------------------------------------------------------------------

const o = parseArgs(process.argv.slice(2));
if (!existsSync(join(DIST, "protocol", "receiver.js"))) {
  console.error("dist/ is missing: run `npm run build` (or `npm run fuzz`, which builds first)");
  process.exit(2);
}
let found;
if (o.replay !== null) found = await replayFile(o.replay);
else if (o.jobs.length > 0) found = await replayJobs(o);
else found = await run(o);
process.exit(found > 0 ? 1 : 0);
