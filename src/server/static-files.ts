/**
 * BokehJS, served from the `@bokeh/bokehjs` npm package as `/static/js/<bundle>`.
 *
 * As `bokeh serve` does: URLs carry `?v=<content hash>`; a versioned request may
 * be cached for years, others are revalidated with the ETag.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The bundles a Bokeh page loads, in order (the core first, then the plugins). */
export const BUNDLES = ["bokeh", "bokeh-gl", "bokeh-widgets", "bokeh-tables", "bokeh-mathjax"] as const;

const require = createRequire(import.meta.url);
const BUILD = join(dirname(require.resolve("@bokeh/bokehjs/package.json")), "build", "js");

/** The version of the BokehJS package we serve. */
export const BOKEHJS_VERSION: string = (require("@bokeh/bokehjs/package.json") as { version: string }).version;

interface StaticFile {
  bytes: Buffer;
  hash: string;
}

const cache = new Map<string, StaticFile>();

function load(name: string): StaticFile | null {
  if (!/^bokeh(-[a-z]+)?(\.min)?\.js$/.test(name)) return null; // only the bundles, never a path
  let file = cache.get(name);
  if (file === undefined) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(BUILD, name));
    } catch {
      return null;
    }
    file = { bytes, hash: createHash("sha256").update(bytes).digest("hex").slice(0, 32) };
    cache.set(name, file);
  }
  return file;
}

/** `<base>static/js/<bundle>.min.js?v=<hash>` for every bundle, in load order. */
export function bundleUrls(base: string): string[] {
  return BUNDLES.map((bundle) => {
    const name = `${bundle}.min.js`;
    return `${base}static/js/${name}?v=${load(name)?.hash ?? "0"}`;
  });
}

/** Serves `/static/js/<name>`; returns false when there is no such file. */
export function serveStatic(req: IncomingMessage, res: ServerResponse, name: string, versioned: boolean): boolean {
  const file = load(name);
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
