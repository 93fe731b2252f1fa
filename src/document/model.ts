/**
 * Model: one Bokeh object (a plot, a range, a data source...) identified by id.
 *
 * A generic Model works for any Bokeh type, including ones bokeh-client has no
 * class for: it stores exactly the attributes it was given or received and
 * writes them back unchanged. Typed subclasses (the generated catalog, src/models)
 * add accessors, defaults and validation by overriding the protected hooks; the
 * registry below says which class a model received from a peer becomes
 * (docs/module-state.md).
 */
import { makeId } from "../protocol/ids.js";
import { isPlainObject, MODEL_BRAND, setEntry, type SerializableModel } from "../serialization/values.js";
import { ColumnDataError, eventValue, ownColumn, patchColumn, streamColumn, type ColumnData, type ColumnPatches } from "./columns.js";
import { valuesEqual } from "./equal.js";
import type { Document } from "./document.js";
import type { EventInit, MessageSentEvent, Setter } from "./events.js";
import { NamedListeners } from "./listeners.js";
import { forEachModel } from "./references.js";
import { checkEventName, type ModelEventName, type ModelEventValues } from "./ui-events.js";

/** A model's attributes by name. */
export type Attributes = Record<string, unknown>;

/** A listener of one model's attribute: `(attr, old, new)`, as Python's `on_change` callbacks. */
export type AttributeListener = (attr: string, old: unknown, value: unknown) => void;

/** A callback of one of a model's UI events: the event's values (`model` is the model), and the document event that carried it. */
export type ModelEventCallback<N extends ModelEventName, M extends Model = Model> = (values: ModelEventValues<N, M>, event: MessageSentEvent) => void;

/** Options of a new model. */
export interface ModelOptions {
  /** Use this id instead of a generated one (e.g. to mirror an existing model). */
  id?: string;
}

/** Creates an empty instance for a given id; used when models arrive from a peer. */
export type ModelFactoryFn = (id: string) => Model;

const registry = new Map<string, ModelFactoryFn>();

/** A Bokeh model of any type: its id, type and attributes. Typed classes (`Plot`, `Slider`, ...) extend it. */
export class Model implements SerializableModel {
  /** Marks models for the serializer without an import cycle (serialization/values.ts). */
  declare readonly [MODEL_BRAND]: true;

  /** The model's id, unique in its document (and across processes: see docs/decisions.md). */
  readonly id: string;
  /** The Bokeh type name (`"Plot"`, `"Slider"`, or any name for a model without a class). */
  readonly type: string;

  /** Explicitly set attributes, in the order they were set. Only these are serialized. */
  protected readonly _attributes = new Map<string, unknown>();

  private _listeners: NamedListeners<AttributeListener> | null = null;
  private _eventCallbacks: NamedListeners<(values: Record<string, unknown>, event: MessageSentEvent) => void> | null = null;

  private _document: Document | null = null;
  /** The document this model left (removed from it, or replaced by a resync), until it joins one again. */
  private _formerDocument: Document | null = null;

  constructor(type: string, attributes: Attributes = {}, options: ModelOptions = {}) {
    if (typeof type !== "string" || type.length === 0) throw new TypeError("a model needs a non-empty type name");
    this.id = options.id ?? makeId();
    this.type = type;
    this.initializeAttributes(attributes);
  }

  /** Registers the class used for models of `type` received from a peer. */
  static register(type: string, factory: ModelFactoryFn): void {
    registry.set(type, factory);
  }

  /** Creates the right kind of model for `type`: a registered class, else a generic Model. */
  static create(type: string, id: string): Model {
    const factory = registry.get(type);
    return factory !== undefined ? factory(id) : new Model(type, {}, { id });
  }

  /** The document this model belongs to (reachable from one of its roots), or null. */
  get document(): Document | null {
    return this._document;
  }

  /** The value of `attr`: the one set, or the default for unset attributes (undefined when unknown). */
  get(attr: string): unknown {
    return this._attributes.has(attr) ? this._attributes.get(attr) : this.defaultValue(attr);
  }

  /** Whether `attr` was set explicitly (set attributes are the ones sent to the server). */
  has(attr: string): boolean {
    return this._attributes.has(attr);
  }

