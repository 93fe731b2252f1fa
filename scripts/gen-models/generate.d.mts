// Types for generate.mjs (see docs/models.md).
import type { MergedCatalog } from "./versions.mjs";

export declare const GENERATED_DIR: string;
/** Every generated file: file name (in src/models/generated) -> text. Deterministic. */
export declare function generateModels(catalog: MergedCatalog): Map<string, string>;
/** The committed catalogs merged into one, with each version's own catalog in `catalogs`. */
export declare function readCatalog(): MergedCatalog;
/** Generated files that differ from the committed ones (changed, missing or extra), by name. */
export declare function staleFiles(files: Map<string, string>): string[];
