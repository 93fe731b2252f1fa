import { describe, expect, test } from "vitest";
import {
  ColumnDataError,
  Document,
  DocumentError,
  EventNameError,
  Model,
  ModelTypeError,
  NDArray,
  Slice,
  type DocumentChangedEvent,
  type ModelEventValues,
} from "../../src/index.js";
import { AbstractSlider, Button, ColumnDataSource, Div, Dropdown, Plot, RangeSlider, Slider, TextInput, Widget } from "../../src/models/index.js";
import { applyPatch } from "../../src/document/patch.js";

function events(doc: Document): DocumentChangedEvent[] {
  const seen: DocumentChangedEvent[] = [];
  doc.onChange((e) => seen.push(e));
  return seen;
}

describe("Model", () => {
  test("get/set, several attributes at once, explicit attributes only", () => {
    const m = new Model("Slider", { start: 0, end: 10 });
    expect(m.get("start")).toBe(0);
    expect(m.get("value")).toBeUndefined();
    m.set({ value: 3, title: "t" }).set("end", 20);
    expect(m.attributes()).toEqual({ start: 0, end: 20, value: 3, title: "t" });
    expect(m.has("value")).toBe(true);
    expect(() => m.set("id", "x")).toThrow(/cannot be changed/);
    expect(() => new Model("Div", { id: "x" })).toThrow(/pass the id in options/);
    expect(() => m.set("value", undefined)).toThrow(/undefined/);
    expect(() => new Model("")).toThrow(TypeError);
  });

  test("unknown types are generic models; registered types get their class", async () => {
    const { ColumnDataSource: TypedSource } = await import("../../src/index.js");
    const custom = Model.create("SomethingCustom", "id1");
    expect(custom.constructor).toBe(Model);
    expect(Model.create("ColumnDataSource", "id2")).toBeInstanceOf(TypedSource); // the registry (src/models/registry.ts) holds the typed class
  });
});

