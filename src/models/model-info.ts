/**
 * What a typed model needs to know about its type in one Bokeh version, computed
 * once per type name and version: every property (own and inherited, with the
 * defaults overridden along the way), the aliases, and which defaults create models.
 *
 * Property records are shared: an inherited property that no subclass
 * overrides is the same object for the base and every subclass, so its compiled
 * check and decoded default are computed once for all of them (per version: a
 * version's checks follow that version's base chains).
 */
import type { SerializableModel } from "../serialization/values.js";
import type { CatalogProperty, DefaultDescriptor, KindDescriptor } from "./catalog-types.js";
import { baseVersion, catalogEntry, isSubtype, type CatalogVersion } from "./catalog.js";
import { compileSpec, INVALID, type SpecCoercion } from "./dataspec.js";
import { compileKind, type KindContext } from "./kinds.js";

export interface PropertyInfo {
  readonly name: string;
  /** The model that defines the property (also when a subclass overrides its default). */
  readonly owner: string;
  readonly kind: KindDescriptor;
  readonly default: DefaultDescriptor;
  readonly readonly: boolean;
  readonly internal: boolean;
  /** Checks and normalizes a value; returns INVALID when it does not fit. Compiled on first use. */
  coerce(value: unknown): unknown;
}

export interface ModelInfo {
  readonly name: string;
  /** The catalog version this describes the type in. */
  readonly version: CatalogVersion;
  readonly properties: ReadonlyMap<string, PropertyInfo>;
  /** Alias name -> property name (not serialized). */
  readonly aliases: ReadonlyMap<string, string>;
  /** Properties whose default creates models (model or list factories), internal ones excluded. */
  readonly factoryAttributes: readonly string[];
}

const contexts = new Map<CatalogVersion, KindContext>();

/** Ref checks by type name, following the base chains of one version's catalog. */
export function kindContext(version: CatalogVersion = baseVersion): KindContext {
  let context = contexts.get(version);
  if (context === undefined) {
    context = { isInstance: (model: SerializableModel, name: string) => isSubtype(model.type, name, version) };
    contexts.set(version, context);
  }
  return context;
}

const infos = new Map<CatalogVersion, Map<string, ModelInfo | null>>();

/** The info for a catalog type in one version (the base version when omitted); throws for types that version lacks. */
export function modelInfo(name: string, version: CatalogVersion = baseVersion): ModelInfo {
  const info = infoIn(name, version);
  if (info === null) throw new TypeError(`'${name}' is not a model type of the Bokeh ${version} catalog`);
  return info;
}

/** The info for a type in one version, or null when that version lacks the type (two Map lookups once cached). */
export function infoIn(name: string, version: CatalogVersion): ModelInfo | null {
  let byName = infos.get(version);
  if (byName === undefined) infos.set(version, (byName = new Map()));
  let info = byName.get(name);
  if (info === undefined) {
    info = catalogEntry(name, version) === undefined ? null : buildInfo(name, version);
    byName.set(name, info);
  }
  return info;
}

function buildInfo(name: string, version: CatalogVersion): ModelInfo {
  const entry = catalogEntry(name, version);
  if (entry === undefined) throw new TypeError(`'${name}' is not a model type of the Bokeh ${version} catalog`);
  const base = entry.bases[0];
  const inherited = base === undefined ? undefined : modelInfo(base, version);
  const properties = new Map(inherited?.properties);
  const aliases = new Map(inherited?.aliases);
  const context = kindContext(version);

  for (const [attr, override] of Object.entries(entry.overrides ?? {})) {
    const prop = properties.get(attr);
    if (prop === undefined) continue;
    properties.set(
      attr,
      propertyInfo(attr, prop.owner, {
        kind: prop.kind,
        default: override.default ?? prop.default,
        readonly: override.readonly ?? prop.readonly,
        internal: override.internal ?? prop.internal,
      }, context),
    );
  }
  for (const [attr, prop] of Object.entries(entry.properties)) properties.set(attr, propertyInfo(attr, name, prop, context));
  for (const [alias, target] of Object.entries(entry.aliases ?? {})) aliases.set(alias, target);

  const factoryAttributes = [...properties.values()]
    .filter((p) => !p.internal && (p.default.type === "model" || p.default.type === "list"))
    .map((p) => p.name);
  return { name, version, properties, aliases, factoryAttributes };
}

function propertyInfo(name: string, owner: string, prop: CatalogProperty, context: KindContext): PropertyInfo {
  let coercion: SpecCoercion | undefined;
  return {
    name,
    owner,
    kind: prop.kind,
    default: prop.default,
    readonly: prop.readonly,
    internal: prop.internal,
    coerce(value) {
      coercion ??= compileCoercion(prop.kind, context);
      return coercion(value);
    },
  };
}

function compileCoercion(kind: KindDescriptor, context: KindContext): SpecCoercion {
  if (kind.kind === "Spec") return compileSpec(kind, context);
  const check = compileKind(kind, context);
  return (value) => (check(value) ? value : INVALID);
}
