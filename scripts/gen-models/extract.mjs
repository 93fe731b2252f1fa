#!/usr/bin/env node
// Extracts a data catalog of every Bokeh model that a BokehJS package defines, for each
// BokehJS package given, and writes them compactly to src/models/catalogs/: the newest
// stable version in full (base.json), every other as its differences from it
// (<version>.json; versions.mjs). See docs/model-catalog.md.
//
//   node scripts/gen-models/extract.mjs bokehjs-3.7 bokehjs-3.8 ...   write the catalogs of these packages
//   node scripts/gen-models/extract.mjs                                 the same, for the packages base.json lists
//   node scripts/gen-models/extract.mjs --check [packages...]          exit 1 if the committed files are stale
//
// Packages are names in node_modules: `@bokeh/bokehjs`, or npm aliases of it (`bokehjs-3.9`).
// Importing this module does not run the CLI; use buildCatalog() / extractCatalog().

import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadBokehJS } from "./load-bokehjs.mjs";
import { BASE_FILE, CATALOGS_DIR, catalogFiles } from "./versions.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, "..", "..");
export { CATALOGS_DIR };

/** Bumped when the catalog layout (not its content) changes. */
export const FORMAT_VERSION = 2;

/** Lower bounds that catch a broken extraction (e.g. a bundle that failed to register its models). */
const MIN_REGISTERED_MODELS = 300;
const MIN_OWN_PROPERTIES = 1500;

/** Property options bokehjs 3.x uses; anything else makes the extraction fail. */
const KNOWN_OPTIONS = new Set(["internal", "readonly", "convert", "on_update"]);

class ExtractError extends Error {}

function fail(message) {
  throw new ExtractError(message);
}

// ---------------------------------------------------------------------------
// Module lookup: which bokehjs module defines a class, and whether its .d.ts
// declares it `abstract` (bokehjs has no run-time abstract marker).

function listDeclarationFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => cmp(a.name, b.name))) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".d.ts")) out.push(full);
    }
  };
  walk(dir);
  return out;
}

const DECLARED_CLASS = /^export declare (abstract )?class (\w+)/gm;

/**
 * Maps each HasProps subclass exported from a bokehjs module under lib/models
 * (plus lib/model) to `{ module, abstract }`, using the module's .d.ts.
 */
function findClassModules(Bokeh, pkgDir, isModelClass) {
  const lib = join(pkgDir, "build", "js", "lib");
  const files = [join(lib, "model.d.ts"), ...listDeclarationFiles(join(lib, "models"))];
  const result = new Map();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const declared = [...text.matchAll(DECLARED_CLASS)];
    if (declared.length === 0) continue;
    const module = relative(lib, file).split(sep).join("/").replace(/\.d\.ts$/, "");
    let exports;
    try {
      exports = Bokeh.require(module);
    } catch {
      continue; // a module none of the loaded bundles contains
    }
    for (const [, abstract, name] of declared) {
      const cls = exports[name];
      if (isModelClass(cls) && !result.has(cls)) result.set(cls, { module, abstract: abstract !== undefined });
    }
  }
  return result;
}

// ---------------------------------------------------------------------------
// Helpers

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Key order: the discriminators "kind" and "type" first, then the rest by code point. */
function keyOrder(a, b) {
  const rank = (key) => (key === "kind" ? 0 : key === "type" ? 1 : 2);
  return rank(a) - rank(b) || cmp(a, b);
}

/** Returns a copy of `value` with object keys sorted (see keyOrder), recursively. */
export function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value).sort(keyOrder)) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

/**
 * Deterministic JSON text: sorted keys, one-space indent down to the level of a
 * single property, compact below it (kind and default descriptors on one line).
 */
