// src/models/generated/catalog-data.ts: the catalogs as the run time reads them
// (src/models/catalog.ts), for every version.
//
// Per model the run time needs `abstract`, `registered`, `bases`, `properties` (kind, default,
// flags), `overrides` and `aliases` (the catalog minus `module` and the mixin details). The base
// version's entries are one JSON text per model, one per line; every other version's are its
// differences from the base, one line per model: empty when the model is the same, `null` when
// the version lacks it, else the difference (versions.mjs diffModel). Each text is deflated, so
// that the module's source, which V8 keeps in the heap for as long as the module lives, is
// ~60 KB instead of ~700 KB (docs/models.md, "Load cost"). Deflate's output may differ between
// zlib builds, so staleness is judged on the inflated content (inflatedCatalogData).

import { deflateRawSync, inflateRawSync } from "node:zlib";
import { isAccessorName } from "./naming.mjs";
import { diffModel } from "./versions.mjs";

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A model's entry as the run time reads it. */
function runtimeEntry(model) {
  const { abstract, registered, bases, properties, overrides, aliases } = model;
  const props = {};
  for (const [attr, p] of Object.entries(properties)) props[attr] = { kind: p.kind, default: p.default, internal: p.internal, readonly: p.readonly };
  const entry = { abstract, registered, bases, properties: props };
  if (overrides !== undefined) entry.overrides = overrides;
  if (aliases !== undefined) entry.aliases = aliases;
  return entry;
}

const deflate = (lines) => deflateRawSync(Buffer.from(lines.join("\n"), "utf8"), { level: 9 }).toString("base64");

/**
 * Accessors the base entries do not describe: per model, the properties it defines in some version
 * with an accessor there but none in the base (absent or internal in the base, or read-only there
 * while settable elsewhere), each with whether it gets a setter (settable in some version).
 */
function extraAccessors(catalog, base) {
  const out = [];
  for (const key of Object.keys(catalog.models).sort(compare)) {
    const baseProps = base.models[key]?.properties ?? {};
    const extras = {};
    for (const attr of Object.keys(catalog.models[key].properties)) {
      if (!isAccessorName(attr)) continue;
      const records = [...catalog.catalogs.values()].map((c) => c.models[key]?.properties[attr]).filter((p) => p !== undefined && !p.internal);
      if (records.length === 0) continue;
      const settable = records.some((p) => !p.readonly);
      const inBase = baseProps[attr];
      if (inBase === undefined || inBase.internal || (inBase.readonly && settable)) extras[attr] = settable;
    }
    if (Object.keys(extras).length > 0) out.push(`  ${JSON.stringify(key)}: ${JSON.stringify(extras)},`);
  }
  return out;
}

/** The text of catalog-data.ts for the merged catalog (versions.mjs unionCatalog, with its `catalogs`). */
export function catalogDataFile(catalog, header) {
  const names = Object.keys(catalog.models).sort(compare);
  const base = catalog.catalogs.get(catalog.base);
  const baseLines = names.map((key) => (key in base.models ? JSON.stringify(runtimeEntry(base.models[key])) : ""));
  const diffs = [];
  for (const version of catalog.versions) {
    if (version === catalog.base) continue;
    const models = catalog.catalogs.get(version).models;
    const lines = names.map((key) => {
      const entry = key in models ? runtimeEntry(models[key]) : undefined;
      const patch = diffModel(key in base.models ? runtimeEntry(base.models[key]) : undefined, entry);
      return patch === undefined ? "" : JSON.stringify(patch); // JSON text never contains a raw newline
    });
    diffs.push(`  ${JSON.stringify(version)}:\n    ${JSON.stringify(deflate(lines))},`);
  }
  const noAccessors = [];
  for (const key of names) {
    const properties = catalog.models[key].properties;
    const skipped = Object.keys(properties).filter((attr) => !properties[attr].internal && !isAccessorName(attr));
    if (skipped.length > 0) noAccessors.push(`  ${JSON.stringify(key)}: ${JSON.stringify(skipped)},`);
  }
  const extras = extraAccessors(catalog, base);
  const record = (lines) => (lines.length === 0 ? "{}" : `{\n${lines.join("\n")}\n}`);
  return (
    `${header}// The catalogs as the run time reads them (src/models/catalog.ts), inflated and parsed on first use.\n` +
    `// Property kinds, defaults and flags; see docs/model-catalog.md.\n\n` +
    `/** The Bokeh versions of the catalogs, oldest first. */\n` +
    `export const CATALOG_VERSIONS = ${JSON.stringify(catalog.versions)} as const;\n\n` +
    `/** The version whose entries CATALOG_DEFLATED holds; the others are differences from it. */\n` +
    `export const CATALOG_BASE_VERSION = ${JSON.stringify(catalog.base)};\n\n` +
    `/** Every model of any version, sorted. */\n` +
    `export const CATALOG_NAMES: readonly string[] = [\n${names.map((n) => `  ${JSON.stringify(n)},`).join("\n")}\n];\n\n` +
    `/** One JSON text per model of CATALOG_NAMES in the base version, in that order, one per line (empty if the base lacks it): deflated (raw), in base64. */\n` +
    `export const CATALOG_DEFLATED: string =\n  ${JSON.stringify(deflate(baseLines))};\n\n` +
    `/** Per other version, one line per model of CATALOG_NAMES: empty (as the base), \`null\` (absent) or the difference; deflated, in base64. */\n` +
    `export const CATALOG_DIFFS_DEFLATED: Readonly<Record<string, string>> = ${record(diffs)};\n\n` +
    `// Properties that get no accessor although they are not internal (names that are not identifiers or\n` +
    `// would hide a Model member: isAccessorName in naming.mjs), by model. Read by typed-model.ts.\n` +
    `export const NO_ACCESSORS: Readonly<Record<string, readonly string[]>> = ${noAccessors.length === 0 ? "{}" : record(noAccessors)};\n\n` +
    `// Accessors the base version's entries do not describe (properties of other versions), by model:\n` +
    `// property -> whether it gets a setter. Read by typed-model.ts.\n` +
    `export const EXTRA_ACCESSORS: Readonly<Record<string, Readonly<Record<string, boolean>>>> = ${record(extras)};\n`
  );
}

/** catalog-data.ts with each deflated literal replaced by its inflated text: what staleness is judged on. */
export function inflatedCatalogData(text) {
  return text.replace(/"([A-Za-z0-9+/]{40,}={0,2})"/g, (literal, base64) => {
    try {
      return JSON.stringify(inflateRawSync(Buffer.from(base64, "base64")).toString("utf8"));
    } catch {
      return literal;
    }
  });
}
