/**
 * The package as users get it: `npm pack`'s tarball installed into fresh projects
 * outside this repository (`--omit=dev`, from the npm registry), then
 *
 * - a client-only install (no BokehJS) whose node_modules is measured (at most 15 MB);
 * - a TypeScript consumer compiled in strict mode with `skipLibCheck: false` under
 *   `node16` and `bundler` resolution, then run;
 * - plain JavaScript consumers: ESM `import` and CommonJS `require()` (Node 20.19+);
 * - the `bokeh-client` command from node_modules/.bin;
 *
 * each talking to an embedded server started from the installed package.
 *
 * Until `@bokeh/bokehjs` becomes an optional peer dependency (another branch), the
 * client-only project installs a copy of the tarball whose package.json lists no
 * `@bokeh/bokehjs`; once it is optional, that copy is the tarball unchanged.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ROOT } from "../cli/run.js";

const run = promisify(execFile);
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const MAX_CLIENT_INSTALL = 15_000_000; // bytes
const NPM_FLAGS = ["--omit=dev", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"];

let work: string;
let full: string; // the tarball as published, with the server's needs
let clientOnly: string; // without BokehJS
let server: ChildProcess;
let serverUrl: string;

function npm(args: string[], cwd: string) {
  return run("npm", args, { cwd, maxBuffer: 16 * 1024 * 1024 });
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Apparent size of every file under `dir` (symlinks counted as links, not followed). */
function treeSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? treeSize(path) : lstatSync(path).size;
  }
  return total;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "bokeh-client-pack-"));
  // npm test built dist/ already; --ignore-scripts keeps `prepare` from rebuilding it under other tests' feet.
  const { stdout } = await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT);
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  const tarball = join(work, packed!.filename);

  // The client-only copy: the same files, no @bokeh/bokehjs in `dependencies`.
  const unpacked = join(work, "unpacked");
  mkdirSync(unpacked);
  await run("tar", ["xzf", tarball, "-C", unpacked]);
  const manifestPath = join(unpacked, "package", "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { dependencies?: Record<string, string> };
  delete manifest.dependencies?.["@bokeh/bokehjs"];
  writeJson(manifestPath, manifest);
  const repacked = JSON.parse((await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", join(work, "unpacked")], join(unpacked, "package"))).stdout) as { filename: string }[];
  const clientTarball = join(unpacked, repacked[0]!.filename);

  full = join(work, "full");
  clientOnly = join(work, "client-only");
  mkdirSync(full);
  mkdirSync(clientOnly);
  writeJson(join(full, "package.json"), { name: "consumer", private: true, type: "module", dependencies: { "bokeh-client": `file:${tarball}`, "@types/node": "^20.19.0" } });
  writeJson(join(clientOnly, "package.json"), { name: "client-consumer", private: true, type: "module", dependencies: { "bokeh-client": `file:${clientTarball}` } });
  await Promise.all([npm(["install", ...NPM_FLAGS], full), npm(["install", ...NPM_FLAGS], clientOnly)]);

  cpSync(join(ROOT, "test", "package", "consumer"), full, { recursive: true });
  cpSync(join(ROOT, "test", "package", "consumer", "client.mjs"), join(clientOnly, "client.mjs"));
  server = spawn(process.execPath, ["server.mjs"], { cwd: full, stdio: ["ignore", "pipe", "inherit"] });
  serverUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    server.on("exit", (code) => reject(new Error(`the installed package's server exited (${code})`)));
  });
}, 300_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill();
    await exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test("the tarball holds dist/, LICENSE, README and package.json only; its source maps carry their sources", () => {
  const installed = join(full, "node_modules", "bokeh-client");
  expect(readdirSync(installed).sort()).toEqual(["LICENSE", "README.md", "dist", "package.json"]);
  expect(readFileSync(join(installed, "LICENSE"), "utf8")).toMatch(/^BSD 3-Clause License\n\nCopyright \(c\) \d{4}, the bokeh-client authors/);
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Record<string, unknown>;
  expect(pkg).toMatchObject({
    license: "BSD-3-Clause",
    repository: { url: expect.stringContaining("github.com/bokeh-client/bokeh-client") },
    homepage: expect.any(String),
    bugs: { url: expect.any(String) },
    bin: { "bokeh-client": "./dist/cli/main.js" },
  });
  const map = JSON.parse(readFileSync(join(installed, "dist", "client", "session.js.map"), "utf8")) as { sources: string[]; sourcesContent?: string[] };
  expect(map.sourcesContent).toHaveLength(map.sources.length);
  expect(map.sourcesContent![0]).toContain("export class ClientSession");
});

