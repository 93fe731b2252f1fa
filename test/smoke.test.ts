import { test, expect } from "vitest";
import { BokehServer } from "../src/server/index.js";
import { pullSession, pushSession, Document, Model, ColumnDataSource } from "../src/index.js";

test("smoke", async () => {
  const server = await BokehServer.start({ port: 0, apps: {
    "/": (doc) => { doc.addRoot(new Model("Div", { text: "hello", name: "div" })); doc.title = "T"; },
  } });
  try {
    const s1 = await pullSession({ url: server.url });
    expect(s1.document!.title).toBe("T");
    const div = s1.document!.getModelByName("div")!;
    const s2 = await pullSession({ url: server.url, sessionId: s1.id });
    const div2 = s2.document!.getModelByName("div")!;
    const seen = new Promise((r) => s2.document!.onChange((e) => r(e.kind)));
    div.set("text", "changed");
    await s1.flush();
    expect(await seen).toBe("ModelChanged");
    expect(div2.get("text")).toBe("changed");
    const doc = new Document();
    const cds = new ColumnDataSource({ data: { x: new Float64Array([1, 2, 3]), y: [4, 5, 6] } });
    doc.addRoot(cds);
    const p = await pushSession(doc, { url: server.url });
    cds.stream({ x: new Float64Array([4]), y: [7] });
    await p.flush();
    const p2 = await pullSession({ url: server.url, sessionId: p.id });
    const cds2 = p2.document!.roots[0] as ColumnDataSource;
    expect(cds2).toBeInstanceOf(ColumnDataSource);
    expect(Array.from(cds2.data.x as Float64Array)).toEqual([1, 2, 3, 4]);
    expect(cds2.data.y).toEqual([4, 5, 6, 7]);
    await Promise.all([s1.close(), s2.close(), p.close(), p2.close()]);
  } finally {
    await server.close();
  }
});
