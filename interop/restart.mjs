// Issue 15, against a real Bokeh 3.9.2, by hand (docs/interop.md): sessions with `reconnect`
// stream rows while the server is killed with SIGKILL and restarted on the same port.
//   npm run build && node interop/restart.mjs [pulled=20] [pushed=10]
// Then each session's local document is compared with the server's (pulled back by a second
// client), and every event the sessions reported is counted. Exits 1 if a session's document
// differs from the server's without anything reported.
import { fileURLToPath } from "node:url";
import { ColumnDataSource, Document, pullSession, pushSession } from "../dist/index.js";
import { pythonEnv } from "../scripts/python-env.mjs";
import { within } from "./checklist.mjs";
import { startRealBokeh } from "./real-server.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const [pulledCount = 20, pushedCount = 10] = process.argv.slice(2).map(Number);
const apps = [here("../bench/real/apps/stream.py"), here("./apps/empty.py")];
const env = await pythonEnv();
let server = await startRealBokeh(env, apps);
const base = server.url;
const reconnect = { attempts: 20, initialDelay: 100, maxDelay: 1000 };
const counts = { disconnected: 0, resynced: 0, replayed: 0, rejected: 0, skipped: 0, replaced: 0, patchRejected: 0, detachedChange: 0, gaveUp: 0, error: 0 };

function watch(session) {
  session.on("disconnected", () => counts.disconnected++);
  session.on("resynced", (info) => {
    counts.resynced++;
    counts.replayed += info.replayed;
    counts.rejected += info.rejected;
    counts.skipped += info.skipped;
    counts.replaced += info.replaced.length;
  });
  session.on("detachedChange", () => counts.detachedChange++);
  session.on("patchRejected", () => counts.patchRejected++);
  session.on("gaveUp", () => counts.gaveUp++);
  session.on("error", () => counts.error++);
  return session;
}

const pulled = [];
for (let i = 0; i < pulledCount; i++) {
  const session = watch(await pullSession({ url: `${base}/stream`, reconnect }));
  pulled.push({ session, source: session.document.getModelByName("source") });
}
const pushed = [];
for (let i = 0; i < pushedCount; i++) {
  const source = new ColumnDataSource({ name: "source", data: { x: new Float64Array(0), y: new Float64Array(0) } });
  const session = watch(await pushSession(new Document({ roots: [source] }), { url: `${base}/empty`, reconnect, bokehVersion: "3.9.2" }));
  pushed.push({ session, source });
}

// Every session streams one row every 50 ms: x counts up, y = x * 2.
let row = 0;
const timer = setInterval(() => {
  row++;
  for (const { source } of [...pulled, ...pushed]) source.stream({ x: new Float64Array([row]), y: new Float64Array([row * 2]) });
}, 50);
const ticks = (n) => new Promise((resolve) => setTimeout(resolve, n * 50)); // the load runs meanwhile
await ticks(40);
console.log(`${pulled.length} pulled and ${pushed.length} pushed sessions streaming a row every 50 ms; row ${row}: SIGKILL`);
await server.stop("SIGKILL");
await ticks(10);
server = await startRealBokeh(env, apps, { port: server.port });
console.log(`row ${row}: restarted on the same port`);
await ticks(60);
clearInterval(timer);
console.log(`row ${row}: streaming stopped; flushing`);
const flushed = await Promise.allSettled([...pulled, ...pushed].map(({ session }) => within(60_000, "flush", session.flush())));
const flushErrors = flushed.filter((r) => r.status === "rejected").map((r) => r.reason.message);

// `source` is the model the code kept from before the restart; the session's document may
// hold another one now (a re-pull after a restart brings new ids).
async function compare({ session, source }, app) {
  const check = await pullSession({ url: `${base}/${app}`, sessionId: session.id });
  const there = check.document.select({ type: "ColumnDataSource" })[0];
  const now = session.document.select({ type: "ColumnDataSource" })[0];
  const remote = Array.from(there.data.x);
  const same = (model) => {
    const local = Array.from(model.data.x);
    return local.length === remote.length && local.every((x, i) => x === remote[i]);
  };
  await check.close();
  const ordered = remote.every((x, i) => i === 0 || x > remote[i - 1]);
  return { equal: same(now), kept: now === source, keptEqual: same(source), ordered, local: source.data.x.length, remote: remote.length, first: remote[0] };
}
const results = { pulled: [], pushed: [] };
for (const s of pulled) results.pulled.push(await compare(s, "stream"));
for (const s of pushed) results.pushed.push(await compare(s, "empty"));
await Promise.allSettled([...pulled, ...pushed].map(({ session }) => session.close()));
await server.stop();

let bad = 0;
for (const [kind, list] of Object.entries(results)) {
  const equal = list.filter((r) => r.equal).length;
  const ordered = list.filter((r) => r.ordered).length;
  bad += list.length - equal;
  const rows = list.map((r) => r.remote);
  const kept = list.filter((r) => r.kept).length;
  const keptEqual = list.filter((r) => r.keptEqual).length;
  console.log(
    `${kind}: the session's document equals the server's in ${equal}/${list.length}; server rows in order without duplicates in ${ordered}/${list.length}; ` +
      `server rows ${Math.min(...rows)}-${Math.max(...rows)} of ${row} streamed (first row there: ${[...new Set(list.map((r) => r.first))].join(", ")}); ` +
      `the source kept from before the restart is still the document's in ${kept}/${list.length} and equals the server's in ${keptEqual}/${list.length}`,
  );
}
const kinds = [...new Set(flushErrors.map((m) => m.replace(/p\d+/g, "<id>").replace(/^\d+/, "N")))];
console.log(`events: ${JSON.stringify(counts)}; flush() rejected in ${flushErrors.length} sessions${kinds.length ? `: ${kinds.join(" | ")}` : ""}`);
const reported = counts.patchRejected + counts.detachedChange + counts.gaveUp + flushErrors.length;
process.exit(bad > 0 && reported === 0 ? 1 : 0);
