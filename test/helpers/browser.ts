/**
 * Real-browser helpers: Debian's Chromium (`/usr/bin/chromium`, installed by
 * scripts/ensure-chromium.sh, run before npm test) driven by playwright-core. Every page's console errors and uncaught
 * exceptions are collected so tests can assert there are none.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Console errors we know about and accept (see docs/browser.md). Every entry
 * names why it is harmless.
 */
export const KNOWN_CONSOLE_ERRORS: { pattern: RegExp; why: string }[] = [];

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (scripts/ensure-chromium.sh does) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and page errors not in KNOWN_CONSOLE_ERRORS. */
  errors: string[];
}

export async function openPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = `${message.text()} ${message.location().url ?? ""}`;
    if (!KNOWN_CONSOLE_ERRORS.some((known) => known.pattern.test(text))) errors.push(text);
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  return { page, errors };
}

// In-page code is written as strings: the project's TypeScript has no DOM types,
// so that library code cannot use browser globals by accident.

/** Waits until BokehJS has a document and it is idle (everything rendered). */
export async function waitForBokeh(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction("window.Bokeh && Bokeh.documents && Bokeh.documents.length > 0 && Bokeh.documents.every((d) => d.is_idle)", null, {
    timeout,
  });
}

const WALK = `
  const texts = [];
  let canvases = 0;
  const walk = (root) => {
    canvases += root.querySelectorAll("canvas").length;
    for (const el of root.querySelectorAll("*")) if (el.shadowRoot) { texts.push(el.shadowRoot.textContent); walk(el.shadowRoot); }
  };
  walk(document);
  texts.push(document.body.innerText);
`;

/** The text of the page, including what BokehJS renders inside shadow roots. */
export async function pageText(page: Page): Promise<string> {
  return page.evaluate(`(() => { ${WALK}; return texts.join(" "); })()`);
}

/** Number of <canvas> elements, including inside shadow roots (BokehJS draws plots on canvases). */
export async function canvasCount(page: Page): Promise<number> {
  return page.evaluate(`(() => { ${WALK}; return canvases; })()`);
}

/** Evaluates `expression` with `doc` bound to the page's first BokehJS document. */
export async function inPageDocument<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(`((doc) => (${expression}))(Bokeh.documents[0])`);
}
