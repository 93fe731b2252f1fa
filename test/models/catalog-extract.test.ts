// Checks src/models/catalog.json: known facts, agreement with BokehJS itself, agreement
// with documents Python Bokeh serialized, and that it is up to date with the installed
// @bokeh/bokehjs (the "stale catalog" check CI relies on).
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  CATALOG_PATH,
  buildCatalog,
  formatCatalog,
  type Catalog,
  type CatalogModel,
  type CatalogProperty,
  type DefaultDescriptor,
} from "../../scripts/gen-models/extract.mjs";
import { loadBokehJS, type LoadedBokehJS } from "../../scripts/gen-models/load-bokehjs.mjs";

const catalogText = readFileSync(CATALOG_PATH, "utf8");
const catalog = JSON.parse(catalogText) as Catalog;
const models = catalog.models;

function model(name: string): CatalogModel {
  const m = models[name];
  if (m === undefined) throw new Error(`no model ${name} in the catalog`);
  return m;
}

/** The definition of `attr` for model `name`, searching its bases. */
function property(name: string, attr: string): CatalogProperty | undefined {
  for (const key of [name, ...model(name).bases]) {
    const p = model(key).properties[attr];
    if (p !== undefined) return p;
  }
  return undefined;
}

/** The effective default of `attr` for model `name`: the nearest override or definition. */
function effectiveDefault(name: string, attr: string): DefaultDescriptor | undefined {
  for (const key of [name, ...model(name).bases]) {
    const m = model(key);
    const override = m.overrides?.[attr]?.default;
    if (override !== undefined) return override;
    const p = m.properties[attr];
    if (p !== undefined) return p.default;
  }
  return undefined;
}

function hasAttribute(name: string, attr: string): boolean {
  return [name, ...model(name).bases].some((key) => attr in model(key).properties || attr in (model(key).aliases ?? {}));
}

test("catalog counts and known facts", () => {
  expect(catalog.bokehjs_version).toMatch(/^\d+\.\d+\.\d+/);
  const all = Object.values(models);
  expect(all.filter((m) => m.registered).length).toBeGreaterThanOrEqual(350);
  expect(all.reduce((n, m) => n + Object.keys(m.properties).length, 0)).toBeGreaterThanOrEqual(2000);

  // Plot.width is defined on LayoutDOM; Plot overrides its default.
  expect(property("Plot", "width")?.kind).toEqual({ kind: "Nullable", type: { kind: "Number" } });
  expect(model("LayoutDOM").properties.width).toBeDefined();
  expect(model("Plot").overrides?.width?.default).toEqual({ type: "plain", value: 600 });
  expect(effectiveDefault("Plot", "width")).toEqual({ type: "plain", value: 600 });
  expect(effectiveDefault("LayoutDOM", "width")).toEqual({ type: "plain", value: null });

  expect(model("Plot").properties.x_range?.default).toEqual({ type: "model", name: "DataRange1d", attributes: {} });
  expect(model("Plot").properties.x_range?.kind).toEqual({ kind: "Ref", model: "Range" });
  expect(model("GMapPlot").overrides?.x_range?.default).toMatchObject({ type: "model", name: "Range1d" });
  expect(model("Plot").properties.title?.default).toEqual({
    type: "model",
    name: "Title",
    attributes: { text: { type: "plain", value: "" } },
  });

  const data = model("ColumnDataSource").properties.data;
  expect(data?.kind.kind).toMatch(/^(Dict|Map)$/);
  expect(data?.default).toEqual({ type: "mutable", value: { type: "map" } });

  // Slider defines nothing itself: start/end/step come from BaseNumericalSlider, value from AbstractSlider.
  for (const attr of ["start", "end", "value", "step"]) expect(hasAttribute("Slider", attr), attr).toBe(true);
  expect(Object.keys(model("BaseNumericalSlider").properties)).toEqual(expect.arrayContaining(["start", "end", "step"]));
  expect(model("Slider").bases).toContain("AbstractSlider");

  const align = property("Title", "align")?.kind;
  expect(align?.kind).toBe("Enum");
  expect(align?.values).toEqual(expect.arrayContaining(["left", "center", "right"]));

  // dataspecs, mixins, abstract bases
  const lineWidth = property("Line", "line_width");
  expect(lineWidth?.kind).toMatchObject({ kind: "Spec", spec: "NumberScalar", value_type: { kind: "Number" } });
  expect(lineWidth?.mixin).toEqual({ group: "LineScalar", prefix: "" });
  expect(effectiveDefault("Line", "line_width")).toEqual({ type: "plain", value: { type: "value", value: 1 } });
  expect(property("Circle", "x")?.default).toEqual({ type: "plain", value: { type: "field", field: "x" } });
  expect(property("AnnularWedge", "start_angle")?.kind).toMatchObject({ spec: "AngleSpec", units: { default: "rad" } });
  expect(model("Plot").properties.border_fill_color?.mixin).toEqual({ group: "Fill", prefix: "border_" });
  expect(model("XYGlyph")).toMatchObject({ abstract: true, registered: false });
  expect(model("Glyph")).toMatchObject({ abstract: true });
  expect(model("Plot").abstract).toBe(false);
  expect(effectiveDefault("BoxAnnotation", "max_width")).toEqual({ type: "plain", value: { type: "number", value: "+inf" } });
});

