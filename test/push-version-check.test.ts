/**
 * A push to a server whose Bokeh release lacks a model type or property the document uses
 * fails before anything is sent, naming each (issue 11): never a half-applied document, and the
 * server never sees it.
 */
import { afterEach, expect, test } from "vitest";
import { ColumnDataSource, Document, HoverTool, Model, Toolbar, pushSession, pullSession, Plot } from "../src/index.js";
import { BokehServer, type BokehServerOptions } from "../src/server/index.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

async function serve(bokehVersion: BokehServerOptions["bokehVersion"]): Promise<{ server: BokehServer; pushes: () => number }> {
  const lines: string[] = [];
  const server = await BokehServer.start({ port: 0, bokehVersion, apps: { "/": () => {} }, log: (level, message) => lines.push(`${level} ${message}`) });
  cleanup.push(() => server.close());
  return { server, pushes: () => lines.filter((l) => l.includes("received PUSH-DOC")).length };
}

test("to a Bokeh 3.7.3 server: a property added in 3.8 is refused before sending, naming the model and the property", async () => {
  const { server, pushes } = await serve("3.7.3");
  const hover = new HoverTool({ limit: 3 }); // `limit` exists from Bokeh 3.8
  const doc = new Document({ roots: [new Plot({ toolbar: new Toolbar({ tools: [hover] }) }), new ColumnDataSource({ name: "source" })] });
  const error = await pushSession(doc, { url: server.url }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: "ERR_BOKEH_VERSION_MISMATCH" });
  expect(String((error as Error).message)).toMatch(/3\.7\.3/);
  expect(String((error as Error).message)).toMatch(new RegExp(`HoverTool\\.limit.*${hover.id}`));
  expect(pushes()).toBe(0);
  // Nothing arrived: a client joining the session finds it empty.
  const other = await pullSession({ url: server.url });
  cleanup.push(() => other.close());
  expect(other.document!.roots).toHaveLength(0);
});

test("the same document to a 3.10.0 server goes through; a custom type no catalog knows is not refused", async () => {
  const { server, pushes } = await serve("3.10.0");
  const doc = new Document({ roots: [new Plot({ toolbar: new Toolbar({ tools: [new HoverTool({ limit: 3 })] }) }), new Model("MyExtension", { anything: 1 })] });
  const session = await pushSession(doc, { url: server.url });
  cleanup.push(() => session.close());
  expect(pushes()).toBe(1); // the count the first test expects to stay 0 does count pushes
  const other = await pullSession({ url: server.url, sessionId: session.id });
  cleanup.push(() => other.close());
  expect((other.document!.select({ type: "HoverTool" })[0] as HoverTool).limit).toBe(3);
  expect(other.document!.select({ type: "MyExtension" })[0]!.get("anything")).toBe(1);
});
