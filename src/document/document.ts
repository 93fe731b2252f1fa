/**
 * Document: the roots, the title, and every model reachable from the roots.
 *
 * Every change (attribute set, root added, title...) is reported to `onChange`
 * listeners as a typed event. Sessions listen to send local changes to the
 * server; patches from the server are applied with `applyPatch` and reported
 * the same way, tagged with the session as `setter` so they are not echoed.
 */
import { makeId } from "../protocol/ids.js";
import { documentFormat } from "../protocol/document-format.js";
import { LATEST_BOKEH_VERSION, majorMinor } from "../protocol/version.js";
import { Decoder, type ModelFactory } from "../serialization/decoder.js";
import { Encoder } from "../serialization/encoder.js";
import { DeserializationError } from "../serialization/errors.js";
import { isPlainObject } from "../serialization/values.js";
import { BokehError } from "../util/errors.js";
import type { DocumentChangedEvent, EventInit, MessageSentEvent, Setter } from "./events.js";
import { Model } from "./model.js";
import { containsModel, forEachModel } from "./references.js";
import { describeSelector, matches, ModelTypeError, type ModelClass, type ModelSelector } from "./selection.js";
import { checkEventName, UI_EVENT_MESSAGE, uiEventOf, type BokehEventName, type BokehEventValues } from "./ui-events.js";

export { ModelTypeError, type ModelClass, type ModelSelector } from "./selection.js";

/** The title of a document nobody named (as in Bokeh). */
export const DEFAULT_TITLE = "Bokeh Application";

/** A document in Bokeh's JSON form (`PULL-DOC-REPLY` / `PUSH-DOC` content `doc`). */
export interface DocJson {
  /** The Bokeh version that wrote it ("3.7.3"); decides how arrays are encoded. */
  version?: string;
  /** The document's title. */
  title?: string;
  /** The root models, as Bokeh's serialized objects (`{type: "object", name, id, attributes}`). */
  roots: unknown[];
  /** Definitions of custom model types (kept as received). */
  defs?: unknown[];
  /** JavaScript callbacks by event (kept as received). */
  callbacks?: unknown;
  /** Bokeh 3.8+: the document's `DocumentConfig` model (kept as sent, see `_config`). */
  config?: unknown;
}

/**
 * How `_toJSON` writes the document's `config` (Bokeh 3.8+): `"keep"` writes the one
 * it came with, if any; `"ensure"` writes a default one when there is none (3.8+
 * servers require it); `"omit"` leaves it out (3.7 and earlier reject it).
 */
export type ConfigMode = "keep" | "ensure" | "omit";

/** A listener of every change of a document (`document.onChange`). */
export type ChangeListener = (event: DocumentChangedEvent) => void;

/**
 * A check run before a change is applied, with the change's setter and how many changes are
 * about to be made; it throws to refuse them (the document and its models stay as they were).
 */
export type ChangeGuard = (setter: Setter, count: number) => void;

/** What `new Document(...)` takes. */
export interface DocumentOptions {
  /** The title browsers show. Default "Bokeh Application". */
  title?: string;
  /** The root models, in order. */
  roots?: Model[];
  /**
   * The Bokeh release the document is for ("3.9.2"): its models' defaults and validation
   * follow that release's catalog, and `toJSON` writes it. Default: the newest stable
   * release (LATEST_BOKEH_VERSION).
   */
  bokehVersion?: string;
}

/** A document operation that cannot be done (a model in two documents, an ambiguous selectOne...). */
export class DocumentError extends BokehError {
  constructor(message: string) {
    super("ERR_BOKEH_DOCUMENT", message);
  }
}

/**
 * A Bokeh document: root models (and every model they reach), a title, and the
 * change events of all of them (`onChange`), which sessions send to their peer.
 */
export class Document {
  private _roots: Model[] = [];
  private _title: string;
  private readonly _listeners = new Set<ChangeListener>();
  private readonly _guards = new Set<ChangeGuard>();
  private readonly _detachedListeners = new Set<ChangeListener>();
  /** Models known to be reachable; may still hold removed ones while `_stale`. */
  private _models = new Map<string, Model>();
  private _stale = false;
  /** Ids of every model that was ever part of this document. */
  private readonly _seen = new Set<string>();
  /** Models the peer at the other end of the connection already has. */
  private _synced = new WeakSet<Model>();
  /**
   * Bokeh 3.8+ documents carry a `DocumentConfig` model (reconnection and notification
   * settings for BokehJS) beside the roots. We speak 3.7 and have no class for it, so it
   * is kept as the JSON it came in and written back unchanged.
   */
  private _config: unknown = undefined;
  private _bokehVersion: string;

