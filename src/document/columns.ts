/**
 * Column data: the operations shared by local edits and patches from the server
 * (appending rows, with rollover, and assigning rows), and the checks and
 * operations of a data source's `stream`, `patch` and `updateData` (the typed
 * ColumnDataSource of src/models calls them).
 *
 * Typed-array columns grow in place inside a larger buffer (capacity doubles),
 * so streaming many small chunks costs O(rows), not O(rows^2). The column a
 * user sees is always a typed array of exactly the column's length.
 */
import { isPlainObject, isTypedArray, NDArray, setEntry, Slice, type TypedArray } from "../serialization/values.js";
import { describePeerValue } from "../util/describe.js";
import { BokehError } from "../util/errors.js";
import type { EventInit } from "./events.js";
import type { Model } from "./model.js";

/** One column of a ColumnDataSource: a list, a typed array, or an n-dimensional array. */
export type DataColumn = unknown[] | TypedArray | NDArray;
/** A ColumnDataSource's `data`: columns by name. */
export type ColumnData = Record<string, DataColumn>;

/** One patch: an index or slice (or, for n-d cells, `[index, ...slices]`) and the new value(s). */
export type PatchIndex = number | Slice | readonly (number | Slice)[];
/** Patches by column: `[index or slice, new value(s)]` pairs, as Python's `patch()` takes them. */
export type ColumnPatches = Record<string, readonly (readonly [PatchIndex, unknown])[]>;

/** Invalid column data, stream or patch. */
export class ColumnDataError extends BokehError {
  constructor(message: string) {
    super("ERR_BOKEH_COLUMN_DATA", message);
  }
}

/** The column `name` of `data` if `data` itself has it (never an inherited "constructor" or "__proto__"). */
export function ownColumn(data: ColumnData, name: string): DataColumn | undefined {
  return Object.prototype.hasOwnProperty.call(data, name) ? data[name] : undefined;
}

// Lists that a change event not yet sent refers to. Streaming into one appends to a
// copy, so the event keeps the rows it had and the streamed rows are not sent twice.
// (Typed-array columns always grow into a new view, so they need no mark.)
const heldByEvents = new WeakSet<unknown[]>();

/**
 * The value a change event carries for a new attribute value: a column map (any plain
 * object) is copied, and its lists marked, so that rows streamed later in the same tick
 * reach the event's map or lists only through their own event. Other values as they are.
 */
export function eventValue(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(value)) {
    setEntry(copy, name, column);
    if (Array.isArray(column)) heldByEvents.add(column);
  }
  return copy;
}

export function columnLength(column: unknown): number {
  if (Array.isArray(column)) return column.length;
  if (isTypedArray(column)) return column.length;
  if (column instanceof NDArray) return column.shape[0] ?? 0;
  return 0;
}

