/**
 * `bokeh-client serve` as a subprocess: TypeScript, JavaScript and folder apps at
 * /<name>, the options people know from `bokeh serve`, Ctrl-C; and the server's
 * NODE_DEBUG=bokeh-client lines.
 */
import { afterEach, expect, test } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../helpers/until.js";
import { ClientSession, LATEST_BOKEH_VERSION, pullSession, websocketUrlForServerUrl } from "../../src/index.js";
import { FIXTURES, killAll, runCli, startCli } from "./run.js";

afterEach(killAll);

test("serve runs a TypeScript app, a JavaScript app and a folder app, each at /<name>; Ctrl-C stops it with 0", async () => {
  const cli = startCli(["serve", join(FIXTURES, "sine.ts"), join(FIXTURES, "counter.js"), join(FIXTURES, "dashboard"), "--port", "0"]);
  const [, root] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/)\n(?:.*\n){3}/);
  expect(cli.stdout()).toBe(
    `Bokeh ${LATEST_BOKEH_VERSION} server listening on ${root}\n` +
      `app /sine: ${root}sine\napp /counter: ${root}counter\napp /dashboard: ${root}dashboard\n`,
  );
  const sine = await pullSession({ url: `${root}sine` });
  expect(sine.document!.title).toBe("Sine from TypeScript");
  expect(sine.document!.roots.map((r) => r.type)).toEqual(["Slider", "Figure"]);
  const counter = await pullSession({ url: `${root}counter` });
  expect(counter.document!.getModelByName("greeting")!.get("text")).toBe("Hello from JavaScript");
  const dashboard = await pullSession({ url: `${root}dashboard` });
  expect(dashboard.document!.getModelByName("title")!.get("text")).toBe("Dashboard");

  // The app's callbacks run in the server: the slider recomputes the wave.
  const slider = sine.document!.getModelByName("amplitude")!;
  const wave = sine.document!.getModelByName("wave")!;
  const before = (wave.get("data") as { y: number[] }).y[5];
  slider.set("value", 3);
  await sine.flush();
  await sine.forceRoundtrip();
  expect((wave.get("data") as { y: number[] }).y[5]).toBeCloseTo(3 * (before as number));

  for (const s of [sine, counter, dashboard]) await s.close();
  expect(await cli.interrupt()).toBe(0);
  expect(cli.stderr()).toContain("stopping");
});

test("serve --address, --allow-websocket-origin and --bokeh-version", async () => {
  const cli = startCli([
    "serve", join(FIXTURES, "counter.js"), "--port", "0", "--address", "127.0.0.1",
    "--allow-websocket-origin", "example.com", "--allow-websocket-origin", "other.example:8080", "--bokeh-version", "3.9.2",
  ]);
  const [, root] = await cli.waitFor(/Bokeh 3\.9\.2 server listening on (\S+)\n.*\n/);
  const withOrigin = (origin: string) => new ClientSession({ websocketUrl: websocketUrlForServerUrl(`${root}counter`), headers: { Origin: origin } });
  const allowed = withOrigin("http://example.com");
  await allowed.connect();
  expect((await allowed.requestServerInfo()).version_info.bokeh).toBe("3.9.2");
  await allowed.close();
  const other = withOrigin("http://other.example:8080");
  await other.connect();
  await other.close();
  const refused = withOrigin(`http://localhost:${new URL(root!).port}`); // not listed: the default list is replaced
  await expect(refused.connect()).rejects.toMatchObject({ status: 403 });
  expect(refused.errorReason).toBe("HTTP_ERROR");
  expect(await cli.interrupt()).toBe(0);
});

