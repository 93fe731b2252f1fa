/**
 * Finding the models inside attribute values (lists, maps, sets, structs...).
 * Bulk data (typed arrays, ArrayBuffers) is skipped without looking inside.
 */
import { isModelLike, NDArray, ObjectValue } from "../serialization/values.js";
import type { Model } from "./model.js";

/** Calls `visit` for every model directly inside `value` (not inside those models). */
export function forEachModel(value: unknown, visit: (model: Model) => void): void {
  if (typeof value !== "object" || value === null) return;
  if (isModelLike(value)) {
    visit(value as unknown as Model);
    return;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === "object" && item !== null) forEachModel(item, visit);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      forEachModel(k, visit);
      forEachModel(v, visit);
    }
  } else if (value instanceof Set) {
    for (const item of value) forEachModel(item, visit);
  } else if (value instanceof NDArray) {
    forEachModel(value.array, visit);
  } else if (value instanceof ObjectValue) {
    forEachModel(value.attributes, visit);
  } else if (!(value instanceof Date)) {
    for (const key of Object.keys(value)) forEachModel((value as Record<string, unknown>)[key], visit);
  }
}

export function containsModel(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  let found = false;
  try {
    forEachModel(value, () => {
      found = true;
      throw STOP;
    });
  } catch (error) {
    if (error !== STOP) throw error;
  }
  return found;
}

const STOP = Symbol("stop");
