// A document is for one Bokeh version (document.bokehVersion): its models' defaults and
// validation follow that version's catalog, its JSON says that version, and a document can be
// checked against another version before it is pushed there.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadBokehJS, type LoadedBokehJS } from "../../scripts/gen-models/load-bokehjs.mjs";
import { Document, DocumentError, Model, reconcile, type DocJson } from "../../src/document/index.js";
import {
  BasicTicker,
  ColumnDataSource,
  Div,
  FactorRange,
  Figure,
  HoverTool,
  LightDark,
  Plot,
  TimedeltaAxis,
  ValidationError,
  VersionMismatchError,
  catalogVersion,
  checkBokehVersion,
  figure,
  versionMismatches,
} from "../../src/models/index.js";
import { CATALOG_BASE_VERSION, CATALOG_VERSIONS } from "../../src/models/generated/catalog-data.js";
import { KNOWN_BOKEH_VERSIONS, LATEST_BOKEH_VERSION } from "../../src/protocol/version.js";
import { canonicalDocument } from "./canonical.js";
import { recordedDocument } from "./recorded.js";

test("the catalogs are those of the known Bokeh releases; the base is the newest stable one", () => {
  expect([...CATALOG_VERSIONS]).toEqual([...KNOWN_BOKEH_VERSIONS]);
  expect(CATALOG_BASE_VERSION).toBe(LATEST_BOKEH_VERSION);
});

describe("document.bokehVersion", () => {
  test("new Document() is for the newest stable Bokeh (3.10.0) unless told otherwise", () => {
    expect(new Document().bokehVersion).toBe("3.10.0");
    expect(new Document().bokehVersion).toBe(LATEST_BOKEH_VERSION);
    expect(new Document({ bokehVersion: "3.7.3" }).bokehVersion).toBe("3.7.3");
    expect(new Document({ bokehVersion: "3.8.0.dev1" }).bokehVersion).toBe("3.8.0.dev1"); // kept as given
    for (const bad of ["banana", "", "v3.9", 3.9]) {
      expect(() => new Document({ bokehVersion: bad as string }), String(bad)).toThrow(DocumentError);
    }
  });

  test("which catalog a version uses: its own, the same major.minor, the nearest older one, else the newest stable", () => {
    const cases: [string, string][] = [
      ["3.7.3", "3.7.3"],
      ["4.0.0-dev.5", "4.0.0-dev.5"],
      ["3.9.0", "3.9.2"], // same major.minor
      ["3.8.0.dev1", "3.8.2"],
      ["3.7.0.dev1", "3.7.3"],
      ["4.0.0", "4.0.0-dev.5"],
      ["3.11.0", "3.10.0"], // nearest older
      ["4.2.1", "4.0.0-dev.5"],
      ["3.6.2", "3.10.0"], // older than every catalog: the newest stable
      ["2.4.3", "3.10.0"],
      ["banana", "3.10.0"], // not a version: the newest stable
    ];
    for (const [version, catalog] of cases) expect(catalogVersion(version), version).toBe(catalog);
  });

  test("fromJSON takes the JSON's version (the server's, for a pulled document); toJSON writes the document's", () => {
    const { doc: json39, buffers } = recordedDocument("3.9", "a_pull_session", "PULL-DOC-REPLY");
    expect(json39.version).toBe("3.9.2");
    const pulled39 = Document.fromJSON(json39, buffers);
    expect(pulled39.bokehVersion).toBe("3.9.2");
    expect(pulled39.toJSON().version).toBe("3.9.2");

    const { doc: json37 } = recordedDocument("3.7", "a_pull_session", "PULL-DOC-REPLY");
    const pulled37 = Document.fromJSON(json37);
    expect(pulled37.bokehVersion).toBe("3.7.0.dev1"); // the release recorded; uses the 3.7.3 catalog
    expect(pulled37.toJSON().version).toBe("3.7.0.dev1");

    const { version: _, ...unversioned } = json37;
    expect(Document.fromJSON(unversioned as DocJson).bokehVersion).toBe(LATEST_BOKEH_VERSION);
    expect(Document.fromJSON({ ...json37, version: "nonsense" }).bokehVersion).toBe(LATEST_BOKEH_VERSION);
    expect(new Document({ bokehVersion: "3.8.2" }).toJSON().version).toBe("3.8.2");
  });

  test("a re-pull (reconcile) takes the server's version", () => {
    const doc = Document.fromJSON({ version: "3.7.3", title: "t", roots: [{ type: "object", name: "Plot", id: "p1" }] });
    const plot = doc.roots[0] as Plot;
    expect(plot.bokehVersion).toBe("3.7.3");
    reconcile(doc, { version: "3.9.2", title: "t", roots: [{ type: "object", name: "Plot", id: "p1" }] }, new Map(), undefined);
    expect(doc.bokehVersion).toBe("3.9.2");
    expect(doc.roots[0]).toBe(plot);
    expect(() => plot.set("border_line_color", "red")).not.toThrow();
  });

  test("toJSON writes arrays in the document's version's form: gzipped inline bytes from 3.8 on", () => {
    const values = new Float64Array([1.5, Number.NaN, -2, 1e300]);
    for (const [version, gzipped] of [
      ["3.7.3", false],
      ["3.9.2", true],
      ["3.10.0", true],
    ] as const) {
      const doc = new Document({ bokehVersion: version, roots: [new ColumnDataSource({ data: { x: values } })] });
      const json = doc.toJSON();
      const data = JSON.stringify(json).match(/"type":"bytes","data":"([^"]+)"/)?.[1] ?? "";
      expect(Buffer.from(data, "base64").subarray(0, 2).equals(Buffer.from([0x1f, 0x8b])), version).toBe(gzipped);
      const back = Document.fromJSON(json).roots[0] as ColumnDataSource;
      expect(back.data.x, version).toEqual(values);
    }
  });
});

