// A property's Bokeh type in words, for the generated doc comments ("Bokeh type
// `Nullable(NonNegative(Int))`"): what the TypeScript type cannot say (integers, signs, ranges,
// patterns, dataspecs), written as src/models/kinds.ts describeKind writes it in a
// ValidationError, and kept short: nested kinds are elided (`...`) until the text fits.

const MAX_LENGTH = 90;
const MAX_ENUM_VALUES = 4;

/** The kind as text, at most MAX_LENGTH characters (deeper levels elided as needed). */
export function kindWords(kind) {
  for (let depth = 8; depth > 0; depth--) {
    const text = words(kind, depth);
    if (text.length <= MAX_LENGTH) return safe(text);
  }
  return safe(words(kind, 0));
}

// Inside a `code span` of a /** comment */: no backtick, no comment end.
function safe(text) {
  return text.replace(/`/g, "'").replace(/\*\//g, "*\\/");
}

function words(kind, depth) {
  if (depth <= 0) return kind.kind === undefined ? "..." : `${kind.kind}${hasArguments(kind) ? "(...)" : ""}`;
  const inner = (k) => words(k, depth - 1);
  switch (kind.kind) {
    case "Enum": {
      if (kind.name !== undefined) return `Enum(${kind.name})`;
      const shown = kind.values.slice(0, MAX_ENUM_VALUES).map((v) => JSON.stringify(v));
      const more = kind.values.length - shown.length;
      return `Enum(${shown.join(", ")}${more > 0 ? `, ... ${more} more` : ""})`;
    }
    case "Regex":
      return `Regex(/${kind.pattern}/${kind.flags ?? ""})`;
    case "PrefixedString":
      return `PrefixedString(${JSON.stringify(kind.prefix)})`;
    case "Nullable":
    case "Opt":
    case "NonNegative":
    case "Positive":
      return `${kind.kind}(${inner(kind.type)})`;
    case "Or":
    case "And":
      return `${kind.kind}(${kind.types.map(inner).join(", ")})`;
    case "Tuple":
      return `Tuple(${kind.items.map(inner).join(", ")})`;
    case "List":
    case "NonEmptyList":
    case "Arrayable":
    case "Iterable":
    case "Set":
    case "Dict":
      return `${kind.kind}(${inner(kind.item)})`;
    case "KeyVal":
    case "Map":
      return `${kind.kind}(${inner(kind.key)}, ${inner(kind.item)})`;
    case "Struct":
    case "PartialStruct":
      return `${kind.kind}(${Object.keys(kind.fields).join(", ")})`;
    case "Ref":
      return `Ref(${kind.model})`;
    case "Instance":
      return `Instance(${kind.class})`;
    case "Spec":
      return kind.spec;
    default:
      return kind.kind;
  }
}

function hasArguments(kind) {
  return !["Any", "Unknown", "Boolean", "Number", "Int", "Percent", "String", "CSSLength", "Null", "Color", "AnyRef", "Func", "Bytes", "Node", "Spec"].includes(kind.kind);
}
