/**
 * Mutators for recorded websocket frames: frame-level (drop, duplicate, swap,
 * splice frames of other messages, text <-> binary), byte-level (bit flips,
 * inserts, deletes, truncation, splices, tokens) and JSON-level (on a parsed
 * tree: interesting values, huge numbers, deep nesting, long strings, renamed
 * keys such as `__proto__`, duplicated keys, changed `type`/`kind`/`num_buffers`...).
 *
 * A frame is `{ kind: "text" | "binary", bytes: Uint8Array, asString?: boolean }`;
 * `asString` text frames are fed to the receiver as a JS string, the others as bytes.
 */
import { utf8 } from "./core.mjs";

// ---- a JSON tree that can hold duplicate keys and raw text ---------------------------------
// { t: "o", e: [[key, node], ...] } | { t: "a", v: [node, ...] } | { t: "r", s: "raw JSON text" }

export function treeOf(value) {
  if (Array.isArray(value)) return { t: "a", v: value.map(treeOf) };
  if (typeof value === "object" && value !== null) return { t: "o", e: Object.entries(value).map(([k, v]) => [k, treeOf(v)]) };
  return { t: "r", s: JSON.stringify(value) };
}

export function treeText(node) {
  const parts = [];
  const walk = (n) => {
    if (n.t === "r") parts.push(n.s);
    else if (n.t === "a") {
      parts.push("[");
      n.v.forEach((c, i) => {
        if (i > 0) parts.push(",");
        walk(c);
      });
      parts.push("]");
    } else {
      parts.push("{");
      n.e.forEach(([k, c], i) => {
        if (i > 0) parts.push(",");
        parts.push(JSON.stringify(k), ":");
        walk(c);
      });
      parts.push("}");
    }
  };
  walk(node);
  return parts.join("");
}

function size(node) {
  if (node.n !== undefined) return node.n;
  let n = 1;
  if (node.t === "a") for (const c of node.v) n += size(c);
  else if (node.t === "o") for (const [, c] of node.e) n += size(c);
  node.n = n;
  return n;
}

function childNodes(node) {
  return node.t === "a" ? node.v : node.t === "o" ? node.e.map(([, c]) => c) : [];
}

/** The node at preorder position `index`. */
function nodeAt(root, index) {
  let node = root;
  for (;;) {
    if (index === 0) return node;
    index -= 1;
    for (const child of childNodes(node)) {
      const s = size(child);
      if (index < s) {
        node = child;
        break;
      }
      index -= s;
    }
  }
}

/** A copy of `root` in which the node at preorder `index` is replaced by `fn(node)` (copy on write). */
function replaceAt(root, index, fn) {
  if (index === 0) return fn(root);
  let rest = index - 1;
  const kids = childNodes(root);
  for (let i = 0; i < kids.length; i++) {
    const s = size(kids[i]);
    if (rest < s) {
      const replaced = replaceAt(kids[i], rest, fn);
      if (root.t === "a") {
        const v = root.v.slice();
        v[i] = replaced;
        return { t: "a", v };
      }
      const e = root.e.slice();
      e[i] = [e[i][0], replaced];
      return { t: "o", e };
    }
    rest -= s;
  }
  return root;
}

const raw = (s) => ({ t: "r", s });
const obj = (entries) => ({ t: "o", e: entries });
const arr = (items) => ({ t: "a", v: items });

// ---- interesting things --------------------------------------------------------------------

const NUMBERS = [
  "0", "-0", "1", "-1", "2", "3", "7", "255", "256", "65535", "65536", "2147483647", "2147483648", "-2147483649",
  "4294967295", "4294967296", "9007199254740991", "9007199254740993", "-9007199254740993", "1e15", "1e21", "1e308", "-1e308",
  "1e999", "5e-324", "0.5", "1.5", "-1.5", "1e-7", "10000", "100000", "1000000", "99999999",
];
const KEYS = [
  "__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__", "length", "0", "1", "-1", "",
  "id", "type", "name", "attributes", "entries", "data", "value", "field", "expr", "kind", "model", "attr", "new", "cols", "rollover",
  "patches", "events", "doc", "roots", "title", "shape", "dtype", "order", "array", "start", "stop", "step", "num_buffers", "msgid",
  "msgtype", "reqid", "x", "y", "selected", "indices", "polluted",
];
const TYPES = [
  "ref", "number", "array", "set", "map", "struct", "bytes", "slice", "typed_array", "ndarray", "object", "date", "symbol",
  "value", "field", "expr", "event", "Model", "__proto__", "constructor", "",
];
const KINDS = [
  "ModelChanged", "ColumnDataChanged", "ColumnsStreamed", "ColumnsPatched", "RootAdded", "RootRemoved", "TitleChanged", "MessageSent", "Nope",
];
const MSGTYPES = [
  "ACK", "OK", "ERROR", "PULL-DOC-REQ", "PULL-DOC-REPLY", "PUSH-DOC", "PATCH-DOC", "SERVER-INFO-REQ", "SERVER-INFO-REPLY", "FOO", "",
];
const DTYPES = ["uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64", "bool", "object", "float16", "int64", "__proto__"];
const STRINGS = [
  '""', '"__proto__"', '"constructor"', '"toString"', '"nan"', '"+inf"', '"-inf"', '"little"', '"big"', '"\\u0000inline:0"', '"\\u0000blob:x:1"',
  '"AAAA"', '"AA=="', '"!!!!"', '"\\ud800"', '"é€😀"', '"1970-01-01T00:00:00Z"', '"screen"', '"p1001"',
];

