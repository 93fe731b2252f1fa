// bench:real --stall: the 44 ms stall, measured with bare `ws` and no Bokeh code (raw.mjs)
// against the real Bokeh server, for each way of avoiding it (docs/benchmarks.md, "The 44 ms
// stall"). Prints one line per variant: round trip (SERVER-INFO-REQ -> REPLY) median and
// p90 wall, client CPU per round trip, and the wall of opening a session (upgrade to ACK)
// and of its first PULL-DOC (an empty app).
//   node bench/real/stall.mjs <server url> [round trips]
import { openRaw } from "./raw.mjs";

const [base, countArg] = process.argv.slice(2);
const COUNT = Number(countArg ?? 50);
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)];

const pong = (socket) => socket.pong();
export const variants = [
  ["as it is", {}],
  ["unsolicited pong after each frame of an incomplete reply", { onIncomplete: pong }],
  ["unsolicited pong after the first frame only", { onIncomplete: (socket, n) => n === 1 && pong(socket) }],
  ["ping after each frame of an incomplete reply", { onIncomplete: (socket) => socket.ping() }],
  ["Nagle on in the client too (setNoDelay(false), as Python's client)", { nagle: true }],
];

async function measure({ onIncomplete, nagle }) {
  const opens = [];
  const pulls = [];
  let session;
  for (let i = 0; i < 11; i++) {
    const t0 = performance.now();
    const s = await openRaw(base, "/empty", { onIncomplete });
    if (nagle) s.socket._socket.setNoDelay(false);
    const t1 = performance.now();
    await s.request("PULL-DOC-REQ");
    opens.push(t1 - t0);
    pulls.push(performance.now() - t1);
    if (session) await s.close();
    else session = s;
  }
  const times = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < COUNT; i++) {
    const t0 = performance.now();
    await session.request("SERVER-INFO-REQ");
    times.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  await session.close();
  return { median: quantile(times, 0.5), p90: quantile(times, 0.9), cpu: (c.user + c.system) / 1000 / COUNT, open: quantile(opens.slice(1), 0.5), pull: quantile(pulls.slice(1), 0.5) };
}

export async function stallTable(print = console.log) {
  print(`The 44 ms stall: bare ws, no Bokeh code, ${COUNT} round trips each (SERVER-INFO-REQ), 10 session opens`);
  print(`${"variant".padEnd(70)} ${"median".padStart(9)} ${"p90".padStart(9)} ${"CPU/rt".padStart(8)} ${"open".padStart(9)} ${"1st pull".padStart(9)}`);
  for (const [label, options] of variants) {
    const r = await measure(options);
    const f = (x) => `${x.toFixed(2)} ms`;
    print(`${label.padEnd(70)} ${f(r.median).padStart(9)} ${f(r.p90).padStart(9)} ${f(r.cpu).padStart(8)} ${f(r.open).padStart(9)} ${f(r.pull).padStart(9)}`);
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  await stallTable();
  process.exit(0);
}