test("every reference in the catalog resolves", () => {
  const refs = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object") {
      const v = value as Record<string, unknown>;
      if (v.kind === "Ref") refs.add(v.model as string);
      if (v.type === "model") refs.add(v.name as string);
      Object.values(v).forEach(walk);
    }
  };
  walk(models);
  for (const [name, m] of Object.entries(models)) {
    for (const base of m.bases) refs.add(base);
    expect(m.bases.at(-1) ?? name, name).toBe("Model");
  }
  for (const ref of refs) expect(models, ref).toHaveProperty([ref]);
});

test("models in documents serialized by Python Bokeh are in the catalog", () => {
  const dir = "test/fixtures/bokeh-3.7";
  const seen = new Map<string, Set<string>>();
  const walk = (value: unknown): void => {
    if (typeof value === "string" && value.startsWith("{")) {
      try {
        walk(JSON.parse(value));
      } catch {
        // not JSON
      }
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object") {
      const v = value as Record<string, unknown>;
      if (v.type === "object" && typeof v.name === "string" && typeof v.id === "string") {
        const attrs = seen.get(v.name) ?? new Set<string>();
        for (const attr of Object.keys((v.attributes as object | undefined) ?? {})) attrs.add(attr);
        seen.set(v.name, attrs);
      }
      Object.values(v).forEach(walk);
    }
  };
  for (const file of readdirSync(dir)) if (file.endsWith(".json")) walk(JSON.parse(readFileSync(`${dir}/${file}`, "utf8")));
  seen.delete("UnknownToServer"); // f01_error_push_unknown_model_type: deliberately not a Bokeh model
  expect(seen.size).toBeGreaterThan(20);
  for (const [name, attrs] of seen) {
    expect(model(name).registered, name).toBe(true);
    expect(model(name).abstract, name).toBe(false);
    for (const attr of attrs) expect(hasAttribute(name, attr), `${name}.${attr}`).toBe(true);
  }
});

// ---------------------------------------------------------------------------
// Against BokehJS itself

let bokeh: LoadedBokehJS;
beforeAll(() => {
  bokeh = loadBokehJS();
});
afterAll(() => {
  bokeh?.dispose();
});

const SAMPLE = ["Plot", "Range1d", "Slider", "Div", "Line", "GlyphRenderer", "Title", "LinearAxis", "ColumnDataSource", "Button"];

test("catalog defaults match fresh BokehJS models", () => {
  const { Models } = bokeh.Bokeh.require("base");
  const { HasProps } = bokeh.Bokeh.require("core/has_props");
  const { Serializer } = bokeh.Bokeh.require("core/serialization");
  const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(new Serializer().encode(value)));

  const check = (value: unknown, desc: DefaultDescriptor, where: string): void => {
    switch (desc.type) {
      case "model":
        expect(value, where).toBeInstanceOf(HasProps);
        expect((value as { type: string }).type, where).toBe(desc.name);
        break;
      case "list":
        expect(Array.isArray(value), where).toBe(true);
        expect((value as unknown[]).length, where).toBe(desc.items.length);
        desc.items.forEach((item, i) => check((value as unknown[])[i], item, `${where}[${i}]`));
        break;
      case "none":
        throw new Error("unreachable");
      default:
        expect(value instanceof HasProps, where).toBe(false);
        expect(wire(value), where).toEqual(desc.value);
    }
  };

  let compared = 0;
  for (const name of SAMPLE) {
    const cls = Models.get(name);
    const obj = new cls();
    const attrs: string[] = [];
    for (const prop of obj) {
      const where = `${name}.${prop.attr}`;
      const desc = effectiveDefault(name, prop.attr);
      expect(desc, where).toBeDefined();
      if (desc === undefined) continue;
      attrs.push(prop.attr);
      if (desc.type === "none") {
        expect(prop.is_unset, where).toBe(true);
      } else {
        expect(prop.is_unset, where).toBe(false);
        check(prop.get_value(), desc, where);
      }
      compared++;
    }
    // the catalog knows exactly the properties bokehjs creates (aliases excepted)
    const known = new Set<string>();
    for (const key of [name, ...model(name).bases]) for (const attr of Object.keys(model(key).properties)) known.add(attr);
    expect([...known].sort(), name).toEqual(attrs.sort());
  }
  expect(compared).toBeGreaterThan(350);
});

test("committed catalog is up to date with the installed bokehjs", () => {
  const { catalog: fresh } = buildCatalog();
  expect(fresh.bokehjs_version).toBe(bokeh.version);
  if (formatCatalog(fresh) !== catalogText) {
    // deep comparison first, for a readable diff
    expect(fresh).toEqual(catalog);
    expect.fail("src/models/catalog.json is stale (formatting); run: node scripts/gen-models/extract.mjs");
  }
});
