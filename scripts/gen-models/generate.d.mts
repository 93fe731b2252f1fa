// Types for generate.mjs (see docs/models.md).
import type { Catalog } from "./extract.mjs";

export declare const GENERATED_DIR: string;
/** Every generated file: file name (in src/models/generated) -> text. Deterministic. */
export declare function generateModels(catalog: Catalog): Map<string, string>;
/** The committed catalog (src/models/catalog.json). */
export declare function readCatalog(): Catalog;
/** Generated files that differ from the committed ones (changed, missing or extra), by name. */
export declare function staleFiles(files: Map<string, string>): string[];
