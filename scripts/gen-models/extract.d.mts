// Types for extract.mjs. The catalog layout is described in docs/model-catalog.md.
import type { LoadedBokehJS } from "./load-bokehjs.mjs";

export type KindDescriptor = { kind: string } & Record<string, unknown>;

export type DefaultDescriptor =
  | { type: "none" }
  | { type: "plain"; value: unknown }
  | { type: "mutable"; value: unknown }
  | { type: "computed"; value: unknown }
  | { type: "model"; name: string; attributes: Record<string, DefaultDescriptor> }
  | { type: "list"; items: DefaultDescriptor[] };

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
export declare const CATALOG_PATH: string;
export declare const FORMAT_VERSION: number;

export declare function sortKeys<T>(value: T): T;
/** The exact text the CLI writes (sorted keys, trailing newline). */
export declare function formatCatalog(catalog: Catalog): string;
/** Builds the catalog from an already loaded bokehjs. */
export declare function extractCatalog(loaded: LoadedBokehJS): { catalog: Catalog; stats: CatalogStats };
/** Loads bokehjs, builds the catalog, disposes the window. Does not write anything. */
export declare function buildCatalog(): { catalog: Catalog; stats: CatalogStats };
