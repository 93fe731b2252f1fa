/**
 * The embedded server as each Bokeh release: the version it reports, the BokehJS it
 * gives browsers (an installed `@bokeh/bokehjs` of that version, found under its own
 * name or as an npm alias, else Bokeh's CDN), and a clear error for a version it
 * cannot be. `@bokeh/bokehjs` is an optional peer dependency: `bokeh-client/server`
 * is also run from a copy of the package in a project that does not have it.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import { ClientSession, Model } from "../src/index.js";
import { BokehServer, SERVER_BOKEH_VERSIONS, UnsupportedVersionError, type BokehServerOptions } from "../src/server/index.js";
import { BUNDLES, cdnUrl, findBokehJS } from "../src/server/static-files.js";

const require = createRequire(import.meta.url);
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function start(options: Partial<BokehServerOptions> = {}): Promise<{ server: BokehServer; lines: string[] }> {
  const lines: string[] = [];
  const app = (doc: import("../src/index.js").Document) => doc.addRoot(new Model("Div", { text: "hi" }));
  const server = await BokehServer.start({ port: 0, apps: { "/": app }, log: (level, message) => lines.push(`${level} ${message}`), ...options });
  cleanup.push(() => server.close());
  return { server, lines };
}

/** The script URLs of the app page, in order. */
async function pageScripts(server: BokehServer): Promise<string[]> {
  const html = await (await fetch(server.url)).text();
  return [...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bokeh-client-test-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A package folder with a package.json and, unless `bundle` is false, a build/js/bokeh.min.js. */
function fakePackage(folder: string, pkg: unknown, bundle = true): void {
  mkdirSync(join(folder, "build", "js"), { recursive: true });
  writeFileSync(join(folder, "package.json"), typeof pkg === "string" ? pkg : JSON.stringify(pkg));
  if (bundle) writeFileSync(join(folder, "build", "js", "bokeh.min.js"), "/* bokeh */");
}

describe("finding an installed BokehJS", () => {
  test("under its own name or as any alias whose package.json says @bokeh/bokehjs at exactly that version", async () => {
    const root = tempDir();
    const first = join(root, "app", "node_modules");
    const second = join(root, "node_modules");
    fakePackage(join(first, "@bokeh", "bokehjs"), { name: "@bokeh/bokehjs", version: "3.8.2" });
    fakePackage(join(first, "charts-39"), { name: "@bokeh/bokehjs", version: "3.9.2" }); // bokehjs-3.9@npm:@bokeh/bokehjs@3.9.2, named by the user
    fakePackage(join(first, "@acme", "bjs"), { name: "@bokeh/bokehjs", version: "3.10.0" }); // a scoped alias
    fakePackage(join(first, "not-bokeh"), { name: "not-bokeh", version: "3.7.3" });
    fakePackage(join(first, "broken"), "{ not json");
    fakePackage(join(first, "no-bundle"), { name: "@bokeh/bokehjs", version: "3.7.3" }, false);
    fakePackage(join(second, "@bokeh", "bokehjs"), { name: "@bokeh/bokehjs", version: "3.7.3" });
    fakePackage(join(second, "again-39"), { name: "@bokeh/bokehjs", version: "3.9.2" });
    const folders = [first, second, join(root, "missing")];
    expect(await findBokehJS("3.8.2", folders)).toBe(join(first, "@bokeh", "bokehjs", "build", "js"));
    expect(await findBokehJS("3.9.2", folders)).toBe(join(first, "charts-39", "build", "js")); // the nearer folder wins
    expect(await findBokehJS("3.10.0", folders)).toBe(join(first, "@acme", "bjs", "build", "js"));
    expect(await findBokehJS("3.7.3", folders)).toBe(join(second, "@bokeh", "bokehjs", "build", "js")); // not the one without bundles
    expect(await findBokehJS("3.9.1", folders)).toBeNull(); // exactly the version, no near miss
  });
});

describe("the server as each Bokeh release", () => {
  test("3.10.0 by default", async () => {
    const { server } = await start();
    expect(server.bokehVersion).toBe("3.10.0");
  });

  test.each(SERVER_BOKEH_VERSIONS.map((v) => [v]))("%s: serves that BokehJS, from the installed npm alias", async (bokehVersion) => {
    const { server, lines } = await start({ bokehVersion });
    const scripts = await pageScripts(server);
    expect(scripts.map((src) => src.replace(/\?v=[0-9a-f]+$/, ""))).toEqual(BUNDLES.map((b) => `/static/js/${b}.min.js`));
    const served = Buffer.from(await (await fetch(new URL(scripts[0]!, server.url))).arrayBuffer());
    const alias = `bokehjs-${bokehVersion.split(".").slice(0, 2).join(".")}`;
    // Read from the package's folder: BokehJS 4's package.json "exports" hide build/js/bokeh.min.js from require.
    expect(served.equals(readFileSync(join(dirname(require.resolve(`${alias}/package.json`)), "build", "js", "bokeh.min.js")))).toBe(true);
    expect(served.toString("latin1")).toContain(`"${bokehVersion}"`);
    expect(lines.filter((line) => /CDN|not installed/.test(line))).toEqual([]);
  });

  test.each(SERVER_BOKEH_VERSIONS.filter((v) => v.startsWith("3.")).map((v) => [v]))("%s: reports it in SERVER-INFO-REPLY", async (bokehVersion) => {
    const { server } = await start({ bokehVersion });
    const session = new ClientSession({ websocketUrl: `${server.url.replace("http", "ws")}ws` });
    cleanup.push(() => session.close());
    expect(await session.requestServerInfo()).toEqual({ version_info: { bokeh: bokehVersion, server: bokehVersion } });
  });

  test.each([["4.0.0", /not a Bokeh version bokeh-client knows/], ["3.9", /not a Bokeh version bokeh-client knows/], ["2.4.3", /not a Bokeh version/]])(
    "%s is refused with a typed error before listening",
    async (bokehVersion, message) => {
      const error = await BokehServer.start({ port: 0, apps: { "/": () => {} }, bokehVersion: bokehVersion as never }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedVersionError);
      expect(error).toMatchObject({ code: "ERR_BOKEH_UNSUPPORTED_VERSION", version: bokehVersion });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain("3.7.3, 3.8.2, 3.9.2, 3.10.0, 4.0.0-dev.5");
    },
  );
});

describe("in a user's project", () => {
  test("bokeh-client/server runs without @bokeh/bokehjs: pages load the version from Bokeh's CDN and the server says so once, naming the installed ones", async () => {
    // A project with bokeh-client and its dependencies, and BokehJS 3.8.2 under an alias of the user's: no 3.9.2.
    const project = tempDir();
    const pkg = join(project, "node_modules", "bokeh-client");
    const root = join(dirname(require.resolve("../package.json")));
    mkdirSync(pkg, { recursive: true });
    cpSync(join(root, "dist"), join(pkg, "dist"), { recursive: true });
    cpSync(join(root, "package.json"), join(pkg, "package.json"));
    symlinkSync(dirname(require.resolve("ws/package.json")), join(project, "node_modules", "ws"), "dir");
    symlinkSync(dirname(require.resolve("bokehjs-3.8/package.json")), join(project, "node_modules", "charts-old"), "dir");
    const script = `
      import { BokehServer } from "bokeh-client/server";
      const lines = [];
      const server = await BokehServer.start({ port: 0, bokehVersion: "3.9.2", apps: { "/": () => {} }, log: (level, message) => lines.push(level + " " + message) });
      const html = await (await fetch(server.url)).text();
      const scripts = [...html.matchAll(/<script src="([^"]+)"><\\/script>/g)].map((m) => m[1]);
      const redirect = await fetch(server.url + "static/js/bokeh-widgets.min.js", { redirect: "manual" });
      const missing = await fetch(server.url + "static/js/bokeh-nope.min.js", { redirect: "manual" });
      await server.close();
      const old = await BokehServer.start({ port: 0, bokehVersion: "3.8.2", apps: { "/": () => {} }, log: (level, message) => lines.push(level + " " + message) });
      const local = await fetch(old.url + "static/js/bokeh.min.js");
      const served = [local.status, (await local.text()).includes('"3.8.2"')];
      await old.close();
      console.log(JSON.stringify({ lines, scripts, redirect: [redirect.status, redirect.headers.get("location")], missing: missing.status, served }));
    `;
    const file = join(project, "run.mjs");
    writeFileSync(file, script);
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: project });
    const out = JSON.parse(stdout) as { lines: string[]; scripts: string[]; redirect: [number, string]; missing: number; served: [number, boolean] };
    expect(out.scripts).toEqual(BUNDLES.map((b) => cdnUrl(b, "3.9.2")));
    expect(out.scripts[0]).toBe("https://cdn.bokeh.org/bokeh/release/bokeh-3.9.2.min.js");
    expect(out.redirect).toEqual([302, "https://cdn.bokeh.org/bokeh/release/bokeh-widgets-3.9.2.min.js"]);
    expect(out.missing).toBe(404);
    expect(out.lines).toEqual([expect.stringMatching(/^warn BokehJS 3\.9\.2 is not installed .*https:\/\/cdn\.bokeh\.org; installed: 3\.8\.2 \(bokehVersion chooses\)$/)]);
    expect(out.served).toEqual([200, true]); // the alias, as 3.8.2, serves its own bundles and logs nothing
  });
});
