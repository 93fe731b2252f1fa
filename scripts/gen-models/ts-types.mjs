import { kindWords } from "./kind-words.mjs";

// Kind descriptors -> TypeScript type text (see docs/models.md, "TypeScript types").
//
// `tsType(kind, scope, mode)` returns the type as text and records in `scope` what the
// text refers to (model classes, named enums, helper types), so the caller can write
// the imports. `mode` is "input" for setters and attributes (dataspec shorthands are
// accepted) or "output" for getters (dataspecs as stored).

/** What a file's type texts refer to. */
export class TypeScope {
  constructor(classNames) {
    this.classNames = classNames; // catalog key -> class name
    this.classes = new Set(); // class names used as types
    this.enums = new Set(); // named enum aliases
    this.helpers = new Set(); // names from src/models/types.ts
    this.core = new Set(); // names from the core (Model, TypedArray, NDArray)
  }
}

/** The TS type for a kind. */
export function tsType(kind, scope, mode) {
  switch (kind.kind) {
    case "Any":
    case "Unknown":
      return "unknown";
    case "Boolean":
      return "boolean";
    case "Number":
    case "Int":
    case "Percent":
      return "number";
    case "String":
    case "CSSLength":
    case "Regex":
      return "string";
    case "PrefixedString":
      return `\`${kind.prefix.replace(/[`\\$]/g, "\\$&")}\${string}\``;
    case "Enum":
      if (kind.name !== undefined) {
        scope.enums.add(kind.name);
        return kind.name;
      }
      return enumUnion(kind.values);
    case "Null":
      return "null";
    case "Nullable":
      return union([tsType(kind.type, scope, mode), "null"]);
    case "Opt":
      return union([tsType(kind.type, scope, mode), "undefined"]);
    case "NonNegative":
    case "Positive":
      return tsType(kind.type, scope, mode);
    case "Or":
      return union(kind.types.map((t) => tsType(t, scope, mode)));
    case "And":
      return kind.types.map((t) => `(${tsType(t, scope, mode)})`).join(" & ");
    case "Tuple":
      return `[${kind.items.map((t) => tsType(t, scope, mode)).join(", ")}]`;
    case "List":
    case "NonEmptyList":
      return `Array<${tsType(kind.item, scope, mode)}>`;
    case "Arrayable":
      scope.helpers.add("Arrayable");
      return `Arrayable<${tsType(kind.item, scope, mode)}>`;
    case "Iterable":
      return `Iterable<${tsType(kind.item, scope, mode)}>`;
    case "Set":
      return `Set<${tsType(kind.item, scope, mode)}>`;
    case "Dict":
      return `Record<string, ${tsType(kind.item, scope, mode)}>`;
    case "KeyVal":
    case "Map": {
      const item = tsType(kind.item, scope, mode);
      return `Map<${tsType(kind.key, scope, mode)}, ${item}> | Record<string, ${item}>`;
    }
    case "Struct":
    case "PartialStruct": {
      const fields = Object.entries(kind.fields).map(([name, field]) => {
        const optional = kind.kind === "PartialStruct" || field.kind === "Opt";
        const inner = field.kind === "Opt" ? field.type : field;
        // a doc comment per field, for the API reference: TypeDoc reads one only at the start of a line
        return `    /** \`${name}\`: Bokeh type \`${kindWords(inner)}\`. */ ${propertyKey(name)}${optional ? "?" : ""}: ${tsType(inner, scope, mode)};`;
      });
      return fields.length === 0 ? "Record<string, never>" : `{\n${fields.join("\n")}\n  }`;
    }
    case "Color":
      scope.helpers.add("Color");
      return "Color";
    case "Ref": {
      if (kind.model === "Model") {
        scope.core.add("Model"); // any model, including generic ones of unknown types
        return "Model";
      }
      const name = scope.classNames.get(kind.model);
      if (name === undefined) throw new Error(`Ref to unknown model ${kind.model}`);
      scope.classes.add(name);
      return name;
    }
    case "AnyRef":
      scope.core.add("Model");
      return "Model";
    case "Instance":
      return kind.class === "Date" ? "Date" : "never"; // BitSet (internal) and DOM nodes cannot be sent
    case "Bytes":
      return "ArrayBuffer";
    case "Node":
    case "Func":
      return "never"; // browser-only values
    case "Spec":
      return specType(kind, scope, mode);
    default:
      throw new Error(`no TypeScript type for kind ${kind.kind}`);
  }
}

function specType(kind, scope, mode) {
  const value = tsType(kind.value_type, scope, "output");
  const units = kind.units === undefined ? null : enumUnion(kind.units.values);
  const args = units === null ? value : `${value}, ${units}`;
  const helper = kind.vectorized ? (mode === "input" ? "VectorizedInput" : "Vectorized") : mode === "input" ? "ScalarInput" : "Scalar";
  scope.helpers.add(helper);
  return kind.vectorized ? `${helper}<${args}>` : `${helper}<${value}>`;
}

function enumUnion(values) {
  return values.length === 0 ? "never" : union(values.map((v) => JSON.stringify(v)));
}

/** A union of type texts, without duplicates; members that are unions themselves are flattened. */
export function union(types) {
  const members = [];
  for (const type of types) {
    for (const member of splitUnion(type)) if (!members.includes(member)) members.push(member);
  }
  if (members.includes("unknown")) return "unknown";
  const kept = members.filter((m) => m !== "never"); // never adds nothing to a union
  return kept.length === 0 ? "never" : kept.join(" | ");
}

// Top-level members of a union text (not splitting inside <>, (), [], {} or template literals).
function splitUnion(type) {
  const out = [];
  let depth = 0;
  let start = 0;
  let inTemplate = false;
  for (let i = 0; i < type.length; i++) {
    const c = type[i];
    if (c === "`") inTemplate = !inTemplate;
    if (inTemplate) continue;
    if ("<([{".includes(c)) depth++;
    else if (">)]}".includes(c)) depth--;
    else if (c === "|" && depth === 0) {
      out.push(type.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(type.slice(start).trim());
  return out;
}

/** A property key for an object type: bare when it is an identifier. */
export function propertyKey(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}
