/**
 * Run-time access to the model catalogs embedded by the generator
 * (generated/catalog-data.ts): the names; the base version's entries, one JSON
 * text per model; every other version's differences from them. All deflated.
 *
 * A version's texts are inflated into one Buffer the first time any of its
 * entries is needed (about 0.6 MB for the base, a few KB for a difference,
 * outside the JS heap), and each entry is parsed on first use and kept. A
 * version's entry is the base's entry with the version's difference applied;
 * when the version does not differ there, it is the base's very object. A
 * generated class reads its entry when its first instance is made (its
 * accessors, typed-model.ts), so a program parses only the entries of the types
 * it uses, in the versions it uses. Why deflated: docs/models.md, "Load cost".
 */
import { inflateRawSync } from "node:zlib";
import type { CatalogModel } from "./catalog-types.js";
import {
  CATALOG_BASE_VERSION,
  CATALOG_DEFLATED,
  CATALOG_DIFFS_DEFLATED,
  CATALOG_NAMES,
  CATALOG_VERSIONS,
  EXTRA_ACCESSORS,
  NO_ACCESSORS,
} from "./generated/catalog-data.js";

/** A Bokeh version the catalog has entries for ("3.7.3", ..., "4.0.0-dev.5"). */
export type CatalogVersion = (typeof CATALOG_VERSIONS)[number];

/** Name -> its index in CATALOG_NAMES (and line in each inflated text). */
const indexOf = new Map(CATALOG_NAMES.map((name, i) => [name, i]));

/** Deflated text -> its lines, inflated on first use. */
class DeflatedLines {
  private inflated: { bytes: Buffer; starts: number[] } | null = null;

  constructor(private readonly base64: string) {}

  line(index: number): string {
    if (this.inflated === null) {
      const bytes = inflateRawSync(Buffer.from(this.base64, "base64"));
      const starts = [0];
      for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) starts.push(at + 1);
      starts.push(bytes.length + 1);
      if (starts.length !== CATALOG_NAMES.length + 1) throw new Error("model catalog: entries and names disagree"); // a generator bug
      this.inflated = { bytes, starts };
    }
    const { bytes, starts } = this.inflated;
    return bytes.toString("utf8", starts[index], (starts[index + 1] as number) - 1);
  }
}

const baseLines = new DeflatedLines(CATALOG_DEFLATED);
const diffLines = new Map(Object.entries(CATALOG_DIFFS_DEFLATED).map(([version, text]) => [version, new DeflatedLines(text)]));
/** Version -> name -> entry (null: the version lacks the model). */
const parsed = new Map<string, Map<string, CatalogModel | null>>();

/** The catalog versions, oldest first. */
export const catalogVersions: readonly CatalogVersion[] = CATALOG_VERSIONS;

/** The version whose entries the others are differences from (the newest stable release). */
export const baseVersion: CatalogVersion = CATALOG_BASE_VERSION as CatalogVersion;

/**
 * The catalog entry for a Bokeh type name in one version (the base version when omitted), or
 * undefined for types that version of BokehJS does not define.
 */
export function catalogEntry(name: string, version: CatalogVersion = baseVersion): CatalogModel | undefined {
  let entries = parsed.get(version);
  if (entries === undefined) parsed.set(version, (entries = new Map()));
  let entry = entries.get(name);
  if (entry === undefined) {
    const index = indexOf.get(name);
    if (index === undefined) return undefined;
    entry = version === baseVersion ? parseLine(baseLines.line(index)) : versionEntry(name, index, version);
    entries.set(name, entry);
  }
  return entry ?? undefined;
}

function parseLine(line: string): CatalogModel | null {
  return line === "" ? null : (JSON.parse(line) as CatalogModel);
}

function versionEntry(name: string, index: number, version: CatalogVersion): CatalogModel | null {
  const lines = diffLines.get(version);
  if (lines === undefined) throw new TypeError(`no model catalog for Bokeh ${version}`);
  const line = lines.line(index);
  const base = catalogEntry(name, baseVersion) ?? null;
  if (line === "") return base;
  const patch = JSON.parse(line) as Record<string, unknown> | null;
  return patch === null ? null : applyDifference(base, patch);
}

/** Fields of an entry that a difference gives name by name (`null`: the version lacks that name). */
const MAP_FIELDS = new Set(["properties", "overrides", "aliases"]);

/** A base entry with a version's difference applied (the rules of scripts/gen-models/versions.mjs). */
function applyDifference(base: CatalogModel | null, patch: Record<string, unknown>): CatalogModel {
  const entry: Record<string, unknown> = base === null ? {} : { ...base };
  for (const [field, value] of Object.entries(patch)) {
    if (!MAP_FIELDS.has(field)) {
      entry[field] = value;
      continue;
    }
    const map: Record<string, unknown> = { ...(entry[field] as Record<string, unknown> | undefined) };
    for (const [name, record] of Object.entries(value as Record<string, unknown>)) {
      if (record === null) delete map[name];
      else map[name] = record;
    }
    if (field !== "properties" && Object.keys(map).length === 0) delete entry[field];
    else entry[field] = map;
  }
  return entry as unknown as CatalogModel;
}

/**
 * The property accessors a generated class gets, over every version: the properties its type
 * defines, with whether each gets a setter. Internal properties and the names the generator
 * rejects (NO_ACCESSORS) get none.
 */
export function accessorsOf(name: string): Map<string, boolean> {
  const accessors = new Map<string, boolean>();
  const skipped = hasOwn(NO_ACCESSORS, name) ? (NO_ACCESSORS[name] as readonly string[]) : [];
  const entry = catalogEntry(name);
  for (const [attr, prop] of Object.entries(entry?.properties ?? {})) {
    if (!prop.internal && !skipped.includes(attr)) accessors.set(attr, !prop.readonly);
  }
  // An inherited property that is internal where it is defined and made public here by an override (CustomAction's `active`).
  for (const [attr, override] of Object.entries(entry?.overrides ?? {})) {
    if (override.internal !== false || skipped.includes(attr)) continue;
    const inherited = entry!.bases.map((base) => catalogEntry(base)?.properties[attr]).find((p) => p !== undefined);
    if (inherited !== undefined) accessors.set(attr, !(override.readonly ?? inherited.readonly));
  }
  for (const [attr, settable] of Object.entries(hasOwn(EXTRA_ACCESSORS, name) ? (EXTRA_ACCESSORS[name] as Record<string, boolean>) : {})) {
    accessors.set(attr, settable);
  }
  return accessors;
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Whether a catalog knows `name`: the given version's, or any version's when omitted. */
export function isKnownType(name: string, version?: CatalogVersion): boolean {
  return version === undefined ? indexOf.has(name) : catalogEntry(name, version) !== undefined;
}

/** The catalog versions that have model type `name`. */
export function versionsWithType(name: string): CatalogVersion[] {
  return catalogVersions.filter((version) => catalogEntry(name, version) !== undefined);
}

/**
 * Whether a model of type `type` is a `base` in Bokeh `version` (the base version when
 * omitted): the same type or a subclass. Types no catalog knows (custom models, extensions)
 * are accepted: their bases cannot be known here and rejecting them would break custom
 * models that work with Python and BokehJS. A Bokeh type this version lacks is not a `base`.
 */
export function isSubtype(type: string, base: string, version: CatalogVersion = baseVersion): boolean {
  if (type === base || base === "Model") return true;
  const entry = catalogEntry(type, version);
  return entry === undefined ? !indexOf.has(type) : entry.bases.includes(base);
}