  constructor(options: DocumentOptions = {}) {
    const version = options.bokehVersion ?? LATEST_BOKEH_VERSION;
    if (!isBokehVersion(version)) throw new DocumentError(`not a Bokeh version: ${JSON.stringify(version)} (e.g. "3.9.2")`);
    this._bokehVersion = version;
    this._title = options.title ?? DEFAULT_TITLE;
    for (const root of options.roots ?? []) this.addRoot(root);
  }

  /**
   * The Bokeh release this document is for: the one given to the constructor, the server's
   * for a pulled document (the `version` of its JSON), else the newest stable release.
   * Typed models follow its catalog (defaults, validation); a version bokeh-client has no
   * catalog of its own for uses the nearest one (docs/models.md, "Versions").
   */
  get bokehVersion(): string {
    return this._bokehVersion;
  }


  /** The root models, in order. */
  get roots(): readonly Model[] {
    return this._roots;
  }

  /** The document's title (a `TitleChanged` event when set). */
  get title(): string {
    return this._title;
  }

  /** Sets the title (as `setTitle(title)`). */
  set title(title: string) {
    this.setTitle(title);
  }

  /** Sets the title; `setter` names who did it (a session, so it is not sent back). */
  setTitle(title: string, setter?: Setter): void {
    if (typeof title !== "string") throw new TypeError("a document title must be a string");
    if (title === this._title) return;
    this._admit(setter);
    this._title = title;
    this._emit({ kind: "TitleChanged", title }, setter);
  }

  /** Adds a root model (nothing if it is one already). A model belongs to one document at a time: a DocumentError otherwise. */
  addRoot(model: Model, setter?: Setter): void {
    // Only a model of this document can be one of its roots (the check is O(1) for a new one).
    if (model.document === this && this._roots.includes(model)) return;
    this._checkAttachable(model);
    this._admit(setter);
    this._roots.push(model);
    this._attach(model);
    this._emit({ kind: "RootAdded", model }, setter);
  }

  /** Removes a root model (nothing if it is not one). */
  removeRoot(model: Model, setter?: Setter): void {
    const index = this._roots.indexOf(model);
    if (index < 0) return;
    this._admit(setter);
    this._roots.splice(index, 1);
    this._stale = true;
    this._emit({ kind: "RootRemoved", model }, setter);
  }

  /** Removes every root (the title stays). */
  clear(setter?: Setter): void {
    for (const root of [...this._roots]) this.removeRoot(root, setter);
  }

  /** Every model reachable from the roots. */
  get models(): Model[] {
    return [...this._index().values()];
  }

  /** The model with this id among every model reachable from the roots, or null. */
  getModelById(id: string): Model | null {
    return this._index().get(id) ?? null;
  }

  /** The first model whose `name` is `name`, or null. */
  getModelByName(name: string): Model | null;
  /**
   * The first model whose `name` is `name`, checked to be a `type` (`getModelByName("amplitude",
   * Slider)` is a `Slider`): null if no model has that name; a `ModelTypeError` if the model of
   * that name is of another class (a generic `Model` of the same Bokeh type included).
   */
  getModelByName<M extends Model>(name: string, type: ModelClass<M>): M | null;
  getModelByName(name: string, type?: ModelClass): Model | null {
    const found = this.select({ name })[0] ?? null;
    if (found === null || type === undefined || found instanceof type) return found;
    throw new ModelTypeError(name, type, found);
  }

  /** All models matching every given criterion; with a class for `type`, typed as that class. */
  select<M extends Model>(selector: ModelSelector & { type: ModelClass<M> }): M[];
  /** All models matching every given criterion. */
  select(selector: ModelSelector): Model[];
  select(selector: ModelSelector): Model[] {
    return this.models.filter((model) => matches(model, selector));
  }

  /** The one model matching `selector`, null if none; throws a DocumentError if several match. With a class for `type`, typed as that class. */
  selectOne<M extends Model>(selector: ModelSelector & { type: ModelClass<M> }): M | null;
  /** The one model matching `selector`, null if none; throws a DocumentError if several match. */
  selectOne(selector: ModelSelector): Model | null;
  selectOne(selector: ModelSelector): Model | null {
    const found = this.select(selector);
    if (found.length > 1) throw new DocumentError(`found more than one model matching ${describeSelector(selector)}: ${found.join(", ")}`);
    return found[0] ?? null;
  }