// Large raw nodes are built once per shape (they are immutable).
const bigNodes = new Map();
function cached(key, build) {
  let node = bigNodes.get(key);
  if (node === undefined) {
    node = raw(build());
    bigNodes.set(key, node);
  }
  return node;
}

function deepArray(depth) {
  return cached(`a${depth}`, () => "[".repeat(depth) + "]".repeat(depth));
}
function deepObject(depth) {
  return cached(`o${depth}`, () => '{"a":'.repeat(depth) + "1" + "}".repeat(depth));
}
function deepRep(depth, type) {
  // Bokeh reps nested in each other: [{"type":"array","entries":[...]}] and friends.
  const open = type === "map" ? '{"type":"map","entries":[["k",' : type === "set" ? '{"type":"set","entries":[' : '{"type":"array","entries":[';
  const close = type === "map" ? "]]}" : "]}";
  return cached(`r${type}${depth}`, () => open.repeat(depth) + "1" + close.repeat(depth));
}
function longString(rng) {
  const n = rng.weighted([[20, 100], [10, 5000], [4, 70000], [2, 300000], [1, 1200000]]);
  const ch = rng.pick(["a", "\\\\", "\\u0000", "é", "\\ud83d\\ude00", "\\\"", "A"]);
  return cached(`s${n}${ch}`, () => `"${ch.repeat(Math.ceil(n / ch.length))}"`);
}
function bigList(rng) {
  const n = rng.weighted([[12, 1000], [3, 50000], [1, 300000]]);
  const item = rng.pick(["0", "1.5", "null", '"x"', "[]", "{}"]);
  return cached(`l${n}${item}`, () => `[${new Array(n).fill(item).join(",")}]`);
}

function interestingNode(rng, tree) {
  switch (rng.int(14)) {
    case 0:
    case 1:
      return raw(rng.pick(NUMBERS));
    case 2:
      return raw(rng.pick(STRINGS));
    case 3:
      return raw(rng.pick(["null", "true", "false", "{}", "[]", "[[]]", "[null]", '{"id":null}']));
    case 4:
      return deepArray(rng.weighted([[8, 64], [4, 2000], [4, 10000], [2, 50000], [1, 300000]]));
    case 5:
      return deepObject(rng.weighted([[8, 64], [4, 2000], [4, 10000], [1, 50000]]));
    case 6:
      return deepRep(rng.weighted([[8, 64], [4, 1000], [4, 5000], [1, 20000]]), rng.pick(["array", "set", "map"]));
    case 7:
      return longString(rng);
    case 8:
      return bigList(rng);
    case 9:
      return raw(`{"type":${JSON.stringify(rng.pick(TYPES))}}`);
    case 10:
      return raw(rng.pick([
        '{"type":"slice","start":0,"stop":1,"step":0}',
        '{"type":"slice","start":-9007199254740993,"stop":9007199254740993,"step":1}',
        '{"type":"object","name":"","id":"fz"}',
        '{"type":"object","name":"ColumnDataSource","id":"fz","attributes":{"data":{"type":"map","entries":[["x",null]]}}}',
        '{"type":"ndarray","array":{"type":"bytes","data":"AAAAAAAAAAA="},"shape":[1000000000,0],"dtype":"uint8"}',
        '{"type":"ndarray","array":[],"shape":[1000000000],"dtype":"object"}',
        '{"type":"ndarray","array":{"type":"bytes","data":"AAAA"},"shape":[3],"dtype":"float64","order":"big"}',
        '{"type":"typed_array","array":{"type":"bytes","data":{"id":"\\u0000inline:0"}},"dtype":"float32"}',
        '{"type":"bytes","data":{"id":"__proto__"}}',
        '{"type":"date","iso":"not a date"}',
        '{"type":"map","entries":[["__proto__",{"polluted":1}],["constructor",{"prototype":{"polluted":1}}]]}',
        '{"type":"map","entries":[[{"type":"number","value":"nan"},1],[[1],2]]}',
        '{"type":"set","entries":[{"type":"set"},{"type":"map"}]}',
        '{"type":"value","value":1,"__proto__":{"polluted":1}}',
        '{"type":"number","value":"-inf"}',
        '{"__proto__":{"polluted":1}}',
        '{"id":"constructor"}',
      ]));
    case 11:
      return copyOfRandomNode(rng, tree);
    case 12:
      return wrap(rng, copyOfRandomNode(rng, tree));
    default:
      return raw(String(rng.u32() * (rng.chance(0.5) ? 1 : -1)));
  }
}

