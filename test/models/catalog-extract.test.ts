// Checks the per-version catalogs (src/models/catalogs): known facts in every version, what
// changed between versions, agreement with BokehJS itself (each version against its own
// package), agreement with documents Python Bokeh serialized, and that the committed files are
// up to date with the installed BokehJS packages (the "stale catalog" check CI relies on).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  extractCatalog,
  formatCatalog,
  staleCatalogFiles,
  type Catalog,
  type CatalogModel,
  type CatalogProperty,
  type DefaultDescriptor,
} from "../../scripts/gen-models/extract.mjs";
import { loadBokehJS } from "../../scripts/gen-models/load-bokehjs.mjs";
import { catalogFiles, readCatalogSet } from "../../scripts/gen-models/versions.mjs";
import { KNOWN_BOKEH_VERSIONS, LATEST_BOKEH_VERSION } from "../../src/protocol/version.js";

const set = readCatalogSet();
const versions = set.versions.map((v) => v.version);

function catalogOf(version: string): Catalog {
  const catalog = set.catalogs.get(version);
  if (catalog === undefined) throw new Error(`no catalog for ${version}`);
  return catalog;
}

/** Lookups in one version's catalog. */
function lookups(catalog: Catalog) {
  const model = (name: string): CatalogModel => {
    const m = catalog.models[name];
    if (m === undefined) throw new Error(`no model ${name} in the ${catalog.bokehjs_version} catalog`);
    return m;
  };
  /** The definition of `attr` for model `name`, searching its bases. */
  const property = (name: string, attr: string): CatalogProperty | undefined => {
    for (const key of [name, ...model(name).bases]) {
      const p = model(key).properties[attr];
      if (p !== undefined) return p;
    }
    return undefined;
  };
  /** The effective default of `attr` for model `name`: the nearest override or definition. */
  const effectiveDefault = (name: string, attr: string): DefaultDescriptor | undefined => {
    for (const key of [name, ...model(name).bases]) {
      const m = model(key);
      const override = m.overrides?.[attr]?.default;
      if (override !== undefined) return override;
      const p = m.properties[attr];
      if (p !== undefined) return p.default;
    }
    return undefined;
  };
  const hasAttribute = (name: string, attr: string): boolean =>
    [name, ...model(name).bases].some((key) => attr in model(key).properties || attr in (model(key).aliases ?? {}));
  return { model, property, effectiveDefault, hasAttribute };
}

test("one catalog per known Bokeh version; the base is the newest stable one", () => {
  expect(versions).toEqual([...KNOWN_BOKEH_VERSIONS]);
  expect(set.base).toBe(LATEST_BOKEH_VERSION);
  for (const { version, package: pkg } of set.versions) {
    expect(catalogOf(version).bokehjs_version).toBe(version);
    expect(pkg).toBe(`bokehjs-${version.split(".").slice(0, 2).join(".")}`);
  }
  // compact: one base and differences, not five copies
  const sizes = [...readdirSync("src/models/catalogs")].map((f) => readFileSync(`src/models/catalogs/${f}`, "utf8").length);
  const total = sizes.reduce((a, b) => a + b, 0);
  expect(total).toBeLessThan(1.2 * formatCatalog(catalogOf(set.base)).length);
});

