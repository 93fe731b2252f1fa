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
