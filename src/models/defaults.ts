/**
 * Turning the catalog's default descriptors into values.
 *
 * - plain defaults are immutable: decoded once per property and frozen, so the
 *   shared value cannot be changed through one model behind the others' back;
 * - mutable defaults (lists, maps, sets) are decoded afresh for each model;
 * - model defaults (`{type: "model"}`, and `{type: "list"}` of them) create new
 *   models with the attributes the catalog lists for them.
 *
 * Default values are in wire form in the catalog; they are decoded with the
 * regular Decoder (they never reference other models).
 */
import { Model } from "../document/model.js";
import { makeId } from "../protocol/ids.js";
import { Decoder, type ModelFactory } from "../serialization/decoder.js";
import { isPlainObject } from "../serialization/values.js";
import type { DefaultDescriptor } from "./catalog-types.js";
import type { PropertyInfo } from "./model-info.js";

const NO_MODELS: ModelFactory<Model> = {
  resolve: () => undefined,
  create: (type) => {
    throw new TypeError(`a plain default cannot contain a model (${type})`);
  },
  initialize: () => undefined,
};

/** Decodes a default's wire value into a new JS value. */
export function decodeDefault(wire: unknown): unknown {
  // The decoder reuses lists of scalars as they are: copy first, so the catalog's own lists stay untouched.
  return new Decoder<Model>({ models: NO_MODELS }).decode(structuredClone(wire));
}

const plainCache = new WeakMap<PropertyInfo, unknown>();

/** The shared, frozen value of a plain (or computed) default. */
export function plainDefault(prop: PropertyInfo): unknown {
  if (plainCache.has(prop)) return plainCache.get(prop);
  const desc = prop.default;
  const value = desc.type === "plain" || desc.type === "computed" ? deepFreeze(decodeDefault(desc.value)) : undefined;
  plainCache.set(prop, value);
  return value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Array.isArray(value) ? value : Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * Python creates some default models with containers already materialized
 * (and therefore sends them): a source's default `Selection` is sent with
 * `indices: []` and `line_indices: []`. Default models of these types read
 * those attributes once, which stores them (see TypedModel.defaultValue).
 */
const PYTHON_MATERIALIZED: Readonly<Record<string, readonly string[]>> = {
  Selection: ["indices", "line_indices"],
};

/** A new value for a mutable, model or list default (fresh for every call). */
export function instantiateDefault(desc: DefaultDescriptor): unknown {
  switch (desc.type) {
    case "none":
    case "opaque":
      return undefined;
    case "plain":
    case "computed":
    case "mutable":
      return decodeDefault(desc.value);
    case "list":
      return desc.items.map(instantiateDefault);
    case "model": {
      const model = Model.create(desc.name, makeId());
      const attributes: Record<string, unknown> = {};
      for (const [attr, item] of Object.entries(desc.attributes)) attributes[attr] = instantiateDefault(item);
      applyDefaultAttributes(model, attributes);
      for (const attr of PYTHON_MATERIALIZED[desc.name] ?? []) model.get(attr);
      return model;
    }
  }
}

/** Hook for typed models: sets catalog-given attributes without validating them (they come from BokehJS). */
export interface DefaultAttributesTarget {
  /** @internal (left out of the published types, like TypedModel's implementation) */
  _setDefaultAttributes(attributes: Record<string, unknown>): void;
}

function applyDefaultAttributes(model: Model, attributes: Record<string, unknown>): void {
  if ("_setDefaultAttributes" in model) (model as unknown as DefaultAttributesTarget)._setDefaultAttributes(attributes);
  else model.set(attributes);
}

/**
 * Whether setting `value` (already checked and normalized) on an unset property
 * changes nothing because it equals the property's plain default. Python does
 * not store such a value, so it is not sent either. A plain value also equals a
 * scalar spec's `{type: "value"}` default holding it (`line_width = 1`).
 */
export function equalsPlainDefault(prop: PropertyInfo, value: unknown): boolean {
  if (prop.default.type !== "plain") return false;
  const dflt = plainDefault(prop);
  if (sameValue(value, dflt, 0)) return true;
  return prop.kind.kind === "Spec" && !prop.kind.vectorized && isPlainObject(dflt) && dflt.type === "value" && sameValue(value, dflt.value, 0);
}

// Structural equality for the small values defaults are (scalars, structs, short lists).
function sameValue(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (depth > 3 || typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.length <= 16 && a.every((x, i) => sameValue(x, b[i], depth + 1));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameValue(a[k], b[k], depth + 1));
}