describe("defaults and validation follow the document's version", () => {
  const docOf = (bokehVersion: string, ...roots: Model[]) => new Document({ bokehVersion, roots });

  test("on a Figure pulled from Bokeh 3.9.2, border_line_color (new in 3.8) can be set", () => {
    const { doc: json, buffers } = recordedDocument("3.9", "a_pull_session", "PULL-DOC-REPLY");
    const figure = Document.fromJSON(json, buffers).selectOne({ type: Figure }) as Figure;
    expect(figure.bokehVersion).toBe("3.9.2");
    expect(figure.border_line_color).toBeNull(); // the 3.9.2 default
    figure.set("border_line_color", "blue");
    expect(figure.border_line_color).toBe("blue");
    expect(() => new HoverTool({ limit: 3 })).not.toThrow();
  });

  test("on one pulled from Bokeh 3.7, setting it throws a ValidationError that names the version", () => {
    const { doc: json } = recordedDocument("3.7", "a_pull_session", "PULL-DOC-REPLY");
    const figure = Document.fromJSON(json).selectOne({ type: Figure }) as Figure;
    expect(figure.border_line_color).toBeUndefined(); // no such property in 3.7: no default
    let error: unknown;
    try {
      figure.set("border_line_color", "blue");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      "Figure.border_line_color: 'border_line_color' is not in Bokeh 3.7.0.dev1 (catalog 3.7.3) (it is in 3.8.2, 3.9.2, 3.10.0, 4.0.0-dev.5)",
    );
    expect((error as ValidationError).bokehVersion).toBe("3.7.0.dev1");
    expect(figure.has("border_line_color")).toBe(false);

    const plot = new Plot();
    docOf("3.7.3", plot);
    expect(() => (plot.border_line_color = "blue")).toThrow("'border_line_color' is not in Bokeh 3.7.3 (it is in 3.8.2");
  });

  test("a property added in 3.8 (HoverTool.limit)", () => {
    const old = new HoverTool();
    docOf("3.7.3", old);
    expect(old.limit).toBeUndefined();
    expect(() => old.set("limit", 3)).toThrow(ValidationError);
    expect(old.propertyNames()).not.toContain("limit");

    const tool = new HoverTool();
    docOf("3.9.2", tool);
    expect(tool.limit).toBeNull();
    tool.limit = 3;
    expect(tool.attributes()).toEqual({ limit: 3 });
    expect(tool.propertyNames()).toContain("limit");
  });

  test("a property removed since (Plot.hidpi, gone in 4.0)", () => {
    const plot = new Plot();
    expect(plot.hidpi).toBe(true); // no document: the latest stable release, 3.10.0
    docOf("4.0.0-dev.5", plot);
    expect(plot.hidpi).toBeUndefined();
    expect(() => plot.set("hidpi", false)).toThrow("'hidpi' is not in Bokeh 4.0.0-dev.5 (it is in 3.7.3, 3.8.2, 3.9.2, 3.10.0)");
  });

  test("a kind changed since 3.7 (desired_num_ticks became non-negative in 3.10)", () => {
    const old = new BasicTicker();
    docOf("3.7.3", old);
    old.desired_num_ticks = -1;
    expect(old.desired_num_ticks).toBe(-1);
    const ticker = new BasicTicker();
    docOf("3.10.0", ticker);
    expect(() => (ticker.desired_num_ticks = -1)).toThrow(
      "invalid value for BasicTicker.desired_num_ticks: expected NonNegative(Int), got -1",
    );
  });

  test("a default that differs by version (FactorRange.start: none before 3.10, then 0)", () => {
    const range = new FactorRange();
    docOf("3.9.2", range);
    expect(range.start).toBeUndefined();
    const newer = new FactorRange();
    docOf("3.10.0", newer);
    expect(newer.start).toBe(0);
  });

  test("a model type the version lacks (TimedeltaAxis, new in 3.8)", () => {
    const axis = new TimedeltaAxis();
    const plot = new Plot();
    docOf("3.7.3", plot, axis);
    expect(() => axis.set("axis_label", "t")).toThrow("TimedeltaAxis.axis_label: TimedeltaAxis is not in Bokeh 3.7.3 (it is in 3.8.2");
    expect(() => plot.set("below", [new TimedeltaAxis()])).toThrow(ValidationError); // not an Axis of 3.7.3
    const newer = new Plot();
    docOf("3.8.2", newer);
    expect(() => newer.set("below", [new TimedeltaAxis()])).not.toThrow();
  });

  test("a model in no document follows the latest stable release, and its document's once in one", () => {
    const tool = new HoverTool({ limit: 2 }); // no document: 3.10.0
    expect(tool.bokehVersion).toBe("3.10.0");
    const doc = docOf("3.7.3", tool);
    expect(tool.bokehVersion).toBe("3.7.3");
    expect(tool.limit).toBe(2); // what was set stays: checkBokehVersion tells before a push
    doc.removeRoot(tool);
    void doc.models; // the document lets go of the removed root
    expect(tool.bokehVersion).toBe("3.10.0");
    // a type the latest stable release lacks: the newest release that has it
    const theme = new LightDark({ tri_state: false }); // ToggleInput.tri_state: 4.0 too
    expect(theme.bokehVersion).toBe("4.0.0-dev.5");
    expect(theme.tri_state).toBe(false);
    expect(theme.on_icon).toBe("light_theme"); // LightDark's own default
  });

  test("values received from a peer are never validated, whatever the version", () => {
    const doc = Document.fromJSON({
      version: "3.7.3",
      title: "t",
      roots: [{ type: "object", name: "Plot", id: "p1", attributes: { border_line_color: "red", width: "wide" } }],
    });
    const plot = doc.roots[0] as Plot;
    expect(plot.get("border_line_color")).toBe("red");
    expect(plot.width).toBe("wide");
  });
});

