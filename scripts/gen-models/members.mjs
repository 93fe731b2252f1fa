// What the generated TypeScript declares for one property of one model, across every Bokeh
// version of the catalog (see docs/models.md, "Versions"): the accessor and attribute types
// (unions of each version's types) and the doc comment (the default, and in which versions the
// property exists, with each version's default when they differ).

import { kindWords } from "./kind-words.mjs";
import { isAccessorName } from "./naming.mjs";
import { tsType, union } from "./ts-types.mjs";

// ---------------------------------------------------------------------------
// Properties of a model after inheritance and overrides

/** The properties of one version's models (or of the merged catalog), with inheritance applied. */
export class PropertyResolver {
  constructor(models) {
    this.models = models;
    this.cache = new Map();
  }

  /** attr -> {kind, default, readonly, internal, owner} for every property of `key`. */
  all(key) {
    let result = this.cache.get(key);
    if (result !== undefined) return result;
    const entry = this.models[key];
    if (entry === undefined) return new Map();
    const base = entry.bases[0];
    result = new Map(base === undefined ? [] : this.all(base));
    for (const [attr, override] of Object.entries(entry.overrides ?? {})) {
      const prop = result.get(attr);
      if (prop !== undefined) result.set(attr, { ...prop, ...override, owner: key });
    }
    for (const [attr, prop] of Object.entries(entry.properties)) result.set(attr, { ...prop, owner: key });
    this.cache.set(key, result);
    return result;
  }

  /** attr -> "required" | "optional" for the properties users can set. */
  settable(key) {
    const out = new Map();
    for (const [attr, prop] of this.all(key)) {
      if (!prop.internal && !prop.readonly) out.set(attr, prop.default.type === "none" ? "required" : "optional");
    }
    return out;
  }

  /** The nearest concrete ancestor (whose constructor a concrete class's super() calls), or null. */
  constructorAncestor(key) {
    for (const base of this.models[key].bases) if (!this.models[base].abstract) return base;
    return null;
  }
}

/**
 * The merged catalog (versions.mjs unionCatalog) for the classes' structure, and each version's
 * own resolver for what a property is in that version.
 */
export class VersionedResolver extends PropertyResolver {
  constructor(catalog) {
    super(catalog.models);
    this.versions = catalog.versions;
    this.base = catalog.base;
    this.resolvers = new Map([...catalog.catalogs].map(([version, c]) => [version, new PropertyResolver(c.models)]));
    this.settableCache = new Map();
  }

  /** The versions that have model `key`. */
  present(key) {
    return this.models[key].versions;
  }

  /** [version, property] for each version where model `key` has property `attr` (own or inherited). */
  records(key, attr) {
    const out = [];
    for (const version of this.present(key)) {
      const prop = this.resolvers.get(version).all(key).get(attr);
      if (prop !== undefined) out.push([version, prop]);
    }
    return out;
  }

  /**
   * attr -> "required" | "optional": settable in some version of the model; required when every
   * version of the model has it settable and without a default.
   */
  settable(key) {
    let out = this.settableCache.get(key);
    if (out !== undefined) return out;
    const perVersion = this.present(key).map((v) => this.resolvers.get(v).settable(key));
    out = new Map();
    for (const attr of new Set(perVersion.flatMap((s) => [...s.keys()]))) {
      out.set(attr, perVersion.every((s) => s.get(attr) === "required") ? "required" : "optional");
    }
    this.settableCache.set(key, out);
    return out;
  }
}

// ---------------------------------------------------------------------------
// Members

/**
 * The members one property of `key` gets: an accessor (getter, and setter unless read-only in
 * every version) and an attribute (when users can set it in some version), as type texts
 * (unions of each version's), or null when it gets none; `presence` lists the versions that
 * have it when some version of the model lacks it (else null).
 */
export function propertyMembers(key, attr, resolver, scope) {
  const records = resolver.records(key, attr);
  const visible = records.filter(([, p]) => !p.internal);
  let accessor = null;
  if (visible.length > 0 && isAccessorName(attr)) {
    const outputs = visible.map(([, p]) => `${tsType(p.kind, scope, "output")}${p.default.type === "none" && p.readonly ? " | undefined" : ""}`);
    const inputs = visible.filter(([, p]) => !p.readonly).map(([, p]) => tsType(p.kind, scope, "input"));
    accessor = { output: union(outputs), input: inputs.length === 0 ? null : union(inputs) };
  }
  const status = resolver.settable(key).get(attr);
  const attribute =
    status === undefined
      ? null
      : { optional: status === "optional", type: union(visible.filter(([, p]) => !p.readonly).map(([, p]) => tsType(p.kind, scope, "input"))) };
  const have = records.map(([v]) => v);
  return { attr, accessor, attribute, presence: have.length === resolver.present(key).length ? null : have };
}

/** Accessor declarations (for an interface merged with a class), each with a doc comment. */
export function accessorLines({ attr, accessor }, doc) {
  const lines = [`  /** ${doc} */`, `  get ${attr}(): ${accessor.output};`];
  if (accessor.input !== null) lines.push(`  /** ${setterDoc(attr)} */`, `  set ${attr}(value: ${accessor.input});`);
  return lines;
}

/** The doc comment of every setter: what assigning does. */
export function setterDoc(attr) {
  return `Sets \`${attr}\` (a \`ValidationError\` if the value does not fit).`;
}

/** An attributes interface member, with its doc comment (the property's, as its getter has it). */
export function attributeLine({ attr, attribute }, doc) {
  return [`  /** ${doc} */`, `  ${propertyKeyOf(attr)}${attribute.optional ? "?" : ""}: ${attribute.type};`];
}

