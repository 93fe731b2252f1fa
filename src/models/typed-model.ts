/**
 * TypedModel: the base of every generated model class. It gives a Model the
 * catalog's knowledge of its type: defaults for unset properties, validation of
 * local changes, and the default models Python would send.
 *
 * Defaults (see docs/models.md):
 * - plain defaults are returned as shared frozen values and never stored;
 * - mutable defaults (lists, maps, sets) are copied on first read and stored,
 *   so in-place edits (`plot.renderers.push(r)` before the plot is shown) persist;
 * - default models (a plot's ranges, an axis's ticker, ...) are created on first
 *   read. When a model created here joins a document, every default model it
 *   still lacks is created at that moment, so they go to the peer with the model
 *   in full, as Python does. A model received from the peer never gets default
 *   models behind the peer's back: one read while it is in a document is set like
 *   any change (a ModelChanged is sent).
 *
 * Validation applies to local changes only. Values from the peer (pulled
 * documents, patches) are stored verbatim.
 */
import type { Document } from "../document/document.js";
import { Model, type Attributes, type ModelOptions } from "../document/model.js";
import type { Setter } from "../document/events.js";
import { LATEST_BOKEH_VERSION } from "../protocol/version.js";
import { accessorsOf, isKnownType, versionsWithType, type CatalogVersion } from "./catalog.js";
import type { DefaultDescriptor } from "./catalog-types.js";
import { convertValue } from "./conversions.js";
import { INVALID } from "./dataspec.js";
import { equalsPlainDefault, instantiateDefault, plainDefault } from "./defaults.js";
import { describeKind, describeValue, explainFailure, ValidationError } from "./kinds.js";
import { infoIn, kindContext, modelInfo, type ModelInfo, type PropertyInfo } from "./model-info.js";
import { pythonDefault } from "./python-defaults.js";
import { closestName } from "./suggest.js";
import { catalogVersion } from "./versions.js";

/** Where a model's attributes came from, which decides how its default models are created. */
type Origin =
  | "local" // created here, not yet in a document
  | "attached" // created here and in a document once: its default models exist
  | "peer"; // received from the peer: attributes are the peer's

/** A generated model class: its Bokeh type name is a static property. */
export interface TypedModelClass<M extends TypedModel = TypedModel> {
  /** The Bokeh type name of its models (`"Plot"`). */
  readonly modelType: string;
  /** The prototype of its instances. */
  readonly prototype: M;
}

export abstract class TypedModel extends Model {
  /** The Bokeh type name of instances of this class; each generated class sets it. */
  static readonly modelType: string = "";

  private _origin: Origin = "local";
  /** The attribute whose old value setAttribute is reading: must not create a default for it. */
  private _assigning: string | null = null;
  /** Set just before a value that needs no validation is handed to Model.setAttribute. */
  private _trusted = false;
  /** While the peer's attributes are applied (a re-pull), reading defaults creates nothing. */
  private _reconciling = false;

  constructor(attributes?: object, options?: ModelOptions) {
    const cls = new.target as unknown as TypedModelClass;
    super(cls.modelType, {}, options);
    if (!withAccessors.has(cls)) defineAccessors(cls);
    if (attributes === undefined) return;
    for (const [attr, value] of Object.entries(attributes)) {
      if (attr === "id" || attr === "type") throw new TypeError(`'${attr}' is not an attribute; pass the id in options`);
      if (value !== undefined) this.setAttribute(attr, value, undefined);
    }
  }

  /** Sets one attribute, or several at once (e.g. a `PlotAttributes` object). Local changes are validated. */
  override set(attr: string, value: unknown): this;
  override set(attributes: object): this;
  override set(attrOrAttributes: string | object, value?: unknown): this {
    return typeof attrOrAttributes === "string" ? super.set(attrOrAttributes, value) : super.set(attrOrAttributes as Attributes);
  }

  /** The names of every property of this model's type (own and inherited, internal ones excluded). */
  propertyNames(): string[] {
    return [...this._info.properties.values()].filter((p) => !p.internal).map((p) => p.name);
  }

  // ---- Model hooks -------------------------------------------------------------------

  protected override defaultValue(attr: string): unknown {
    const prop = this._info.properties.get(attr);
    if (prop === undefined) {
      const target = this._info.aliases.get(attr);
      return target === undefined ? undefined : this.get(target);
    }
    switch (prop.default.type) {
      case "none":
      case "opaque":
        return undefined;
      case "plain":
      case "computed":
        return plainDefault(prop);
    }
    // Internal properties are BokehJS's own business: never stored, never sent.
    if (prop.internal || attr === this._assigning || this._reconciling) return undefined;
    const value = instantiateDefault(this.defaultOf(prop));
    if (prop.default.type === "mutable") {
      this._attributes.set(attr, value); // the peer has the same default: nothing to send
    } else {
      this.storeDefaultModels(prop, value);
    }
    return value;
  }

