/**
 * Loading the user's modules (apps for `serve`, documents for `push`), JavaScript
 * or TypeScript, without making TypeScript tooling a dependency of the package:
 *
 * - `.js` / `.mjs` / `.cjs`: `import()`.
 * - `.ts` / `.mts` / `.cts`: Node's own type stripping where it is on
 *   (`process.features.typescript`: Node 22.18+, 23.6+), else `tsx` (an optional
 *   peer dependency: found from the module's folder first, then from ours), else a
 *   UsageError that says what to install. See docs/cli.md.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError } from "./command.js";

const TYPESCRIPT = new Set([".ts", ".mts", ".cts"]);
const JAVASCRIPT = new Set([".js", ".mjs", ".cjs"]);

/** The files a folder app may start from, in order (`bokeh serve dir` runs `dir/main.py`). */
export const FOLDER_ENTRIES = ["main.ts", "main.mts", "main.js", "main.mjs", "index.ts", "index.mts", "index.js", "index.mjs"];

/** An app path given on the command line: its module file and the name it is served under. */
export function resolveAppPath(path: string): { file: string; name: string } {
  const full = resolve(path);
  if (!existsSync(full)) throw new UsageError(`no such file or folder: ${path}`);
  if (statSync(full).isDirectory()) {
    const entry = FOLDER_ENTRIES.find((name) => existsSync(join(full, name)));
    if (entry === undefined) throw new UsageError(`the folder ${path} has no ${FOLDER_ENTRIES.join(", ")}`);
    return { file: join(full, entry), name: basename(full) };
  }
  const ext = extname(full);
  if (!TYPESCRIPT.has(ext) && !JAVASCRIPT.has(ext)) throw new UsageError(`${path} is not a JavaScript or TypeScript module (.js, .mjs, .cjs, .ts, .mts, .cts)`);
  return { file: full, name: basename(full, ext) };
}

/** Imports a module file and returns its default export. */
export async function importDefault(file: string): Promise<unknown> {
  let module: { default?: unknown };
  try {
    module = (await importModule(file)) as { default?: unknown };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot load ${file}: ${(error as Error)?.stack ?? String(error)}`, { cause: error });
  }
  let value = module.default;
  // A CommonJS module (or a TypeScript file compiled as one) puts `export default` under `.default`.
  if (typeof value === "object" && value !== null && "default" in value && (value as { __esModule?: unknown }).__esModule === true) {
    value = (value as { default: unknown }).default;
  }
  return value;
}

async function importModule(file: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  if (!TYPESCRIPT.has(extname(file)) || nodeStripsTypes()) return import(url);
  // Registered for the whole process, not tsx's tsImport: that loads the module's
  // imports again in a namespace of their own, so its bokeh-client would be a second
  // copy whose models this process's documents do not know.
  tsxRegistration ??= loadTsx(file).then((tsx) => void tsx.register());
  await tsxRegistration;
  return import(url);
}

let tsxRegistration: Promise<void> | null = null;

function nodeStripsTypes(): boolean {
  const features = process.features as { typescript?: string | false };
  return typeof features.typescript === "string";
}

interface TsxApi {
  register(): unknown;
}

async function loadTsx(file: string): Promise<TsxApi> {
  const candidates = [tsxBeside(file), "tsx/esm/api"].filter((c) => c !== null);
  for (const specifier of candidates) {
    try {
      const api = (await import(specifier)) as Partial<TsxApi>;
      if (typeof api.register === "function") return api as TsxApi;
    } catch {
      // try the next one
    }
  }
  throw new UsageError(
    `${basename(file)} is TypeScript, which Node ${process.version} does not run by itself. ` +
      "Install tsx beside it (npm install --save-dev tsx), use Node 22.18 or later (it strips types), or compile the module to JavaScript.",
  );
}

/** The ESM entry of `tsx/esm/api` installed where `file` would find it (require.resolve only knows the CommonJS one). */
function tsxBeside(file: string): string | null {
  try {
    const manifest = createRequire(file).resolve("tsx/package.json");
    const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { exports?: Record<string, { import?: string | { default?: string } }> };
    const entry = pkg.exports?.["./esm/api"]?.import;
    const path = typeof entry === "string" ? entry : entry?.default;
    return path === undefined ? null : pathToFileURL(join(dirname(manifest), path)).href;
  } catch {
    return null; // not installed beside the module
  }
}
