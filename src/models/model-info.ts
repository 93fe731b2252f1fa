/**
 * What a typed model needs to know about its type, computed once per type name:
 * every property (own and inherited, with the defaults overridden along the
 * way), the aliases, and which defaults create models.
 *
 * Property records are shared: an inherited property that no subclass
 * overrides is the same object for the base and every subclass, so its compiled
 * check and decoded default are computed once for all of them.
 */
import type { SerializableModel } from "../serialization/values.js";
import type { CatalogProperty, DefaultDescriptor, KindDescriptor } from "./catalog-types.js";
import { catalogEntry, isSubtype } from "./catalog.js";
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
  readonly properties: ReadonlyMap<string, PropertyInfo>;
  /** Alias name -> property name (not serialized). */
  readonly aliases: ReadonlyMap<string, string>;
  /** Properties whose default creates models (model or list factories), internal ones excluded. */
  readonly factoryAttributes: readonly string[];
}

/** Ref checks by type name, following the catalog's base chains. */
export const KIND_CONTEXT: KindContext = {
  isInstance: (model: SerializableModel, name: string) => isSubtype(model.type, name),
};

const infos = new Map<string, ModelInfo>();

/** The info for a catalog type; throws for types the catalog does not know. */
export function modelInfo(name: string): ModelInfo {
  let info = infos.get(name);
  if (info === undefined) {
    info = buildInfo(name);
    infos.set(name, info);
  }
  return info;
}

function buildInfo(name: string): ModelInfo {
  const entry = catalogEntry(name);
  if (entry === undefined) throw new TypeError(`'${name}' is not a model type of the catalog`);
  const base = entry.bases[0];
  const inherited = base === undefined ? undefined : modelInfo(base);
  const properties = new Map(inherited?.properties);
  const aliases = new Map(inherited?.aliases);

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
      }),
    );
  }
  for (const [attr, prop] of Object.entries(entry.properties)) properties.set(attr, propertyInfo(attr, name, prop));
  for (const [alias, target] of Object.entries(entry.aliases ?? {})) aliases.set(alias, target);

  const factoryAttributes = [...properties.values()]
    .filter((p) => !p.internal && (p.default.type === "model" || p.default.type === "list"))
    .map((p) => p.name);
  return { name, properties, aliases, factoryAttributes };
}

function propertyInfo(name: string, owner: string, prop: CatalogProperty): PropertyInfo {
  let coercion: SpecCoercion | undefined;
  return {
    name,
    owner,
    kind: prop.kind,
    default: prop.default,
    readonly: prop.readonly,
    internal: prop.internal,
    coerce(value) {
      coercion ??= compileCoercion(prop.kind);
      return coercion(value);
    },
  };
}

function compileCoercion(kind: KindDescriptor): SpecCoercion {
  if (kind.kind === "Spec") return compileSpec(kind, KIND_CONTEXT);
  const check = compileKind(kind, KIND_CONTEXT);
  return (value) => (check(value) ? value : INVALID);
}