function propertyKeyOf(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

// ---------------------------------------------------------------------------
// Doc comments

/** "3.7.3", "3.7.3 and 3.8.2", "3.7.3, 3.8.2 and 3.9.2". */
export function versionList(versions) {
  return versions.length <= 1 ? versions.join("") : `${versions.slice(0, -1).join(", ")} and ${versions.at(-1)}`;
}

/** "Only in Bokeh 3.8.2, 3.9.2 and 3.10.0 (not 3.7.3)": `all` is every version of the catalogs. */
export function presenceSentence(have, all) {
  return `Only in Bokeh ${versionList(have)} (not ${versionList(all.filter((v) => !have.includes(v)))}).`;
}

/**
 * The doc comment of property `attr` of `key`: in which versions it exists (when some version of
 * the model lacks it), its Bokeh type, whether it is read-only, and its default, per version when
 * they differ.
 */
export function propertyDoc(key, attr, resolver) {
  const records = resolver.records(key, attr);
  return `${presencePrefix(key, records, resolver)}${typeSentence(records, resolver.base)} ${defaultDoc(records, resolver.base)}`;
}

/** "Only in Bokeh ... (not ...). " when some version of model `key` lacks the property, else "". */
export function presencePrefix(key, records, resolver) {
  const have = records.map(([v]) => v);
  return have.length === resolver.present(key).length ? "" : `${presenceSentence(have, resolver.versions)} `;
}

/**
 * "Bokeh type `Nullable(Int)`.", or when versions differ "Bokeh type `A` in Bokeh 3.10.0 and
 * 4.0.0-dev.5; `B` in 3.7.3." (the base version's group first, as for defaults).
 */
export function typeSentence(records, base) {
  const groups = new Map();
  for (const [version, prop] of records) {
    const text = `\`${kindWords(prop.kind)}\``;
    if (!groups.has(text)) groups.set(text, []);
    groups.get(text).push(version);
  }
  if (groups.size === 1) return `Bokeh type ${[...groups.keys()][0]}.`;
  const rank = (versions) => (versions.includes(base) ? Infinity : records.findIndex(([v]) => v === versions.at(-1)));
  const ordered = [...groups].sort((a, b) => rank(b[1]) - rank(a[1]));
  return `Bokeh type ${ordered.map(([text, versions], i) => `${text} in ${i === 0 ? "Bokeh " : ""}${versionList(versions)}`).join("; ")}.`;
}

/** "Default: 1.", "Required.", or "Default: 0 in Bokeh 3.10.0; none (undefined until set) in 3.7.3." */
export function defaultDoc(records, base) {
  const readonly = records.every(([, p]) => p.readonly);
  const groups = defaultGroups(records, base);
  if (groups.length === 1) return describeDefault(records[0][1]);
  return `${readonly ? "Read-only (set by Bokeh). " : ""}Default: ${defaultClause(groups)}.`;
}

/**
 * The versions grouped by their default phrase: the group of the base version first, then the
 * others from the one with the newest version on.
 */
export function defaultGroups(records, base) {
  const groups = new Map();
  for (const [version, prop] of records) {
    const phrase = prop.default.type === "none" ? (prop.readonly ? "none (undefined until set)" : "none (required)") : defaultPhrase(prop.default);
    if (!groups.has(phrase)) groups.set(phrase, []);
    groups.get(phrase).push(version);
  }
  const rank = (versions) => (versions.includes(base) ? Infinity : records.findIndex(([v]) => v === versions.at(-1)));
  return [...groups].map(([phrase, versions]) => ({ phrase, versions })).sort((a, b) => rank(b.versions) - rank(a.versions));
}

/** One group: its phrase; several: "X in Bokeh 3.10.0 and 4.0.0-dev.5; Y in 3.7.3". */
export function defaultClause(groups) {
  if (groups.length === 1) return groups[0].phrase;
  return groups.map(({ phrase, versions }, i) => `${phrase} in ${i === 0 ? "Bokeh " : ""}${versionList(versions)}`).join("; ");
}

export function describeDefault(prop) {
  if (prop.default.type === "none") return prop.readonly ? "Read-only (set by Bokeh); undefined until set." : "Required.";
  return `${prop.readonly ? "Read-only (set by Bokeh). " : ""}Default: ${defaultPhrase(prop.default)}.`;
}

/** A default descriptor in words, for a doc comment. */
export function defaultPhrase(d) {
  switch (d.type) {
    case "none":
      return "none";
    case "plain":
      return shortWire(d.value);
    case "computed":
      return `computed by BokehJS (${shortWire(d.value)} for a new model)`;
    case "mutable":
      return `${shortWire(d.value)} (a new one for each model)`;
    case "model":
      return `a new \`${d.name}\``;
    case "list":
      return `a new list of ${d.items.length} models`;
    case "opaque":
      return "made by BokehJS";
  }
  return "unknown";
}

// A default in wire form, shortened for a doc comment.
function shortWire(value) {
  if (value !== null && typeof value === "object" && value.type === "number") return { nan: "NaN", "+inf": "Infinity", "-inf": "-Infinity" }[value.value];
  if (value !== null && typeof value === "object" && value.type === "map" && value.entries === undefined) return "{}";
  if (value !== null && typeof value === "object" && value.type === "set" && value.entries === undefined) return "new Set()";
  const text = JSON.stringify(value).replace(/\*\//g, "*\\/");
  return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}