  /** Sets one attribute, or several at once. Changes made in one tick are sent together. */
  set(attr: string, value: unknown): this;
  set(attributes: Attributes): this;
  set(attrOrAttributes: string | Attributes, value?: unknown): this {
    if (typeof attrOrAttributes === "string") {
      this.setAttribute(attrOrAttributes, value, undefined);
    } else {
      const entries = Object.entries(attrOrAttributes);
      this._document?._admit(undefined, entries.length); // all of them, or none
      for (const [attr, v] of entries) this.setAttribute(attr, v, undefined);
    }
    return this;
  }

  /**
   * Calls `listener(attr, old, new)` after each change of `attr` (or of any of
   * `attrs`), whoever made it: local code, a server patch, a browser (Python's
   * `model.on_change`). Streams and patches of `data` count as changes of `data`.
   * Returns a function that unsubscribes.
   */
  onChange(attrs: string | readonly string[], listener: AttributeListener): () => void {
    this._listeners ??= new NamedListeners();
    return this._listeners.add(typeof attrs === "string" ? [attrs] : attrs, listener);
  }

  /**
   * Calls `callback(values)` for each UI event `name` about this model (`"button_click"`,
   * `"tap"`, ...: a closed set, BokehJS's), from a browser or any peer, as Python's
   * `model.on_event`. Subscribes the model first, as Python does: `name` joins its
   * `subscribed_events` (a change sent to the peer), without which BokehJS does not send the
   * event at all. `values` holds the event's fields, and `model`: this model. Returns a function
   * that removes the callback (the model stays subscribed: another peer may listen too).
   * An unknown name is an `EventNameError`.
   */
  onEvent<N extends ModelEventName>(name: N, callback: ModelEventCallback<N, this>): () => void {
    checkEventName(name, true);
    const subscribed = this.get("subscribed_events");
    const names = subscribed instanceof Set ? subscribed : new Set(Array.isArray(subscribed) ? subscribed : []);
    if (!names.has(name)) this.set("subscribed_events", new Set([...names, name]));
    this._eventCallbacks ??= new NamedListeners();
    return this._eventCallbacks.add([name], callback as unknown as (values: Record<string, unknown>, event: MessageSentEvent) => void);
  }

  /** The explicitly set attributes, as a new plain object. */
  attributes(): Attributes {
    return Object.fromEntries(this._attributes);
  }

  /** The models directly referenced by this model's attributes. */
  references(): Model[] {
    const found = new Set<Model>();
    for (const value of this._attributes.values()) forEachModel(value, (m) => found.add(m));
    return [...found];
  }

  serializableAttributes(): Iterable<[string, unknown]> {
    return this._attributes.entries();
  }

  toString(): string {
    return `${this.type}(id=${JSON.stringify(this.id)})`;
  }

  // ---- hooks for typed subclasses -------------------------------------------------

  /** Default value of an unset attribute. */
  protected defaultValue(_attr: string): unknown {
    return undefined;
  }

  /** Checks and normalizes a value before it is set locally; throws for invalid values. */
  protected validate(_attr: string, value: unknown): unknown {
    return value;
  }

  /** The event a change of `attr` produces. */
  protected changeEvent(attr: string, old: unknown, value: unknown): EventInit {
    return { kind: "ModelChanged", model: this, attr, old, new: value };
  }

  // ---- used by Document ---------------------------------------------------------------

  /** @internal Sets an attribute and notifies the document. `setter` is the origin of the change. */
  setAttribute(attr: string, value: unknown, setter: Setter): void {
    if (attr === "id" || attr === "type") throw new TypeError(`'${attr}' of a model cannot be changed`);
    if (value === undefined) throw new TypeError(`cannot set ${this.type}.${attr} to undefined`);
    const checked = setter === undefined ? this.validate(attr, value) : value;
    this._document?._checkAttachable(checked);
    const old = this.get(attr);
    if (old === checked && (typeof checked !== "object" || checked === null)) return;
    this._document?._admit(setter);
    this._attributes.set(attr, checked);
    const init = this.changeEvent(attr, old, eventValue(checked));
    if (this._document !== null) this._document._modelChanged(this, old, checked, init, setter);
    else this.changedWhileDetached(init, setter);
    this.notify(attr, old, checked);
  }

  /**
   * A local change to a model that left a document reaches no peer through it: the document
   * it left reports the change (`Document.onDetachedChange`), so it is never lost silently.
   */
  private changedWhileDetached(init: EventInit, setter: Setter): void {
    if (setter === undefined) this._formerDocument?._detachedChange(this, init);
  }

  /** Runs the `onChange` listeners of `attr`; like document listeners, all run and the first error is rethrown. */
  protected notify(attr: string, old: unknown, value: unknown): void {
    this._listeners?.run(attr, attr, old, value);
  }