  /** Subscribes to every change of this document. Returns a function that unsubscribes. */
  onChange(listener: ChangeListener): () => void {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  /**
   * Subscribes to local changes made to models that were part of this document and left it
   * (a root removed, a model no longer referenced, models a resync replaced): such a change
   * reaches no peer through this document. The event is the change as it would have been
   * reported had the model still been here. Returns a function that unsubscribes.
   */
  onDetachedChange(listener: ChangeListener): () => void {
    this._detachedListeners.add(listener);
    return () => this._detachedListeners.delete(listener);
  }

  /**
   * Calls `callback` for each UI event named `name` (`"button_click"`, `"document_ready"`, ...:
   * a closed set, BokehJS's) about any model of this document, from a browser, a peer or
   * `sendEvent` (Python's `doc.on_event`). `values` holds the event's fields (`model` for a
   * model's event). Unlike `model.onEvent`, subscribes no model: BokehJS sends a model's event
   * only when the model lists it in `subscribed_events`. An unknown name is an `EventNameError`.
   */
  onEvent<N extends BokehEventName>(name: N, callback: (values: BokehEventValues<N>, event: MessageSentEvent) => void): () => void {
    checkEventName(name, false);
    return this.onChange((event) => {
      if (event.kind !== "MessageSent") return;
      const ui = uiEventOf(event.msg_type, event.msg_data);
      if (ui !== null && ui.name === name) callback(ui.values as BokehEventValues<N>, event);
    });
  }

  /**
   * Sends a UI event to the other end, as a browser does (`"button_click"` with `{ model: button }`);
   * this document's own `onEvent` callbacks, and those of the model, run too.
   */
  sendEvent<N extends BokehEventName>(name: N, values: BokehEventValues<N>): void;
  sendEvent(name: "document_ready" | "client_reconnected"): void;
  sendEvent(name: BokehEventName, values: object = {}): void {
    checkEventName(name, false);
    this._admit(undefined);
    this._emit({ kind: "MessageSent", msg_type: UI_EVENT_MESSAGE, msg_data: { type: "event", name, values } }, undefined);
  }

  /**
   * This document in Bokeh's JSON form for its `bokehVersion`, with array bytes inlined as
   * base64 (of gzipped bytes for Bokeh 3.8 and later, as those releases write and read them).
   */
  toJSON(): DocJson {
    return this._toJSON(new Encoder({ gzipInline: documentFormat(this._bokehVersion).gzipInline }));
  }

  /**
   * @internal The JSON form written with a given encoder (for frames, see patch.ts
   * documentContent), saying it is for Bokeh `version` (the document's by default).
   */
  _toJSON(encoder: Encoder, config: ConfigMode = "keep", version: string = this._bokehVersion): DocJson {
    const json: DocJson = { version, title: this._title, roots: this._roots.map((root) => encoder.encode(root)) };
    if (config === "ensure") json.config = this._config ?? { type: "object", name: "DocumentConfig", id: makeId() };
    else if (config === "keep" && this._config !== undefined) json.config = this._config;
    return json;
  }

  /**
   * A document from Bokeh's JSON form, for the Bokeh release its `version` names (the
   * newest stable one if it names none). Types without a class become generic models.
   * `buffers` holds the bytes of `{"type":"bytes","data":{"id"}}` references, if any.
   */
  static fromJSON(json: DocJson, buffers?: ReadonlyMap<string, Uint8Array>): Document {
    if (!isPlainObject(json) || !Array.isArray(json.roots)) throw new DeserializationError("a document needs a 'roots' list");
    const document = new Document({ bokehVersion: isBokehVersion(json.version) ? json.version : LATEST_BOKEH_VERSION });
    const decoder = new Decoder({ models: document._modelFactory(), buffers, gzipInline: documentFormat(String(json.version ?? "")).gzipInline });
    const roots = json.roots.map((rep) => {
      const root = decoder.decode(rep);
      if (!(root instanceof Model)) throw new DeserializationError("a document root is not a model");
      return root;
    });
    for (const root of roots) document.addRoot(root);
    if (typeof json.title === "string") document._title = json.title;
    document._setConfig(json.config);
    return document;
  }

  // ---- internal: used by models, sessions and the server -----------------------------

  /** @internal Adds a check run before every change (a session's bound on queued changes). Returns a function that removes it. */
  _addGuard(guard: ChangeGuard): () => void {
    this._guards.add(guard);
    return () => this._guards.delete(guard);
  }

  /** @internal Runs the guards before `count` changes by `setter` are applied; one that throws refuses them. */
  _admit(setter: Setter, count = 1): void {
    for (const guard of this._guards) guard(setter, count);
  }

  /**
   * @internal Reports an event to every listener. If listeners throw, the others
   * still run and the first error is rethrown to the code that made the change
   * (as in Bokeh: an app callback that fails makes the server answer ERROR).
   */
  _emit(init: EventInit, setter: Setter): void {
    const listeners = this._listeners;
    if (listeners.size === 0 && init.kind !== "MessageSent") return; // nobody to tell (a document being built)
    const event = { ...init, document: this, setter } as DocumentChangedEvent;
    let failure: { error: unknown } | null = null;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        failure ??= { error };
      }
    }
    // A UI event then runs its model's callbacks (model.onEvent), as Python runs a model's on_event ones.
    const ui = event.kind === "MessageSent" ? uiEventOf(event.msg_type, event.msg_data) : null;
    if (ui !== null && ui.values.model instanceof Model) {
      try {
        ui.values.model._triggerEvent(ui.name, ui.values, event as MessageSentEvent);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== null) throw failure.error;
  }

