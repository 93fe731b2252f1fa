/**
 * The shapes of the model catalogs (src/models/catalogs, described in
 * docs/model-catalog.md) as the run time reads them: kind descriptors, default
 * descriptors and per-model entries. The generator embeds the catalog in
 * src/models/generated/catalog-data.ts; this file only describes it.
 */

/**
 * A property's Bokeh type ("kind"), as the catalog describes it: `{ kind: "Nullable", type:
 * { kind: "Int" } }` is `Nullable(Int)`. The run time checks values against it (kinds.ts).
 */
export type KindDescriptor =
  | {
      /** A kind without arguments. */
      kind: "Any" | "Unknown" | "Boolean" | "Number" | "Int" | "Percent" | "String" | "CSSLength" | "Null";
    }
  | {
      /** A color, any model, a DOM node or bytes. */
      kind: "Color" | "AnyRef" | "Node" | "Bytes";
    }
  | {
      /** A string matching a regular expression. */
      kind: "Regex";
      /** The expression's source. */
      pattern: string;
      /** Its flags (`"i"`, ...). */
      flags?: string;
    }
  | {
      /** A string starting with `prefix`. */
      kind: "PrefixedString";
      /** The prefix (`"@"`). */
      prefix: string;
    }
  | {
      /** One of `values`. */
      kind: "Enum";
      /** The allowed values. */
      values: readonly (string | number)[];
      /** The name of a BokehJS named enum (`"LineCap"`), if it is one. */
      name?: string;
    }
  | {
      /** `type`, or null / undefined / non-negative / positive. */
      kind: "Nullable" | "Opt" | "NonNegative" | "Positive";
      /** The kind it wraps. */
      type: KindDescriptor;
    }
  | {
      /** Any (`Or`) or all (`And`) of `types`. */
      kind: "Or" | "And";
      /** The kinds. */
      types: readonly KindDescriptor[];
    }
  | {
      /** A fixed-length list. */
      kind: "Tuple";
      /** The kind of each position. */
      items: readonly KindDescriptor[];
    }
  | {
      /** A list, a non-empty list, a column, an iterable, a set, or a map from strings. */
      kind: "List" | "NonEmptyList" | "Arrayable" | "Iterable" | "Set" | "Dict";
      /** The kind of the items (of the values, for `Dict`). */
      item: KindDescriptor;
    }
  | {
      /** A map. */
      kind: "KeyVal" | "Map";
      /** The kind of the keys. */
      key: KindDescriptor;
      /** The kind of the values. */
      item: KindDescriptor;
    }
  | {
      /** An object with exactly (`Struct`) or at most (`PartialStruct`) these fields. */
      kind: "Struct" | "PartialStruct";
      /** The kind of each field. */
      fields: Readonly<Record<string, KindDescriptor>>;
    }
  | {
      /** A model of type `model` or a subclass. */
      kind: "Ref";
      /** The Bokeh type name. */
      model: string;
    }
  | {
      /** An instance of a JS class (`Date`, ...). */
      kind: "Instance";
      /** The class name. */
      class: string;
    }
  | {
      /** A JS function (BokehJS only: it cannot be sent). */
      kind: "Func";
      /** Its arguments, as BokehJS describes them. */
      args: unknown;
      /** Its result, as BokehJS describes it. */
      ret: unknown;
    }
  | SpecKind;

/** A dataspec property (NumberSpec, ColorSpec, ... and the scalar variants). */
export interface SpecKind {
  /** A dataspec. */
  kind: "Spec";
  /** BokehJS's name for it (`"NumberSpec"`, `"ColorSpec"`, `"DistanceSpec"`, ...). */
  spec: string;
  /** VectorSpec (value, field, expr) or ScalarSpec (value, expr). */
  vectorized: boolean;
  /** The forms it takes. */
  accepts: readonly ("value" | "field" | "expr")[];
  /** The kind of its values. */
  value_type: KindDescriptor;
  /** For angle and distance specs: the units it takes and the default. */
  units?: {
    /** The units of a value given without them (`"data"`). */
    default: string;
    /** The units it takes (`"data"`, `"screen"`; `"rad"`, `"deg"`, ...). */
    values: readonly string[];
  };
}

/** One kind descriptor, narrowed by its `kind` field. */
export type KindOf<K extends KindDescriptor["kind"]> = KindDescriptor & { kind: K };

/** A property's default, as the catalog describes it (docs/model-catalog.md). */
export type DefaultDescriptor =
  | {
      /** No default: required, or (read-only) undefined until BokehJS sets it. */
      type: "none";
    }
  | {
      /** A plain value (`value`, in Bokeh's wire form), the same for every model. */
      type: "plain" | "mutable" | "computed";
      /** The value in wire form; `mutable` ones (lists, maps) are copied for each model, `computed` ones are BokehJS's result for a new model. */
      value: unknown;
    }
  | {
      /** A new model of type `name` for each model. */
      type: "model";
      /** Its Bokeh type. */
      name: string;
      /** The attributes it is made with. */
      attributes: Readonly<Record<string, DefaultDescriptor>>;
    }
  | {
      /** A new list of models for each model. */
      type: "list";
      /** The defaults of its items. */
      items: readonly DefaultDescriptor[];
    }
  | {
      /** An object only BokehJS can make (internal properties only): none exists here. */
      type: "opaque";
    };

/** A property of a catalog entry. */
export interface CatalogProperty {
  /** Its Bokeh type. */
  kind: KindDescriptor;
  /** Its default. */
  default: DefaultDescriptor;
  /** BokehJS's own (never synchronized): not settable, never sent. */
  internal: boolean;
  /** Set by BokehJS only. */
  readonly: boolean;
}

/** What a subclass changes about an inherited property. */
export interface CatalogOverride {
  /** A different default. */
  default?: DefaultDescriptor;
  /** Internal here or not (CustomAction makes Tool's internal `active` public). */
  internal?: boolean;
  /** Read-only here or not. */
  readonly?: boolean;
}

/** A catalog entry as embedded for the run time (the catalog minus `module` and mixin details). */
export interface CatalogModel {
  /** An abstract base (no instances). */
  abstract: boolean;
  /** Registered by BokehJS under its name (models received from a peer can have it). */
  registered: boolean;
  /** Nearest first, ending at "Model" (empty for "Model" itself). */
  bases: readonly string[];
  /** The properties this model defines (inherited ones are in its bases' entries). */
  properties: Readonly<Record<string, CatalogProperty>>;
  /** Inherited properties it changes. */
  overrides?: Readonly<Record<string, CatalogOverride>>;
  /** Other names of properties (deprecated ones): alias -> property. */
  aliases?: Readonly<Record<string, string>>;
}
