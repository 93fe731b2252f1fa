/**
 * The shapes of the model catalogs (src/models/catalogs, described in
 * docs/model-catalog.md) as the run time reads them: kind descriptors, default
 * descriptors and per-model entries. The generator embeds the catalog in
 * src/models/generated/catalog-data.ts; this file only describes it.
 */

export type KindDescriptor =
  | { kind: "Any" | "Unknown" | "Boolean" | "Number" | "Int" | "Percent" | "String" | "CSSLength" | "Null" }
  | { kind: "Color" | "AnyRef" | "Node" | "Bytes" }
  | { kind: "Regex"; pattern: string; flags?: string }
  | { kind: "PrefixedString"; prefix: string }
  | { kind: "Enum"; values: readonly (string | number)[]; name?: string }
  | { kind: "Nullable" | "Opt" | "NonNegative" | "Positive"; type: KindDescriptor }
  | { kind: "Or" | "And"; types: readonly KindDescriptor[] }
  | { kind: "Tuple"; items: readonly KindDescriptor[] }
  | { kind: "List" | "NonEmptyList" | "Arrayable" | "Iterable" | "Set" | "Dict"; item: KindDescriptor }
  | { kind: "KeyVal" | "Map"; key: KindDescriptor; item: KindDescriptor }
  | { kind: "Struct" | "PartialStruct"; fields: Readonly<Record<string, KindDescriptor>> }
  | { kind: "Ref"; model: string }
  | { kind: "Instance"; class: string }
  | { kind: "Func"; args: unknown; ret: unknown }
  | SpecKind;

/** A dataspec property (NumberSpec, ColorSpec, ... and the scalar variants). */
export interface SpecKind {
  kind: "Spec";
  spec: string;
  /** VectorSpec (value, field, expr) or ScalarSpec (value, expr). */
  vectorized: boolean;
  accepts: readonly ("value" | "field" | "expr")[];
  value_type: KindDescriptor;
  units?: { default: string; values: readonly string[] };
}

/** One kind descriptor, narrowed by its `kind` field. */
export type KindOf<K extends KindDescriptor["kind"]> = KindDescriptor & { kind: K };

export type DefaultDescriptor =
  | { type: "none" }
  | { type: "plain"; value: unknown }
  | { type: "mutable"; value: unknown }
  | { type: "computed"; value: unknown }
  | { type: "model"; name: string; attributes: Readonly<Record<string, DefaultDescriptor>> }
  | { type: "list"; items: readonly DefaultDescriptor[] }
  /** An object only BokehJS can make (internal properties only): none exists here. */
  | { type: "opaque" };

export interface CatalogProperty {
  kind: KindDescriptor;
  default: DefaultDescriptor;
  internal: boolean;
  readonly: boolean;
}

export interface CatalogOverride {
  default?: DefaultDescriptor;
  internal?: boolean;
  readonly?: boolean;
}

/** A catalog entry as embedded for the run time (the catalog minus `module` and mixin details). */
export interface CatalogModel {
  abstract: boolean;
  registered: boolean;
  /** Nearest first, ending at "Model" (empty for "Model" itself). */
  bases: readonly string[];
  properties: Readonly<Record<string, CatalogProperty>>;
  overrides?: Readonly<Record<string, CatalogOverride>>;
  aliases?: Readonly<Record<string, string>>;
}