type TypedCtor = { new (length: number): TypedArray; new (buffer: ArrayBufferLike, offset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number };

// How far each buffer we allocated is in use, so only the newest view appends in place.
const usedEnd = new WeakMap<ArrayBufferLike, number>();

/** `column` with `rows` appended, keeping the last `rollover` rows when given. */
export function streamColumn(column: DataColumn | undefined, rows: unknown, rollover: number | null, name = ""): DataColumn {
  const added = rowsOf(rows, name);
  let base = column ?? (isTypedArray(added) ? new (added.constructor as TypedCtor)(0) : []);
  if (isTypedArray(base) && allNumbers(added)) return streamTyped(base, added, rollover);
  if (Array.isArray(base) && isTypedArray(added) && base.every((v) => typeof v === "number")) {
    return streamTyped(toTyped(base, added), added, rollover);
  }
  if (isTypedArray(base)) base = Array.from(base); // rows that are not numbers: the column becomes a list
  if (Array.isArray(base)) {
    const target = heldByEvents.has(base) ? base.slice() : base;
    for (let i = 0; i < added.length; i++) target.push(added[i]);
    if (rollover !== null && target.length > rollover) target.splice(0, target.length - rollover);
    return target;
  }
  throw new ColumnDataError(`cannot stream into column '${name}': it is ${column instanceof NDArray ? "n-dimensional" : `not a list (${describePeerValue(column)})`}`);
}

/** The rows a stream appends: a list, a typed array or a 1-D NDArray. */
function rowsOf(rows: unknown, name: string): unknown[] | TypedArray {
  if (Array.isArray(rows) || isTypedArray(rows)) return rows;
  if (rows instanceof NDArray && rows.shape.length === 1) return rows.array;
  throw new ColumnDataError(`rows streamed into column '${name}' must be a list, got ${describePeerValue(rows)}`);
}

function allNumbers(values: unknown[] | TypedArray): boolean {
  if (isTypedArray(values)) return true;
  for (const value of values) if (typeof value !== "number") return false;
  return true;
}

function toTyped(values: unknown[], like: TypedArray): TypedArray {
  const ctor = (fits(values, like) ? like.constructor : Float64Array) as TypedCtor;
  const out = new ctor(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] as number;
  return out;
}

function fits(values: ArrayLike<unknown>, like: TypedArray): boolean {
  if (like instanceof Float64Array || like instanceof Float32Array) return true;
  for (let i = 0; i < values.length; i++) if (!Number.isInteger(values[i])) return false;
  return true;
}

function streamTyped(column: TypedArray, added: ArrayLike<number> | ArrayLike<unknown>, rollover: number | null): TypedArray {
  const ctor = (fits(added as ArrayLike<unknown>, column) ? column.constructor : Float64Array) as TypedCtor;
  const total = column.length + added.length;
  const keep = rollover !== null && total > rollover ? rollover : total;
  const size = ctor.BYTES_PER_ELEMENT;

  // Append in place when this view is the newest one in a buffer we own and there is room.
  const end = column.byteOffset + column.byteLength;
  if (ctor === column.constructor && usedEnd.get(column.buffer) === end && end + added.length * size <= column.buffer.byteLength) {
    const grown = new ctor(column.buffer, column.byteOffset, total);
    grown.set(added as ArrayLike<number>, column.length);
    usedEnd.set(column.buffer, end + added.length * size);
    return total === keep ? grown : grown.subarray(total - keep);
  }

  // Otherwise copy the rows we keep into a new buffer with room to grow.
  const capacity = Math.max(keep * 2, 16);
  const buffer = new ArrayBuffer(capacity * size);
  const out = new ctor(buffer, 0, keep);
  const skip = total - keep; // rows dropped from the front
  if (skip < column.length) out.set(column.subarray(skip), 0);
  const fromAdded = Math.max(0, skip - column.length);
  const addedKept = isTypedArray(added) ? added.subarray(fromAdded) : (added as unknown[]).slice(fromAdded);
  out.set(addedKept as ArrayLike<number>, keep - addedKept.length);
  usedEnd.set(buffer, keep * size);
  return out;
}

/** Applies `[index, value]` patches to `column` in place (typed arrays and lists alike). */
export function patchColumn(column: unknown, name: string, patches: readonly (readonly [PatchIndex, unknown])[]): void {
  if (!Array.isArray(column) && !isTypedArray(column) && !(column instanceof NDArray)) {
    throw new ColumnDataError(`can't patch column '${name}': it is not a list (${describePeerValue(column)})`);
  }
  for (const [index, value] of patches) {
    if (typeof index === "number") {
      setItem(column, name, index, value);
    } else if (index instanceof Slice) {
      const indices = index.indices(columnLength(column));
      const values = asList(value, name);
      if (values.length !== indices.length) {
        throw new ColumnDataError(`patch for column '${name}' has ${values.length} values for a slice of ${indices.length} rows`);
      }
      indices.forEach((i, k) => setItem(column, name, i, values[k]));
    } else if (Array.isArray(index) && typeof index[0] === "number") {
      const cell = getItem(column, name, index[0]);
      patchCell(cell, name, index.slice(1) as (number | Slice)[], value);
    } else {
      throw new ColumnDataError(`invalid patch index for column '${name}'`);
    }
  }
}

function asList(value: unknown, name: string): ArrayLike<unknown> {
  if (Array.isArray(value) || isTypedArray(value)) return value;
  if (value instanceof NDArray) return value.array;
  throw new ColumnDataError(`a slice patch for column '${name}' needs a list of values`);
}

function normalize(index: number, length: number, name: string): number {
  const i = index < 0 ? index + length : index;
  if (!Number.isInteger(index) || i < 0 || i >= length) throw new ColumnDataError(`out-of-bounds index (${index}) in patch for column '${name}'`);
  return i;
}

function setItem(column: DataColumn, name: string, index: number, value: unknown): void {
  const target = column instanceof NDArray ? column.array : column;
  const i = normalize(index, target.length, name);
  (target as unknown[])[i] = isTypedArray(target) ? numberFor(target, name, value) : value;
}

/** What a typed-array column can hold: numbers (booleans as 0/1, null as NaN in float columns). */
function numberFor(target: TypedArray, name: string, value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === null && (target instanceof Float64Array || target instanceof Float32Array)) return Number.NaN;
  throw new ColumnDataError(`column '${name}' holds numbers; can't patch in ${describePeerValue(value)}`);
}

function getItem(column: DataColumn, name: string, index: number): unknown {
  const target = column instanceof NDArray ? column.array : column;
  return (target as ArrayLike<unknown>)[normalize(index, target.length, name)];
}

