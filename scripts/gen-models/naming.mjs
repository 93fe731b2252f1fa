// Naming rules for the generated model classes (see docs/models.md, "Naming"):
//
//   - a catalog key that is a valid identifier is the class name ("Plot", "ColumnDataSource");
//   - "Model", the root of all Bokeh models, is `BokehModel` (the core's generic `Model`
//     class keeps its name);
//   - "bokeh.models.dom.X" (BokehJS's DOM models) is `DOM` + X, without doubling a
//     leading "DOM": bokeh.models.dom.Div -> DOMDiv, bokeh.models.dom.DOMNode -> DOMNode;
//   - "X@<module>" (an unregistered base whose name is taken) is the upper-cased name of the
//     module's directory + X: TextAnnotation@models/annotations/html/text_annotation ->
//     HTMLTextAnnotation.
//
// Each class's attributes interface is `<class name>Attributes`; a shared mixin's interfaces are
// `<Prefix><Group>Mixin` and `<Prefix><Group>MixinAttributes` (mixinName). Generated files are named
// after the BokehJS directory that defines the models: models/glyphs/* -> glyphs.ts.
// Anything that would produce an invalid or duplicate name makes the generator fail.

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const DOM_PREFIX = "bokeh.models.dom.";

/** Names generated code uses that a model class must not shadow. */
const RESERVED = new Set([
  "Model", "TypedModel", "Array", "ArrayBuffer", "Date", "Iterable", "Map", "Set", "Record", "Omit",
  "Partial", "Readonly", "Object", "String", "Number", "Boolean", "Function", "Promise", "Symbol", "Error",
  "Arrayable", "Color", "Vectorized", "VectorizedInput", "Scalar", "ScalarInput", "ModelOptions", "GlyphArgs",
]);

export class NamingError extends Error {}

/** The TypeScript class name for a catalog key. */
export function className(key, entry) {
  if (key === "Model") return "BokehModel";
  if (key.startsWith(DOM_PREFIX)) {
    const base = key.slice(DOM_PREFIX.length);
    return base.startsWith("DOM") ? base : `DOM${base}`;
  }
  const at = key.indexOf("@");
  if (at >= 0) {
    const dirs = key.slice(at + 1).split("/");
    const dir = dirs.at(-2) ?? "";
    return `${dir.toUpperCase()}${key.slice(0, at)}`;
  }
  if (!IDENTIFIER.test(key)) throw new NamingError(`no naming rule for model '${key}' (module ${entry.module})`);
  return key;
}

/** Class names for every catalog key; fails on duplicates and on reserved names. */
export function classNames(models) {
  const names = new Map();
  const seen = new Map();
  for (const [key, entry] of Object.entries(models)) {
    const name = className(key, entry);
    if (!IDENTIFIER.test(name)) throw new NamingError(`'${key}' maps to the invalid identifier '${name}'`);
    if (RESERVED.has(name)) throw new NamingError(`'${key}' maps to '${name}', a name the generated code needs`);
    if (seen.has(name)) throw new NamingError(`'${key}' and '${seen.get(name)}' both map to '${name}'`);
    if (name.endsWith("Attributes")) throw new NamingError(`'${key}' maps to '${name}', which looks like an attributes interface`);
    seen.set(name, key);
    names.set(key, name);
  }
  return names;
}

/** The generated file (without extension) that holds a model: its BokehJS directory. */
export function fileOf(entry) {
  const parts = (entry.module ?? "model").split("/");
  if (parts[0] === "models" && parts.length > 2) return parts[1];
  return parts[0] === "models" ? "models" : parts[0];
}

/**
 * The interface name of a shared mixin (generate.mjs, mixins.ts): the prefix in PascalCase, the
 * group, "Mixin": ("Line", "border_") -> BorderLineMixin, ("FillVector", "") -> FillVectorMixin.
 * Its attributes interface is that name + "Attributes".
 */
export function mixinName(group, prefix) {
  const pascal = prefix
    .split("_")
    .filter((part) => part !== "")
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
  const name = `${pascal}${group}Mixin`;
  if (!IDENTIFIER.test(name)) throw new NamingError(`mixin ${group} with prefix '${prefix}' maps to the invalid identifier '${name}'`);
  return name;
}

/** Whether a property name can be used as a class accessor (not shadowing a Model member). */
export function isAccessorName(name) {
  return IDENTIFIER.test(name) && !MODEL_MEMBERS.has(name);
}

// Members of Model / TypedModel / ColumnDataSource extras that a property accessor must not replace.
const MODEL_MEMBERS = new Set([
  "id", "type", "document", "get", "has", "set", "attributes", "references", "serializableAttributes",
  "toString", "propertyNames", "setAttribute", "initializeFromWire", "constructor", "defaultValue",
  "validate", "changeEvent", "modelType", "stream", "patch", "updateData", "columnNames", "bokehVersion",
  "onChange", "onEvent", "onClick",
]);
