/**
 * `bokeh-client load URL --sessions N [--concurrency C] [--duration S] [--edit-rate R]`:
 * a load test of any Bokeh server. Opens N sessions (C at a time), times each
 * open (connect + pull) and one round trip per session, then holds them for S
 * seconds while making R edits per second in all (each sets `tags` on a root of
 * one session, round robin, and waits for the server's OK). Reports latency
 * percentiles, errors by kind and this process's memory.
 */
import { pullSession } from "../client/api.js";
import type { ClientSession } from "../client/session.js";
import { sessionTarget } from "./target.js";
import { command, errorKind, exitCodeFor, EXIT_OK, integerOption, numberOption, UsageError } from "./command.js";
import { Progress } from "./progress.js";
import { formatBytes, formatMs, latencySummary } from "./stats.js";

export const load = command({
  name: "load",
  args: "URL",
  positionals: [1, 1],
  summary: "Load-test a Bokeh server: open N sessions, optionally edit them, report latency percentiles, errors and memory.",
  options: {
    sessions: { type: "string", value: "N", description: "sessions to open (required)" },
    concurrency: { type: "string", value: "C", description: "sessions opening at once (default: the smaller of N and 50)" },
    duration: { type: "string", value: "S", description: "seconds to keep the sessions open after they all opened (default 0)" },
    "edit-rate": { type: "string", value: "R", description: "edits per second over all sessions while they are held (default 0)" },
    json: { type: "boolean", description: "print the report as JSON" },
  },
  details: `Each edit sets the 'tags' property of the first root of a session (every Bokeh model has it)
and is timed until the server confirmed it. Latencies are in milliseconds: p50, p95, p99, max.
Memory is this process's (the server's is not visible from here).
Exit code 0 when every session opened and every request succeeded, else the code of the first
error (2 unreachable, 3 refused); the report is printed either way.`,
  async run(values, [url]) {
    const sessions = integerOption("sessions", values.sessions, 1);
    if (sessions === undefined) throw new UsageError("--sessions N is required");
    const concurrency = integerOption("concurrency", values.concurrency, 1) ?? Math.min(sessions, 50);
    const duration = numberOption("duration", values.duration) ?? 0;
    const editRate = numberOption("edit-rate", values["edit-rate"]) ?? 0;
    if (editRate > 0 && duration === 0) throw new UsageError("--edit-rate needs a --duration to make the edits in");
    const report = await runLoad({ url: url as string, sessions, concurrency, duration, editRate });
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.firstError === null ? EXIT_OK : exitCodeFor(report.firstError);
  },
});

interface LoadPlan {
  url: string;
  sessions: number;
  concurrency: number;
  duration: number;
  editRate: number;
}

type Latency = ReturnType<typeof latencySummary>;

interface LoadReport extends LoadPlan {
  opened: number;
  failed: number;
  open: Latency;
  roundTrip: Latency;
  edits: Latency & { failed: number };
  errors: Record<string, number>;
  memory: { rssBefore: number; rssOpen: number; rssPeak: number; heapUsed: number };
  elapsedMs: number;
  /** The first error met (for the exit code; not in the JSON). */
  firstError: unknown;
}

