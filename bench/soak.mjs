// npm run bench:soak: open and close 10,000 sessions against the embedded server and
// print memory before and after. Server and clients share this process, so the numbers
// cover both sides: any per-session leak on either side shows as growth.
//
// Each session: connect, pull the app's document (a Div and a ColumnDataSource), change
// it, flush, close. The server drops sessions 100 ms after their last connection leaves.
import { ColumnDataSource, Model, pullSession } from "../dist/index.js";
import { BokehServer } from "../dist/server/index.js";

const TOTAL = Number(process.argv[2] ?? 10_000);
const CONCURRENCY = 50;
const WARMUP = 500;

const server = await BokehServer.start({
  port: 0,
  apps: {
    "/": (doc) => {
      doc.addRoot(new Model("Div", { name: "div", text: "hello" }));
      doc.addRoot(new ColumnDataSource({ name: "source", data: { x: Float64Array.from({ length: 100 }, (_, i) => i) } }));
    },
  },
  unusedSessionLifetime: 100,
  checkUnusedSessions: 200,
  log: () => {},
});

async function oneSession(i) {
  const session = await pullSession({ url: server.url });
  session.document.getModelByName("div").set("text", `session ${i}`);
  session.document.getModelByName("source").stream({ x: new Float64Array([i]) });
  await session.flush();
  await session.close();
}

async function run(count) {
  let next = 0;
  const worker = async () => {
    while (next < count) await oneSession(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function settled() {
  while (server.sessionCount > 0 || server.connectionCount > 0) await new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < 4; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, rss, external: external + arrayBuffers };
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

await run(WARMUP); // JIT, caches and pools reach their steady size first
const before = await settled();
const started = performance.now();
await run(TOTAL / 2);
const middle = await settled();
await run(TOTAL / 2);
const elapsed = performance.now() - started;
const after = await settled();
await server.close();

console.log(`soak: ${TOTAL} sessions opened, pulled, changed, flushed and closed (${CONCURRENCY} at a time) in ${(elapsed / 1000).toFixed(1)} s (${Math.round(TOTAL / (elapsed / 1000))} sessions/s)`);
console.log(`                 before   halfway      after    growth`);
for (const key of ["heapUsed", "external", "rss"]) {
  const cells = [before, middle, after].map((m) => `${mb(m[key]).padStart(6)} MB`).join(" ");
  console.log(`${key.padEnd(10)} ${cells} ${(after[key] - before[key] >= 0 ? "+" : "") + mb(after[key] - before[key])} MB`);
}
// A leak grows with the number of sessions; one-off growth (code caches, pools sized
// by the first burst) does not. So the verdict is the second half's growth per session.
const perSession = (after.heapUsed - middle.heapUsed) / (TOTAL / 2);
const ok = perSession < 50;
console.log(
  `${ok ? "✓" : "✗"} heap growth per session over the second ${TOTAL / 2}: ${Math.round(perSession)} bytes ` +
    `(target < 50: no per-session leak; one leaked session would hold ~8 KB)`,
);
process.exitCode = ok ? 0 : 1;
