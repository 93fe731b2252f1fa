/**
 * Sessions in a real browser (Debian's Chromium driven by playwright-core):
 * what a client pushes renders; what a client changes appears; what the user
 * does in the page reaches the client; embed scripts render; no console errors.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { ColumnDataSource, Document, Model, pullSession, pushSession, serverDocument, serverSession, type ClientSession, type DocJson } from "../../src/index.js";
import { BokehServer, type Application } from "../../src/server/index.js";
import { canvasCount, inPageDocument, launch, openPage, pageText, waitForBokeh } from "../helpers/browser.js";
import { loadTranscript, recordedMessages } from "../helpers/transcripts.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

/** The figure Python pushed in the b_push_session recording: a line and a scatter on a CDS, a Div, a title. */
function pythonFigure(): Document {
  const pushed = recordedMessages(loadTranscript("b_push_session"), "client->server")[0]!.content as { doc: DocJson };
  return Document.fromJSON(pushed.doc);
}

const widgetsApp: Application = (doc) => {
  doc.title = "Widgets";
  doc.addRoot(new Model("Slider", { name: "slider", title: "Amplitude", start: 0, end: 10, value: 1, step: 1 }));
  doc.addRoot(new Model("Div", { name: "div", text: "hello from the server" }));
};

async function start(options: Partial<Parameters<typeof BokehServer.start>[0]> = {}): Promise<BokehServer> {
  const server = await BokehServer.start({ port: 0, apps: { "/": () => {}, "/widgets": widgetsApp }, log: () => {}, ...options });
  cleanup.push(() => server.close());
  return server;
}

function track<T extends ClientSession>(session: T): T {
  cleanup.push(() => session.close());
  return session;
}

describe("the app page", () => {
  test("a document pushed by a client renders: canvases, its title text, the page title", async () => {
    const server = await start();
    const doc = pythonFigure();
    const session = track(await pushSession(doc, { url: server.url }));
    const { page, errors } = await openPage(browser);
    cleanup.push(() => page.close());
    await page.goto(`${server.url}?bokeh-session-id=${session.id}`);
    await waitForBokeh(page);
    expect(await canvasCount(page)).toBeGreaterThan(0);
    expect(await page.title()).toBe("Pushed by the Python client"); // the document's title, in the DOM
    expect(await pageText(page)).toContain("pushed div");
    // The plot's own title is drawn on the canvas; the page's BokehJS model holds it.
    const titleId = doc.select({ type: "Title" })[0]!.id;
    expect(await inPageDocument<string>(page, `doc.get_model_by_id(${JSON.stringify(titleId)}).text`)).toBe("pushed figure");
    expect(errors).toEqual([]);
  });

  test("changes made by the client appear in the page: a title, a data stream, the document title", async () => {
    const server = await start();
    const doc = pythonFigure();
    const session = track(await pushSession(doc, { url: server.url }));
    const { page, errors } = await openPage(browser);
    cleanup.push(() => page.close());
    await page.goto(`${server.url}?bokeh-session-id=${session.id}`);
    await waitForBokeh(page);
    const title = doc.select({ type: "Title" })[0]!;
    title.set("text", "changed by the client");
    const source = doc.getModelByName("source") as ColumnDataSource;
    const rows = source.length;
    source.stream({ x: new Float64Array([4.5]), count: new Int32Array([5]), when: new Float64Array([1.7e12]), label: ["e"] });
    doc.title = "New page title";
    await session.flush();
    await page.waitForFunction("document.title === 'New page title'");
    await expect.poll(() => inPageDocument<string>(page, `doc.get_model_by_id(${JSON.stringify(title.id)}).text`)).toBe("changed by the client");
    await expect.poll(() => inPageDocument<number>(page, `doc.get_model_by_name("source").data.x.length`)).toBe(rows + 1);
    expect(errors).toEqual([]);
  });

  test("a slider moved in the page (keyboard input) reaches the client's document", async () => {
    const server = await start();
    const session = track(await pullSession({ url: server.appUrl("/widgets") }));
    const slider = session.document!.getModelByName("slider")!;
    const fromBrowser: unknown[] = [];
    session.document!.onChange((e) => e.setter === session && e.kind === "ModelChanged" && e.model === slider && fromBrowser.push(e.new));
    const { page, errors } = await openPage(browser);
    cleanup.push(() => page.close());
    await page.goto(`${server.appUrl("/widgets")}/?bokeh-session-id=${session.id}`);
    await waitForBokeh(page);
    expect(await pageText(page)).toContain("hello from the server");
    const handle = page.locator(".noUi-handle").first(); // inside BokehJS's shadow DOM; playwright pierces it
    await handle.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => slider.get("value")).toBe(3);
    expect(fromBrowser.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  test("the page of a new session runs the app; GET / redirects to the only app", async () => {
    const server = await start({ apps: { "/widgets": widgetsApp } });
    const { page, errors } = await openPage(browser);
    cleanup.push(() => page.close());
    await page.goto(server.url);
    expect(new URL(page.url()).pathname).toBe("/widgets");
    await waitForBokeh(page);
    expect(await page.title()).toBe("Widgets");
    expect(await pageText(page)).toContain("hello from the server");
    expect(errors).toEqual([]);
  });
});

describe("embed scripts in another site's page", () => {
  async function hostPage(body: string): Promise<string> {
    const site: Server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>host page</title></head><body><h1>An article</h1>${body}</body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => site.close(resolve)));
    return `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  }

  test("serverDocument: a new session of the app renders where the tag is", async () => {
    // The host page is another origin (port): BokehJS's websocket carries its Origin.
    const server = await start({ allowWebsocketOrigin: ["127.0.0.1:*"] });
    const url = await hostPage(serverDocument({ url: server.appUrl("/widgets") }));
    const { page, errors } = await openPage(browser);
    cleanup.push(() => page.close());
    await page.goto(url);
    await waitForBokeh(page);
    const text = await pageText(page);
    expect(text).toContain("An article");
    expect(text).toContain("hello from the server");
    expect(await page.title()).toBe("host page"); // embeds do not take over the title
    expect(errors).toEqual([]);
  });

  test("serverSession: the session a client pushed renders in the host page", async () => {
    const server = await start({ allowWebsocketOrigin: ["127.0.0.1:*"] });
    const session = track(await pushSession(pythonFigure(), { url: server.url }));
    const url = await hostPage(serverSession({ sessionId: session.id, url: server.url }));
    const { page, errors } = await openPage(browser);
    cleanup.push(() => page.close());
    await page.goto(url);
    await waitForBokeh(page);
    expect(await canvasCount(page)).toBeGreaterThan(0);
    expect(await pageText(page)).toContain("pushed div");
    expect(await page.title()).toBe("host page"); // embeds do not take over the title
    expect(errors).toEqual([]);
  });
});
