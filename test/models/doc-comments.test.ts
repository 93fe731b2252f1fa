// The generated classes and their doc comments agree with the catalogs as the run time reads
// them (catalog.ts: the base version's entries with each version's differences applied; a path
// of its own, apart from the generator's): a class or property that some versions lack says in
// exactly which versions it exists, and a default that differs by version lists each version
// with its own default.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { isKnownType, versionsWithType, type CatalogVersion } from "../../src/models/catalog.js";
import { CATALOG_VERSIONS } from "../../src/models/generated/catalog-data.js";
import * as models from "../../src/models/index.js";
import { modelInfo } from "../../src/models/model-info.js";

const DIR = "src/models/generated";
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(join(DIR, f), "utf8"));

/** "3.7.3, 3.8.2 and 3.9.2" -> the versions. */
function versionList(text: string): string[] {
  return text.split(/, | and /).map((v) => v.trim());
}

const ONLY_IN = /^Only in Bokeh (.+?) \(not (.+?)\)\./;

/** The Bokeh type of a generated class, by its name. */
function typeOfClass(name: string): string {
  const cls = (models as Record<string, unknown>)[name] as { modelType?: string } | undefined;
  if (cls?.modelType === undefined) throw new Error(`no class ${name}`);
  return cls.modelType;
}

/** The versions in which model `type` has property `attr` (internal ones too: they exist). */
function versionsWithProperty(type: string, attr: string): CatalogVersion[] {
  return versionsWithType(type).filter((v) => modelInfo(type, v).properties.has(attr));
}

interface Member {
  iface: string;
  bases: string[];
  attr: string;
  doc: string;
}

