/**
 * ColumnDataSource: a table of named columns, the data behind glyphs.
 *
 * Columns are lists or typed arrays (Float64Array, Int32Array, ...). Besides
 * replacing `data`, a source can `stream` rows (with rollover) and `patch`
 * cells; each of these is sent to the server as its own compact event.
 *
 * The checks and operations are plain functions (`streamRows`, `patchCells`,
 * `updateColumns`) so the typed model catalog's ColumnDataSource shares them.
 */
import { isPlainObject, isTypedArray, NDArray } from "../serialization/values.js";
import { ColumnDataError, columnLength, ownColumn, type DataColumn, type ColumnData, type ColumnPatches } from "./columns.js";
import type { EventInit } from "./events.js";
import { Model, type Attributes, type ModelOptions } from "./model.js";

export interface ColumnDataSourceAttributes extends Attributes {
  data?: ColumnData;
}

export class ColumnDataSource extends Model {
  constructor(attributes: ColumnDataSourceAttributes = {}, options: ModelOptions = {}) {
    super("ColumnDataSource", attributes, options);
    // Python's client always sends these two sub-models; the server expects to know their ids.
    if (!this.has("selected")) this._attributes.set("selected", new Model("Selection", { indices: [], line_indices: [] }));
    if (!this.has("selection_policy")) this._attributes.set("selection_policy", new Model("UnionRenderers"));
    if (!this.has("data")) this._attributes.set("data", {});
  }

  /** The columns. Replace them with `source.data = {...}`; change them with `stream`, `patch` or `updateData`. */
  get data(): ColumnData {
    return (this.get("data") ?? {}) as ColumnData;
  }

  set data(data: ColumnData) {
    this.set("data", data);
  }

  /** Names of the columns. */
  get columnNames(): string[] {
    return Object.keys(this.data);
  }

  /** Number of rows (length of the first column). */
  get length(): number {
    return rowCount(this.data);
  }

  /** Replaces some columns and keeps the others (Python's `source.data.update(...)`). */
  updateData(columns: ColumnData): this {
    updateColumns(this, columns);
    return this;
  }

  /**
   * Appends rows to every column; with `rollover`, keeps only the last `rollover` rows.
   * Only the new rows are sent to the server.
   */
  stream(rows: ColumnData, rollover?: number): this {
    streamRows(this, rows, rollover);
    return this;
  }

  /**
   * Changes cells in place: `{ y: [[0, 10], [new Slice({start: 2, stop: 4}), [1, 2]]] }`.
   * Only the changed cells are sent to the server.
   */
  patch(patches: ColumnPatches): this {
    patchCells(this, patches);
    return this;
  }

  protected override validate(attr: string, value: unknown): unknown {
    if (attr === "data") checkColumns(value);
    return value;
  }

  protected override changeEvent(attr: string, old: unknown, value: unknown): EventInit {
    return columnDataChangeEvent(this, attr, old, value) ?? super.changeEvent(attr, old, value);
  }
}

Model.register("ColumnDataSource", (id) => new ColumnDataSource({}, { id }));

// ---- shared with the typed catalog ----------------------------------------------------

/** Throws a ColumnDataError unless `data` is a plain object of lists / typed arrays. */
export function checkColumns(data: unknown): asserts data is ColumnData {
  if (!isPlainObject(data)) throw new ColumnDataError("column data must be a plain object of columns");
  for (const [name, column] of Object.entries(data)) {
    if (!Array.isArray(column) && !isTypedArray(column) && !(column instanceof NDArray)) {
      throw new ColumnDataError(`column '${name}' must be a list or a typed array`);
    }
  }
}

export function rowCount(data: ColumnData): number {
  const first = Object.values(data)[0];
  return first === undefined ? 0 : columnLength(first);
}

/**
 * Replacing `data` of a source is a ColumnDataChanged (not a ModelChanged), as in Bokeh.
 * (Rows streamed later in the same tick are not in it: see eventValue in columns.ts.) A peer's `data`
 * that is not column data stays an ordinary ModelChanged.
 */
export function columnDataChangeEvent(model: Model, attr: string, _old: unknown, value: unknown): EventInit | null {
  if (attr !== "data" || !isPlainObject(value)) return null;
  return { kind: "ColumnDataChanged", model, attr, cols: null, data: value as ColumnData };
}

export function updateColumns(model: Model, columns: ColumnData): void {
  checkColumns(columns);
  model._replaceColumns("data", columns, Object.keys(columns), undefined);
}

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

export function patchCells(model: Model, patches: ColumnPatches): void {
  const data = (model.get("data") ?? {}) as ColumnData;
  for (const name of Object.keys(patches)) {
    if (ownColumn(data, name) === undefined) throw new ColumnDataError(`can't patch column '${name}': no such column`);
  }
  model._patchColumns("data", patches, undefined);
}

export type { DataColumn, ColumnData, ColumnPatches };
