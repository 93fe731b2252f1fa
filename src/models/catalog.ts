/**
 * Run-time access to the model catalog embedded by the generator
 * (generated/catalog-data.ts: the names, and one JSON text per model, deflated).
 *
 * The entries are inflated into one Buffer the first time any is needed (about
 * 0.5 MB, outside the JS heap) and each is parsed on first use and kept. A
 * generated class reads its entry when its first instance is made (its
 * accessors, typed-model.ts), so a program parses only the entries of the types
 * it uses. Why deflated: docs/models.md, "Load cost".
 */
import { inflateRawSync } from "node:zlib";
import type { CatalogModel } from "./catalog-types.js";
import { CATALOG_DEFLATED, CATALOG_NAMES, NO_ACCESSORS } from "./generated/catalog-data.js";

/** Name -> its index in CATALOG_NAMES (and line in the inflated text). */
const indexOf = new Map(CATALOG_NAMES.map((name, i) => [name, i]));
const parsed = new Map<string, CatalogModel>();
/** The inflated entries and where each line starts (one more, for the end of the last). */
let inflatedText: { bytes: Buffer; starts: number[] } | null = null;

function inflated(): { bytes: Buffer; starts: number[] } {
  if (inflatedText === null) {
    const bytes = inflateRawSync(Buffer.from(CATALOG_DEFLATED, "base64"));
    const starts = [0];
    for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) starts.push(at + 1);
    starts.push(bytes.length + 1);
    if (starts.length !== CATALOG_NAMES.length + 1) throw new Error("model catalog: entries and names disagree"); // a generator bug
    inflatedText = { bytes, starts };
  }
  return inflatedText;
}

/** The catalog entry for a Bokeh type name, or undefined for types BokehJS does not define. */
export function catalogEntry(name: string): CatalogModel | undefined {
  let entry = parsed.get(name);
  if (entry === undefined) {
    const index = indexOf.get(name);
    if (index === undefined) return undefined;
    const { bytes, starts } = inflated();
    entry = JSON.parse(bytes.toString("utf8", starts[index], (starts[index + 1] as number) - 1)) as CatalogModel;
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
  return indexOf.has(name);
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
