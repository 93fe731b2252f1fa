/**
 * Run-time access to the model catalog embedded by the generator
 * (generated/catalog-data.ts holds one JSON text per model).
 *
 * Entries are parsed on first use and kept. The generated classes read theirs
 * when they are defined (`defineAccessors`), so importing the typed models
 * parses every entry once; model-info.ts then finds them parsed.
 */
import type { CatalogModel } from "./catalog-types.js";
import { CATALOG_DATA, NO_ACCESSORS } from "./generated/catalog-data.js";

const parsed = new Map<string, CatalogModel>();

/** The catalog entry for a Bokeh type name, or undefined for types BokehJS does not define. */
export function catalogEntry(name: string): CatalogModel | undefined {
  let entry = parsed.get(name);
  if (entry === undefined) {
    if (!Object.prototype.hasOwnProperty.call(CATALOG_DATA, name)) return undefined;
    entry = JSON.parse(CATALOG_DATA[name] as string) as CatalogModel;
    parsed.set(name, entry);
  }
  return entry;
}

/**
 * The properties of `name` that get no accessor on its class although they are not internal: names
 * the generator rejects (not identifiers, or hiding a `Model` member). Usually none.
 */
export function noAccessors(name: string): readonly string[] {
  return Object.prototype.hasOwnProperty.call(NO_ACCESSORS, name) ? (NO_ACCESSORS[name] as readonly string[]) : [];
}

/** Whether the catalog knows `name`. */
export function isKnownType(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(CATALOG_DATA, name);
}

/**
 * Whether a model of type `type` is a `base`: the same type or a subclass. Types
 * the catalog does not know (custom models, extensions) are accepted: their
 * bases cannot be known here and rejecting them would break custom models that
 * work with Python and BokehJS.
 */
export function isSubtype(type: string, base: string): boolean {
  if (type === base || base === "Model") return true;
  const entry = catalogEntry(type);
  return entry === undefined || entry.bases.includes(base);
}