describe.each(versions)("the %s catalog", (version) => {
  const catalog = catalogOf(version);
  const { model, property, effectiveDefault, hasAttribute } = lookups(catalog);

  test("counts and known facts", () => {
    const all = Object.values(catalog.models);
    expect(all.filter((m) => m.registered).length).toBeGreaterThanOrEqual(350);
    expect(all.reduce((n, m) => n + Object.keys(m.properties).length, 0)).toBeGreaterThanOrEqual(2000);

    // Plot.width is defined on LayoutDOM; Plot overrides its default.
    expect(property("Plot", "width")?.kind).toEqual({ kind: "Nullable", type: { kind: "Number" } });
    expect(model("LayoutDOM").properties.width).toBeDefined();
    expect(model("Plot").overrides?.width?.default).toEqual({ type: "plain", value: 600 });
    expect(effectiveDefault("Plot", "width")).toEqual({ type: "plain", value: 600 });
    expect(effectiveDefault("LayoutDOM", "width")).toEqual({ type: "plain", value: null });

    // Default models carry only what users would send: no attribute BokehJS sets for itself (internal).
    expect(model("Plot").properties.x_range?.default).toEqual({ type: "model", name: "DataRange1d", attributes: {} });
    expect(model("Plot").properties.x_range?.kind).toEqual({ kind: "Ref", model: "Range" });
    expect(model("GMapPlot").overrides?.x_range?.default).toEqual({ type: "model", name: "Range1d", attributes: {} });
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

  test("every reference resolves", () => {
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
    walk(catalog.models);
    for (const [name, m] of Object.entries(catalog.models)) {
      for (const base of m.bases) refs.add(base);
      expect(m.bases.at(-1) ?? name, name).toBe("Model");
    }
    for (const ref of refs) expect(catalog.models, ref).toHaveProperty([ref]);
  });
});

test("what changed between versions, as the release notes say", () => {
  const has = (version: string, name: string, attr?: string) => {
    const { model, hasAttribute } = lookups(catalogOf(version));
    if (!(name in catalogOf(version).models)) return false;
    return attr === undefined ? model(name) !== undefined : hasAttribute(name, attr);
  };
  const since = (name: string, attr?: string) => versions.filter((v) => has(v, name, attr));
  expect(since("TimedeltaAxis")).toEqual(["3.8.2", "3.9.2", "3.10.0", "4.0.0-dev.5"]);
  expect(since("TimedeltaTicker")).toEqual(["3.8.2", "3.9.2", "3.10.0", "4.0.0-dev.5"]);
  expect(since("Markdown")).toEqual(["3.9.2", "3.10.0", "4.0.0-dev.5"]);
  expect(since("Plot", "border_line_color")).toEqual(["3.8.2", "3.9.2", "3.10.0", "4.0.0-dev.5"]);
  expect(since("HoverTool", "limit")).toEqual(["3.8.2", "3.9.2", "3.10.0", "4.0.0-dev.5"]);
  expect(since("Plot", "hidpi")).toEqual(["3.7.3", "3.8.2", "3.9.2", "3.10.0"]); // gone in 4.0
  // a kind that changed: ContinuousTicker.desired_num_ticks became NonNegative in 3.10
  const kind = (version: string) => catalogOf(version).models.ContinuousTicker?.properties.desired_num_ticks?.kind;
  expect(kind("3.7.3")).toEqual({ kind: "Int" });
  expect(kind("3.10.0")).toEqual({ kind: "NonNegative", type: { kind: "Int" } });
  // a default that changed: FactorRange.start (read-only) is set by 3.10
  const start = (version: string) => catalogOf(version).models.FactorRange?.properties.start?.default;
  expect(start("3.9.2")).toEqual({ type: "none" });
  expect(start("3.10.0")).toEqual({ type: "plain", value: 0 });
});

// ---------------------------------------------------------------------------
// Against documents Python Bokeh serialized

/** The recorded transcripts of one Bokeh release: the project's copy, else the shared one. */
function fixtureDir(release: string): string {
  const own = `test/fixtures/bokeh-${release}`;
  return existsSync(own) ? own : `../shared/fixtures/bokeh-${release}`;
}

test.each([
  ["3.7", "3.7.3"],
  ["3.9", "3.9.2"],
])("models in documents Python Bokeh %s serialized are in the %s catalog", (release, version) => {
  const { model, hasAttribute } = lookups(catalogOf(version));
  const dir = fixtureDir(release);
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
// Against BokehJS itself: each version against its own package, loaded once

const SAMPLE = ["Plot", "Range1d", "Slider", "Div", "Line", "GlyphRenderer", "Title", "LinearAxis", "ColumnDataSource", "Button"];

describe("each catalog against its BokehJS", () => {
  const fresh = new Map<string, { package: string; catalog: Catalog }>();

  test.each(set.versions.map((v) => [v.version, v.package] as const))("%s (%s): defaults of fresh models, and the extraction", (version, pkg) => {
    const bokeh = loadBokehJS({ package: pkg });
    try {
      expect(bokeh.version).toBe(version);
      bokeh.Bokeh.set_log_level?.("error");
      const { Models } = bokeh.Bokeh.require("base");
      const { HasProps } = bokeh.Bokeh.require("core/has_props");
      const { Serializer } = bokeh.Bokeh.require("core/serialization");
      const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(new Serializer().encode(value)));
      const { model, property, effectiveDefault } = lookups(catalogOf(version));

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
          case "opaque":
            throw new Error("unreachable");
          default:
            expect(value instanceof HasProps, where).toBe(false);
            expect(wire(value), where).toEqual(desc.value);
        }
      };

      let compared = 0;
      for (const name of SAMPLE) {
        const cls = Models.get(name);
        const obj = typeof HasProps.create === "function" ? cls.create() : new cls(); // BokehJS 4: create()
        const attrs: string[] = [];
        for (const prop of obj) {
          const where = `${name}.${prop.attr}`;
          const desc = effectiveDefault(name, prop.attr);
          expect(desc, where).toBeDefined();
          if (desc === undefined) continue;
          attrs.push(prop.attr);
          // BokehJS sets some internal properties for itself while a model initializes (3.10's Range.computed_bounds)
          if (property(name, prop.attr)?.internal === true) continue;
          if (desc.type === "none") {
            expect(prop.is_unset, where).toBe(true);
          } else if (desc.type !== "opaque") {
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

      const { catalog } = extractCatalog(bokeh);
      fresh.set(version, { package: pkg, catalog });
      if (formatCatalog(catalog) !== formatCatalog(catalogOf(version))) {
        expect(catalog).toEqual(catalogOf(version)); // a readable diff first
        expect.fail(`the ${version} catalog is stale (formatting); run: npm run gen:models`);
      }
    } finally {
      bokeh.dispose();
    }
  });

  test("committed catalog files are up to date with the installed BokehJS packages", () => {
    expect([...fresh.keys()]).toEqual(versions); // the extractions above all ran
    const files = new Map([...catalogFiles([...fresh.values()])].map(([name, content]) => [name, formatCatalog(content)]));
    expect(staleCatalogFiles(files), "run: npm run gen:models").toEqual([]);
  });
});