  /** @internal A model that left this document was changed locally (see onDetachedChange). */
  _detachedChange(_model: Model, init: EventInit): void {
    if (this._detachedListeners.size === 0) return;
    const event = { ...init, document: this, setter: undefined } as DocumentChangedEvent;
    for (const listener of [...this._detachedListeners]) listener(event);
  }

  /** @internal Called by a model after one of its attributes changed. */
  _modelChanged(_model: Model, old: unknown, value: unknown, init: EventInit, setter: Setter): void {
    if (containsModel(value)) forEachModel(value, (m) => this._attach(m));
    if (containsModel(old)) this._stale = true;
    this._emit(init, setter);
  }

  /** @internal Throws if `value` holds a model that belongs to another document. */
  _checkAttachable(value: unknown): void {
    forEachModel(value, (model) => {
      const owner = model.document;
      if (owner !== null && owner !== this && owner._index().has(model.id)) {
        throw new DocumentError(`${model} already belongs to another document`);
      }
    });
  }

  /** @internal Whether the peer already has `model` (then it is sent as a reference). */
  _isSynced(model: Model): boolean {
    return this._synced.has(model);
  }

  /** @internal Records that the peer now has these models (all models when omitted). */
  _markSynced(models?: Iterable<Model>): void {
    for (const model of models ?? this._index().values()) this._synced.add(model);
  }

  /** @internal Forgets which models the peer has (a push failed, or the peer changed). */
  _resetSynced(): void {
    this._synced = new WeakSet();
  }

  /**
   * @internal Moves the roots and title of `source` into this document (Bokeh's
   * "destructive move"): this document's roots are removed, then source's added.
   */
  _replaceWith(source: Document, setter: Setter): void {
    if (source === this) throw new DocumentError("cannot replace a document with itself");
    const roots = [...source.roots];
    source.clear();
    source._index(); // detaches every model from the source document
    this.clear(setter);
    for (const root of roots) this.addRoot(root, setter);
    this.setTitle(source.title, setter);
    this._config = source._config; // as Bokeh's destructive move does
  }

  /** @internal A re-pulled document takes the server's version (the `version` of its JSON), if it names one. */
  _adoptBokehVersion(version: unknown): void {
    if (isBokehVersion(version)) this._bokehVersion = version;
  }

  /** @internal Keeps the `config` of a pulled or pushed document (see `_config`). */
  _setConfig(config: unknown): void {
    if (isPlainObject(config)) this._config = config;
  }

  /** @internal Whether a model with `id` was ever part of this document. */
  _wasSeen(id: string): boolean {
    return this._seen.has(id);
  }

  /** @internal Resolves references against this document and creates models with the registry. */
  _modelFactory(): ModelFactory<Model> {
    return {
      resolve: (id) => this._index().get(id),
      create: (type, id) => Model.create(type, id),
      initialize: (model, attributes) => model.initializeFromWire(attributes),
    };
  }

  /** @internal The id -> model index, recomputed first if models may have been removed. */
  _index(): Map<string, Model> {
    if (this._stale) this._recompute();
    return this._models;
  }

  // Adds `model` and everything it references (that is not yet attached).
  private _attach(model: Model): void {
    const pending = [model];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (next.document === this && this._models.get(next.id) === next) continue;
      next._attach(this);
      this._models.set(next.id, next);
      this._seen.add(next.id);
      for (const child of next.references()) pending.push(child);
    }
  }

  // Full walk from the roots: detaches models that are no longer reachable.
  private _recompute(): void {
    const reachable = new Map<string, Model>();
    const pending = [...this._roots];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (reachable.get(next.id) === next) continue;
      reachable.set(next.id, next);
      for (const child of next.references()) pending.push(child);
    }
    for (const model of this._models.values()) {
      if (reachable.get(model.id) !== model && model.document === this) model._attach(null);
    }
    for (const model of reachable.values()) {
      model._attach(this);
      this._seen.add(model.id);
    }
    this._models = reachable;
    this._stale = false;
  }
}

/** Whether `version` looks like a Bokeh release ("3.9.2", "3.8.0.dev1", "4.0.0-dev.5"): it starts with major.minor. */
function isBokehVersion(version: unknown): version is string {
  return majorMinor(version) !== null && (version as string).length <= 64;
}
