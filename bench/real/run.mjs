// npm run bench:real: bokeh-client and the real Python client (bokeh.client 3.9.2), side by
// side against one real Bokeh 3.9.2 server that this script starts (issue 13). Every workload
// runs in a fresh process per run, the two clients alternating (5 runs each by default), with
// the floor of each bulk figure (the same bytes over a bare socket, no Bokeh code) in the same
// run. Prints one table of medians: Python, ours, the ratio, the floors, the target, pass/fail;
// under each figure, the first operation of a process as a command-line user meets it.
//
//   npm run bench:real -- [--runs 5] [--only latency,pull2,...] [--sessions 1000]
//                         [--roundtrips 100] [--edits 10000] [--stall]
// --stall prints only the experiment on the 44 ms stall (stall.mjs).
// Not part of npm test: it needs Python (scripts/python-env.mjs builds .venv-bokeh/).
import { execFileSync } from "node:child_process";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runChild } from "../../interop/processes.mjs";
import { startRealBokeh } from "../../interop/real-server.mjs";
import { pythonEnv, PythonEnvError } from "../../scripts/python-env.mjs";
import { figures } from "./figures.mjs";
import { printTable } from "./table.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    sessions: { type: "string", default: "1000" },
    roundtrips: { type: "string", default: "100" },
    edits: { type: "string", default: "10000" },
    stall: { type: "boolean", default: false },
  },
});
const runs = Number(flags.runs);
const options = { sessions: Number(flags.sessions), roundtrips: Number(flags.roundtrips), edits: Number(flags.edits) };

let env;
try {
  env = await pythonEnv();
} catch (error) {
  console.error(`npm run bench:real needs Python with Bokeh 3.9.2: ${error instanceof PythonEnvError ? error.message : error}`);
  process.exit(1);
}
const v = env.versions;
const server = await startRealBokeh(env, ["columns.py", "empty.py", "sliders.py", "stream.py"].map((app) => here(`./apps/${app}`)));

if (flags.stall) {
  console.log(`server: bokeh serve ${v.bokeh} (Tornado ${v.tornado}, Python ${v.python}) at ${server.url}; Node ${process.version}; load ${loadavg().map((x) => x.toFixed(2)).join(" ")}\n`);
  process.stdout.write(await runChild(process.execPath, [here("./stall.mjs"), server.url, flags.roundtrips]));
  // TCP_QUICKACK cannot be set from Node: measured from Python's socket module instead.
  const q = JSON.parse(await runChild(env.python, [here("./quickack.py"), server.url, flags.roundtrips]));
  const f = (x) => `${x.toFixed(2)} ms`.padStart(9);
  console.log(`${"Python raw socket, TCP_NODELAY, as it is".padEnd(70)} ${f(q.plain)}`);
  console.log(`${"Python raw socket, TCP_NODELAY + TCP_QUICKACK before every recv".padEnd(70)} ${f(q.quickack)}`);
  await server.stop();
  process.exit(0);
}

const git = (...args) => execFileSync("git", args, { encoding: "utf8" }).trim();
const commit = `${git("rev-parse", "--abbrev-ref", "HEAD")} ${git("rev-parse", "--short", "HEAD")}${git("status", "--porcelain", "src").length ? " + uncommitted changes in src/" : ""}`;
console.log(`bench:real ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB (${Math.round(freemem() / 2 ** 30)} free), load ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log(`server: bokeh serve ${v.bokeh} (Tornado ${v.tornado}, Python ${v.python}, numpy ${v.numpy}) at ${server.url}`);
console.log(`clients: Python bokeh.client ${v.bokeh} | bokeh-client on Node ${process.version} (${commit})`);
console.log(`${runs} runs each, alternating; each workload in a fresh process; medians over runs\n`);

// Python's processes without the OpenBLAS overrides of this machine (they slow a current
// numpy; the workloads use no BLAS kernel, so this only keeps the setup out of the way).
const pythonEnvVars = { ...process.env };
delete pythonEnvVars.OPENBLAS_CORETYPE;
delete pythonEnvVars.OPENBLAS_L2_SIZE;

const clients = {
  python: (workload, url) => [env.python, [here("./python_client.py"), workload, url, JSON.stringify(options)], pythonEnvVars],
  ours: (workload, url) => [process.execPath, ["--expose-gc", here("./node-client.mjs"), workload, url, JSON.stringify(options)], process.env],
  floorWs: (workload, url) => [process.execPath, ["--expose-gc", here("./floor.mjs"), workload, url, "ws", JSON.stringify(options)], process.env],
  floorNet: (workload, url) => [process.execPath, ["--expose-gc", here("./floor.mjs"), workload, url, "net"], process.env],
};

// Opening 1,000 sessions gets a server of its own for each process: when a real Bokeh server
// discards sessions (15 s after their last connection closed), it runs a full gc.collect()
// for each one (bokeh/document/document.py, Document.destroy), which stalls its event loop
// for tens of seconds after 1,000 sessions, whichever client comes next.
async function runOnce(who, workload, fresh) {
  if (fresh) {
    const own = await startRealBokeh(env, [here("./apps/empty.py")]);
    try {
      return await runOn(who, workload, own);
    } finally {
      await own.stop();
    }
  }
  return runOn(who, workload, server);
}

async function runOn(who, workload, server) {
  const [cmd, args, childEnv] = clients[who](workload, server.url);
  // The in-flight figure stops the server while the client edits (see node-client.mjs).
  const onLine =
    workload === "inflight"
      ? (line, child) => {
          if (line === "PAUSE") {
            server.pause();
            child.stdin.write("go\n");
          } else if (line === "RESUME") server.resume();
        }
      : undefined;
  try {
    const out = await runChild(cmd, args, { env: childEnv, onLine, quiet: true });
    return JSON.parse(out.trim().split("\n").pop());
  } finally {
    if (onLine) server.resume();
  }
}

const selected = flags.only ? flags.only.split(",") : Object.keys(figures);
const results = {};
try {
  for (const name of selected) {
    const figure = figures[name];
    if (!figure) throw new Error(`no figure ${name}: ${Object.keys(figures).join(", ")}`);
    const who = figure.who;
    results[name] = Object.fromEntries(who.map((w) => [w, []]));
    process.stderr.write(`${name}: `);
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? who : [...who].reverse(); // alternate who goes first
      for (const w of order) {
        results[name][w].push(await runOnce(w, figure.workload ?? name, figure.freshServer));
        process.stderr.write(".");
      }
    }
    process.stderr.write("\n");
  }
} catch (error) {
  console.error(`${error.message}\nthe Bokeh server's last log lines:\n  ${server.log().split("\n").slice(-15).join("\n  ")}`);
  process.exitCode = 1;
  await server.stop();
  process.exit(1);
} finally {
  await server.stop();
}
const missed = printTable(results, options);
console.log(missed === 0 ? "\nall targets met" : `\n${missed} target(s) missed`);