  protected override validate(attr: string, value: unknown): unknown {
    if (this._trusted) {
      this._trusted = false; // consumed: nested changes made by listeners are checked again
      return value;
    }
    const prop = this.property(attr, value);
    const checked = prop.coerce(value);
    if (checked === INVALID) {
      const expected = describeKind(prop.kind);
      const detail = explainFailure(prop.kind, value, kindContext(this._info.version));
      throw new ValidationError(
        `invalid value for ${this.type}.${attr}: expected ${expected}, got ${describeValue(value)}${detail === null ? "" : ` (${detail})`}`,
        { modelType: this.type, property: attr, expected, value, bokehVersion: this.bokehVersion },
      );
    }
    return convertValue(prop, checked);
  }

  // ---- used by Document and the decoder -------------------------------------------

  /** @internal Local changes are validated first; a value equal to the unset property's default is not stored. */
  override setAttribute(attr: string, value: unknown, setter: Setter): void {
    let checked = value;
    if (setter === undefined && value !== undefined && attr !== "id" && attr !== "type") {
      checked = this.validate(attr, value);
      if (!this.has(attr) && equalsPlainDefault(this.property(attr, value), checked)) return;
      this._trusted = true;
    }
    this.assign(attr, checked, setter);
  }

  /** @internal */
  override initializeFromWire(attributes: Attributes): void {
    this._origin = "peer";
    super.initializeFromWire(attributes);
  }

  /** @internal A re-pull: the attributes become the peer's; reading defaults meanwhile creates nothing. */
  override _reconcileAttributes(attributes: Attributes, setter: Setter): void {
    this._origin = "peer";
    this._reconciling = true;
    try {
      super._reconcileAttributes(attributes, setter);
    } finally {
      this._reconciling = false;
    }
  }

  /** @internal Joining a document: a model created here gets the default models it still lacks. */
  override _attach(document: Document | null): void {
    super._attach(document);
    if (document === null || this._origin !== "local") return;
    this._origin = "attached";
    for (const attr of this._info.factoryAttributes) {
      const prop = this._info.properties.get(attr);
      if (prop !== undefined && !this._attributes.has(attr)) this._attributes.set(attr, instantiateDefault(this.defaultOf(prop)));
    }
  }

  /** @internal Attributes listed by the catalog for a default model: from BokehJS, so not checked (defaults.ts calls it). */
  _setDefaultAttributes(attributes: Record<string, unknown>): void {
    for (const [attr, value] of Object.entries(attributes)) {
      const prop = this._info.properties.get(attr);
      if (prop !== undefined && equalsPlainDefault(prop, value)) continue; // as Python, which skips equal values
      this._trusted = true;
      this.assign(attr, value, undefined);
    }
  }

  // ---- internals ---------------------------------------------------------------------

  /**
   * The Bokeh version whose catalog gives this model its defaults and checks: its document's
   * (`document.bokehVersion`); in no document, the latest stable release (for a type that
   * release lacks, the newest release that has it).
   */
  get bokehVersion(): string {
    return this.document?.bokehVersion ?? newestWith(this.type);
  }

  // The catalog version of bokehVersion.
  private get _version(): CatalogVersion {
    const document = this.document;
    return document === null ? newestWith(this.type) : catalogVersion(document.bokehVersion);
  }

  // Looked up by type name and version (Map lookups) rather than stored, to keep instances small.
  // For a type its version lacks, the newest catalog that has the type gives the defaults.
  private get _info(): ModelInfo {
    const document = this.document;
    const info = infoIn(this.type, document === null ? LATEST : catalogVersion(document.bokehVersion));
    return info ?? modelInfo(this.type, newestWith(this.type));
  }

