/**
 * Fuzzing core, shared by `scripts/fuzz.mjs` (built code in dist/) and the
 * vitest suites in test/fuzz (source in src/): a seeded PRNG, the "only typed
 * errors" check, the prototype-pollution guard, and a structural comparator
 * for round-tripped values and documents.
 *
 * Nothing here imports the library: every function that needs a class of it
 * takes `lib` (see index.d.mts, `FuzzLib`), so the same code checks either build.
 */

// ---- deterministic randomness ----------------------------------------------------------

/** A 32-bit hash of a list of integers (seed, stream, index...). */
export function mix32(...values) {
  let h = 0x2545f491;
  for (const value of values) {
    h ^= value >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    // high bits of large indices (> 2^32) too
    h ^= Math.floor(value / 0x100000000) >>> 0;
  }
  return h >>> 0;
}

/** sfc32: small, fast, good enough for choosing mutations. */
export class Rng {
  constructor(seed) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32() {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform integer in [0, n). */
  int(n) {
    return n <= 0 ? 0 : Math.floor((this.u32() / 0x100000000) * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo, hi) {
    return lo + this.int(hi - lo + 1);
  }

  chance(p) {
    return this.u32() / 0x100000000 < p;
  }

  pick(items) {
    return items[this.int(items.length)];
  }

  /** Picks by weight: `[[weight, value], ...]`. */
  weighted(table) {
    let total = 0;
    for (const [w] of table) total += w;
    let x = this.int(total);
    for (const [w, v] of table) {
      if (x < w) return v;
      x -= w;
    }
    return table[table.length - 1][1];
  }

  bytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

// ---- "only typed errors" ---------------------------------------------------------------

/** A typed error of the library: an instance of its BokehError with a string `code`. */
export function isTypedError(lib, error) {
  return error instanceof lib.BokehError && typeof error.code === "string" && error.code.length > 0;
}

/** A failed property: what went wrong (`kind`) and a stable `signature` to group duplicates. */
export class Finding extends Error {
  /** `about`: what identifies the failure, when `message` has input-specific details (paths, values). */
  constructor(kind, message, cause, about) {
    super(`${kind}: ${message}`, cause === undefined ? undefined : { cause });
    this.name = "Finding";
    this.kind = kind;
    this.detail = message;
    this.signature = `${kind}: ${about !== undefined ? normalizeMessage(about) : cause === undefined ? normalizeMessage(message) : errorSignature(cause)}`;
  }
}

/** A Finding for what PollutionGuard.check reported (grouped by what was changed, not the values). */
export function pollutionFinding(report) {
  const finding = new Finding("prototype-pollution", report);
  finding.signature = `prototype-pollution: ${report.replace(/ \([^;]*\)/g, "").replace(/\[\d+\]/g, "[#]")}`;
  return finding;
}

/** A Finding for a difference reported by compareValues / compareDocuments. */
export function differenceFinding(kind, what, diff) {
  return new Finding(kind, `${what}: ${diff.path}: ${diff.why}`, undefined, `${what}: ${diff.why}`);
}

/** Rethrows `error` as a Finding unless it is a typed library error. */
export function expectTyped(lib, error, where) {
  if (isTypedError(lib, error)) return;
  if (error instanceof Finding) throw error;
  throw new Finding("untyped-error", `${where}: ${describeError(error)}`, error);
}

export function describeError(error) {
  if (error instanceof Error) return `${error.constructor?.name ?? "Error"}: ${error.message.slice(0, 300)}`;
  return `non-Error thrown: ${String(error).slice(0, 200)}`;
}

function normalizeMessage(message) {
  return String(message)
    .replace(/^(inline|binary|blob): /, "")
    .replace(/(, got|became) .*$/, "$1 …")
    .replace(/\bmodel .*? (lost|gained|decoded|id|type)\b/g, "model M $1")
    .replace(/'[^']*'|"[^"]*"/g, "'…'")
    .replace(/\[[^\]]*\]/g, "[…]")
    .replace(/\bmodel \S+/g, "model M")
    .replace(/[^\s'"…]*\.[^\s'"…]*/g, "X.y")
    .replace(/\d+/g, "#")
    .slice(0, 140);
}

/** Error class, normalized message and the innermost library frame: stable across inputs. */
export function errorSignature(error) {
  if (!(error instanceof Error)) return `thrown ${typeof error}`;
  const frames = String(error.stack ?? "").split("\n").slice(1);
  const own = frames.find((line) => /[/\\](src|dist)[/\\]/.test(line) && !/[/\\]scripts[/\\]fuzz/.test(line));
  const where = own === undefined ? "" : ` @ ${own.trim().replace(/^at /, "").replace(/\(?(file:\/\/)?[^()]*[/\\](src|dist)[/\\]/, "$2/").replace(/:\d+\)?$/, "").replace(/\.(ts|js):\d+$/, "")}`;
  return `${error.constructor?.name ?? "Error"}: ${normalizeMessage(error.message)}${where}`;
}

// ---- prototype pollution ------------------------------------------------------------------

const GUARDED = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  ["Number.prototype", Number.prototype],
  ["Object", Object],
  ["Array", Array],
  ["Map.prototype", Map.prototype],
  ["Set.prototype", Set.prototype],
];

function snapshotOf(target) {
  const out = new Map();
  for (const key of Reflect.ownKeys(target)) out.set(key, Object.getOwnPropertyDescriptor(target, key));
  return out;
}

/**
 * Detects (and undoes) changes to the built-in prototypes and constructors:
 * `({}).polluted`, new or replaced properties of Object.prototype, Array.prototype...
 */
export class PollutionGuard {
  constructor() {
    this.snapshots = GUARDED.map(([name, target]) => [name, target, snapshotOf(target)]);
  }

  /**
   * A description of every change since construction (restored), or null.
   * Object.prototype is checked every time, the other built-ins every 32nd call
   * (or when `all` is true).
   */
  check(all = false) {
    let changes = null;
    this.calls = (this.calls ?? 0) + 1;
    const full = all || this.calls % 32 === 0;
    if ({}.polluted !== undefined || [].polluted !== undefined) (changes ??= []).push("({}).polluted is set");
    for (const [name, target, before] of this.snapshots) {
      if (!full && target !== Object.prototype) continue;
      const keys = Reflect.ownKeys(target);
      let changed = keys.length !== before.size;
      if (!changed) {
        for (const key of keys) {
          const was = before.get(key);
          const now = Object.getOwnPropertyDescriptor(target, key);
          if (was === undefined || was.value !== now.value || was.get !== now.get || was.set !== now.set) {
            changed = true;
            break;
          }
        }
      }
      if (!changed) continue;
      for (const key of keys) {
        const was = before.get(key);
        const now = Object.getOwnPropertyDescriptor(target, key);
        if (was === undefined) {
          (changes ??= []).push(`${name}[${String(key)}] added (${preview(now.value)})`);
          delete target[key];
        } else if (was.value !== now.value || was.get !== now.get || was.set !== now.set) {
          (changes ??= []).push(`${name}[${String(key)}] replaced`);
          Object.defineProperty(target, key, was);
        }
      }
      for (const [key, was] of before) {
        if (!Object.prototype.hasOwnProperty.call(target, key)) {
          (changes ??= []).push(`${name}[${String(key)}] deleted`);
          Object.defineProperty(target, key, was);
        }
      }
    }
    if (Object.getPrototypeOf(Object.prototype) !== null) (changes ??= []).push("Object.prototype's prototype changed");
    return changes === null ? null : changes.join("; ");
  }
}

function preview(value) {
  try {
    return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value).slice(0, 40);
  } catch {
    return typeof value;
  }
}

// ---- comparing values that went through the wire ------------------------------------------

const DTYPE_CTORS = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
};

function isPlain(value) {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function bytesOfView(view) {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function sameBytes(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

function ownValue(object, key) {
  return Object.getOwnPropertyDescriptor(object, key)?.value;
}

function sameNumber(a, b) {
  // -0 travels as JSON `0` (JSON.stringify(-0) === "0"): documented, see docs/fuzzing.md.
  return typeof b === "number" && (Object.is(a, b) || (a === 0 && b === 0));
}

/**
 * Compares `expected` (a value before encoding) with `actual` (after decoding)
 * under the documented value mapping (values.ts):
 * -0 -> 0, Date -> its time in ms, bigint -> number, a Map whose keys are all
 * strings (or that is empty) -> plain object, a 1-D numeric NDArray -> typed
 * array, Buffer -> Uint8Array. Models must map one-to-one (shared references
 * and cycles preserved), compared by id, type and attributes.
 * Returns null when equal, else `{ path, why }` of the first difference.
 */
export function compareValues(lib, expected, actual, state = { forward: new Map(), backward: new Map(), depth: 0 }, path = "$") {
  const fail = (why) => ({ path, why });
  // Values nested deeper than this are not compared (the library's own limits are fuzzed elsewhere).
  if (state.depth > 800) return null;
  state.depth += 1;
  try {
    return compareInner(lib, expected, actual, state, path, fail);
  } finally {
    state.depth -= 1;
  }
}

// -0, Dates and bigints become plain numbers: Set items equal after that collapse into one.
function collapsedSetItems(items) {
  const seen = new Set();
  const out = [];
  for (const item of items) {
    const key = typeof item === "bigint" ? Number(item) : item instanceof Date ? item.getTime() : item;
    if (typeof key === "number" || typeof key === "string" || typeof key === "boolean" || key === null) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(item);
  }
  return out;
}

function compareInner(lib, expected, actual, state, path, fail) {
  switch (typeof expected) {
    case "number":
      return sameNumber(expected, actual) ? null : fail(`expected ${String(expected)}, got ${preview(actual)}`);
    case "bigint":
      return sameNumber(Number(expected), actual) ? null : fail(`expected ${String(expected)}, got ${preview(actual)}`);
    case "string":
    case "boolean":
      return expected === actual ? null : fail(`expected ${preview(expected)}, got ${preview(actual)}`);
    case "object":
      break;
    default:
      return fail(`unexpected ${typeof expected} in the expected value`);
  }
  if (expected === null) return actual === null ? null : fail(`expected null, got ${preview(actual)}`);
  if (expected instanceof Date) return sameNumber(expected.getTime(), actual) ? null : fail("date did not become its time in ms");
  if (expected instanceof lib.Model) {
    if (!(actual instanceof lib.Model)) return fail(`expected a model, got ${preview(actual)}`);
    const seen = state.forward.get(expected);
    if (seen !== undefined) return seen === actual ? null : fail(`model ${expected.id} decoded to two different objects`);
    const back = state.backward.get(actual);
    if (back !== undefined) return fail(`models ${back.id} and ${expected.id} decoded to the same object`);
    state.forward.set(expected, actual);
    state.backward.set(actual, expected);
    if (expected.id !== actual.id) return fail(`model id ${expected.id} became ${actual.id}`);
    if (expected.type !== actual.type) return fail(`model type ${expected.type} became ${actual.type}`);
    const want = [...expected.serializableAttributes()];
    const got = new Map(actual.serializableAttributes());
    const lost = want.filter(([k]) => !got.has(k)).map(([k]) => JSON.stringify(k));
    if (lost.length > 0) return fail(`model ${expected.id} lost attribute(s) ${lost.join(", ")}`);
    if (want.length !== got.size) return fail(`model ${expected.id} gained attributes: [${want.map(([k]) => k)}] became [${[...got.keys()]}]`);
    for (const [key, value] of want) {
      const diff = compareValues(lib, value, got.get(key), state, `${path}.${expected.id}.${key}`);
      if (diff !== null) return diff;
    }
    return null;
  }
  if (ArrayBuffer.isView(expected)) {
    const ctor = Buffer.isBuffer(expected) ? Uint8Array : expected.constructor;
    if (!(actual instanceof ctor) || actual.constructor !== ctor) return fail(`expected ${ctor.name}, got ${preview(actual)}`);
    return sameBytes(bytesOfView(expected), bytesOfView(actual)) ? null : fail(`${ctor.name} contents differ`);
  }
  if (expected instanceof ArrayBuffer) {
    if (!(actual instanceof ArrayBuffer)) return fail(`expected ArrayBuffer, got ${preview(actual)}`);
    return sameBytes(new Uint8Array(expected), new Uint8Array(actual)) ? null : fail("ArrayBuffer contents differ");
  }
  if (expected instanceof lib.Slice) {
    if (!(actual instanceof lib.Slice)) return fail(`expected Slice, got ${preview(actual)}`);
    for (const k of ["start", "stop", "step"]) {
      const a = expected[k];
      const b = actual[k];
      if (!(a === null ? b === null : sameNumber(a, b))) return fail(`slice ${k} ${String(a)} became ${String(b)}`);
    }
    return null;
  }
  if (expected instanceof lib.NDArray) {
    const numeric = Object.prototype.hasOwnProperty.call(DTYPE_CTORS, expected.dtype);
    if (expected.shape.length === 1 && numeric && ArrayBuffer.isView(expected.array)) {
      return compareValues(lib, expected.array, actual, state, path);
    }
    if (!(actual instanceof lib.NDArray)) return fail(`expected NDArray, got ${preview(actual)}`);
    if (actual.dtype !== expected.dtype && JSON.stringify(actual.dtype) !== JSON.stringify(expected.dtype)) return fail(`dtype ${preview(expected.dtype)} became ${preview(actual.dtype)}`);
    if (actual.shape.length !== expected.shape.length || actual.shape.some((n, i) => n !== expected.shape[i])) {
      return fail(`shape [${expected.shape}] became [${actual.shape}]`);
    }
    return compareValues(lib, expected.array, actual.array, state, `${path}.array`);
  }
  if (expected instanceof lib.ObjectValue) {
    if (!(actual instanceof lib.ObjectValue)) return fail(`expected ObjectValue, got ${preview(actual)}`);
    if (actual.name !== expected.name) return fail(`ObjectValue name ${expected.name} became ${actual.name}`);
    return compareEntries(lib, Object.entries(expected.attributes), actual.attributes, state, `${path}.attributes`);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return fail(`expected an array, got ${preview(actual)}`);
    if (actual.length !== expected.length) return fail(`array length ${expected.length} became ${actual.length}`);
    for (let i = 0; i < expected.length; i++) {
      const diff = compareValues(lib, expected[i], actual[i], state, `${path}[${i}]`);
      if (diff !== null) return diff;
    }
    return null;
  }
  if (expected instanceof Map) {
    const stringKeys = [...expected.keys()].every((k) => typeof k === "string");
    if (stringKeys) return compareEntries(lib, [...expected], actual, state, path);
    if (!(actual instanceof Map)) return fail(`expected a Map, got ${preview(actual)}`);
    if (actual.size !== expected.size) return fail(`Map size ${expected.size} became ${actual.size}`);
    const got = [...actual];
    let i = 0;
    for (const [key, value] of expected) {
      const [k2, v2] = got[i++];
      const diff = compareValues(lib, key, k2, state, `${path}.key${i}`) ?? compareValues(lib, value, v2, state, `${path}.get(${preview(key)})`);
      if (diff !== null) return diff;
    }
    return null;
  }
  if (expected instanceof Set) {
    if (!(actual instanceof Set)) return fail(`expected a Set, got ${preview(actual)}`);
    const items = collapsedSetItems(expected);
    if (actual.size !== items.length) return fail(`Set size ${items.length} became ${actual.size}`);
    const got = [...actual];
    let i = 0;
    for (const item of items) {
      const diff = compareValues(lib, item, got[i], state, `${path}.item${i}`);
      i++;
      if (diff !== null) return diff;
    }
    return null;
  }
  if (isPlain(expected)) {
    return compareEntries(lib, Object.entries(expected).filter(([, v]) => v !== undefined), actual, state, path);
  }
  return fail(`no comparison for ${Object.prototype.toString.call(expected)}`);
}

function compareEntries(lib, entries, actual, state, path) {
  if (!isPlain(actual)) return { path, why: `expected a plain object, got ${preview(actual)}` };
  const keys = Object.keys(actual);
  const lost = entries.filter(([k]) => !Object.prototype.hasOwnProperty.call(actual, k)).map(([k]) => JSON.stringify(k));
  if (lost.length > 0) return { path, why: `lost key(s) ${lost.join(", ")}` };
  if (keys.length !== entries.length) {
    return { path, why: `gained keys: [${entries.map(([k]) => JSON.stringify(k))}] became [${keys.map((k) => JSON.stringify(k))}]` };
  }
  for (const [key, value] of entries) {
    const diff = compareValues(lib, value, ownValue(actual, key), state, `${path}[${JSON.stringify(key)}]`);
    if (diff !== null) return diff;
  }
  return null;
}

/** Compares two documents: title, and roots (with their model graphs) in order. */
export function compareDocuments(lib, expected, actual) {
  if (expected.title !== actual.title) return { path: "title", why: `title ${JSON.stringify(expected.title)} became ${JSON.stringify(actual.title)}` };
  return compareValues(lib, [...expected.roots], [...actual.roots], undefined, "roots");
}

// ---- bytes --------------------------------------------------------------------------------

export function toBase64(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

export function utf8(text) {
  const buffer = Buffer.from(text, "utf8");
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
