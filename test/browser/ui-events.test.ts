/**
 * UI events from a real browser (Debian's Chromium, playwright-core) to Node callbacks:
 * `button.onClick` and `plot.onEvent("tap")` subscribe the model (its `subscribed_events`),
 * BokehJS then sends the click or the tap, and the callback runs: in a client session that
 * pulled the document (through the embedded server), and in the server's app. A second page
 * on the session never receives another page's clicks (BokehJS cannot read them).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { Button, Div, figure, pullSession, Range1d, type ClientSession, type ModelEventValues, type Plot } from "../../src/index.js";
import { BokehServer, type Application } from "../../src/server/index.js";
import { launch, openPage, pageText, waitForBokeh, type WatchedPage } from "../helpers/browser.js";

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

async function start(apps: Record<string, Application>): Promise<BokehServer> {
  const server = await BokehServer.start({ port: 0, apps, log: () => {} });
  cleanup.push(() => server.close());
  return server;
}

function track<T extends ClientSession>(session: T): T {
  cleanup.push(() => session.close());
  return session;
}

async function open(url: string): Promise<WatchedPage> {
  const watched = await openPage(browser);
  cleanup.push(() => watched.page.close());
  await watched.page.goto(url);
  await waitForBokeh(watched.page);
  return watched;
}

/** Waits until the page's BokehJS model `id` lists `name` in its subscribed_events (the subscription reached the browser). */
async function subscribedInPage(page: Page, id: string, name: string): Promise<void> {
  await page.waitForFunction(`Bokeh.documents[0].get_model_by_id(${JSON.stringify(id)}).subscribed_events.has(${JSON.stringify(name)})`);
}

/** A promise of the next call of a callback, and the callback. */
function nextCall<T>(): { called: Promise<T>; callback: (value: T) => void } {
  let callback!: (value: T) => void;
  const called = new Promise<T>((resolve) => (callback = resolve));
  return { called, callback };
}

// The models are made by our code: a Button and a Div, unsubscribed.
const buttonsApp: Application = (doc) => {
  doc.title = "Buttons";
  doc.addRoot(new Button({ name: "go", label: "Go" }));
  doc.addRoot(new Div({ name: "status", text: "waiting" }));
};

describe("button.onClick", () => {
  test("in a client session: a click in the page runs the Node callback, through the server; a second page never gets the click", async () => {
    const server = await start({ "/buttons": buttonsApp });
    const session = track(await pullSession({ url: server.appUrl("/buttons") }));
    const pageUrl = `${server.appUrl("/buttons")}?bokeh-session-id=${session.id}`;
    const clicking = await open(pageUrl);
    const watching = await open(pageUrl);

    const button = session.document!.getModelByName("go", Button)!;
    expect(button.has("subscribed_events")).toBe(false); // BokehJS would not send its clicks
    const clicks: ModelEventValues<"button_click", Button>[] = [];
    const { called, callback } = nextCall<void>();
    button.onClick((values) => {
      clicks.push(values);
      session.document!.getModelByName("status", Div)!.text = `clicked ${values.model.label}`;
      callback();
    });
    await session.flush(); // the subscription reached the server...
    await subscribedInPage(clicking.page, button.id, "button_click"); // ...and the browsers

    await clicking.page.locator("button", { hasText: "Go" }).click(); // inside BokehJS's shadow DOM; playwright pierces it
    await called;
    expect(clicks).toEqual([{ model: button }]);
    // The callback's change reaches both pages; the second page gets it after the click would
    // have come, had the server forwarded the click to it (BokehJS fails on such a patch).
    await session.flush();
    for (const { page } of [clicking, watching]) await page.waitForFunction(`document.body.innerText.includes("clicked Go") || [...document.querySelectorAll("*")].some((e) => e.shadowRoot && e.shadowRoot.textContent.includes("clicked Go"))`);
    expect(await pageText(watching.page)).toContain("clicked Go");
    expect(clicking.errors).toEqual([]);
    expect(watching.errors).toEqual([]);
  });

  test("in a server app: a click in the page runs the app's callback, whose change the page shows", async () => {
    const seen: ModelEventValues<"button_click", Button>[] = [];
    const server = await start({
      "/clicks": (doc) => {
        const button = new Button({ name: "go", label: "Go" });
        const status = new Div({ name: "status", text: "waiting" });
        let count = 0;
        button.onClick((values) => {
          seen.push(values);
          status.text = `clicked ${++count} times`;
        });
        doc.addRoot(button);
        doc.addRoot(status);
      },
    });
    const { page, errors } = await open(server.appUrl("/clicks"));
    const button = page.locator("button", { hasText: "Go" });
    await button.click();
    await page.waitForFunction(`[...document.querySelectorAll("*")].some((e) => e.shadowRoot && e.shadowRoot.textContent.includes("clicked 1 times"))`);
    await button.click();
    await page.waitForFunction(`[...document.querySelectorAll("*")].some((e) => e.shadowRoot && e.shadowRoot.textContent.includes("clicked 2 times"))`);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.model).toBeInstanceOf(Button);
    expect(seen[0]!.model.name).toBe("go");
    expect(errors).toEqual([]);
  });
});