export function formatCatalog(catalog) {
  const sorted = sortKeys(catalog);
  const write = (value, depth, indent) => {
    const compact =
      depth >= 4 ||
      value === null ||
      typeof value !== "object" ||
      (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object"));
    if (compact) return JSON.stringify(value);
    const inner = indent + " ";
    if (Array.isArray(value)) {
      if (value.length === 0) return "[]";
      return `[\n${value.map((v) => inner + write(v, depth + 1, inner)).join(",\n")}\n${indent}]`;
    }
    const keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    const items = keys.map((key) => `${inner}${JSON.stringify(key)}: ${write(value[key], depth + 1, inner)}`);
    return `{\n${items.join(",\n")}\n${indent}}`;
  };
  return `${write(sorted, 0, "")}\n`;
}

// ---------------------------------------------------------------------------
// Extraction

/**
 * Builds the catalog from a loaded bokehjs (`loadBokehJS()` result).
 * Returns `{ catalog, stats }`; throws on anything it does not understand.
 */
export function extractCatalog({ Bokeh, window, version, dir }) {
  const { Models } = Bokeh.require("base");
  const k = Bokeh.require("core/kinds");
  const p = Bokeh.require("core/properties");
  const { HasProps } = Bokeh.require("core/has_props");
  const { Model } = Bokeh.require("model");
  const enums = Bokeh.require("core/enums");
  const mixins = Bokeh.require("core/property_mixins");
  const commonKinds = Bokeh.require("models/common/kinds");
  const { Factor } = Bokeh.require("models/ranges/factor_range");
  const { Serializer } = Bokeh.require("core/serialization");
  const K = k.Kinds;

  const isModelClass = (cls) =>
    typeof cls === "function" && cls.prototype instanceof HasProps && cls.prototype._props !== undefined;
  const isModelInstance = (value) => value instanceof HasProps;
  // BokehJS 4 makes models with `Class.create(attrs)`; its constructors throw when called directly.
  const newModel = typeof HasProps.create === "function" ? (cls) => cls.create() : (cls) => new cls();

  // --- registered models and everything they reference --------------------
  const registered = new Set(Models.names);
  if (registered.size < MIN_REGISTERED_MODELS) {
    fail(`only ${registered.size} registered models; did a bundle fail to load?`);
  }
  const classModules = findClassModules(Bokeh, dir, isModelClass);

  /** class -> catalog key */
  const keyOf = new Map();
  const classes = [];
  const queue = [];
  const enqueue = (cls) => {
    if (keyOf.has(cls) || queue.includes(cls)) return;
    if (cls === HasProps) return;
    if (!isModelClass(cls)) fail(`not a model class: ${String(cls)}`);
    queue.push(cls);
  };
  for (const name of [...registered].sort(cmp)) {
    const cls = Models.get(name);
    if (cls.__qualified__ !== name) fail(`model registered as ${name} is called ${cls.__qualified__}`);
    enqueue(cls);
  }

  // Keys: the registered name (qualified for bokeh.models.dom), else the qualified class
  // name; an unregistered class whose name is already taken gets "<name>@<module>".
  const takenNames = new Map(); // key -> class
  for (const name of registered) takenNames.set(name, Models.get(name));
  const assignKey = (cls) => {
    const name = cls.__qualified__;
    if (typeof name !== "string" || name.length === 0) fail("a model class has no __name__");
    if (!takenNames.has(name) || takenNames.get(name) === cls) {
      takenNames.set(name, cls);
      return name;
    }
    const module = classModules.get(cls)?.module;
    if (module === undefined) fail(`${name}: two classes share this name and the second one has no module`);
    const key = `${name}@${module}`;
    if (takenNames.has(key)) fail(`duplicate model key ${key}`);
    takenNames.set(key, cls);
    return key;
  };

  // --- kinds ---------------------------------------------------------------
  const enumNames = new Map();
  for (const name of Object.keys(enums).sort(cmp)) {
    const value = enums[name];
    if (value instanceof K.Enum && !enumNames.has(value)) enumNames.set(value, name);
  }
  const describeKind = (kind) => {
    if (!(kind instanceof k.Kind)) fail(`not a kind: ${String(kind)}`);
    return describeKindInner(kind);
  };
  const describeFields = (struct_type) => {
    const entries = struct_type instanceof Map ? [...struct_type.entries()] : Object.entries(struct_type);
    const fields = {};
    for (const [key, kind] of entries) {
      if (typeof key !== "string") fail("struct with non-string key");
      fields[key] = describeKind(kind);
    }
    return fields;
  };
  // Checked most-derived first: Int and Percent extend Float, NonEmptyList extends List,
  // Regex and CSSLength extend Str.
  const describeKindInner = (kind) => {
    switch (kind.constructor) {
      case K.Any: return { kind: "Any" };
      case K.Unknown: return { kind: "Unknown" };
      case K.Bool: return { kind: "Boolean" };
      case K.Float: return { kind: "Number" };
      case K.Int: return { kind: "Int" };
      case K.Percent: return { kind: "Percent" };
      case K.Str: return { kind: "String" };
      case K.CSSLength: return { kind: "CSSLength" };
      case K.Regex: return { kind: "Regex", pattern: kind.regex.source, flags: kind.regex.flags };
      case K.PrefixedStr: return { kind: "PrefixedString", prefix: kind.prefix };
      case K.Bytes: return { kind: "Bytes" };
      case K.Null: return { kind: "Null" };
      case K.Node: return { kind: "Node" };
      case K.Color: return { kind: "Color" };
      case K.AnyRef: return { kind: "AnyRef" };
      case K.Enum: {
        const values = [...kind.values];
        for (const v of values) if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") fail(`enum value ${String(v)}`);
        const name = enumNames.get(kind);
        return name !== undefined ? { kind: "Enum", name, values } : { kind: "Enum", values };
      }
      case K.Nullable: return { kind: "Nullable", type: describeKind(kind.base_type) };
      case K.Opt: return { kind: "Opt", type: describeKind(kind.base_type) };
      case K.NonNegative: return { kind: "NonNegative", type: describeKind(kind.base_type) };
      case K.Positive: return { kind: "Positive", type: describeKind(kind.base_type) };
      case K.Or: return { kind: "Or", types: kind.types.map(describeKind) };
      case K.And: return { kind: "And", types: kind.types.map(describeKind) };
      case K.Tuple: return { kind: "Tuple", items: kind.types.map(describeKind) };
      case K.List: return { kind: "List", item: describeKind(kind.item_type) };
      case K.NonEmptyList: return { kind: "NonEmptyList", item: describeKind(kind.item_type) };
      case K.Arrayable: return { kind: "Arrayable", item: describeKind(kind.item_type) };
      case K.Iterable: return { kind: "Iterable", item: describeKind(kind.item_type) };
      case K.Set: return { kind: "Set", item: describeKind(kind.item_type) };
      case K.Dict: return { kind: "Dict", item: describeKind(kind.item_type) };
      case K.KeyVal: return { kind: "KeyVal", key: describeKind(kind.key_type), item: describeKind(kind.item_type) };
      case K.Mapping: return { kind: "Map", key: describeKind(kind.key_type), item: describeKind(kind.item_type) };
      case K.Struct: return { kind: "Struct", fields: describeFields(kind.struct_type) };
      case K.PartialStruct: return { kind: "PartialStruct", fields: describeFields(kind.struct_type) };
      case K.Func: return {
        kind: "Func",
        args: kind.args_types == null ? null : kind.args_types.map(describeKind),
        ret: kind.ret_type == null ? null : describeKind(kind.ret_type),
      };
      case K.Ref: {
        const target = kind.obj_type;
        if (isModelClass(target)) {
          enqueue(target);
          return { kind: "Ref", model: target }; // class resolved to its key once all keys exist
        }
        if (target === HasProps) return { kind: "AnyRef" };
        const name = target.__name__ ?? target.name;
        if (typeof name !== "string" || name.length === 0) fail("Ref to an anonymous class");
        return { kind: "Instance", class: name };
      }
      default:
        fail(`unknown kind class ${kind.constructor.__name__ ?? kind.constructor.name}`);
    }
  };

  // --- dataspecs -------------------------------------------------------------
  // bokehjs does not validate spec values (spec properties get kind Any), so the
  // value kind of a spec comes from (1) the plain mixin of the same group for
  // mixin properties (LineVector.line_dash -> Line.line_dash), else (2) this table.
  const coordinate = k.Or(k.Float, Factor);
  const SPEC_VALUE_KINDS = {
    // vector specs (core/properties)
    NumberSpec: k.Float,
    IntSpec: k.Int,
    BooleanSpec: k.Bool,
    ScreenSizeSpec: k.NonNegative(k.Float),
    AngleSpec: k.Float,
    DistanceSpec: k.NonNegative(k.Float),
    NullDistanceSpec: k.Nullable(k.NonNegative(k.Float)),
    ColorSpec: k.Nullable(k.Color),
    StringSpec: k.Str,
    NullStringSpec: k.Nullable(k.Str),
    FontSpec: k.Font,
    FontSizeSpec: k.FontSize,
    FontStyleSpec: enums.FontStyle,
    TextAlignSpec: enums.TextAlign,
    TextBaselineSpec: enums.TextBaseline,
    LineJoinSpec: enums.LineJoin,
    LineCapSpec: enums.LineCap,
    LineDashSpec: mixins.Line.line_dash[0],
    MarkerSpec: k.Or(enums.MarkerType, p.ExtMarkerType),
    NDArraySpec: k.Any,
    AnySpec: k.Any,
    ArraySpec: k.List(k.Unknown),
    XCoordinateSpec: coordinate,
    YCoordinateSpec: coordinate,
    CoordinateSpec: coordinate,
    XCoordinateSeqSpec: k.List(coordinate),
    YCoordinateSeqSpec: k.List(coordinate),
    XCoordinateSeqSeqSeqSpec: k.List(k.List(k.List(coordinate))),
    YCoordinateSeqSeqSeqSpec: k.List(k.List(k.List(coordinate))),
    // spec classes defined inside model modules
    XOrYCoordinateSpec: coordinate, // models/annotations/upper_lower
    TextAnchorSpec: commonKinds.TextAnchor, // models/glyphs/text
    OutlineShapeSpec: enums.OutlineShapeName, // models/glyphs/text
    // scalar specs
    NumberScalar: k.Float,
    ColorScalar: k.Nullable(k.Color),
    StringScalar: k.Str,
    NullStringScalar: k.Nullable(k.Str),
    DictScalar: k.Dict(k.Unknown),
    ArrayScalar: k.List(k.Unknown),
    AnyScalar: k.Any,
    LineJoinScalar: enums.LineJoin,
    LineCapScalar: enums.LineCap,
    LineDashScalar: mixins.Line.line_dash[0],
    FontScalar: k.Font,
    FontSizeScalar: k.FontSize,
    FontStyleScalar: enums.FontStyle,
    TextAlignScalar: enums.TextAlign,
    TextBaselineScalar: enums.TextBaseline,
  };
  // Non-spec Property subclasses (used like kinds; bokehjs gives them kind Any).
  const PRIMITIVE_PROPERTY_KINDS = { Font: k.Font };

  const mixinNames = new Map();
  for (const name of Object.keys(mixins).sort(cmp)) {
    const value = mixins[name];
    if (value !== null && typeof value === "object" && !mixinNames.has(value)) mixinNames.set(value, name);
  }
  const plainMixinKind = (group, attr) => {
    const plain = mixins[group.replace(/(Vector|Scalar)$/, "")];
    const def = plain?.[attr];
    return def !== undefined && def[0] instanceof k.Kind ? def[0] : undefined;
  };

  // BokehJS up to 3.9 names its property classes with a static `__name__`; 3.10 dropped it and
  // relies on the class's own name (kept by its minifier). Own properties only: a static is inherited.
  const specClassName = (cls) => {
    const name = Object.hasOwn(cls, "__name__") ? cls.__name__ : cls.name;
    if (typeof name !== "string" || name.length === 0) fail("property class without a name");
    return name;
  };
  const describeType = (type, mixin) => {
    if (type instanceof k.Kind) return { kindDesc: describeKind(type), spec: false };
    if (typeof type !== "function" || !(type.prototype instanceof p.Property)) fail(`unknown property type ${String(type)}`);
    const name = specClassName(type);
    const isVector = type.prototype instanceof p.VectorSpec;
    const isScalar = type.prototype instanceof p.ScalarSpec;
    if (!isVector && !isScalar) {
      const kind = PRIMITIVE_PROPERTY_KINDS[name];
      if (kind === undefined) fail(`unknown property class ${name}`);
      return { kindDesc: describeKind(kind), spec: false };
    }
    const valueKind = (mixin !== null ? plainMixinKind(mixin.group, mixin.attr) : undefined) ?? SPEC_VALUE_KINDS[name];
    if (valueKind === undefined) fail(`unknown spec class ${name}: add its value kind to SPEC_VALUE_KINDS`);
    const desc = {
      kind: "Spec",
      spec: name,
      vectorized: isVector,
      accepts: isVector ? ["value", "field", "expr"] : ["value", "expr"],
      value_type: describeKind(valueKind),
    };
    if (type.prototype instanceof p.UnitsSpec || "valid_units" in type.prototype) {
      const units = { default: type.prototype.default_units, values: type.prototype.valid_units };
      if (typeof units.default !== "string" || !Array.isArray(units.values)) fail(`${name}: unreadable units`);
      desc.units = { default: units.default, values: [...units.values] };
    }
    return { kindDesc: desc, spec: true };
  };

  // --- defaults ----------------------------------------------------------------
  const instances = new Map(); // class -> a fresh instance, or the error making one threw
  const instanceOf = (cls) => {
    if (!instances.has(cls)) {
      try {
        instances.set(cls, newModel(cls));
      } catch (error) {
        instances.set(cls, error instanceof window.Error || error instanceof Error ? error : new Error(String(error)));
      }
    }
    return instances.get(cls);
  };
  const dummyOwner = { toString: () => "<catalog extraction>" };

  /** Wire form of a value that contains no models. */
  const encodePlain = (value, where) => {
    const seen = new Set();
    const check = (v) => {
      if (isModelInstance(v)) fail(`${where}: default has a model nested inside a map, set, struct or spec value`);
      if (v === null || typeof v !== "object" || seen.has(v)) return;
      seen.add(v);
      if (v instanceof Map) for (const [a, b] of v) { check(a); check(b); }
      else if (v instanceof Set || Array.isArray(v)) for (const x of v) check(x);
      else if (!ArrayBuffer.isView(v)) for (const x of Object.values(v)) check(x);
    };
    check(value);
    try {
      return JSON.parse(JSON.stringify(new Serializer().encode(value)));
    } catch (error) {
      fail(`${where}: default cannot be serialized by BokehJS (${error.message})`);
    }
  };
  const isContainer = (v) => v !== null && typeof v === "object";
  const isOpaqueObject = (v) => {
    if (!isContainer(v) || isModelInstance(v) || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
    const proto = Object.getPrototypeOf(v);
    return proto !== null && proto.constructor !== window.Object && !(v instanceof window.Map) && !(v instanceof window.Set) &&
      !(v instanceof window.ArrayBuffer) && !(v instanceof window.Date) && !(v instanceof Map) && !(v instanceof Set);
  };
  const containsModel = (v) => Array.isArray(v) && v.some((x) => isModelInstance(x) || containsModel(x));

  /** Descriptor for a value a property is initialized to. `raw` is what the default function returned. */
  const describeValue = (value, raw, spec, where) => {
    if (isModelInstance(value)) return describeModelInstance(value, where);
    if (!spec && containsModel(value)) {
      return { type: "list", items: value.map((item, i) => describeValue(item, item, false, `${where}[${i}]`)) };
    }
    const wire = encodePlain(value, where);
    const inner = spec && isContainer(raw) && "value" in raw ? raw.value : raw;
    const mutable = spec ? isContainer(inner) && !(isContainer(raw) && ("field" in raw || "expr" in raw)) : isContainer(value);
    return { type: mutable ? "mutable" : "plain", value: wire };
  };
  const describeModelInstance = (model, where) => {
    const cls = model.constructor;
    enqueue(cls);
    const attributes = {};
    for (const [attr, value] of Object.entries(model.dirty_attributes)) {
      const prop = model.property(attr);
      // Set by BokehJS for itself while the model initializes (3.10's Range.computed_bounds): never synchronized.
      if (prop.internal) continue;
      const spec = prop instanceof p.VectorSpec || prop instanceof p.ScalarSpec;
      attributes[attr] = describeValue(value, value, spec, `${where}.${attr}`);
    }
    return { type: "model", name: cls, attributes };
  };

  const describeDefault = (cls, name, def, spec, where) => {
    const { type, default_value } = def;
    const owner = default_value.length > 0 ? instanceOf(cls) : dummyOwner;
    if (owner instanceof window.Error || owner instanceof Error) {
      // A computed default BokehJS cannot compute for a model without attributes (3.10's
      // ImageURLTexture._loader, from the required `url`): none exists until BokehJS makes one.
      if (def.options.internal !== true) fail(`${where}: computed default needs attributes (${owner.message})`);
      return { type: "opaque" };
    }
    const raw = default_value(owner);
    if (raw === p.unset) return { type: "none" };
    if (isModelInstance(raw) && default_value(owner) === raw) fail(`${where}: default returns a shared model instance`);
    const options = { ...def.options };
    // Instance-dependent hooks (on_update, two-argument convert) are left out: they
    // need a live model and do not change what a fresh instance starts with.
    delete options.on_update;
    if (options.convert !== undefined && options.convert.length > 1) delete options.convert;
    const PropClass = type instanceof k.Kind ? p.PrimitiveProperty : type;
    const prop = new PropClass(owner, name, type instanceof k.Kind ? type : k.Any, () => raw, options);
    prop.initialize();
    const value = prop.get_value();
    // An object of a BokehJS class that is no model and has no wire form (3.10's
    // CDSView.indices_map, a SubsetIndexMapper): only BokehJS itself can make one.
    if (isOpaqueObject(value)) {
      if (def.options.internal !== true) fail(`${where}: default is a ${value.constructor.name}, which has no wire form`);
      return { type: "opaque" };
    }
    const computed = default_value.length > 0;
    const desc = describeValue(value, raw, spec, where);
    if (computed) {
      if (desc.type === "model") fail(`${where}: computed model default`);
      return { type: "computed", value: desc.value };
    }
    return desc;
  };

  // --- walk ------------------------------------------------------------------
  let ownProperties = 0;
  const entries = new Map(); // key -> raw entry (classes unresolved)
  while (queue.length > 0) {
    const cls = queue.shift();
    const key = assignKey(cls);
    keyOf.set(cls, key);
    classes.push(cls);

    const base = Object.getPrototypeOf(cls);
    if (base !== HasProps) enqueue(base);
    const baseProps = base.prototype._props;
    const ownMixins = cls.prototype._mixins.slice(base.prototype._mixins.length);
    const mixinOf = new Map();
    const mixinList = [];
    for (const [prefix, mixin] of ownMixins) {
      const group = mixinNames.get(mixin);
      if (group === undefined) fail(`${key}: mixin group not exported by core/property_mixins`);
      mixinList.push({ prefix, group });
      for (const attr of Object.keys(mixin)) mixinOf.set(prefix + attr, { prefix, group, attr });
    }

    const properties = {};
    const aliases = {};
    const overrides = {};
    for (const [name, def] of Object.entries(cls.prototype._props)) {
      const where = `${key}.${name}`;
      for (const option of Object.keys(def.options)) {
        if (!KNOWN_OPTIONS.has(option)) fail(`${where}: unknown property option ${option}`);
      }
      const inherited = baseProps[name];
      if (def.type instanceof p.PropertyAlias) {
        if (inherited === undefined) aliases[name] = def.type.attr;
        continue;
      }
      const mixin = mixinOf.get(name) ?? null;
      const { kindDesc, spec } = describeType(def.type, mixin);
      const dflt = describeDefault(cls, name, def, spec, where);
      const internal = def.options.internal === true;
      const readonly = def.options.readonly === true;
      if (inherited === undefined) {
        ownProperties++;
        properties[name] = {
          kind: kindDesc,
          default: dflt,
          internal,
          readonly,
          mixin: mixin === null ? null : { group: mixin.group, prefix: mixin.prefix },
        };
      } else if (inherited !== def) {
        if (inherited.type !== def.type) fail(`${where}: subclass changes the property type`);
        const before = describeDefault(base, name, inherited, spec, `${where} (base)`);
        const change = {};
        if (JSON.stringify(sortKeys(resolveLater(before))) !== JSON.stringify(sortKeys(resolveLater(dflt)))) change.default = dflt;
        if ((inherited.options.internal === true) !== internal) change.internal = internal;
        if ((inherited.options.readonly === true) !== readonly) change.readonly = readonly;
        if (Object.keys(change).length > 0) overrides[name] = change;
      }
    }
    const info = classModules.get(cls);
    entries.set(key, {
      cls,
      abstract: !registered.has(key) || info?.abstract === true,
      registered: registered.has(key),
      module: info?.module ?? null,
      mixins: mixinList,
      properties,
      overrides,
      aliases,
    });
  }

  // --- resolve class references to keys -----------------------------------------
  function resolveLater(value) {
    // classes inside descriptors -> names, for comparisons before keys are final
    if (typeof value === "function") return value.__qualified__;
    if (Array.isArray(value)) return value.map(resolveLater);
    if (value !== null && typeof value === "object") {
      const out = {};
      for (const [key, v] of Object.entries(value)) out[key] = resolveLater(v);
      return out;
    }
    return value;
  }
  const resolve = (value) => {
    if (typeof value === "function") {
      const key = keyOf.get(value);
      if (key === undefined) fail(`unresolved model class ${value.__qualified__}`);
      return key;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value !== null && typeof value === "object") {
      const out = {};
      for (const [key, v] of Object.entries(value)) out[key] = resolve(v);
      return out;
    }
    return value;
  };

  const models = {};
  for (const [key, entry] of entries) {
    const bases = [];
    for (let c = Object.getPrototypeOf(entry.cls); c !== HasProps; c = Object.getPrototypeOf(c)) {
      if (!isModelClass(c)) fail(`${key}: base chain leaves HasProps`);
      bases.push(keyOf.get(c));
    }
    if (entry.cls !== Model && !(entry.cls.prototype instanceof Model)) fail(`${key} is not a Model`);
    const model = {
      abstract: entry.abstract,
      registered: entry.registered,
      module: entry.module,
      bases,
      mixins: entry.mixins,
      properties: resolve(entry.properties),
    };
    if (Object.keys(entry.overrides).length > 0) model.overrides = resolve(entry.overrides);
    if (Object.keys(entry.aliases).length > 0) model.aliases = entry.aliases;
    models[key] = model;
  }

  // --- sanity checks ---------------------------------------------------------------
  const refTargets = new Set();
  const collect = (value) => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === "object") {
      if (value.kind === "Ref") refTargets.add(value.model);
      if (value.type === "model") refTargets.add(value.name);
      Object.values(value).forEach(collect);
    }
  };
  collect(models);
  for (const target of refTargets) if (!(target in models)) fail(`reference to unknown model ${target}`);
  for (const [key, model] of Object.entries(models)) {
    for (const base of model.bases) if (!(base in models)) fail(`${key}: unknown base ${base}`);
  }

  const modelCount = Object.keys(models).length;
  const abstractCount = Object.values(models).filter((m) => m.abstract).length;
  const registeredCount = Object.values(models).filter((m) => m.registered).length;
  if (registeredCount !== registered.size) fail("not every registered model made it into the catalog");
  if (ownProperties < MIN_OWN_PROPERTIES) fail(`only ${ownProperties} own properties`);

  const catalog = {
    format: FORMAT_VERSION,
    bokehjs_version: version,
    models,
  };
  const kindCounts = new Map();
  const countKinds = (d) => {
    kindCounts.set(d.kind, (kindCounts.get(d.kind) ?? 0) + 1);
    for (const v of Object.values(d)) {
      if (Array.isArray(v)) v.forEach((x) => x !== null && typeof x === "object" && "kind" in x && countKinds(x));
      else if (v !== null && typeof v === "object") {
        if ("kind" in v) countKinds(v);
        else for (const x of Object.values(v)) if (x !== null && typeof x === "object" && "kind" in x) countKinds(x);
      }
    }
  };
  for (const model of Object.values(models)) for (const prop of Object.values(model.properties)) countKinds(prop.kind);
  const stats = {
    models: modelCount,
    registered: registeredCount,
    abstract: abstractCount,
    unregistered: modelCount - registeredCount,
    properties: ownProperties,
    overrides: Object.values(models).reduce((n, m) => n + Object.keys(m.overrides ?? {}).length, 0),
    kinds: Object.fromEntries([...kindCounts.entries()].sort(([a], [b]) => cmp(a, b))),
  };
  return { catalog: sortKeys(catalog), stats };
}

