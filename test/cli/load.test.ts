/** `bokeh-client load` as a subprocess against the embedded server: sessions, edits, errors by kind, progress. */
import { spawn } from "node:child_process";
import { afterEach, expect, test } from "vitest";
import type { BokehServer } from "../../src/server/index.js";
import { CLI, killAll, ROOT, runCli } from "./run.js";
import { closedPort, sliderApp, startServer } from "./server.js";

const servers: BokehServer[] = [];
afterEach(async () => {
  await killAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: Parameters<typeof startServer>[0] = {}): Promise<BokehServer> {
  const s = await startServer(options);
  servers.push(s);
  return s;
}

interface Report {
  opened: number;
  failed: number;
  open: { count: number; p50: number; p95: number; p99: number; max: number };
  roundTrip: { count: number; p50: number };
  edits: { count: number; failed: number; p50: number; p99: number };
  errors: Record<string, number>;
  memory: { rssBefore: number; rssPeak: number; heapUsed: number };
}

test("load opens N sessions, edits them, and reports p50/p95/p99, no errors, memory; the server saw every session and edit", async () => {
  let editsSeen = 0;
  const s = await server({
    apps: {
      "/myapp": (doc, context) => {
        void sliderApp(doc, context);
        doc.onChange((event) => {
          if (event.kind === "ModelChanged" && event.attr === "tags") editsSeen++;
        });
      },
    },
  });
  const { code, stdout, stderr } = await runCli(["load", s.appUrl("/myapp"), "--sessions", "12", "--concurrency", "4", "--duration", "0.5", "--edit-rate", "40", "--json"]);
  expect(stderr).toContain("opening 12 sessions...");
  expect(code).toBe(0);
  const report = JSON.parse(stdout) as Report;
  expect(report).toMatchObject({ opened: 12, failed: 0, errors: {}, open: { count: 12 }, roundTrip: { count: 12 }, edits: { failed: 0 } });
  expect(report.open.p50).toBeGreaterThan(0);
  expect(report.open.p50).toBeLessThanOrEqual(report.open.p95);
  expect(report.open.p95).toBeLessThanOrEqual(report.open.p99);
  expect(report.open.p99).toBeLessThanOrEqual(report.open.max);
  expect(report.edits.count).toBeGreaterThan(0);
  expect(report.memory.rssPeak).toBeGreaterThanOrEqual(report.memory.rssBefore);
  expect(s.sessionCount).toBe(12);
  // Each edit set `tags` on the first root of a session, and the server applied each one.
  expect(editsSeen).toBe(report.edits.count);
});

test("load reports errors by kind: sessions the server refuses (maxSessions) and exits 3", async () => {
  const s = await server({ maxSessions: 3 });
  const { code, stdout } = await runCli(["load", s.appUrl("/myapp"), "--sessions", "5", "--concurrency", "1"]);
  expect(code).toBe(3);
  expect(stdout).toContain("sessions   3 opened, 2 failed (of 5, 1 at a time)");
  expect(stdout).toContain("errors     SESSION_REFUSED 1013 x2");
  expect(stdout).toMatch(/open       p50 [\d.]+ ms  p95 [\d.]+ ms  p99 [\d.]+ ms  max [\d.]+ ms  \(3\)/);
  expect(stdout).toMatch(/memory     rss [\d.]+ MiB before/);
});

test("load: no server is exit 2, a wrong app 3, usage errors 1", async () => {
  const unreachable = await runCli(["load", `http://127.0.0.1:${await closedPort()}/myapp`, "--sessions", "2", "--json"]);
  expect(unreachable.code).toBe(2);
  expect((JSON.parse(unreachable.stdout) as Report).errors).toEqual({ NETWORK_ERROR: 2 });
  const s = await server();
  expect((await runCli(["load", s.appUrl("/nope"), "--sessions", "1"])).code).toBe(3);
  expect(await runCli(["load", s.appUrl("/myapp")])).toMatchObject({ code: 1, stderr: expect.stringContaining("--sessions N is required") });
  expect(await runCli(["load", s.appUrl("/myapp"), "--sessions", "2", "--edit-rate", "5"])).toMatchObject({ code: 1, stderr: expect.stringContaining("needs a --duration") });
  expect(await runCli(["load", s.appUrl("/myapp"), "--sessions", "0"])).toMatchObject({ code: 1 });
});

test("on a terminal, load draws a progress bar in place", async () => {
  const s = await server();
  // `script` runs the command on a pseudo-terminal, as a person at a terminal would.
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} load ${s.appUrl("/myapp")} --sessions 20 --concurrency 2`;
  const child = spawn("script", ["-qec", command, "/dev/null"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(code).toBe(0);
  expect(out).toMatch(/\r\x1b\[2Kopening 20 sessions \[#*-*\] \d+\/20 [\d.]+s/);
  expect(out).toContain("sessions   20 opened, 0 failed");
  expect(out).not.toContain("opening 20 sessions...");
});