  /** @internal Runs the `onEvent` callbacks of UI event `name` (its document calls it); all run, the first error is rethrown. */
  _triggerEvent(name: string, values: Record<string, unknown>, event: MessageSentEvent): void {
    this._eventCallbacks?.run(name, values, event);
  }

  /** @internal Gives a model received from a peer its attributes, without events or validation. */
  initializeFromWire(attributes: Attributes): void {
    this._attributes.clear(); // a received model has exactly the attributes it was sent with
    for (const [attr, value] of Object.entries(attributes)) this._attributes.set(attr, value);
  }

  /**
   * @internal Makes this model's attributes exactly `attributes` (as received in a
   * pulled document): changed ones are set with `setter`, missing ones unset.
   */
  _reconcileAttributes(attributes: Attributes, setter: Setter): void {
    for (const [attr, value] of Object.entries(attributes)) {
      if (!this._attributes.has(attr) || !valuesEqual(this._attributes.get(attr), value)) this.setAttribute(attr, value, setter);
    }
    for (const attr of [...this._attributes.keys()]) {
      if (attr in attributes) continue;
      const old = this._attributes.get(attr);
      this._attributes.delete(attr);
      const value = this.get(attr);
      this._document?._modelChanged(this, old, value, this.changeEvent(attr, old, value), setter);
      this.notify(attr, old, value);
    }
  }

  /** @internal Appends rows to the columns held in `attr` and reports ColumnsStreamed. */
  _streamColumns(attr: string, rows: ColumnData, rollover: number | null, setter: Setter): void {
    this._document?._admit(setter);
    const data = this.columnsOf(attr);
    for (const [name, column] of Object.entries(rows)) setEntry(data, name, streamColumn(ownColumn(data, name), column, rollover, name));
    this.report({ kind: "ColumnsStreamed", model: this, attr, data: rows, rollover }, setter);
    this.notify(attr, data, data);
  }

  /** @internal Changes cells of the columns held in `attr` and reports ColumnsPatched. */
  _patchColumns(attr: string, patches: ColumnPatches, setter: Setter): void {
    this._document?._admit(setter);
    const data = this.columnsOf(attr);
    for (const [name, list] of Object.entries(patches)) {
      const column = ownColumn(data, name);
      if (column === undefined) throw new ColumnDataError(`can't patch column '${name}': no such column`);
      patchColumn(column, name, list);
    }
    this.report({ kind: "ColumnsPatched", model: this, attr, patches }, setter);
    this.notify(attr, data, data);
  }

  /** @internal Replaces the listed columns held in `attr`, keeping the others, and reports ColumnDataChanged. */
  _replaceColumns(attr: string, columns: ColumnData, cols: readonly string[], setter: Setter): void {
    this._document?._admit(setter);
    const data = this.columnsOf(attr);
    const changed: ColumnData = {};
    for (const name of cols) {
      const column = ownColumn(columns, name);
      if (column === undefined) continue;
      setEntry(data, name, column);
      setEntry(changed, name, column);
    }
    this.report({ kind: "ColumnDataChanged", model: this, attr, cols, data: eventValue(changed) as ColumnData }, setter);
    this.notify(attr, data, data);
  }

  /** Reports a change of columns to the document, or to the one this model left. */
  private report(init: EventInit, setter: Setter): void {
    if (this._document !== null) this._document._emit(init, setter);
    else this.changedWhileDetached(init, setter);
  }

  private columnsOf(attr: string): ColumnData {
    const data = this.get(attr);
    if (data === undefined || data === null) {
      const empty: ColumnData = {};
      this._attributes.set(attr, empty);
      return empty;
    }
    if (!isPlainObject(data)) throw new ColumnDataError(`${this.type}.${attr} does not hold column data`);
    return data as ColumnData;
  }

  /** @internal Joins `document`, or leaves the current one (null). */
  _attach(document: Document | null): void {
    this._formerDocument = document === null ? (this._document ?? this._formerDocument) : null;
    this._document = document;
  }

  private initializeAttributes(attributes: Attributes): void {
    for (const [attr, value] of Object.entries(attributes)) {
      if (attr === "id" || attr === "type") throw new TypeError(`'${attr}' is not an attribute; pass the id in options`);
      if (value !== undefined) this._attributes.set(attr, this.validate(attr, value));
    }
  }
}

Object.defineProperty(Model.prototype, MODEL_BRAND, { value: true });