/** Loads BokehJS package `pkg` (a name in node_modules), extracts its catalog and releases the window. */
export function buildCatalog(pkg) {
  const loaded = loadBokehJS({ package: pkg });
  try {
    return extractCatalog(loaded);
  } finally {
    loaded.dispose();
  }
}

/**
 * The committed files for a list of BokehJS packages: file name (in src/models/catalogs) ->
 * text. Prints each version's counts with `log`.
 */
export function buildCatalogFiles(packages, log = () => {}) {
  const entries = packages.map((pkg) => {
    const t0 = performance.now();
    const { catalog, stats } = buildCatalog(pkg);
    const ms = Math.round(performance.now() - t0);
    log(
      `${pkg}: bokehjs ${catalog.bokehjs_version}: ${stats.models} models (${stats.registered} registered, ` +
        `${stats.unregistered} unregistered bases, ${stats.abstract} abstract), ${stats.properties} own properties, ` +
        `${stats.overrides} default/option overrides [${ms} ms]`,
    );
    return { package: pkg, catalog };
  });
  const files = new Map();
  for (const [name, content] of catalogFiles(entries)) files.set(name, formatCatalog(content));
  return files;
}

/** The packages the committed catalogs were extracted from (listed in base.json). */
export function committedPackages() {
  const path = join(CATALOGS_DIR, BASE_FILE);
  if (!existsSync(path)) return [];
  return JSON.parse(readFileSync(path, "utf8")).versions.map((v) => v.package);
}