describe("the version check before a push", () => {
  test("lists every model type and set property the target version lacks; custom types pass", () => {
    const axis = new TimedeltaAxis();
    const plot = figure({ title: "t" });
    plot.below = [...plot.below, axis];
    plot.border_line_color = "blue";
    const tool = new HoverTool({ limit: 3 });
    plot.toolbar.tools = [tool];
    const custom = new Model("MyExtension", { anything: 1 });
    const doc = new Document({ roots: [plot, custom, new Div({ text: "hi" })] });

    const found = versionMismatches(doc, "3.7.3");
    expect(found).toEqual(
      expect.arrayContaining([
        { id: axis.id, type: "TimedeltaAxis", property: null },
        { id: axis.ticker.id, type: "TimedeltaTicker", property: null }, // the axis's default models: new in 3.8 too
        { id: axis.formatter.id, type: "TimedeltaTickFormatter", property: null },
        { id: plot.id, type: "Figure", property: "border_line_color" },
        { id: tool.id, type: "HoverTool", property: "limit" },
      ]),
    );
    // the contextual formatter's own context formatters (python-defaults.ts) are TimedeltaTickFormatters too
    expect(found.filter((m) => m.property === null).map((m) => m.type).sort()).toEqual([
      "TimedeltaAxis",
      "TimedeltaTickFormatter",
      "TimedeltaTickFormatter",
      "TimedeltaTickFormatter",
      "TimedeltaTicker",
    ]);
    expect(found).toHaveLength(7);
    expect(found.some((m) => m.type === "MyExtension")).toBe(false);

    let error: unknown;
    try {
      checkBokehVersion(doc, "3.7.3");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VersionMismatchError);
    expect((error as VersionMismatchError).code).toBe("ERR_BOKEH_VERSION_MISMATCH");
    expect((error as VersionMismatchError).mismatches).toEqual(found);
    const message = (error as Error).message;
    expect(message).toContain(`Bokeh 3.7.3 has no model TimedeltaAxis (${axis.id})`);
    expect(message).toContain(`Figure.border_line_color (${plot.id}) is not in Bokeh 3.7.3`);
    expect(message).toContain(`HoverTool.limit (${tool.id}) is not in Bokeh 3.7.3`);

    expect(versionMismatches(doc, "3.9.2")).toEqual([]);
    expect(() => checkBokehVersion(doc, "3.9.0")).not.toThrow();
  });

  test("many models of one type are named together", () => {
    const axes = Array.from({ length: 8 }, () => new TimedeltaAxis());
    const doc = new Document({ roots: axes });
    expect(() => checkBokehVersion(doc, "3.7.3")).toThrow(
      `Bokeh 3.7.3 has no model TimedeltaAxis (${axes.slice(0, 5).map((a) => a.id).join(", ")} and 3 more)`,
    );
  });

  test("a document pulled from 3.7 fits 3.10; one pulled from 3.9.2 does not fit 3.7.3 where it set newer properties", () => {
    const { doc: json37 } = recordedDocument("3.7", "a_pull_session", "PULL-DOC-REPLY");
    expect(versionMismatches(Document.fromJSON(json37), "3.10.0")).toEqual([]);
    const { doc: json39, buffers } = recordedDocument("3.9", "a_pull_session", "PULL-DOC-REPLY");
    const pulled = Document.fromJSON(json39, buffers);
    expect(versionMismatches(pulled, "3.9.2")).toEqual([]);
    const figure = pulled.selectOne({ type: Figure }) as Figure;
    figure.border_line_color = "red";
    expect(versionMismatches(pulled, "3.7.3")).toContainEqual({ id: figure.id, type: "Figure", property: "border_line_color" });
  });
});