describe("Document", () => {
  test("roots, reachable models, lookups by id/name/type", () => {
    const child = new Model("Range1d", { name: "r" });
    const plot = new Model("Plot", { name: "p", x_range: child, renderers: [new Model("GlyphRenderer")] });
    const doc = new Document({ roots: [plot] });
    expect(doc.models).toHaveLength(3);
    expect(doc.getModelById(child.id)).toBe(child);
    expect(doc.getModelByName("r")).toBe(child);
    expect(doc.selectOne({ type: "Plot" })).toBe(plot);
    expect(doc.select({ type: Model })).toHaveLength(3);
    expect(child.document).toBe(doc);
    plot.set("x_range", new Model("DataRange1d"));
    expect(doc.getModelById(child.id)).toBeNull(); // no longer reachable
    expect(child.document).toBeNull();
    doc.addRoot(new Model("Div", { name: "r" }));
    expect(() => doc.selectOne({ name: "r" })).not.toThrow(); // the Range1d left
    doc.addRoot(new Model("Div", { name: "r" }));
    expect(() => doc.selectOne({ name: "r" })).toThrow(DocumentError);
  });

  test("select, selectOne and getModelByName with a class: typed as the class, checked at run time", () => {
    const slider = new Slider({ name: "amplitude", start: 0, end: 10, value: 1 });
    const range = new RangeSlider({ name: "span", start: 0, end: 10, value: [2, 3] });
    const div = new Div({ name: "label", text: "hi" });
    const doc = new Document({ roots: [slider, range, div, new Model("Slider", { name: "generic" })] });

    const sliders: Slider[] = doc.select({ type: Slider });
    expect(sliders).toEqual([slider]); // the generic Model of type "Slider" is not a Slider instance
    const abstract: AbstractSlider[] = doc.select({ type: AbstractSlider }); // subclasses count
    expect(new Set(abstract)).toEqual(new Set([slider, range]));
    expect(doc.select({ type: "Slider" })).toHaveLength(2); // by type name: both Bokeh Sliders
    const one: Slider | null = doc.selectOne({ name: "amplitude", type: Slider });
    expect(one?.end).toBe(10); // typed: `end` is a Slider accessor
    expect(doc.selectOne({ name: "label", type: Slider })).toBeNull(); // a filter: no Slider of that name
    expect(() => doc.selectOne({ type: Widget })).toThrow(DocumentError); // four widgets

    const found: Slider | null = doc.getModelByName("amplitude", Slider);
    expect(found).toBe(slider);
    expect(doc.getModelByName("nothing", Slider)).toBeNull();
    const wrong = (() => {
      try {
        doc.getModelByName("label", Slider);
      } catch (error) {
        return error;
      }
    })();
    expect(wrong).toBeInstanceOf(ModelTypeError);
    expect(wrong).toMatchObject({ code: "ERR_BOKEH_MODEL_TYPE", modelName: "label", expected: "Slider", model: div });
    expect(String((wrong as Error).message)).toBe(`the model named "label" is Div(id="${div.id}"), not a Slider`);
    expect(() => doc.getModelByName("generic", Slider)).toThrow(/is Slider\(id="[^"]+"\), a generic Model \(no class is registered for its type\), not a Slider/);
    expect(doc.getModelByName("generic", Model)?.type).toBe("Slider");

    // a bare type argument would be an unchecked cast: it does not compile
    // @ts-expect-error getModelByName takes a class to check, not a type argument
    doc.getModelByName<Slider>("amplitude");
    // @ts-expect-error likewise select and selectOne
    doc.select<Slider>({ name: "amplitude" });
    // @ts-expect-error likewise select and selectOne
    doc.selectOne<Slider>({ name: "amplitude", type: "Slider" });
    // without a class, a Model
    const untyped: Model | null = doc.getModelByName("amplitude");
    // @ts-expect-error a Model has no `end` accessor
    void untyped?.end;
  });

  test("addRoot: a root added again stays one root, one event; a child of the document can become a root too", () => {
    const child = new Model("Div", { text: "child" });
    const root = new Model("Column", { children: [child] });
    const doc = new Document({ roots: [root] });
    const seen = events(doc);
    doc.addRoot(root);
    expect(doc.roots).toEqual([root]);
    expect(seen).toHaveLength(0);
    doc.addRoot(child);
    doc.addRoot(child);
    expect(doc.roots).toEqual([root, child]);
    expect(seen.map((e) => e.kind)).toEqual(["RootAdded"]);
  });

  test("a model cannot be in two documents", () => {
    const m = new Model("Div");
    new Document({ roots: [m] });
    expect(() => new Document({ roots: [m] })).toThrow(/already belongs to another document/);
  });

  test("changes are reported as typed events; equal primitive values are not changes", () => {
    const div = new Model("Div", { text: "a" });
    const doc = new Document({ roots: [div] });
    const seen = events(doc);
    div.set("text", "a");
    div.set("text", "b");
    doc.title = "T";
    doc.title = "T";
    doc.removeRoot(div);
    expect(seen.map((e) => e.kind)).toEqual(["ModelChanged", "TitleChanged", "RootRemoved"]);
    expect(seen[0]).toMatchObject({ model: div, attr: "text", old: "a", new: "b", setter: undefined });
  });

  test("a listener that throws does not stop the others; the error reaches the code that made the change", () => {
    const doc = new Document({ roots: [new Model("Div")] });
    const seen: string[] = [];
    doc.onChange(() => {
      throw new Error("listener failed");
    });
    const off = doc.onChange((e) => seen.push(e.kind));
    expect(() => (doc.title = "x")).toThrow("listener failed");
    expect(seen).toEqual(["TitleChanged"]);
    off();
    expect(() => (doc.title = "y")).toThrow("listener failed");
    expect(seen).toEqual(["TitleChanged"]);
  });

  test("toJSON / fromJSON round trip", () => {
    const cds = new ColumnDataSource({ data: { x: new Float64Array([1, 2]), s: ["a", "b"] } });
    const doc = new Document({ title: "rt", roots: [new Model("Plot", { renderers: [new Model("GlyphRenderer", { data_source: cds })] })] });
    const back = Document.fromJSON(JSON.parse(JSON.stringify(doc.toJSON())));
    expect(back.toJSON()).toEqual(doc.toJSON());
    expect(back.title).toBe("rt");
  });

  test("applyPatch: the patch is decoded before anything changes; removed models drop the patch like Bokeh", () => {
    const div = new Model("Div", { text: "a" });
    const doc = new Document({ roots: [div] });
    expect(() => applyPatch(doc, { events: [{ kind: "ModelChanged", model: { id: div.id }, attr: "text", new: "b" }, { kind: "RootRemoved", model: { id: "zzz" } }] }, new Map(), undefined)).toThrow(/can't resolve reference 'zzz'/);
    expect(div.get("text")).toBe("a");
    doc.removeRoot(div);
    const result = applyPatch(doc, { events: [{ kind: "ModelChanged", model: { id: div.id }, attr: "text", new: "b" }] }, new Map(), undefined);
    expect(result).toEqual({ applied: 0, droppedForRemovedModel: div.id });
    expect(() => applyPatch(doc, { events: [{ kind: "Nope" }] }, new Map(), undefined)).toThrow(/unknown patch event kind/);
    expect(() => applyPatch(doc, { nope: 1 }, new Map(), undefined)).toThrow(/no 'events' list/);
  });
});

describe("UI events on models", () => {
  // A UI event as a peer sends it (BokehJS writes the model as a reference), applied with a setter: the peer.
  const PEER = {};
  const fromPeer = (doc: Document, name: string, values: Record<string, unknown>) =>
    applyPatch(doc, { events: [{ kind: "MessageSent", msg_type: "bokeh_event", msg_data: { type: "event", name, values: { type: "map", entries: Object.entries(values) } } }] }, new Map(), PEER);

  test("onEvent subscribes the model as Python's on_event does: the name joins subscribed_events, a change sent once", () => {
    const button = new Button({ label: "Go" });
    const doc = new Document({ roots: [button] });
    const seen = events(doc);
    button.onClick(() => {});
    expect(button.subscribed_events).toEqual(new Set(["button_click"]));
    expect(seen.map((e) => e.kind === "ModelChanged" && [e.attr, e.new])).toEqual([["subscribed_events", new Set(["button_click"])]]);
    button.onEvent("button_click", () => {}); // already subscribed: no change
    button.onEvent("tap", () => {});
    expect(button.subscribed_events).toEqual(new Set(["button_click", "tap"]));
    expect(seen).toHaveLength(2);
    // a model made before it joins a document carries its subscription into it, as Python sends it
    const later = new Button();
    later.onClick(() => {});
    expect(new Document({ roots: [later] }).toJSON().roots[0]).toMatchObject({ attributes: { subscribed_events: { type: "set", entries: ["button_click"] } } });
    // generic models too
    const generic = new Model("Button");
    generic.onEvent("button_click", () => {});
    expect(generic.get("subscribed_events")).toEqual(new Set(["button_click"]));
  });

  test("a UI event from the peer runs the callbacks of the model it names, with its values", () => {
    const plot = new Plot();
    const button = new Button();
    const other = new Button();
    const doc = new Document({ roots: [plot, button, other] });
    const taps: ModelEventValues<"tap", Plot>[] = [];
    const clicks: Button[] = [];
    plot.onEvent("tap", (values) => taps.push(values));
    button.onClick((values) => clicks.push(values.model));
    const offOther = other.onClick(() => clicks.push(other));
    const modifiers = { type: "map", entries: [["shift", false], ["ctrl", true], ["alt", false]] };
    fromPeer(doc, "tap", { model: { id: plot.id }, sx: 10, sy: 20, x: 1.5, y: -2, modifiers });
    expect(taps).toEqual([{ model: plot, sx: 10, sy: 20, x: 1.5, y: -2, modifiers: { shift: false, ctrl: true, alt: false } }]);
    fromPeer(doc, "button_click", { model: { id: button.id } });
    expect(clicks).toEqual([button]); // not `other`'s callback: the event is about `button`
    fromPeer(doc, "tap", { model: { id: button.id }, sx: 0, sy: 0, x: 0, y: 0, modifiers }); // an event the button has no callback for
    expect(taps).toHaveLength(1);
    offOther();
    fromPeer(doc, "button_click", { model: { id: other.id } });
    expect(clicks).toEqual([button]); // removed
    expect(other.subscribed_events).toEqual(new Set(["button_click"])); // still subscribed: others may listen
    // the document's own onEvent sees every one
    const named: string[] = [];
    doc.onEvent("button_click", (values) => named.push(values.model.id));
    fromPeer(doc, "button_click", { model: { id: button.id } });
    expect(named).toEqual([button.id]);
    expect(clicks).toEqual([button, button]);
  });

  test("sendEvent runs the local callbacks too, as a click in BokehJS runs its own; a Dropdown's onClick takes menu items", () => {
    const dropdown = new Dropdown({ label: "Pick", menu: ["a", "b"] });
    const input = new TextInput();
    const doc = new Document({ roots: [dropdown, input] });
    const got: unknown[] = [];
    dropdown.onClick((values) => got.push("item" in values ? values.item : "click"));
    expect(dropdown.subscribed_events).toEqual(new Set(["button_click", "menu_item_click"]));
    doc.sendEvent("menu_item_click", { model: dropdown, item: "b" });
    doc.sendEvent("button_click", { model: dropdown });
    expect(got).toEqual(["b", "click"]);
    input.onEvent("value_submit", (values) => got.push(values.value));
    doc.sendEvent("value_submit", { model: input, value: "typed" });
    expect(got).toEqual(["b", "click", "typed"]);
    doc.sendEvent("document_ready");
    // @ts-expect-error a model's event needs its model
    expect(() => doc.sendEvent("button_click")).not.toThrow(); // (sent without one: it reaches no model)
  });

  test("callbacks that throw: the others still run, the first error reaches whoever applied the event", () => {
    const button = new Button();
    const doc = new Document({ roots: [button] });
    let ran = 0;
    button.onClick(() => {
      throw new Error("first");
    });
    button.onClick(() => ran++);
    doc.onEvent("button_click", () => ran++);
    expect(() => fromPeer(doc, "button_click", { model: { id: button.id } })).toThrow("first");
    expect(ran).toBe(2);
  });

  test("event names are a closed set: a typo does not compile, and is an EventNameError at run time", () => {
    const button = new Button();
    const doc = new Document({ roots: [button] });
    // @ts-expect-error misspelt event name
    expect(() => button.onEvent("buton_click", () => {})).toThrow(EventNameError);
    // @ts-expect-error a document's event is no model's
    expect(() => button.onEvent("document_ready", () => {})).toThrow(/not a Bokeh UI event a model sends/);
    // @ts-expect-error misspelt event name
    expect(() => doc.onEvent("documentready", () => {})).toThrow(EventNameError);
    // @ts-expect-error misspelt event name
    expect(() => doc.sendEvent("tapp", { model: button })).toThrow(/"tapp" is not a Bokeh UI event \(those are axis_click, button_click/);
    expect(button.has("subscribed_events")).toBe(false); // nothing subscribed by the failed calls
    // values are typed by the event
    button.onEvent("tap", (values) => {
      const x: number = values.x;
      const shift: boolean = values.modifiers.shift;
      // @ts-expect-error a tap has no `delta`
      void values.delta;
      void [x, shift];
    });
    // @ts-expect-error a value_submit carries a string value
    doc.sendEvent("value_submit", { model: button, value: 3 });
  });
});

describe("ColumnDataSource", () => {
  test("stream with rollover on lists and typed arrays (Python's semantics)", () => {
    const cds = new ColumnDataSource({ data: { x: [1, 2, 3], y: new Float64Array([1, 2, 3]) } });
    cds.stream({ x: [4, 5], y: new Float64Array([4, 5]) }, 4);
    expect(cds.data.x).toEqual([2, 3, 4, 5]);
    expect(Array.from(cds.data.y as Float64Array)).toEqual([2, 3, 4, 5]);
    expect(cds.length).toBe(4);
  });

  test("typed columns grow in place: many small streams cost O(rows)", () => {
    const cds = new ColumnDataSource({ data: { x: new Float64Array(0) } });
    for (let i = 0; i < 10_000; i++) cds.stream({ x: new Float64Array([i]) });
    const x = cds.data.x as Float64Array;
    expect(x.length).toBe(10_000);
    expect(x[9_999]).toBe(9_999);
    expect(x.buffer.byteLength).toBeLessThan(10_000 * 8 * 4); // capacity doubles, no per-stream copy
  });

  test("an old view is never overwritten by a later stream", () => {
    const cds = new ColumnDataSource({ data: { x: new Float64Array([1, 2]) } });
    cds.stream({ x: new Float64Array([3]) });
    const view = cds.data.x as Float64Array;
    cds.data = { x: view.subarray(0, 2) };
    cds.stream({ x: new Float64Array([9]) });
    expect(Array.from(view)).toEqual([1, 2, 3]);
    expect(Array.from(cds.data.x as Float64Array)).toEqual([1, 2, 9]);
  });

  test("list + typed stream becomes typed (like numpy.append); ints stay ints, mixed becomes float64", () => {
    const cds = new ColumnDataSource({ data: { a: [1, 2], b: [1, 2], c: new Int32Array([1]) } });
    cds.stream({ a: new Int32Array([3]), b: new Float64Array([0.5]), c: [2.5] });
    expect(cds.data.a).toBeInstanceOf(Int32Array);
    expect(cds.data.b).toBeInstanceOf(Float64Array);
    expect(Array.from(cds.data.c as Float64Array)).toEqual([1, 2.5]);
  });

  test("patch: index, negative index, slices with steps and open bounds, n-d cells", () => {
    const cds = new ColumnDataSource({ data: { y: [0, 1, 2, 3, 4, 5] } });
    cds.patch({ y: [[0, 10], [-1, 50], [new Slice({ start: 1, stop: 5, step: 2 }), [11, 33]]] });
    expect(cds.data.y).toEqual([10, 11, 2, 33, 4, 50]);
    cds.patch({ y: [[new Slice({ step: -2 }), [0, 0, 0]]] });
    expect(cds.data.y).toEqual([10, 0, 2, 0, 4, 0]);
    const image = new NDArray(new Float64Array(6), [2, 3], "float64");
    cds.data = { img: [image] };
    cds.patch({ img: [[[0, new Slice({ start: 0, stop: 2 }), 1], [7, 8]]] });
    expect(Array.from(image.array as Float64Array)).toEqual([0, 7, 0, 0, 8, 0]);
  });

  test("bad streams and patches are typed errors and change nothing", () => {
    const cds = new ColumnDataSource({ data: { x: [1], y: [2] } });
    expect(() => cds.stream({ x: [1] })).toThrow(ColumnDataError);
    expect(() => cds.stream({ x: [1, 2], y: [1] })).toThrow(/same length/);
    expect(() => cds.stream({ x: [1], y: [1] }, -1)).toThrow(/rollover/);
    expect(() => cds.patch({ z: [[0, 1]] })).toThrow(/no such column/);
    expect(() => cds.patch({ x: [[5, 1]] })).toThrow(/out-of-bounds index \(5\)/);
    expect(() => cds.patch({ x: [[new Slice({ start: 0, stop: 1 }), [1, 2]]] })).toThrow(/2 values for a slice of 1 rows/);
    // the typed ColumnDataSource (the only one) checks `data` as it checks every property
    expect(() => (cds.data = { x: "nope" } as never)).toThrow(/invalid value for ColumnDataSource\.data: .*entry "x" is "nope", expected Arrayable/);
    expect(cds.data).toEqual({ x: [1], y: [2] });
  });

  test("replacing data is a ColumnDataChanged; update keeps the other columns", () => {
    const cds = new ColumnDataSource({ data: { x: [1], y: [2] } });
    const doc = new Document({ roots: [cds] });
    const seen = events(doc);
    cds.data = { x: [3], y: [4] };
    cds.updateData({ y: [5] });
    expect(seen.map((e) => [e.kind, "cols" in e ? e.cols : undefined])).toEqual([["ColumnDataChanged", null], ["ColumnDataChanged", ["y"]]]);
    expect(cds.data).toEqual({ x: [3], y: [5] });
  });
});