test("serve: usage errors exit 1 (no app, not a module, no app function, port in use, version not served)", async () => {
  expect(await runCli(["serve"])).toMatchObject({ code: 1, stderr: expect.stringContaining("missing APP...") });
  expect(await runCli(["serve", join(FIXTURES, "nope.ts")])).toMatchObject({ code: 1, stderr: expect.stringContaining("no such file or folder") });
  expect(await runCli(["serve", join(FIXTURES, "not-a-document.js"), "--port", "0"])).toMatchObject({ code: 1, stderr: expect.stringContaining("must export an app function") });
  expect(await runCli(["serve", join(FIXTURES, "counter.js"), "--port", "http"])).toMatchObject({ code: 1, stderr: expect.stringContaining("--port must be a whole number") });
  expect(await runCli(["serve", join(FIXTURES, "counter.js"), "--port", "70000"])).toMatchObject({ code: 1, stderr: expect.stringContaining("at most 65535") });
  expect(await runCli(["serve", join(FIXTURES, "counter.js"), "--port", "0", "--bokeh-version", "9.9.9"])).toMatchObject({
    code: 1,
    stderr: expect.stringMatching(/9\.9\.9/),
  });
  const busy = startCli(["serve", join(FIXTURES, "counter.js"), "--port", "0"]);
  const [, port] = await busy.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
  expect(await runCli(["serve", join(FIXTURES, "counter.js"), "--port", port!])).toMatchObject({ code: 1, stderr: expect.stringContaining(`port ${port} is in use`) });
  expect(await busy.interrupt()).toBe(0);
});

test("NODE_DEBUG=bokeh-client: the server logs its connection states and each message in and out, one line each", async () => {
  const cli = startCli(["serve", join(FIXTURES, "counter.js"), "--port", "0"], { env: { NODE_DEBUG: "bokeh-client" } });
  const [, root] = await cli.waitFor(/listening on (\S+)\n/);
  const session = await pullSession({ url: `${root}counter` });
  await session.close();
  const id = session.id;
  const pattern = (text: string) => new RegExp(`BOKEH-CLIENT \\d+: server session=${id} ${text}`);
  await cli.waitFor(pattern("conn=1 state open -> closed code=\\d+"), "stderr");
  const log = cli.stderr();
  expect(log).toMatch(pattern("created app=/counter"));
  expect(log).toMatch(pattern("conn=1 state connecting -> open"));
  expect(log).toMatch(pattern("conn=1 out ACK msgid=\\S+ bytes=\\d+ buffers=0"));
  const request = new RegExp(`server session=${id} conn=1 in PULL-DOC-REQ msgid=(\\S+) bytes=(\\d+) buffers=0`).exec(log);
  expect(request).not.toBeNull();
  expect(Number(request![2])).toBeGreaterThan(20);
  expect(log).toMatch(pattern(`conn=1 out PULL-DOC-REPLY msgid=\\S+ reqid=${request![1]} bytes=\\d+ buffers=0`));
  expect(await cli.interrupt()).toBe(0);

  // Without the switch, nothing.
  const quiet = startCli(["serve", join(FIXTURES, "counter.js"), "--port", "0"]);
  const [, quietRoot] = await quiet.waitFor(/listening on (\S+)\n/);
  await (await pullSession({ url: `${quietRoot}counter` })).close();
  expect(await quiet.interrupt()).toBe(0);
  expect(quiet.stderr()).not.toContain("BOKEH-CLIENT");
});

test("serve --show and push --show open the app and the pushed session in the browser ($BROWSER)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bokeh-client-show-"));
  const log = join(dir, "opened.txt");
  const env = { BROWSER: `${process.execPath} ${join(FIXTURES, "record-url.mjs")} %s`, BROWSER_LOG: log };
  try {
    const cli = startCli(["serve", join(FIXTURES, "counter.js"), join(FIXTURES, "sine.ts"), "--port", "0", "--show"], { env });
    const [, root] = await cli.waitFor(/listening on (\S+)\n/);
    const opened = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(0, -1) : []);
    await until(() => opened().length === 1, "the browser to be started");
    expect(readFileSync(log, "utf8")).toBe(`${root}counter\n`);

    const pushed = await runCli(["push", join(FIXTURES, "document.ts"), `${root}counter`, "--show"], { env });
    expect(pushed.code).toBe(0);
    await until(() => opened().length === 2, "the second browser to be started");
    expect(opened()[1]).toBe(pushed.stdout.trim());
    expect(await cli.interrupt()).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
