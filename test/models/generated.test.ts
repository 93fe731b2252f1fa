// The committed generated TypeScript (src/models/generated) is what the generator makes
// from the committed catalog (the "stale generated code" check, like catalog-extract's).
import { expect, test } from "vitest";
import { generateModels, readCatalog, staleFiles } from "../../scripts/gen-models/generate.mjs";
import * as models from "../../src/models/index.js";

test("committed generated code is up to date with the catalog", () => {
  const catalog = readCatalog();
  const files = generateModels(catalog);
  expect(files.size).toBeGreaterThan(30);
  expect(staleFiles(files), "run: node scripts/gen-models/generate.mjs").toEqual([]);
  // deterministic: a second run gives the same bytes
  expect(generateModels(catalog)).toEqual(files);
});

test("a class for every catalog model, registered under its wire name", () => {
  const catalog = readCatalog();
  const classes = Object.values(models).filter(
    (v): v is typeof models.TypedModel => typeof v === "function" && v.prototype instanceof models.TypedModel,
  );
  const byType = new Map(classes.map((cls) => [cls.modelType, cls]));
  expect(byType.size).toBe(Object.keys(catalog.models).length);
  for (const [name, entry] of Object.entries(catalog.models)) {
    const cls = byType.get(name);
    expect(cls, name).toBeDefined();
    if (entry.registered && !entry.abstract) {
      const made = models.TypedModel.create(name, "x1");
      expect(made, name).toBeInstanceOf(cls as typeof models.TypedModel);
      expect(made.type).toBe(name);
    }
  }
  // naming rules for names that are not identifiers or collide
  expect(models.BokehModel.modelType).toBe("Model");
  expect(models.DOMDiv.modelType).toBe("bokeh.models.dom.Div");
  expect(models.Div.modelType).toBe("Div");
  expect(models.DOMNode.modelType).toBe("bokeh.models.dom.DOMNode");
  expect(models.HTMLTextAnnotation.modelType).toBe("TextAnnotation@models/annotations/html/text_annotation");
  expect(models.TextAnnotation.modelType).toBe("TextAnnotation");
  expect(new models.Figure().type).toBe("Figure");
});

test("unknown types stay generic models", () => {
  const made = models.TypedModel.create("MyExtension", "x2");
  expect(made).not.toBeInstanceOf(models.TypedModel);
  expect(made.type).toBe("MyExtension");
});

test("catalog-data.ts is compared by its inflated content, not by deflate's bytes", async () => {
  const { deflateRawSync, inflateRawSync } = await import("node:zlib");
  const files = generateModels(readCatalog());
  const text = files.get("catalog-data.ts")!;
  const literal = /^export const CATALOG_DEFLATED: string =\n {2}"([^"]*)";$/m.exec(text)!;
  const entries = inflateRawSync(Buffer.from(literal[1]!, "base64")).toString("utf8");
  const withEntries = (json: string, level: number) =>
    new Map([...files, ["catalog-data.ts", text.replace(literal[1]!, deflateRawSync(Buffer.from(json, "utf8"), { level }).toString("base64"))]]);
  // Another zlib (or level) deflates the same entries differently: not stale.
  expect(staleFiles(withEntries(entries, 1))).toEqual([]);
  // One changed default inside the deflated entries: stale.
  const changed = entries.replace('"value":"default"', '"value":"changed"');
  expect(changed).not.toBe(entries);
  expect(staleFiles(withEntries(changed, 9))).toEqual(["catalog-data.ts"]);
});

test("accessors appear on a class and its bases with the first instance of any of them", () => {
  const figure = new models.Figure();
  figure.width = 321;
  expect(figure.width).toBe(321);
  const owner = (name: string): object | null => {
    for (let p: object | null = models.Figure.prototype; p !== null; p = Object.getPrototypeOf(p) as object | null) {
      if (Object.getOwnPropertyDescriptor(p, name) !== undefined) return p;
    }
    return null;
  };
  expect(owner("width")).toBe(models.LayoutDOM.prototype); // on the class that defines it, as hand-written accessors
  expect(owner("toolbar_location")).toBe(models.Plot.prototype);
  const innerWidth = Object.getOwnPropertyDescriptor(models.Plot.prototype, "inner_width");
  expect(innerWidth?.get).toBeTypeOf("function");
  expect(innerWidth?.set).toBeUndefined(); // read-only
});

test("catalog-data's declarations are small: the deflated catalog is typed `string`, not a literal type of its text", async () => {
  const { readFileSync } = await import("node:fs");
  const ts = (await import("typescript")).default;
  const source = readFileSync(new URL("../../src/models/generated/catalog-data.ts", import.meta.url), "utf8");
  // What `tsc --declaration` writes for the file (isolated declarations: from the file alone).
  const { outputText } = ts.transpileDeclaration(source, { compilerOptions: { declaration: true } });
  expect(outputText).toMatch(/^export declare const CATALOG_DEFLATED: string;$/m);
  expect(source.length).toBeGreaterThan(40_000);
  expect(outputText.length).toBeLessThan(10_000);
});
