/** `bokeh-client pull` and `push` as subprocesses against the embedded server started here. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { Document, pullSession, type Div, type Slider } from "../../src/index.js";
import type { BokehServer } from "../../src/server/index.js";
import { FIXTURES, killAll, runCli, startCli } from "./run.js";
import { until } from "../helpers/until.js";
import { closedPort, startServer } from "./server.js";

let server: BokehServer;
let dir: string;
beforeAll(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), "bokeh-client-cli-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(killAll);

test("pull prints the document as DocJson on stdout, and a plain progress line on stderr when piped", async () => {
  const { code, stdout, stderr } = await runCli(["pull", server.appUrl("/myapp")]);
  expect(code).toBe(0);
  const doc = Document.fromJSON(JSON.parse(stdout));
  expect(doc.title).toBe("CLI test app");
  expect(doc.roots.map((r) => r.type)).toEqual(["Slider", "Div"]);
  expect(doc.getModelByName("amplitude")!.get("value")).toBe(1);
  expect(stderr).toMatch(/^pulling http:\/\/127\.0\.0\.1:\d+\/myapp\.\.\.\npulled session \S+: 2 models, [\d.]+ \w+ in [\d.]+ ms\n$/);
  expect(stderr).not.toContain("\r");
});

test("pull --session joins a live session (changed by another client) and writes -o FILE; --tree shows non-default properties", async () => {
  const other = await pullSession({ url: server.appUrl("/myapp") });
  (other.document!.getModelByName("amplitude") as Slider).value = 7;
  await other.flush();
  const file = join(dir, "pulled.json");
  const written = await runCli(["pull", server.appUrl("/myapp"), "--session", other.id, "-o", file]);
  expect(written.code).toBe(0);
  expect(written.stdout).toBe("");
  expect(Document.fromJSON(JSON.parse(readFileSync(file, "utf8"))).getModelByName("amplitude")!.get("value")).toBe(7);

  // A browser's address works as it is: the session id comes from its query.
  const tree = await runCli(["pull", `${server.appUrl("/myapp")}/?bokeh-session-id=${other.id}`, "--tree"]);
  expect(tree.code).toBe(0);
  const slider = other.document!.getModelByName("amplitude")!;
  expect(tree.stdout).toContain(`Document "CLI test app" (2 roots, 2 models)\nSlider ${slider.id} "amplitude"\n`);
  expect(tree.stdout).toContain("  value: 7\n");
  expect(tree.stdout).toContain('  title: "Amplitude"\n');
  expect(tree.stdout).not.toMatch(/orientation|bar_color/); // defaults are left out
  expect(tree.stdout).toMatch(/Div \S+ "greeting"\n  text: "hello"\n/);
  await other.close();
});

test("a query in the URL becomes the new session's arguments (the app sees ?name=Ada)", async () => {
  const { code, stdout } = await runCli(["pull", `${server.appUrl("/myapp")}/?name=Ada#top`, "--tree"]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/Div \S+ "greeting"\n  text: "hello Ada"\n/);
});

test("pull from an unknown app exits 3, from no server 2", async () => {
  const refused = await runCli(["pull", server.appUrl("/nope")]);
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain("bokeh-client pull: No Bokeh application at");
  const unreachable = await runCli(["pull", `http://127.0.0.1:${await closedPort()}/myapp`]);
  expect(unreachable.code).toBe(2);
});

test("push of a DocJson file prints the session URL; the session holds the document", async () => {
  const source = await pullSession({ url: server.appUrl("/myapp") });
  (source.document!.getModelByName("greeting") as Div).set("text", "pushed from a file");
  const file = join(dir, "doc.json");
  writeFileSync(file, JSON.stringify(source.document!.toJSON()));
  await source.close();
  const { code, stdout } = await runCli(["push", file, server.appUrl("/myapp"), "--session", "from-file"]);
  expect(code).toBe(0);
  expect(stdout).toBe(`${server.appUrl("/myapp")}/?bokeh-session-id=from-file\n`);
  const session = await server.getSession("from-file");
  expect(session!.document.getModelByName("greeting")!.get("text")).toBe("pushed from a file");
});

test("push of a TypeScript module whose default export is a Document", async () => {
  const { code, stdout, stderr } = await runCli(["push", join(FIXTURES, "document.ts"), server.appUrl("/myapp")]);
  expect(stderr).toMatch(/pushed \d+ models in/);
  expect(code).toBe(0);
  const id = /bokeh-session-id=(\S+)/.exec(stdout)![1]!;
  const session = await pullSession({ url: server.appUrl("/myapp"), sessionId: id });
  expect(session.document!.title).toBe("Pushed");
  expect(session.document!.getModelByName("pushed-plot")!.type).toBe("Figure");
  await session.close();
});

test("push of a file that is not a document exits 1 with why; to no server 2", async () => {
  const bad = join(dir, "bad.json");
  writeFileSync(bad, "{ not json");
  expect(await runCli(["push", bad, server.appUrl("/myapp")])).toMatchObject({ code: 1, stderr: expect.stringContaining("cannot read") });
  const noRoots = join(dir, "noroots.json");
  writeFileSync(noRoots, "{}");
  expect(await runCli(["push", noRoots, server.appUrl("/myapp")])).toMatchObject({ code: 1, stderr: expect.stringContaining("is not a Bokeh document") });
  expect(await runCli(["push", join(FIXTURES, "not-a-document.js"), server.appUrl("/myapp")])).toMatchObject({
    code: 1,
    stderr: expect.stringContaining("default export is a Document"),
  });
  // An app function is not a document factory: what it threw is reported.
  expect(await runCli(["push", join(FIXTURES, "counter.js"), server.appUrl("/myapp")])).toMatchObject({
    code: 1,
    stderr: expect.stringContaining("the default export of"),
  });
  expect(await runCli(["push", join(dir, "missing.json"), server.appUrl("/myapp")])).toMatchObject({ code: 1 });
  const file = join(dir, "ok.json");
  writeFileSync(file, JSON.stringify(new Document().toJSON()));
  expect((await runCli(["push", file, `http://127.0.0.1:${await closedPort()}/myapp`])).code).toBe(2);
});

test("push --keep stays connected (so the server keeps the session) until Ctrl-C", async () => {
  const own = await startServer();
  try {
    const cli = startCli(["push", join(FIXTURES, "document.ts"), own.appUrl("/myapp"), "--keep"]);
    const [, id] = await cli.waitFor(/bokeh-session-id=(\S+)\n/);
    await cli.waitFor(/connected; Ctrl-C to close the session/, "stderr");
    expect(own.connectionCount).toBe(1);
    expect((await own.getSession(id!))!.document.title).toBe("Pushed");
    expect(await cli.interrupt()).toBe(0);
    await until(() => own.connectionCount === 0, "the connection to close");
  } finally {
    await own.close();
  }
});

test("a large pull reports its progress in bytes: a line at each tenth when piped", async () => {
  const { BokehServer } = await import("../../src/server/index.js");
  const { ColumnDataSource } = await import("../../src/index.js");
  const big = await BokehServer.start({
    port: 0,
    log: () => {},
    apps: { "/big": (doc) => doc.addRoot(new ColumnDataSource({ name: "source", data: { x: new Float64Array(1_000_000), y: new Float64Array(1_000_000) } })) },
  });
  try {
    const { code, stderr } = await runCli(["pull", big.appUrl("/big"), "-o", join(dir, "big.json")]);
    expect(code).toBe(0);
    const lines = stderr.split("\n").filter((l) => / of /.test(l));
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line).toMatch(/^pulling http:\/\/127\.0\.0\.1:\d+\/big: \d+\/\d+ [\d.]+ \w+ of 15\.3 MiB$/);
  } finally {
    await big.close();
  }
});