  // The settable property `attr`; throws for unknown, internal and read-only ones.
  private property(attr: string, value: unknown): PropertyInfo {
    const version = this._version;
    const fail = (message: string): never => {
      throw new ValidationError(`${this.type}.${attr}: ${message}`, { modelType: this.type, property: attr, expected: null, value, bokehVersion: this.bokehVersion });
    };
    if (!isKnownType(this.type, version)) {
      return fail(`${this.type} is not in Bokeh ${this.describeVersion()} (it is in ${versionsWithType(this.type).join(", ")})`);
    }
    const prop = this._info.properties.get(attr);
    if (prop === undefined) {
      const alias = this._info.aliases.get(attr);
      if (alias !== undefined) return fail(`'${attr}' is an alias; set '${alias}' instead`);
      const elsewhere = versionsWithType(this.type).filter((v) => modelInfo(this.type, v).properties.has(attr));
      if (elsewhere.length > 0) return fail(`'${attr}' is not in Bokeh ${this.describeVersion()} (it is in ${elsewhere.join(", ")})`);
      const names = this.propertyNames();
      const guess = closestName(attr, names);
      return fail(`${this.type} has no property '${attr}'${guess === null ? "" : ` (did you mean '${guess}'?)`}`);
    }
    if (prop.internal) return fail(`'${attr}' is internal to BokehJS and is not synchronized`);
    if (prop.readonly) return fail(`'${attr}' is read-only (set by Bokeh, not by users)`);
    return prop;
  }

  // The default a model or list default is made from: Python's where it differs from BokehJS's (python-defaults.ts).
  private defaultOf(prop: PropertyInfo): DefaultDescriptor {
    return pythonDefault(this.type, prop.name, this.bokehVersion) ?? prop.default;
  }

  // "3.7.3", or "3.7.0 (catalog 3.7.3)" when the version has no catalog of its own.
  private describeVersion(): string {
    const version = this.bokehVersion;
    const catalog = this._version;
    return version === catalog ? version : `${version} (catalog ${catalog})`;
  }

  // Model.setAttribute, without creating a default just to report it as the old value.
  private assign(attr: string, value: unknown, setter: Setter): void {
    const previous = this._assigning;
    this._assigning = attr;
    try {
      super.setAttribute(attr, value, setter);
    } finally {
      this._assigning = previous;
      this._trusted = false;
    }
  }

  // A default model read for the first time: stored silently unless the peer must hear about it.
  private storeDefaultModels(prop: PropertyInfo, value: unknown): void {
    if (this._origin === "peer" && this.document !== null && !prop.readonly) {
      this._trusted = true;
      this.assign(prop.name, value, undefined); // a regular change: attached, and sent as a ModelChanged
    } else {
      this._attributes.set(prop.name, value);
    }
  }
}

/** Registers `cls` for its type, so models of that type received from the peer are typed instances. */
export function registerModel(cls: TypedModelClass & (abstract new (...args: never[]) => TypedModel)): void {
  // Generated constructors may require attributes; a model from the peer gets them later (initializeFromWire).
  const create = cls as unknown as new (attributes: undefined, options: ModelOptions) => TypedModel;
  Model.register(cls.modelType, (id) => new create(undefined, { id }));
}

/** The catalog version that has `type`, preferring the latest stable release, else the newest (the latest for unknown types). */
function newestWith(type: string): CatalogVersion {
  return isKnownType(type, LATEST) ? LATEST : (versionsWithType(type).at(-1) ?? LATEST);
}

/** The catalog of the newest stable release. */
const LATEST: CatalogVersion = catalogVersion(LATEST_BOKEH_VERSION);

/** Classes whose accessors, and those of their bases, are defined. */
const withAccessors = new WeakSet<object>();

/**
 * Defines the property accessors of a generated class and of its bases, on their prototypes,
 * when the first instance of the class is made: for each property its type defines in any Bokeh
 * version (catalog.ts accessorsOf), a getter (`this.get(attr)`) and, unless the property is
 * read-only in every version, a setter (`this.set(attr, value)`), so defaults, validation and
 * events are those of `get` / `set`, in the version of the model's document. Internal properties
 * get none, nor do the names the generator rejects. The accessors' types are declared by the
 * interface merged with the class. Deferred to the first instance so that loading the catalog's
 * classes parses no catalog entry (docs/models.md, "Load cost").
 */
function defineAccessors(cls: TypedModelClass): void {
  for (let c: object = cls; c !== TypedModel && !withAccessors.has(c); c = Object.getPrototypeOf(c) as object) {
    withAccessors.add(c);
    // A class of the catalog owns its `modelType`; a user's subclass, or a class of a custom type, has no entry.
    if (!Object.prototype.hasOwnProperty.call(c, "modelType")) continue;
    const { modelType, prototype } = c as TypedModelClass;
    for (const [attr, settable] of accessorsOf(modelType)) {
      Object.defineProperty(prototype, attr, {
        configurable: true,
        enumerable: false,
        get(this: TypedModel): unknown {
          return this.get(attr);
        },
        set: settable
          ? function (this: TypedModel, value: unknown): void {
              this.set(attr, value);
            }
          : undefined,
      });
    }
  }
}