test("figure() in a 3.9.2 document is what Python 3.9.2 pushed in b_push_session", () => {
  const { doc: recorded, buffers } = recordedDocument("3.9", "b_push_session", "PUSH-DOC");
  const python = Document.fromJSON(recorded, buffers);
  const data = (python.getModelByName("source") as ColumnDataSource).data;

  // The Python script, line by line (as in figure.test.ts for 3.7):
  const source = new ColumnDataSource({ name: "source", data: { x: data.x!, count: data.count!, when: data.when!, label: data.label! } });
  const p = figure({ name: "plot", title: "pushed figure", x_axis_type: "datetime", width: 400, height: 200, tools: "" });
  p.line({ x: "when", y: "x", source, name: "line" });
  p.scatter({ x: "when", y: "count", source, name: "scatter" });
  const doc = new Document({ title: "Pushed by the Python client", bokehVersion: "3.9.2" });
  doc.addRoot(p);
  doc.addRoot(new Div({ name: "div", text: "pushed div" }));

  // Both written by the same encoder (arrays as gzipped inline bytes), so only models and attributes differ.
  expect(canonicalDocument(doc.toJSON())).toEqual(canonicalDocument(python.toJSON()));
});

describe("a document built for each version loads in that version's BokehJS", () => {
  const loaded = new Map<string, LoadedBokehJS>();
  beforeAll(() => {
    for (const version of CATALOG_VERSIONS) {
      const bokeh = loadBokehJS({ package: `bokehjs-${version.split(".").slice(0, 2).join(".")}` });
      bokeh.Bokeh.set_log_level?.("error");
      loaded.set(version, bokeh);
    }
  });
  afterAll(() => {
    for (const bokeh of loaded.values()) bokeh.dispose();
  });

  test.each([...CATALOG_VERSIONS])("Bokeh %s", (version) => {
    const bokeh = loaded.get(version) as LoadedBokehJS;
    const source = new ColumnDataSource({ data: { x: new Float64Array([1, 2, 3]), y: [3, 1, 2] } });
    const p = figure({ title: "t", tools: "pan,wheel_zoom,hover", x_axis_type: "datetime" });
    p.line({ x: "x", y: "y", source, line_width: 2 });
    p.scatter({ x: "x", y: "y", source, size: 8 });
    const doc = new Document({ roots: [p], bokehVersion: version });
    const { Document: BokehDocument } = bokeh.Bokeh.require("document");
    const json = bokeh.window.JSON.parse(JSON.stringify(doc.toJSON()));
    const bokehDoc = BokehDocument.from_json(json);
    expect(bokehDoc.get_model_by_id(p.id)?.type).toBe("Figure");
    const bokehSource = bokehDoc.get_model_by_id(source.id) as { data: { x: ArrayLike<number> } };
    expect(Array.from(bokehSource.data.x)).toEqual([1, 2, 3]);
  });
});