/** Every documented member (`/** doc *\/` then `get attr()` or `attr?:`) of every interface. */
function documentedMembers(): Member[] {
  const out: Member[] = [];
  for (const text of files) {
    for (const block of text.matchAll(/^export interface (\w+)(?: extends ([^{]+))? \{\n([\s\S]*?)^\}/gm)) {
      const [, iface, bases = "", body = ""] = block;
      for (const member of body.matchAll(/^ {2}\/\*\* (.*) \*\/\n {2}(?:get (\w+)\(|"?([\w$]+)"?\??: )/gm)) {
        out.push({ iface: iface!, bases: bases.split(",").map((b) => b.trim().replace(/^Omit<(\w+),.*$/, "$1")), attr: (member[2] ?? member[3])!, doc: member[1]! });
      }
    }
  }
  return out;
}

/** The classes whose accessor (or attributes) interface is `iface` or extends it (a shared mixin). */
function modelsOf(iface: string, all: Member[], extendsOf: Map<string, string[]>): string[] {
  const name = iface.replace(/Attributes$/, "");
  if (!name.endsWith("Mixin")) return [typeOfClass(name)];
  const users = [...extendsOf].filter(([, bases]) => bases.includes(iface)).map(([user]) => user.replace(/Attributes$/, ""));
  void all;
  return users.map(typeOfClass);
}

test("class doc comments name exactly the versions that have the model", () => {
  let checked = 0;
  let partial = 0;
  for (const text of files) {
    for (const [, doc, name] of text.matchAll(/^\/\*\* (Bokeh's .*) \*\/\nexport (?:abstract )?class (\w+) extends/gm)) {
      const type = typeOfClass(name!);
      const have = versionsWithType(type);
      const only = / Only in Bokeh (.+?) \(not (.+?)\)\.$/.exec(doc!);
      if (only === null) expect(have, name).toEqual([...CATALOG_VERSIONS]);
      else {
        partial++;
        expect(versionList(only[1]!), name).toEqual(have);
        expect(versionList(only[2]!), name).toEqual(CATALOG_VERSIONS.filter((v) => !have.includes(v)));
      }
      checked++;
    }
  }
  const classes = Object.values(models).filter((v) => typeof v === "function" && "modelType" in v && v !== models.TypedModel);
  expect(checked).toBe(new Set(classes).size);
  expect(partial).toBeGreaterThanOrEqual(9); // TimedeltaAxis, ..., Markdown, LightDark
});

test("property doc comments name exactly the versions that have the property, and each version's default", () => {
  const members = documentedMembers();
  const extendsOf = new Map<string, string[]>();
  for (const text of files) {
    for (const [, iface, bases] of text.matchAll(/^export interface (\w+) extends ([^{]+) \{/gm)) {
      extendsOf.set(iface!, bases!.split(",").map((b) => b.trim().replace(/^Omit<(\w+),.*$/, "$1")));
    }
  }
  const defaultOf = (type: string, attr: string, v: CatalogVersion) => JSON.stringify(modelInfo(type, v).properties.get(attr)?.default);
  let checked = 0;
  let partial = 0;
  let perVersion = 0;
  for (const { iface, attr, doc } of members) {
    for (const type of modelsOf(iface, members, extendsOf)) {
      const where = `${iface}.${attr} (${type})`;
      const modelVersions = versionsWithType(type);
      const have = versionsWithProperty(type, attr);
      const only = ONLY_IN.exec(doc);
      if (only === null) {
        expect(have, where).toEqual(modelVersions);
      } else {
        partial++;
        expect(versionList(only[1]!), where).toEqual(have);
        expect(versionList(only[2]!), where).toEqual(CATALOG_VERSIONS.filter((v) => !have.includes(v)));
      }
      checked++;
      if (iface.endsWith("Attributes")) continue; // attributes say where, not the default
      const defaults = /Default: (.+ in Bokeh .+)\.$/.exec(doc);
      if (defaults === null) {
        // one default for every version of this model
        expect(new Set(have.map((v) => defaultOf(type, attr, v))).size, where).toBe(1);
        continue;
      }
      perVersion++;
      const groups = defaults[1]!.split("; ").map((group) => versionList(/ in (?:Bokeh )?([\d., a-z-]+)$/.exec(group)![1]!));
      expect(groups.flat().sort(), where).toEqual([...have].sort());
      const keys = groups.map((group) => new Set(group.map((v) => defaultOf(type, attr, v as CatalogVersion))));
      for (const key of keys) expect(key.size, `${where}: one default per group`).toBe(1);
      expect(new Set(keys.map((k) => [...k][0])).size, `${where}: groups differ`).toBe(groups.length);
    }
  }
  expect(checked).toBeGreaterThan(2000);
  expect(partial).toBeGreaterThan(50); // border_line_*, limit, hidpi, *_text_outline_width, ...
  expect(perVersion).toBeGreaterThanOrEqual(2); // FactorRange.start and end
  // the run time knows every property the classes declare, in some version
  for (const { iface, attr } of members) {
    if (iface.endsWith("Mixin") || iface.endsWith("MixinAttributes")) continue;
    const type = typeOfClass(iface.replace(/Attributes$/, ""));
    expect(CATALOG_VERSIONS.some((v) => isKnownType(type, v) && modelInfo(type, v).properties.has(attr)), `${type}.${attr}`).toBe(true);
  }
});

test("every generated declaration has a doc comment: members, accessors (getter and setter), struct fields, enums", () => {
  let members = 0;
  const declarations = readdirSync(DIR)
    .filter((f) => f.endsWith(".ts") && !["catalog-data.ts", "classes.ts", "index.ts"].includes(f)) // run-time data and lists
    .map((f) => readFileSync(join(DIR, f), "utf8"));
  for (const text of declarations) {
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      // a member of an interface or object type: `  get x(): T;`, `  set x(value: T);`, `  x?: T;`, `    /** ... */ field: T;`, `export type E = ...`
      const declaration = /^ {2}(?:get |set )?"?[\w$]+"?\??[(:<]/.test(line) || /^export type /.test(line);
      if (!declaration || /^ {2}(?:constructor|static|super)\b/.test(line)) return;
      members++;
      expect(lines[i - 1]!.trim(), `${line.trim()} (line ${i + 1})`).toMatch(/\*\/$/); // the end of a doc comment
    });
    // object type fields (structs): `    /** `x`: Bokeh type `Int`. */ x?: number;`
    for (const field of text.matchAll(/^ {4}(\/\*\*.*?\*\/ )?"?[\w$]+"?\??: .*;$/gm)) {
      members++;
      expect(field[1], `${field[0]}: a struct field starts with its doc comment`).toMatch(/^\/\*\* `[\w$]+`: Bokeh type `.+`\. \*\/ $/);
    }
  }
  expect(members).toBeGreaterThan(5000);
  const layouts = files.find((text) => text.includes("export abstract class LayoutDOM "))!;
  expect(layouts).toContain("  /** Bokeh type `Nullable(Number)`. Default: null. */\n  get width(): number | null;\n  /** Sets `width` (a `ValidationError` if the value does not fit). */\n  set width(");
  const annotations = files.find((text) => text.includes("export class Legend "))!;
  expect(annotations).toContain("    /** `x`: Bokeh type `NonNegative(Int)`. */ x?: number;\n");
});
