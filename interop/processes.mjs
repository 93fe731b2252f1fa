// Child processes that must not outlive the script that started them: `npm run interop`
// and `npm run bench:real` start a real Bokeh server, Python clients and Node clients.
// Each is registered here and killed (with its process group when it leads one) when this
// process exits, however it exits: normally, through an uncaught error, Ctrl-C or SIGTERM.
import { spawn } from "node:child_process";

/** Children still running, each with whether it leads its own process group. */
const children = new Map();
let installed = false;

function kill(child, group, signal) {
  try {
    process.kill(group ? -child.pid : child.pid, signal);
  } catch {
    // already gone
  }
}

function killAll() {
  for (const [child, group] of children) kill(child, group, "SIGKILL");
  children.clear();
}

function install() {
  if (installed) return;
  installed = true;
  process.on("exit", killAll);
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]]) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping the processes started here\n`);
      killAll();
      process.exit(code);
    });
  }
}

/** Kill `child` (its whole group if `group`: it was spawned `detached`) when this process ends. */
export function killOnExit(child, { group = false } = {}) {
  install();
  children.set(child, group);
  child.once("exit", () => children.delete(child));
  return child;
}

/**
 * Runs a command to its end and resolves with its stdout (stderr passes through, or is
 * collected with `quiet`); rejects with the exit status and the last lines of its output.
 * `onLine(line, child)` sees each stdout line as it comes, and can answer on `child.stdin`
 * (left open for it).
 */
export function runChild(cmd, args, { env, onLine, quiet = false } = {}) {
  const child = killOnExit(spawn(cmd, args, { env, stdio: [onLine ? "pipe" : "ignore", "pipe", quiet ? "pipe" : "inherit"] }));
  let out = "";
  let err = "";
  let partial = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    out += chunk;
    if (!onLine) return;
    const lines = (partial + chunk).split("\n");
    partial = lines.pop();
    for (const line of lines) onLine(line, child);
  });
  if (quiet) child.stderr.on("data", (chunk) => (err = (err + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve(out);
      else {
        const tail = `${out}\n${err}`.trim().split("\n").slice(-15).join("\n  ");
        reject(new Error(`${cmd.split("/").pop()} ${args.slice(0, 3).join(" ")} exited (${signal ?? code}):\n  ${tail}`));
      }
    });
  });
}