function copyOfRandomNode(rng, tree) {
  return nodeAt(tree, rng.int(size(tree)));
}

function wrap(rng, node) {
  switch (rng.int(9)) {
    case 0:
      return arr([node]);
    case 1:
      return obj([["type", raw('"array"')], ["entries", arr([node])]]);
    case 2:
      return obj([["type", raw('"set"')], ["entries", arr([node, node])]]);
    case 3:
      return obj([["type", raw('"map"')], ["entries", arr([arr([node, node])])]]);
    case 4:
      return obj([["type", raw('"value"')], ["value", node]]);
    case 5:
      return obj([["type", raw('"object"')], ["name", raw('"FuzzModel"')], ["id", raw(JSON.stringify(`fz${rng.int(4)}`))], ["attributes", obj([["a", node]])]]);
    case 6:
      return obj([["type", raw('"ndarray"')], ["array", node], ["shape", arr([raw(rng.pick(NUMBERS))])], ["dtype", raw(JSON.stringify(rng.pick(DTYPES)))]]);
    case 7:
      return obj([["type", raw('"slice"')], ["start", node], ["stop", raw("null")], ["step", raw(rng.pick(["null", "0", "1", "-1"]))]]);
    default:
      return obj([["type", raw('"object"')], ["name", raw('"X"')], ["attributes", obj([["x", node]])]]);
  }
}

