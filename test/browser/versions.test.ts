/**
 * The browser matrix: for each Bokeh release the embedded server can be, a
 * `figure()` pushed by our client renders in Debian's Chromium with that
 * release's BokehJS (canvas, title, glyph pixels of the glyph's colour), a slider
 * moved in the page reaches the client, and the page logs no error. With 4.0.0-dev.5
 * the page, our server and our client speak Bokeh 4's envelope protocol. One browser
 * for the file, a page per release.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { ColumnDataSource, Document, figure, pushSession, Slider, type DocJson } from "../../src/index.js";
import { BokehServer, SERVER_BOKEH_VERSIONS } from "../../src/server/index.js";
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

/** Glyph colour: pure enough to tell from the plot's greys, blues and white. */
const RED = [220, 20, 60] as const; // "crimson"

/**
 * Pixels of about `rgb` on the page's 2D canvases (BokehJS draws plots on canvases
 * inside shadow roots; WebGL canvases, if any, are skipped).
 */
async function pixelsOf(page: Page, rgb: readonly [number, number, number]): Promise<number> {
  return page.evaluate(`(() => {
    const [r, g, b] = ${JSON.stringify(rgb)};
    const canvases = [];
    const walk = (root) => {
      canvases.push(...root.querySelectorAll("canvas"));
      for (const el of root.querySelectorAll("*")) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    let count = 0;
    for (const canvas of canvases) {
      const ctx = canvas.getContext("2d");
      if (ctx === null || canvas.width === 0 || canvas.height === 0) continue;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - r) <= 8 && Math.abs(data[i + 1] - g) <= 8 && Math.abs(data[i + 2] - b) <= 8 && data[i + 3] > 240) count++;
      }
    }
    return count;
  })()`);
}

describe("each Bokeh release in Chromium, with its own BokehJS", () => {
  test.each(SERVER_BOKEH_VERSIONS.map((v) => [v]))("%s: a pushed figure() renders, a slider moved in the page reaches the client, no console errors", async (bokehVersion) => {
    const server = await BokehServer.start({ port: 0, bokehVersion, apps: { "/": () => {} }, log: () => {} });
    cleanup.push(() => server.close());

    const source = new ColumnDataSource({ data: { x: new Float64Array([1, 2, 3]), top: new Float64Array([3, 1, 2]) } });
    const plot = figure({ title: `Rendered by BokehJS ${bokehVersion}`, width: 400, height: 300, tools: "pan,reset" });
    plot.vbar({ x: "x", top: "top", width: 0.8, source, color: "crimson" });
    const slider = new Slider({ name: "slider", title: "Amplitude", start: 0, end: 10, step: 1, value: 1 });
    const doc = new Document({ title: `Matrix ${bokehVersion}`, roots: [plot, slider] });
    const session = await pushSession(doc, { url: server.url });
    cleanup.push(() => session.close());
    const fromBrowser: unknown[] = [];
    slider.onChange("value", (_attr, _old, value) => fromBrowser.push(value));

    const { page, errors } = await openPage(browser);
    cleanup.push(() => page.close());
    const textFrames: string[] = []; // what the page's BokehJS received on its websocket
    page.on("websocket", (socket) => socket.on("framereceived", ({ payload }) => typeof payload === "string" && textFrames.push(payload)));
    await page.goto(`${server.url}?bokeh-session-id=${encodeURIComponent(session.id)}`);
    await waitForBokeh(page);

    expect(await page.evaluate("Bokeh.version")).toBe(bokehVersion);
    // The ACK in the release's framing: a Bokeh 4 envelope, or Bokeh 3's header frame.
    expect(Object.keys(JSON.parse(textFrames[0]!) as object)).toEqual(bokehVersion.startsWith("4.") ? ["header", "content", "buffers"] : ["msgid", "msgtype"]);
    expect(await page.title()).toBe(`Matrix ${bokehVersion}`);
    expect(await canvasCount(page)).toBeGreaterThan(0);
    // BokehJS 3 draws the plot's title on the canvas: its model in the page holds the text.
    const titleId = doc.select({ type: "Title" })[0]!.id;
    expect(await inPageDocument<string>(page, `doc.get_model_by_id(${JSON.stringify(titleId)}).text`)).toBe(`Rendered by BokehJS ${bokehVersion}`);
    // Three crimson bars: thousands of pixels of that colour (none before BokehJS drew them).
    await expect.poll(() => pixelsOf(page, RED)).toBeGreaterThan(2000);

    const handle = page.locator(".noUi-handle").first(); // inside BokehJS's shadow DOM; playwright pierces it
    await handle.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => fromBrowser.at(-1)).toBe(3);
    expect(slider.value).toBe(3);
    expect(errors).toEqual([]);
  });

  test("3.9.2: the document a Python 3.9.2 client pushed (recorded) renders with BokehJS 3.9.2, no console errors", async () => {
    const server = await BokehServer.start({ port: 0, bokehVersion: "3.9.2", apps: { "/": () => {} }, log: () => {} });
    cleanup.push(() => server.close());
    const [push] = recordedMessages(loadTranscript("b_push_session", "3.9"), "client->server");
    const doc = Document.fromJSON((push!.content as { doc: DocJson }).doc, push!.buffers);
    const session = await pushSession(doc, { url: server.url });
    cleanup.push(() => session.close());
    const { page, errors } = await openPage(browser);
    cleanup.push(() => page.close());
    await page.goto(`${server.url}?bokeh-session-id=${encodeURIComponent(session.id)}`);
    await waitForBokeh(page);
    expect(await page.title()).toBe("Pushed by the Python client");
    expect(await canvasCount(page)).toBeGreaterThan(0);
    expect(await pageText(page)).toContain("pushed div");
    expect(errors).toEqual([]);
  });
});
