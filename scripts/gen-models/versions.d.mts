// Types for versions.mjs (one catalog per Bokeh version; see docs/model-catalog.md, "Versions").
import type { Catalog, CatalogModel, CatalogProperty } from "./extract.mjs";

export declare const CATALOGS_DIR: string;
export declare const BASE_FILE: string;

/** Orders versions as releases do: 3.9.2 < 3.10.0 < 4.0.0-dev.5 < 4.0.0. */
export declare function compareVersions(a: string, b: string): number;
export declare function isPrerelease(version: string): boolean;
/** The newest stable version of a set. */
export declare function chooseBase(versions: readonly string[]): string;
/** The base, then the other stable versions newest first, then pre-releases newest first. */
export declare function preferenceOrder(versions: readonly string[], base: string): string[];

export type ModelDifference = Record<string, unknown> | null;
export declare function diffModel(base: CatalogModel | undefined, other: CatalogModel | undefined): ModelDifference | undefined;
export declare function applyModel(base: CatalogModel | undefined, patch: ModelDifference | undefined): CatalogModel | undefined;
export declare function diffModels(base: Record<string, CatalogModel>, other: Record<string, CatalogModel>): Record<string, ModelDifference>;
export declare function applyModels(base: Record<string, CatalogModel>, patches: Record<string, ModelDifference>): Record<string, CatalogModel>;

/** The file contents (objects) for a set of catalogs: base.json and one difference per other version. */
export declare function catalogFiles(entries: readonly { package: string; catalog: Catalog }[]): Map<string, object>;

export interface CatalogSet {
  base: string;
  /** Oldest first. */
  versions: { version: string; package: string }[];
  catalogs: Map<string, Catalog>;
}
/** The committed catalogs, each in full. */
export declare function readCatalogSet(dir?: string): CatalogSet;

export interface MergedModel extends CatalogModel {
  /** The versions that have this model. */
  versions: string[];
  /** The versions where it is registered and not abstract. */
  concrete: string[];
  properties: Record<string, CatalogProperty & { versions: string[] }>;
}

/** Every version merged (unionCatalog), with each version's own catalog. */
export interface MergedCatalog {
  format: number;
  bokehjs_version: string;
  base: string;
  /** Oldest first. */
  versions: string[];
  models: Record<string, MergedModel>;
  catalogs: Map<string, Catalog>;
}
export declare function unionCatalog(set: CatalogSet): Omit<MergedCatalog, "catalogs">;
