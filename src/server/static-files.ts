/**
 * BokehJS for browsers, in the server's Bokeh version: served from an installed
 * `@bokeh/bokehjs` of that version as `/static/js/<bundle>`, or, when none is
 * installed, loaded by pages from Bokeh's CDN.
 *
 * `@bokeh/bokehjs` is an optional peer dependency: nothing here is imported from it,
 * and a client-only install never needs it. An installed package counts when its
 * package.json says `@bokeh/bokehjs` at exactly the version asked for, whatever the
 * folder is called, so npm aliases (`bokehjs-3.9@npm:@bokeh/bokehjs@3.9.2`) are found
 * by looking at what is installed, in the folders Node would resolve packages from.
 *
 * Served as `bokeh serve` does: URLs carry `?v=<content hash>`; a versioned request
 * may be cached for years, others are revalidated with the ETag.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { access, readdir, readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";

/** The bundles a Bokeh page loads, in order (the core first, then the plugins), as `bokeh.resources` lists them. */
export const BUNDLES = ["bokeh", "bokeh-gl", "bokeh-widgets", "bokeh-tables", "bokeh-mathjax"] as const;

const PACKAGE = "@bokeh/bokehjs";
/** Every bundle Bokeh's CDN has for a release: the page's, and the API's. */
const CDN_BUNDLES: ReadonlySet<string> = new Set([...BUNDLES, "bokeh-api"]);
const CDN = "https://cdn.bokeh.org/bokeh/release";

/** The URL of a bundle ("bokeh-widgets") of BokehJS `version` on Bokeh's CDN, as `bokeh.resources` CDN mode writes it. */
export function cdnUrl(bundle: string, version: string): string {
  return `${CDN}/${bundle}-${version}.min.js`;
}

/** The folders Node resolves packages from, seen from this module (the user's node_modules among them). */
export function packageFolders(): string[] {
  return createRequire(import.meta.url).resolve.paths(PACKAGE) ?? [];
}

/**
 * Lookups made so far, by version and folders: each one reads the package.json of every
 * installed package once per process (docs/module-state.md).
 */
const lookups = new Map<string, Promise<string | null>>();

/**
 * The `build/js` folder of an installed `@bokeh/bokehjs` of exactly `version`, or null.
 * In each folder of `folders` in turn: the package under its own name first, then any
 * other package (or scoped package) whose package.json names it: an npm alias.
 */
export function findBokehJS(version: string, folders: readonly string[] = packageFolders()): Promise<string | null> {
  const key = JSON.stringify([version, folders]);
  let found = lookups.get(key);
  if (found === undefined) {
    found = search(version, folders);
    lookups.set(key, found);
  }
  return found;
}

async function search(version: string, folders: readonly string[]): Promise<string | null> {
  for (const folder of folders) {
    const own = join(folder, ...PACKAGE.split("/"));
    if (await isBokehJS(own, version)) return join(own, "build", "js");
    for (const candidate of await packagesIn(folder)) {
      if (candidate !== own && (await isBokehJS(candidate, version))) return join(candidate, "build", "js");
    }
  }
  return null;
}

/** Package folders directly in a node_modules folder (`name`, `@scope/name`). */
async function packagesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder).catch(() => [] as string[]);
  const found: string[] = [];
  for (const entry of entries.sort()) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) {
      for (const scoped of (await readdir(join(folder, entry)).catch(() => [] as string[])).sort()) found.push(join(folder, entry, scoped));
    } else {
      found.push(join(folder, entry));
    }
  }
  return found;
}

async function isBokehJS(dir: string, version: string): Promise<boolean> {
  let pkg: unknown;
  try {
    pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
  } catch {
    return false;
  }
  const { name, version: v } = (typeof pkg === "object" && pkg !== null ? pkg : {}) as { name?: unknown; version?: unknown };
  if (name !== PACKAGE || v !== version) return false;
  return access(join(dir, "build", "js", "bokeh.min.js")).then(
    () => true,
    () => false,
  );
}

/** Where a server's pages get BokehJS from. */
export type BokehJSSource = { kind: "installed"; version: string; dir: string } | { kind: "cdn"; version: string };

/** Finds BokehJS `version` for a server: an installed package if there is one, else the CDN. */
export async function bokehJSSource(version: string, folders?: readonly string[]): Promise<BokehJSSource> {
  const dir = await findBokehJS(version, folders);
  return dir === null ? { kind: "cdn", version } : { kind: "installed", version, dir };
}

interface StaticFile {
  bytes: Buffer;
  hash: string;
}

/**
 * Bundles read so far, by path: read on first use, then kept for the life of the
 * process and shared by every server of that version (docs/module-state.md).
 */
const cache = new Map<string, StaticFile>();

/** Only bundle names, never a path. */
const BUNDLE_NAME = /^bokeh(-[a-z]+)?(\.min)?\.js$/;

function load(dir: string, name: string): StaticFile | null {
  if (!BUNDLE_NAME.test(name)) return null;
  const path = join(dir, name);
  let file = cache.get(path);
  if (file === undefined) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return null;
    }
    file = { bytes, hash: createHash("sha256").update(bytes).digest("hex").slice(0, 32) };
    cache.set(path, file);
  }
  return file;
}

/** BokehJS as one server serves it. */
export class StaticFiles {
  constructor(readonly source: BokehJSSource) {}

  /**
   * The script URLs of every bundle, in load order: `<base>static/js/<bundle>.min.js?v=<hash>`
   * from an installed package, or the CDN's.
   */
  bundleUrls(base: string): string[] {
    const source = this.source;
    if (source.kind === "cdn") return BUNDLES.map((bundle) => cdnUrl(bundle, source.version));
    return BUNDLES.map((bundle) => {
      const name = `${bundle}.min.js`;
      return `${base}static/js/${name}?v=${load(source.dir, name)?.hash ?? "0"}`;
    });
  }

  /**
   * Serves `/static/js/<name>`; returns false when there is no such file. Without an
   * installed package, the bundles redirect to the CDN (pages written for `bokeh serve`
   * that name `/static/js/bokeh.min.js` still load).
   */
  serve(req: IncomingMessage, res: ServerResponse, name: string, versioned: boolean): boolean {
    const source = this.source;
    if (source.kind === "cdn") {
      const bundle = /^(bokeh(?:-[a-z]+)?)\.min\.js$/.exec(name)?.[1];
      if (bundle === undefined || !CDN_BUNDLES.has(bundle)) return false;
      res.writeHead(302, { Location: cdnUrl(bundle, source.version) }).end();
      return true;
    }
    const file = load(source.dir, name);
    if (file === null) return false;
    const etag = `"${file.hash}"`;
    const headers: Record<string, string> = { "Content-Type": "text/javascript; charset=utf-8", ETag: etag };
    if (versioned) headers["Cache-Control"] = "public, max-age=315360000, immutable";
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers).end();
    } else {
      res.writeHead(200, { ...headers, "Content-Length": String(file.bytes.length) });
      res.end(req.method === "HEAD" ? undefined : file.bytes);
    }
    return true;
  }
}