test("a client-only install is at most 15 MB", () => {
  const size = treeSize(join(clientOnly, "node_modules"));
  const withServer = treeSize(join(full, "node_modules")) - treeSize(join(full, "node_modules", "@types"));
  console.log(
    `client-only install: node_modules is ${(size / 1e6).toFixed(2)} MB (limit ${MAX_CLIENT_INSTALL / 1e6} MB); ` +
      `with the dependencies as published today: ${(withServer / 1e6).toFixed(2)} MB`,
  );
  expect(readdirSync(join(clientOnly, "node_modules"))).not.toContain("@bokeh");
  expect(size).toBeLessThanOrEqual(MAX_CLIENT_INSTALL);
});

test("plain JavaScript: ESM import in the client-only install, and require() (Node 20.19+)", async () => {
  const esm = await run(process.execPath, ["client.mjs", `${serverUrl}app`], { cwd: clientOnly });
  expect(esm.stdout).toBe("pulled Slider value 1; pushed and read back 2 roots\n");
  const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
  if (major > 20 || (major === 20 && minor >= 19)) {
    const cjs = await run(process.execPath, ["client.cjs", `${serverUrl}app`], { cwd: full });
    expect(cjs.stdout).toBe("require: pulled Slider value 1\n");
  }
}, 60_000);

test("TypeScript, strict with skipLibCheck false, under node16 and bundler resolution: compiles and runs", async () => {
  for (const config of ["tsconfig.node16.json", "tsconfig.bundler.json"]) {
    const compiled = await run(process.execPath, [TSC, "-p", config], { cwd: full }).catch((error: { stdout: string }) => error);
    expect(compiled.stdout, config).toBe("");
    const outDir = config === "tsconfig.node16.json" ? "out-node16" : "out-bundler";
    const { stdout } = await run(process.execPath, [join(outDir, "consumer.js"), `${serverUrl}app`], { cwd: full });
    expect(stdout, config).toBe("typed: slider 1 -> 5; figure pushed with 2 renderers\n");
  }
}, 180_000); // two compilations of every model's types

test("the bokeh-client command from node_modules/.bin", async () => {
  const bin = join(full, "node_modules", ".bin", "bokeh-client");
  const { stdout } = await run(bin, ["info", `${serverUrl}app`], { cwd: full });
  expect(stdout).toMatch(/^url {8}http:\/\/127\.0\.0\.1:\d+\/app\nreachable  yes/);
  const child = spawn(bin, ["serve", "app.ts", "--port", "0"], { cwd: full, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  if (typeof (process.features as { typescript?: unknown }).typescript === "string") {
    // Node strips types itself: the app is served.
    await new Promise<void>((resolve) => child.stdout.on("data", () => out.includes("app /app:") && resolve()));
    child.kill("SIGINT");
  }
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (typeof (process.features as { typescript?: unknown }).typescript === "string") {
    expect(code).toBe(0);
  } else {
    // Node 20 cannot strip types and this project has no tsx: the error says what to install.
    expect(code).toBe(1);
    expect(out).toContain("Install tsx beside it (npm install --save-dev tsx)");
  }
}, 60_000);