async function runLoad(plan: LoadPlan): Promise<LoadReport> {
  const started = performance.now();
  const rssBefore = process.memoryUsage().rss;
  const errors = new Map<string, number>();
  let firstError: unknown = null;
  const fail = (error: unknown) => {
    firstError ??= error;
    const kind = errorKind(error);
    errors.set(kind, (errors.get(kind) ?? 0) + 1);
  };

  const { sessionId: _shared, ...target } = sessionTarget(plan.url); // N sessions: never one id for all
  const open: ClientSession[] = [];
  const openMs: number[] = [];
  const roundTripMs: number[] = [];
  let failed = 0;
  const progress = new Progress(`opening ${plan.sessions} sessions`);
  let next = 0;
  const worker = async () => {
    while (next < plan.sessions) {
      next++;
      const start = performance.now();
      try {
        const session = await pullSession(target);
        openMs.push(performance.now() - start);
        open.push(session);
        session.on("close", (error) => error !== null && fail(error));
        const rt = performance.now();
        await session.forceRoundtrip();
        roundTripMs.push(performance.now() - rt);
      } catch (error) {
        failed++;
        fail(error);
      }
      progress.update(openMs.length + failed, plan.sessions, failed > 0 ? `(${failed} failed)` : "");
    }
  };
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, plan.sessions) }, worker));
  const rssOpen = process.memoryUsage().rss;

  const editMs: number[] = [];
  let editsFailed = 0;
  if (plan.duration > 0 && open.length > 0) {
    progress.phase(`holding ${open.length} sessions for ${plan.duration} s${plan.editRate > 0 ? `, ${plan.editRate} edits/s` : ""}`);
    const pending = new Set<Promise<void>>();
    const holdStart = performance.now();
    let edits = 0;
    const tick = setInterval(() => progress.update(Math.floor((performance.now() - holdStart) / 1000), plan.duration), 250);
    const edit = () => {
      const session = open[edits % open.length] as ClientSession;
      const root = session.document?.roots[0];
      edits++;
      if (root === undefined || !session.connected) return;
      const start = performance.now();
      root.set("tags", [edits]);
      const done = session.flush().then(
        () => void editMs.push(performance.now() - start),
        (error: unknown) => {
          editsFailed++;
          fail(error);
        },
      );
      pending.add(done);
      void done.finally(() => pending.delete(done));
    };
    const editor = plan.editRate > 0 ? setInterval(edit, 1000 / plan.editRate) : null;
    await new Promise((resolve) => setTimeout(resolve, plan.duration * 1000));
    if (editor !== null) clearInterval(editor);
    clearInterval(tick);
    await Promise.all(pending);
  }
  progress.phase(`closing ${open.length} sessions`);
  await Promise.all(open.map((session) => session.close().catch(fail)));
  const report: LoadReport = {
    ...plan,
    opened: open.length,
    failed,
    open: latencySummary(openMs),
    roundTrip: latencySummary(roundTripMs),
    edits: { ...latencySummary(editMs), failed: editsFailed },
    errors: Object.fromEntries(errors),
    memory: { rssBefore, rssOpen, rssPeak: process.resourceUsage().maxRSS * 1024, heapUsed: process.memoryUsage().heapUsed },
    elapsedMs: performance.now() - started,
    firstError,
  };
  progress.finish(`done in ${formatMs(report.elapsedMs)}`);
  Object.defineProperty(report, "firstError", { enumerable: false });
  return report;
}

function formatReport(r: LoadReport): string {
  const latency = (l: Latency) =>
    l.count === 0 ? "no samples" : `p50 ${formatMs(l.p50)}  p95 ${formatMs(l.p95)}  p99 ${formatMs(l.p99)}  max ${formatMs(l.max)}  (${l.count})`;
  const errors = Object.entries(r.errors);
  const rows: [string, string][] = [
    ["url", r.url],
    ["sessions", `${r.opened} opened, ${r.failed} failed (of ${r.sessions}, ${r.concurrency} at a time)`],
    ["open", latency(r.open)],
    ["round trip", latency(r.roundTrip)],
  ];
  if (r.editRate > 0) rows.push(["edits", `${latency(r.edits)}${r.edits.failed > 0 ? `, ${r.edits.failed} failed` : ""}`]);
  rows.push(["errors", errors.length === 0 ? "none" : errors.map(([kind, n]) => `${kind} x${n}`).join(", ")]);
  rows.push([
    "memory",
    `rss ${formatBytes(r.memory.rssBefore)} before, ${formatBytes(r.memory.rssOpen)} with the sessions open, ${formatBytes(r.memory.rssPeak)} peak; heap ${formatBytes(r.memory.heapUsed)} (this process)`,
  ]);
  rows.push(["elapsed", formatMs(r.elapsedMs)]);
  return rows.map(([k, v]) => `${k.padEnd(11)}${v}\n`).join("");
}
