/**
 * Equality of Bokeh values, for telling which attributes really changed when a
 * pulled document is reconciled with the one in memory. Models compare by
 * identity; typed arrays by contents; NaN equals NaN.
 */
import { isModelLike, isTypedArray, NDArray, ObjectValue, Slice } from "../serialization/values.js";

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b) || a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (isModelLike(a) || isModelLike(b)) return false;
  if (isTypedArray(a) || isTypedArray(b)) {
    return isTypedArray(a) && isTypedArray(b) && a.constructor === b.constructor && a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  }
  if (a instanceof ArrayBuffer || b instanceof ArrayBuffer) {
    return a instanceof ArrayBuffer && b instanceof ArrayBuffer && valuesEqual(new Uint8Array(a), new Uint8Array(b));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (a instanceof Map || b instanceof Map) {
    return a instanceof Map && b instanceof Map && a.size === b.size && [...a].every(([k, v]) => b.has(k) && valuesEqual(v, b.get(k)));
  }
  if (a instanceof Set || b instanceof Set) {
    return a instanceof Set && b instanceof Set && a.size === b.size && [...a].every((x) => b.has(x));
  }
  if (a instanceof NDArray || b instanceof NDArray) {
    return a instanceof NDArray && b instanceof NDArray && a.dtype === b.dtype && valuesEqual(a.shape, b.shape) && valuesEqual(a.array, b.array);
  }
  if (a instanceof Slice || b instanceof Slice) {
    return a instanceof Slice && b instanceof Slice && a.start === b.start && a.stop === b.stop && a.step === b.step;
  }
  if (a instanceof ObjectValue || b instanceof ObjectValue) {
    return a instanceof ObjectValue && b instanceof ObjectValue && a.name === b.name && valuesEqual(a.attributes, b.attributes);
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
