// One model catalog per Bokeh version, committed compactly (see docs/model-catalog.md,
// "Versions"): the catalog of the base version (the newest stable release) in full, in
// src/models/catalogs/base.json, and for every other version its differences from the base,
// in src/models/catalogs/<version>.json. This module turns full catalogs into that form and
// back, and merges the versions into the one catalog the typed classes are generated from.
//
// A difference file lists, per model key: `null` (the version lacks the model), or the fields
// that differ. `abstract`, `registered`, `module`, `bases` and `mixins` are given whole;
// `properties`, `overrides` and `aliases` as a map from name to the version's record, or to
// `null` for a name the version lacks. A model the base lacks is given whole. No record in a
// catalog is `null`, so `null` always means "absent".

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CATALOGS_DIR = join(REPO_ROOT, "src", "models", "catalogs");
export const BASE_FILE = "base.json";

/** Fields of a model entry given whole in a difference. */
const WHOLE_FIELDS = ["abstract", "registered", "module", "bases", "mixins"];
/** Fields of a model entry given name by name in a difference. */
const MAP_FIELDS = ["properties", "overrides", "aliases"];

// ---------------------------------------------------------------------------
// Version strings ("3.7.3", "3.10.0", "4.0.0-dev.5")

function parseVersion(version) {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:[-.]?(.+))?$/.exec(version);
  if (match === null) throw new Error(`not a version: ${version}`);
  return { numbers: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] ?? null };
}

/** Orders versions as releases do: 3.9.2 < 3.10.0 < 4.0.0-dev.5 < 4.0.0. */
export function compareVersions(a, b) {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x.numbers[i] !== y.numbers[i]) return x.numbers[i] - y.numbers[i];
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre < y.pre ? -1 : 1;
}

export function isPrerelease(version) {
  return parseVersion(version).pre !== null;
}

/** The base of a set of versions: the newest stable one (the newest of all if none is stable). */
export function chooseBase(versions) {
  const sorted = [...versions].sort(compareVersions);
  return sorted.filter((v) => !isPrerelease(v)).at(-1) ?? sorted.at(-1);
}

/**
 * The order in which versions speak for a model in the merged catalog: the base, then the other
 * stable versions from newest to oldest, then pre-releases from newest to oldest.
 */
export function preferenceOrder(versions, base) {
  const newestFirst = [...versions].sort(compareVersions).reverse();
  return [base, ...newestFirst.filter((v) => v !== base && !isPrerelease(v)), ...newestFirst.filter((v) => v !== base && isPrerelease(v))];
}

