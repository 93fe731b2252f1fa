/** `bokeh-client info` and what every command shares (help, version, usage errors), as a subprocess. */
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LATEST_BOKEH_VERSION as SERVED } from "../../src/index.js"; // the embedded server's default release
import type { BokehServer } from "../../src/server/index.js";
import { killAll, ROOT, runCli } from "./run.js";
import { closedPort, sliderApp, startServer } from "./server.js";

let server: BokehServer;
beforeAll(async () => {
  server = await startServer({ apps: { "/myapp": sliderApp, "/other": sliderApp } });
});
afterAll(() => server.close());
afterEach(killAll);

test("info on an app: reachable, the Bokeh version, round-trip latency; exit 0", async () => {
  const { code, stdout } = await runCli(["info", server.appUrl("/myapp"), "--rounds", "3"]);
  expect(code).toBe(0);
  expect(stdout).toContain(`url        ${server.appUrl("/myapp")}`);
  expect(stdout).toMatch(/reachable  yes \(session opened in [\d.]+ ms\)/);
  expect(stdout).toContain(`bokeh      ${SERVED} (server ${SERVED})`);
  expect(stdout).toMatch(/round trip [\d.]+ ms median of 3 \(min [\d.]+ ms, max [\d.]+ ms\)/);
});

test("info on the server's root lists its apps and asks the first; --json", async () => {
  const { code, stdout } = await runCli(["info", server.url, "--json"]);
  expect(code).toBe(0);
  const result = JSON.parse(stdout) as { apps: string[]; bokeh: string; url: string; roundTrip: { samples: number[] } };
  expect(result.apps).toEqual(["/myapp", "/other"]);
  expect(result.url).toBe(server.appUrl("/myapp"));
  expect(result.bokeh).toBe(SERVED);
  expect(result.roundTrip.samples).toHaveLength(5);
});

test("info on a server that is not there: why, and exit 2", async () => {
  const url = `http://127.0.0.1:${await closedPort()}/myapp`;
  const { code, stdout } = await runCli(["info", url]);
  expect(code).toBe(2);
  expect(stdout).toMatch(/reachable  no: Cannot reach a Bokeh server at ws:\/\/127\.0\.0\.1:\d+\/myapp\/ws: connect ECONNREFUSED/);
});

test("info on an app the server does not have: refused, exit 3", async () => {
  const { code, stdout } = await runCli(["info", server.appUrl("/nope"), "--json"]);
  expect(code).toBe(3);
  expect(JSON.parse(stdout)).toMatchObject({ reachable: true, error: { kind: "HTTP 404" } });
});

test("--help on each command, --version, and usage errors exit 1", async () => {
  for (const name of ["info", "pull", "push", "watch", "serve", "load"]) {
    const { code, stdout } = await runCli([name, "--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: bokeh-client ${name} `));
    expect(stdout).toContain("-h, --help");
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  expect((await runCli(["--version"])).stdout).toBe(`${pkg.version}\n`);
  const list = await runCli(["--help"]);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/info URL[\s\S]*pull URL[\s\S]*push FILE URL[\s\S]*watch URL[\s\S]*serve APP\.\.\.[\s\S]*load URL/);

  const none = await runCli([]);
  expect(none.code).toBe(1);
  const unknown = await runCli(["pul", server.url]);
  expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown command "pul"') });
  const missing = await runCli(["info"]);
  expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining("bokeh-client info: missing URL") });
  const badOption = await runCli(["info", server.url, "--nope"]);
  expect(badOption).toMatchObject({ code: 1, stderr: expect.stringContaining("Unknown option '--nope'") });
  const badNumber = await runCli(["info", server.url, "--rounds", "many"]);
  expect(badNumber).toMatchObject({ code: 1, stderr: expect.stringContaining('--rounds must be a whole number >= 1, not "many"') });
  const badUrl = await runCli(["info", "ws://127.0.0.1:5006/myapp"]);
  expect(badUrl).toMatchObject({ code: 1, stderr: expect.stringContaining("not the websocket URL") });
});