describe("plot.onEvent('tap')", () => {
  // A plot of known ranges, no tools: a tap still reaches the plot (BokehJS sends point events of any plot that subscribed).
  const plotApp: Application = (doc) => {
    const plot = figure({ name: "plot", width: 400, height: 400, tools: "", toolbar_location: null, x_range: new Range1d({ start: 0, end: 10 }), y_range: new Range1d({ start: 0, end: 10 }) });
    plot.line({ x: [0, 10], y: [0, 10] });
    doc.addRoot(plot);
  };

  test("in a client session: taps in the pages reach the Node callback with screen and data coordinates and the keys held", async () => {
    const server = await start({ "/plot": plotApp });
    const session = track(await pullSession({ url: server.appUrl("/plot") }));
    const pageUrl = `${server.appUrl("/plot")}?bokeh-session-id=${session.id}`;
    // Two pages, one tap each: a page's second tap within 300 ms of its first is a double tap to BokehJS.
    const pages = [await open(pageUrl), await open(pageUrl)];
    const plot = session.document!.getModelByName("plot") as Plot;
    const taps: ModelEventValues<"tap", Plot>[] = [];
    let next = nextCall<void>();
    plot.onEvent("tap", (values) => {
      taps.push(values);
      next.callback();
    });
    await session.flush();
    for (const { page } of pages) await subscribedInPage(page, plot.id, "tap");

    const canvas = (await pages[0]!.page.locator("canvas").first().boundingBox())!;
    const tapAt = async (page: Page, fx: number, fy: number, shift = false) => {
      next = nextCall<void>();
      if (shift) await page.keyboard.down("Shift");
      await page.mouse.click(canvas.x + canvas.width * fx, canvas.y + canvas.height * fy);
      if (shift) await page.keyboard.up("Shift");
      await next.called;
    };
    await tapAt(pages[0]!.page, 0.4, 0.5);
    await tapAt(pages[1]!.page, 0.7, 0.3, true);
    expect(taps).toHaveLength(2);
    const [first, second] = taps as [ModelEventValues<"tap", Plot>, ModelEventValues<"tap", Plot>];
    expect(first.model).toBe(plot);
    // screen coordinates: where the page was clicked, in CSS pixels from the canvas's corner
    expect(first.sx).toBeCloseTo(canvas.width * 0.4, 0);
    expect(first.sy).toBeCloseTo(canvas.height * 0.5, 0);
    expect(second.sx).toBeCloseTo(canvas.width * 0.7, 0);
    // data coordinates: inside the ranges, further right and higher up for the second tap
    for (const { x, y } of taps) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(10);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(10);
    }
    expect(second.x).toBeGreaterThan(first.x);
    expect(second.y).toBeGreaterThan(first.y);
    expect(first.modifiers).toEqual({ shift: false, ctrl: false, alt: false });
    expect(second.modifiers).toEqual({ shift: true, ctrl: false, alt: false });
    for (const { errors } of pages) expect(errors).toEqual([]);
  });
});
