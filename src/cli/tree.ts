/**
 * A document as a readable tree: each model with its type, id and name, then
 * its properties that differ from their defaults, models nested under the
 * property that holds them. A model met a second time is a one-line reference.
 *
 *   Document "Live demo" (3 roots, 24 models)
 *   Slider p1001 "amplitude"
 *     end: 5
 *     title: "Amplitude"
 *   Figure p1002 "plot"
 *     title: Title p1003
 *       text: "Live sine wave"
 */
import type { Document } from "../document/document.js";
import { valuesEqual } from "../document/equal.js";
import { Model } from "../document/model.js";
import { isTypedArray, NDArray } from "../serialization/values.js";

const MAX_TEXT = 70;
const MAX_ITEMS = 8;

export function documentTree(document: Document): string {
  const lines = [`Document ${JSON.stringify(document.title)} (${document.roots.length} roots, ${document.models.length} models)`];
  const seen = new Set<Model>();
  for (const root of document.roots) writeModel(root, "", "", lines, seen);
  return `${lines.join("\n")}\n`;
}

function modelLabel(model: Model): string {
  const name = model.get("name");
  return `${model.type} ${model.id}${typeof name === "string" ? ` ${JSON.stringify(name)}` : ""}`;
}

function writeModel(model: Model, indent: string, prefix: string, lines: string[], seen: Set<Model>): void {
  if (seen.has(model)) {
    lines.push(`${indent}${prefix}${modelLabel(model)} (above)`);
    return;
  }
  seen.add(model);
  lines.push(`${indent}${prefix}${modelLabel(model)}`);
  const inner = `${indent}${prefix === "- " ? "    " : "  "}`;
  const fresh = Model.create(model.type, "defaults");
  for (const [attr, value] of Object.entries(model.attributes())) {
    if (attr === "name" || isDefault(fresh, attr, value)) continue;
    writeValue(attr, value, inner, lines, seen);
  }
}

function isDefault(fresh: Model, attr: string, value: unknown): boolean {
  if (containsModel(value)) return false;
  return valuesEqual(fresh.get(attr), value);
}

function writeValue(attr: string, value: unknown, indent: string, lines: string[], seen: Set<Model>): void {
  if (value instanceof Model) {
    writeModel(value, indent, `${attr}: `, lines, seen);
    return;
  }
  if (Array.isArray(value) && value.some(containsModel)) {
    lines.push(`${indent}${attr}: [${value.length}]`);
    for (const item of value) {
      if (item instanceof Model) writeModel(item, `${indent}  `, "- ", lines, seen);
      else lines.push(`${indent}  - ${formatValue(item)}`);
    }
    return;
  }
  if (value instanceof Map && [...value.values()].some(containsModel)) {
    lines.push(`${indent}${attr}: {${value.size}}`);
    for (const [key, item] of value) {
      if (item instanceof Model) writeModel(item, `${indent}  `, `${String(key)}: `, lines, seen);
      else lines.push(`${indent}  ${String(key)}: ${formatValue(item)}`);
    }
    return;
  }
  lines.push(`${indent}${attr}: ${formatValue(value)}`);
}

function containsModel(value: unknown): boolean {
  if (value instanceof Model) return true;
  if (Array.isArray(value)) return value.some(containsModel);
  if (value instanceof Map) return [...value.values()].some(containsModel);
  return false;
}

/** A value on one line: strings quoted, arrays and columns summarized, long text cut. */
export function formatValue(value: unknown): string {
  const text = formatInner(value, 0);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 3)}...` : text;
}

function formatInner(value: unknown, depth: number): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object") return String(value);
  if (value instanceof Model) return `${value.type} ${value.id}`;
  if (isTypedArray(value)) return `${value.constructor.name.replace(/Array$/, "").toLowerCase()}[${value.length}]`;
  if (value instanceof NDArray) return `ndarray ${value.dtype}[${value.shape.join("x")}]`;
  if (value instanceof Date) return value.toISOString();
  if (depth > 2) return "...";
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => formatInner(v, depth + 1));
    return `[${items.join(", ")}${value.length > MAX_ITEMS ? `, ... ${value.length} items` : ""}]`;
  }
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  const shown = entries.slice(0, MAX_ITEMS).map(([k, v]) => `${String(k)}: ${formatInner(v, depth + 1)}`);
  return `{${shown.join(", ")}${entries.length > MAX_ITEMS ? ", ..." : ""}}`;
}