/** Committed files in src/models/catalogs that differ from `files` (changed, missing or extra). */
export function staleCatalogFiles(files) {
  const present = existsSync(CATALOGS_DIR) ? readdirSync(CATALOGS_DIR) : [];
  const stale = [];
  for (const [name, text] of files) {
    const path = join(CATALOGS_DIR, name);
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) stale.push(name);
  }
  for (const name of present) if (!files.has(name)) stale.push(name);
  return stale.sort(cmp);
}

function main(argv) {
  const check = argv.includes("--check");
  const given = argv.filter((arg) => !arg.startsWith("--"));
  const packages = given.length > 0 ? given : committedPackages();
  if (packages.length === 0) {
    console.error("extract: name the BokehJS packages to extract (e.g. bokehjs-3.7 bokehjs-3.10)");
    return 1;
  }
  const files = buildCatalogFiles(packages, (line) => console.log(line));
  const dir = relative(REPO_ROOT, CATALOGS_DIR);
  if (check) {
    const stale = staleCatalogFiles(files);
    if (stale.length > 0) {
      console.error(`${dir} is stale (${stale.join(", ")}); run: npm run gen:models`);
      return 1;
    }
    console.log(`${dir} is up to date (${files.size} files)`);
    return 0;
  }
  rmSync(CATALOGS_DIR, { recursive: true, force: true });
  mkdirSync(CATALOGS_DIR, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(CATALOGS_DIR, name), text);
  const sizes = [...files].map(([name, text]) => `${name} ${Math.round(text.length / 1024)} KiB`);
  console.log(`wrote ${dir}: ${sizes.join(", ")}`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let code = 1;
  try {
    code = main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof ExtractError ? `extract: ${error.message}` : error);
  }
  // bokehjs keeps a MessageChannel open; exit explicitly.
  process.exit(code);
}