// A patch inside one n-d cell (an image): `[rows, cols]` as indices or slices.
function patchCell(cell: unknown, name: string, index: (number | Slice)[], value: unknown): void {
  if (cell instanceof NDArray && index.length === cell.shape.length) {
    const shape = cell.shape;
    const axes = index.map((ix, d) => (ix instanceof Slice ? ix.indices(shape[d] ?? 0) : [normalize(ix, shape[d] ?? 0, name)]));
    const flat = value instanceof NDArray ? value.array : Array.isArray(value) ? value.flat(Infinity) : isTypedArray(value) ? value : [value];
    const cells = axes.reduce((n, axis) => n * axis.length, 1);
    if (flat.length !== cells) throw new ColumnDataError(`patch for column '${name}' has ${flat.length} values for ${cells} cells`);
    const store = (at: number, item: unknown): void => {
      (cell.array as unknown[])[at] = isTypedArray(cell.array) ? numberFor(cell.array, name, item) : item;
    };
    let k = 0;
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
    const visit = (d: number, offset: number): void => {
      for (const i of axes[d] ?? []) {
        const at = offset + i * (strides[d] ?? 1);
        if (d === axes.length - 1) store(at, (flat as ArrayLike<unknown>)[k++]);
        else visit(d + 1, at);
      }
    };
    visit(0, 0);
    return;
  }
  if (Array.isArray(cell) && index.length > 0) {
    const [first, ...rest] = index;
    if (rest.length === 0) {
      patchColumn(cell, name, [[first as PatchIndex, value]]);
    } else {
      const rows = first instanceof Slice ? first.indices(cell.length) : [normalize(first as number, cell.length, name)];
      const values = first instanceof Slice ? asList(value, name) : [value];
      rows.forEach((r, k) => patchCell(cell[r], name, rest, values[k]));
    }
    return;
  }
  throw new ColumnDataError(`cannot apply an n-d patch to column '${name}'`);
}

// ---- a data source's operations (the typed ColumnDataSource's methods call these) ----------

/** Throws a ColumnDataError unless `data` is a plain object of lists / typed arrays. */
export function checkColumns(data: unknown): asserts data is ColumnData {
  if (!isPlainObject(data)) throw new ColumnDataError("column data must be a plain object of columns");
  for (const [name, column] of Object.entries(data)) {
    if (!Array.isArray(column) && !isTypedArray(column) && !(column instanceof NDArray)) {
      throw new ColumnDataError(`column '${name}' must be a list or a typed array`);
    }
  }
}

/** Number of rows: the length of the first column. */
export function rowCount(data: ColumnData): number {
  const first = Object.values(data)[0];
  return first === undefined ? 0 : columnLength(first);
}

/**
 * Replacing `data` of a source is a ColumnDataChanged (not a ModelChanged), as in Bokeh.
 * (Rows streamed later in the same tick are not in it: see eventValue.) A peer's `data`
 * that is not column data stays an ordinary ModelChanged.
 */
export function columnDataChangeEvent(model: Model, attr: string, _old: unknown, value: unknown): EventInit | null {
  if (attr !== "data" || !isPlainObject(value)) return null;
  return { kind: "ColumnDataChanged", model, attr, cols: null, data: value as ColumnData };
}

/** Replaces some columns of `model.data` and keeps the others (Python's `source.data.update(...)`). */
export function updateColumns(model: Model, columns: ColumnData): void {
  checkColumns(columns);
  model._replaceColumns("data", columns, Object.keys(columns), undefined);
}

/** Appends rows to every column of `model.data`; with `rollover`, keeps only the last rows. */
export function streamRows(model: Model, rows: ColumnData, rollover?: number): void {
  checkColumns(rows);
  const names = Object.keys((model.get("data") ?? {}) as ColumnData);
  const given = Object.keys(rows);
  if (names.length > 0 && (given.length !== names.length || !names.every((n) => ownColumn(rows, n) !== undefined))) {
    throw new ColumnDataError(`stream must update all existing columns (${names.join(", ")}), got (${given.join(", ")})`);
  }
  const lengths = new Set(given.map((n) => columnLength(rows[n])));
  if (lengths.size > 1) throw new ColumnDataError("all streamed columns must have the same length");
  if (rollover !== undefined && (!Number.isInteger(rollover) || rollover < 0)) {
    throw new ColumnDataError(`rollover must be a non-negative integer, got ${String(rollover)}`);
  }
  model._streamColumns("data", rows, rollover ?? null, undefined);
}

/** Changes cells of `model.data` in place. */
export function patchCells(model: Model, patches: ColumnPatches): void {
  const data = (model.get("data") ?? {}) as ColumnData;
  for (const name of Object.keys(patches)) {
    if (ownColumn(data, name) === undefined) throw new ColumnDataError(`can't patch column '${name}': no such column`);
  }
  model._patchColumns("data", patches, undefined);
}
