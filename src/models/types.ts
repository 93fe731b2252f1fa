/**
 * TypeScript types the generated model classes use for Bokeh kinds that have no
 * direct TS equivalent: colors, arrays of data, and dataspecs.
 */
import type { NDArray, TypedArray } from "../serialization/values.js";
import type { NamedColor } from "./colors.js";
import type { Expression } from "./generated/expressions.js";
import type { Transform } from "./generated/transforms.js";

export type { NamedColor };

/** An RGB tuple of bytes (0 to 255). */
export type RGB = [number, number, number];
/** An RGBA tuple: RGB bytes and an alpha from 0 to 1. */
export type RGBA = [number, number, number, number];

/**
 * A CSS color name ("firebrick", any case), hex ("#ff0000", "#f00", with alpha
 * "#ff000080"), "rgb(255, 0, 0)" / "rgba(255, 0, 0, 0.5)", or an RGB(A) tuple.
 * Any string type-checks (names are suggested by autocomplete); the run time
 * checks the text.
 */
// `string & {}` keeps the named colors in autocomplete while accepting any string.
export type Color = NamedColor | (string & {}) | RGB | RGBA;

/** A column of values: a list, a typed array (Float64Array, Int32Array, ...) or an n-d array. */
export type Arrayable<T> = T[] | TypedArray | NDArray;

// ---- dataspecs ------------------------------------------------------------------------

/** What every dataspec form may add: a transform, and units for angles and distances. */
export interface SpecExtras<U extends string> {
  /** A client-side transform applied to the values (Jitter, Dodge, a color mapper...). */
  transform?: Transform;
  /** Units of the value, for angle and distance specs. */
  units?: U;
}

/** A fixed value for every glyph: `{type: "value", value: 10}`. */
export interface ValueSpec<T, U extends string = never> extends SpecExtras<U> {
  /** The form: a value. */
  type: "value";
  /** The value. */
  value: T;
}

/** Values from a column of the data source: `{type: "field", field: "x"}`. */
export interface FieldSpec<U extends string = never> extends SpecExtras<U> {
  /** The form: a column. */
  type: "field";
  /** The column's name. */
  field: string;
}

/** Values computed by an Expression model: `{type: "expr", expr: new CumSum({field: "y"})}`. */
export interface ExprSpec<U extends string = never> extends SpecExtras<U> {
  /** The form: an expression. */
  type: "expr";
  /** The Expression model that computes the values. */
  expr: Expression;
}

/** `{ value }` as a setter takes it: `type` may be left out. */
export interface ValueForm<T> {
  /** The form (may be left out). */
  type?: "value";
  /** The value. */
  value: T;
}

/** `{ field }` as a setter takes it: `type` may be left out. */
export interface FieldForm {
  /** The form (may be left out). */
  type?: "field";
  /** The column's name. */
  field: string;
}

/** `{ expr }` as a setter takes it: `type` may be left out. */
export interface ExprForm {
  /** The form (may be left out). */
  type?: "expr";
  /** The Expression model that computes the values. */
  expr: Expression;
}

/** What a vectorized dataspec (glyph `x`, `fill_color`, ...) holds. */
export type Vectorized<T, U extends string = never> = ValueSpec<T, U> | FieldSpec<U> | ExprSpec<U>;

/**
 * What a vectorized dataspec can be set to. Shorthands as in Python:
 * a value (`10`, `"red"` for colors), a field name (`"x"`), an Expression model,
 * or the spec objects with or without `type` (`{field: "x"}`, `{value: 1, units: "screen"}`).
 * Where values are numbers, a Date is its epoch milliseconds.
 */
export type VectorizedInput<T, U extends string = never> =
  | T
  | (number extends T ? Date : never)
  | string
  | Expression
  | (SpecExtras<U> & (ValueForm<T> | FieldForm | ExprForm));

/** What a scalar dataspec (the `Line` glyph's `line_color`, ...) holds: a plain value, or a value/expr spec. */
export type Scalar<T> = T | ValueSpec<T> | ExprSpec;

/** What a scalar dataspec can be set to: a plain value, an Expression, or `{value}` / `{expr}` (with or without `type`). */
export type ScalarInput<T> = T | Expression | (SpecExtras<never> & (ValueForm<T> | ExprForm));

// ---- typed get / set ------------------------------------------------------------------

/**
 * What `model.get(attr)` gives for a property `K` of a model class `M`: the type its accessor
 * reads (`PropertyValue<Plot, "width">` is `number | null`); `unknown` for a property that has
 * no accessor.
 */
export type PropertyValue<M, K extends PropertyKey> = K extends keyof M ? M[K] : unknown;

/**
 * What `model.set(attr, value)` takes for a property `K` of a model class whose attributes
 * interface is `A`: the attribute's type, without the `undefined` its optional member adds
 * (a property cannot be set to undefined).
 */
export type AttributeValue<A, K extends keyof A> = Exclude<A[K], undefined>;
