// npm run bench: bokeh-client against its own server, on loopback. The server runs in
// one process; each figure runs in a fresh client process (bench/figures.mjs) so that
// only the client's CPU and memory are measured, and figures do not disturb each other.
// Every number is printed with its target.
import { execFileSync, spawn } from "node:child_process";
import { figureEnv, figures } from "./figures.mjs";

const here = (file) => new URL(file, import.meta.url).pathname;

const server = spawn(process.execPath, [here("./server.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (c) => {
    out += c;
    const m = /READY (\S+)/.exec(out);
    if (m) resolve(m[1].replace(/\/$/, ""));
  });
  server.on("exit", (code) => reject(new Error(`bench server exited (${code})`)));
});

let missed = 0;
try {
  console.log(`bokeh-client ${process.version}, ${execFileSync("nproc").toString().trim()} cores; server in its own process\n`);
  for (const name of Object.keys(figures)) {
    const env = { ...process.env, ...figureEnv[name] };
    const out = execFileSync(process.execPath, ["--expose-gc", here("./figures.mjs"), name, url], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env });
    for (const line of out.trim().split("\n")) {
      const [label, value, unit, target, ok, note] = JSON.parse(line);
      if (ok === false) missed++;
      const mark = ok ? "✓" : "✗";
      console.log(`${mark} ${label.padEnd(58)} ${String(value).padStart(9)} ${unit.padEnd(3)} target ${target}${note ? `  (${note})` : ""}`);
    }
  }
} finally {
  server.kill("SIGKILL");
}
console.log(missed === 0 ? "\nall targets met" : `\n${missed} target(s) missed`);