/** One structure-aware mutation of a JSON tree; returns the new tree. */
function mutateTree(rng, tree) {
  const count = size(tree);
  const index = rng.int(count);
  const target = nodeAt(tree, index);
  const op = rng.int(12);
  switch (op) {
    case 0:
    case 1:
    case 2:
      return replaceAt(tree, index, () => interestingNode(rng, tree));
    case 3: // rename a key
      if (target.t !== "o" || target.e.length === 0) return replaceAt(tree, index, () => interestingNode(rng, tree));
      return replaceAt(tree, index, (n) => {
        const e = n.e.slice();
        const i = rng.int(e.length);
        e[i] = [rng.pick(KEYS), e[i][1]];
        return obj(e);
      });
    case 4: // duplicate a key with another value (JSON.parse keeps the last)
      if (target.t !== "o" || target.e.length === 0) return tree;
      return replaceAt(tree, index, (n) => {
        const e = n.e.slice();
        const [key, value] = e[rng.int(e.length)];
        const other = rng.chance(0.5) ? interestingNode(rng, tree) : value;
        if (rng.chance(0.5)) e.push([key, other]);
        else e.unshift([key, other]);
        return obj(e);
      });
    case 5: // delete an entry or item
      if (target.t === "o" && target.e.length > 0) {
        const drop = rng.int(target.e.length);
        return replaceAt(tree, index, (n) => obj(n.e.filter((_, i) => i !== drop)));
      }
      if (target.t === "a" && target.v.length > 0) {
        const drop = rng.int(target.v.length);
        return replaceAt(tree, index, (n) => arr(n.v.filter((_, i) => i !== drop)));
      }
      return tree;
    case 6: // add an entry or item
      if (target.t === "o") return replaceAt(tree, index, (n) => obj([...n.e, [rng.pick(KEYS), interestingNode(rng, tree)]]));
      if (target.t === "a") {
        const item = rng.chance(0.5) && target.v.length > 0 ? rng.pick(target.v) : interestingNode(rng, tree);
        return replaceAt(tree, index, (n) => arr([...n.v.slice(0, rng.int(n.v.length + 1)), item, ...n.v.slice(rng.int(n.v.length + 1))]));
      }
      return tree;
    case 7: // numbers: off by one, sign, scale, huge
      if (target.t === "r" && /^-?\d/.test(target.s)) {
        const n = Number(target.s);
        const next = rng.pick([n + 1, n - 1, -n, n * 2, n * 1e9, Math.floor(n / 2), 2 ** 53 + 1, 2 ** 32, -1, 0]);
        return replaceAt(tree, index, () => raw(Number.isFinite(next) ? String(next) : "1e999"));
      }
      return replaceAt(tree, index, () => raw(rng.pick(NUMBERS)));
    case 8: // strings: another string of the same message (ids!), empty, escaped...
      if (target.t === "r" && target.s.startsWith('"')) {
        const strings = [];
        for (let i = 0; i < 8; i++) {
          const n = nodeAt(tree, rng.int(count));
          if (n.t === "r" && n.s.startsWith('"')) strings.push(n.s);
        }
        return replaceAt(tree, index, () => raw(strings.length > 0 && rng.chance(0.5) ? rng.pick(strings) : rng.pick(STRINGS)));
      }
      return tree;
    case 9: // type / kind / dtype / msgtype / num_buffers tags
      if (target.t === "o") {
        return replaceAt(tree, index, (n) => {
          const e = n.e.slice();
          const i = e.findIndex(([k]) => ["type", "kind", "dtype", "msgtype", "num_buffers", "order", "shape", "name", "id"].includes(k));
          const key = i >= 0 ? e[i][0] : rng.pick(["type", "num_buffers", "kind"]);
          const value =
            key === "type" ? raw(JSON.stringify(rng.pick(TYPES))) :
            key === "kind" ? raw(JSON.stringify(rng.pick(KINDS))) :
            key === "dtype" ? raw(JSON.stringify(rng.pick(DTYPES))) :
            key === "msgtype" ? raw(JSON.stringify(rng.pick(MSGTYPES))) :
            key === "order" ? raw(rng.pick(['"big"', '"little"', '"middle"', "null"])) :
            key === "shape" ? raw(rng.pick(["[]", "[0]", "[1,1]", "[2,2]", "[-1]", "[1.5]", "[1e9,1e9]", '["2"]', "null"])) :
            key === "num_buffers" ? raw(rng.pick(["0", "1", "2", "3", "4", "-1", "1.5", '"1"', "null", "65", "1e9", "9007199254740993"])) :
            raw(rng.pick(STRINGS));
          if (i >= 0) e[i] = [key, value];
          else e.push([key, value]);
          return obj(e);
        });
      }
      return tree;
    case 10: // wrap
      return replaceAt(tree, index, (n) => wrap(rng, n));
    default: // swap two subtrees
      {
        const other = copyOfRandomNode(rng, tree);
        return replaceAt(tree, index, () => other);
      }
  }
}

// ---- byte level ------------------------------------------------------------------------------

const TOKENS = [
  '"__proto__":', '"constructor":', '{"type":"bytes","data":"', '"}', "\\u0000", "\\", '"', ",", ":", "[", "]", "{", "}", "1e999", "-", "NaN",
  "Infinity", "\\ud800", "😀", "\u0000", "null", '{"id":"', "true", " ", "\n",
].map((t) => utf8(t));
const BYTES = [0x00, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x30, 0x39, 0x2d, 0x80, 0xbf, 0xc0, 0xc3, 0xed, 0xef, 0xf4, 0xf5, 0xff, 0x0a];