// ---------------------------------------------------------------------------
// Differences

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The difference of one model entry from the base's (`undefined` when equal, `null` when absent). */
export function diffModel(base, other) {
  if (other === undefined) return base === undefined ? undefined : null;
  if (base === undefined) return other;
  const patch = {};
  for (const field of WHOLE_FIELDS) if (!same(base[field], other[field])) patch[field] = other[field];
  for (const field of MAP_FIELDS) {
    const before = base[field] ?? {};
    const after = other[field] ?? {};
    const changes = {};
    for (const name of Object.keys(before)) if (!(name in after)) changes[name] = null;
    for (const [name, record] of Object.entries(after)) if (!(name in before) || !same(before[name], record)) changes[name] = record;
    if (Object.keys(changes).length > 0) patch[field] = changes;
  }
  for (const field of Object.keys(other)) {
    if (!WHOLE_FIELDS.includes(field) && !MAP_FIELDS.includes(field)) throw new Error(`unknown model field ${field}`);
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}

/** Applies a model difference to the base's entry (either may be undefined); returns the entry or undefined. */
export function applyModel(base, patch) {
  if (patch === undefined) return base;
  if (patch === null) return undefined;
  const entry = base === undefined ? {} : { ...base };
  for (const [field, value] of Object.entries(patch)) {
    if (!MAP_FIELDS.includes(field)) {
      entry[field] = value;
      continue;
    }
    const map = { ...(entry[field] ?? {}) };
    for (const [name, record] of Object.entries(value)) {
      if (record === null) delete map[name];
      else map[name] = record;
    }
    if (field !== "properties" && Object.keys(map).length === 0) delete entry[field];
    else entry[field] = map;
  }
  return entry;
}

/** Every model's difference: key -> patch, for the keys that differ. */
export function diffModels(baseModels, otherModels) {
  const out = {};
  for (const key of [...new Set([...Object.keys(baseModels), ...Object.keys(otherModels)])].sort()) {
    const patch = diffModel(baseModels[key], otherModels[key]);
    if (patch !== undefined) out[key] = patch;
  }
  return out;
}

export function applyModels(baseModels, patches) {
  const out = {};
  for (const key of new Set([...Object.keys(baseModels), ...Object.keys(patches)])) {
    const entry = applyModel(baseModels[key], patches[key]);
    if (entry !== undefined) out[key] = entry;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The committed files

/**
 * The files of a set of catalogs, as objects (formatCatalog writes them): `base.json` (the base
 * catalog and the list of versions with the package each came from) and `<version>.json` (a
 * difference) for every other version. `entries` is `[{ package, catalog }]`.
 */
export function catalogFiles(entries) {
  const versions = entries.map(({ catalog }) => catalog.bokehjs_version);
  if (new Set(versions).size !== versions.length) throw new Error(`a version is given twice: ${versions.join(", ")}`);
  const base = chooseBase(versions);
  const byVersion = new Map(entries.map((e) => [e.catalog.bokehjs_version, e]));
  const baseCatalog = byVersion.get(base).catalog;
  const files = new Map();
  files.set(BASE_FILE, {
    ...baseCatalog,
    versions: [...versions].sort(compareVersions).map((version) => ({
      version,
      package: byVersion.get(version).package,
      file: version === base ? BASE_FILE : `${version}.json`,
    })),
  });
  for (const version of versions) {
    if (version === base) continue;
    const { catalog } = byVersion.get(version);
    if (catalog.format !== baseCatalog.format) throw new Error(`${version}: catalog format ${catalog.format}, base ${baseCatalog.format}`);
    files.set(`${version}.json`, { format: catalog.format, bokehjs_version: version, base, models: diffModels(baseCatalog.models, catalog.models) });
  }
  return files;
}

/**
 * The committed catalogs: `{ base, versions: [{version, package}], catalogs: Map<version, catalog> }`,
 * versions oldest first, each catalog in full.
 */
export function readCatalogSet(dir = CATALOGS_DIR) {
  const read = (file) => JSON.parse(readFileSync(join(dir, file), "utf8"));
  const { versions, ...baseCatalog } = read(BASE_FILE);
  const base = baseCatalog.bokehjs_version;
  const catalogs = new Map();
  for (const { version, file } of versions) {
    if (version === base) {
      catalogs.set(version, baseCatalog);
      continue;
    }
    const diff = read(file);
    if (diff.base !== base || diff.bokehjs_version !== version) throw new Error(`${file} is not the difference of ${version} from ${base}`);
    catalogs.set(version, { format: diff.format, bokehjs_version: version, models: applyModels(baseCatalog.models, diff.models) });
  }
  const listed = new Set(versions.map((v) => v.file));
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    if (file.endsWith(".json") && !listed.has(file)) throw new Error(`${file} in ${dir} is not listed in ${BASE_FILE}`);
  }
  return { base, versions: versions.map(({ version, package: pkg }) => ({ version, package: pkg })), catalogs };
}

// ---------------------------------------------------------------------------
// The merged catalog the classes are generated from

/**
 * One catalog covering every version: every model any version has, each with every property it
 * defines in any version. A model's fields (bases, module, mixins, abstract) and a property's
 * record come from the first version of `preferenceOrder` that has them. Added fields:
 * `versions` on each model (where it exists) and on each property (where the model defines
 * it); a model is `registered` if any version registers it, and `concrete` lists the versions
 * where it is registered and not abstract.
 */
export function unionCatalog(set) {
  const { base, catalogs } = set;
  const versions = set.versions.map((v) => v.version);
  const preference = preferenceOrder(versions, base);
  const keys = [...new Set(versions.flatMap((v) => Object.keys(catalogs.get(v).models)))].sort();
  const models = {};
  for (const key of keys) {
    const present = versions.filter((v) => key in catalogs.get(v).models);
    const entryIn = (v) => catalogs.get(v).models[key];
    const first = preference.find((v) => present.includes(v));
    const properties = {};
    const attrs = [...new Set(present.flatMap((v) => Object.keys(entryIn(v).properties)))].sort();
    for (const attr of attrs) {
      const has = present.filter((v) => attr in entryIn(v).properties);
      const from = preference.find((v) => has.includes(v));
      properties[attr] = { ...entryIn(from).properties[attr], versions: has };
    }
    const aliases = {};
    for (const v of [...preference].reverse()) if (present.includes(v)) Object.assign(aliases, entryIn(v).aliases ?? {});
    const entry = {
      ...entryIn(first),
      registered: present.some((v) => entryIn(v).registered),
      concrete: present.filter((v) => entryIn(v).registered && !entryIn(v).abstract),
      versions: present,
      properties,
    };
    if (Object.keys(aliases).length > 0) entry.aliases = aliases;
    models[key] = entry;
  }
  return { format: catalogs.get(base).format, bokehjs_version: base, base, versions, models };
}
