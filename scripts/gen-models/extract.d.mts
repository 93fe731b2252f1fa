// Types for extract.mjs. The catalog layout is described in docs/model-catalog.md.
import type { LoadedBokehJS } from "./load-bokehjs.mjs";

export type KindDescriptor = { kind: string } & Record<string, unknown>;

export type DefaultDescriptor =
  | { type: "none" }
  | { type: "plain"; value: unknown }
  | { type: "mutable"; value: unknown }
  | { type: "computed"; value: unknown }
  | { type: "model"; name: string; attributes: Record<string, DefaultDescriptor> }
  | { type: "list"; items: DefaultDescriptor[] }
  | { type: "opaque" };

export interface CatalogProperty {
  kind: KindDescriptor;
  default: DefaultDescriptor;
  internal: boolean;
  readonly: boolean;
  mixin: { group: string; prefix: string } | null;
}

export interface CatalogOverride {
  default?: DefaultDescriptor;
  internal?: boolean;
  readonly?: boolean;
}

export interface CatalogModel {
  abstract: boolean;
  registered: boolean;
  module: string | null;
  bases: string[];
  mixins: { group: string; prefix: string }[];
  properties: Record<string, CatalogProperty>;
  overrides?: Record<string, CatalogOverride>;
  aliases?: Record<string, string>;
}

export interface Catalog {
  format: number;
  bokehjs_version: string;
  models: Record<string, CatalogModel>;
}

export interface CatalogStats {
  models: number;
  registered: number;
  abstract: number;
  unregistered: number;
  properties: number;
  overrides: number;
  kinds: Record<string, number>;
}

export declare const REPO_ROOT: string;
/** src/models/catalogs: base.json and one difference file per other version. */
export declare const CATALOGS_DIR: string;
export declare const FORMAT_VERSION: number;

export declare function sortKeys<T>(value: T): T;
/** The exact text the CLI writes for a catalog or a catalog file (sorted keys, trailing newline). */
export declare function formatCatalog(catalog: object): string;
/** Builds the catalog from an already loaded bokehjs. */
export declare function extractCatalog(loaded: LoadedBokehJS): { catalog: Catalog; stats: CatalogStats };
/** Loads BokehJS package `pkg` (`bokehjs-3.9`, `@bokeh/bokehjs`), builds the catalog, disposes the window. Writes nothing. */
export declare function buildCatalog(pkg: string): { catalog: Catalog; stats: CatalogStats };
/** The committed files for these packages: file name in src/models/catalogs -> text. */
export declare function buildCatalogFiles(packages: readonly string[], log?: (line: string) => void): Map<string, string>;
/** The packages the committed catalogs were extracted from (listed in base.json). */
export declare function committedPackages(): string[];
/** Committed files that differ from `files` (changed, missing or extra), by name. */
export declare function staleCatalogFiles(files: Map<string, string>): string[];