function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function mutateBytes(rng, bytes, pool) {
  const n = bytes.byteLength;
  const at = rng.int(n + 1);
  switch (rng.int(10)) {
    case 0: { // bit flips
      const out = bytes.slice();
      for (let k = rng.range(1, 4); k > 0 && n > 0; k--) out[rng.int(n)] ^= 1 << rng.int(8);
      return out;
    }
    case 1: { // interesting byte
      if (n === 0) return Uint8Array.of(rng.pick(BYTES));
      const out = bytes.slice();
      out[rng.int(n)] = rng.pick(BYTES);
      return out;
    }
    case 2: // insert random bytes
      return concat(bytes.subarray(0, at), rng.bytes(rng.range(1, 8)), bytes.subarray(at));
    case 3: { // delete a range
      const len = rng.range(1, Math.max(1, Math.min(64, n - at)));
      return concat(bytes.subarray(0, at), bytes.subarray(Math.min(n, at + len)));
    }
    case 4: // truncate
      return bytes.subarray(0, rng.int(n));
    case 5: { // duplicate a chunk
      const len = rng.range(1, Math.max(1, Math.min(256, n - at)));
      const chunk = bytes.subarray(at, at + len);
      const where = rng.int(n + 1);
      return concat(bytes.subarray(0, where), chunk, bytes.subarray(where));
    }
    case 6: { // splice a chunk of another frame
      const other = rng.pick(pool).bytes;
      const from = rng.int(other.byteLength + 1);
      const chunk = other.subarray(from, from + rng.range(1, 512));
      const cut = rng.int(n + 1);
      return concat(bytes.subarray(0, at), chunk, bytes.subarray(Math.max(at, cut)));
    }
    case 7: // token
    case 8:
      return concat(bytes.subarray(0, at), rng.pick(TOKENS), bytes.subarray(at));
    default: { // head of one frame + tail of another
      const other = rng.pick(pool).bytes;
      return concat(bytes.subarray(0, at), other.subarray(rng.int(other.byteLength + 1)));
    }
  }
}

// ---- frame level ----------------------------------------------------------------------------

const treeCache = new WeakMap();

function parsedTree(frame) {
  if (frame.tree !== undefined) return frame.tree;
  const bytes = frame.bytes;
  let tree = treeCache.get(bytes);
  if (tree === undefined) {
    try {
      tree = treeOf(JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8")));
    } catch {
      tree = null;
    }
    treeCache.set(bytes, tree);
  }
  return tree;
}

/** Caches the parsed trees of a pool of (immutable) frames. */
export function warmTrees(frames) {
  for (const f of frames) if (f.kind === "text") parsedTree(f);
}

function mutateFrameContent(rng, frame, pool) {
  if (frame.kind === "text" && rng.chance(0.6)) {
    const tree = parsedTree(frame);
    if (tree !== null) {
      let next = tree;
      for (let k = rng.chance(0.3) ? 2 : 1; k > 0; k--) next = mutateTree(rng, next);
      return { kind: frame.kind, asString: frame.asString, bytes: utf8(treeText(next)), tree: next };
    }
  }
  return { kind: frame.kind, asString: frame.asString, bytes: mutateBytes(rng, frame.bytes, pool) };
}

/**
 * Applies 1..8 mutations to `frames` (a list that is not modified).
 * `pool` holds frames of every recorded message, for splicing.
 */
export function mutateFrames(rng, frames, pool) {
  let out = frames.slice();
  const rounds = 1 + (rng.chance(0.5) ? 0 : rng.chance(0.5) ? 1 : rng.range(2, 7));
  for (let r = 0; r < rounds; r++) {
    const i = rng.int(out.length);
    const choice = out.length === 0 ? 9 : rng.weighted([[60, 0], [6, 1], [4, 2], [4, 3], [5, 4], [5, 5], [4, 6], [4, 7], [3, 8], [3, 9], [2, 10]]);
    switch (choice) {
      case 0: // mutate one frame's bytes / JSON
        out[i] = mutateFrameContent(rng, out[i], pool);
        break;
      case 1: // drop a frame
        out.splice(i, 1);
        break;
      case 2: // duplicate a frame
        out.splice(i, 0, out[i]);
        break;
      case 3: { // swap two frames
        const j = rng.int(out.length);
        [out[i], out[j]] = [out[j], out[i]];
        break;
      }
      case 4: // replace a frame by one of another message
        out[i] = rng.pick(pool);
        break;
      case 5: // insert a frame of another message
        out.splice(rng.int(out.length + 1), 0, rng.pick(pool));
        break;
      case 6: // text <-> binary
        out[i] = { kind: out[i].kind === "text" ? "binary" : "text", bytes: out[i].bytes, tree: out[i].tree };
        break;
      case 7: // text frame as a JS string instead of bytes
        if (out[i].kind === "text") out[i] = { kind: "text", bytes: utf8(Buffer.from(out[i].bytes).toString("utf8")), asString: !out[i].asString, tree: out[i].tree };
        break;
      case 8: // truncate the frame list
        out = out.slice(0, i);
        break;
      case 9: // append frames of other messages (a second message, or garbage after this one)
        for (let k = rng.range(1, 6); k > 0; k--) out.push(rng.pick(pool));
        break;
      default: { // splice: head of this sequence, tail of another message's frames
        const tail = [];
        for (let k = rng.range(1, 4); k > 0; k--) tail.push(rng.pick(pool));
        out = [...out.slice(0, i), ...tail];
      }
    }
  }
  return out;
}
