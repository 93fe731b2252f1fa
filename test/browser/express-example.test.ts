/**
 * examples/express-embed in a real browser: the title the Express route sets
 * for the visitor is visible (Python's client loses it, bokeh#13172, because it
 * does not send pending changes before closing), and the embedded session is live.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo, type Server as NetServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { inPageDocument, launch, openPage, waitForBokeh } from "../helpers/browser.js";

const APP = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist-examples", "express-embed", "app.js");

let browser: Browser;
let pageUrl: string;
const examples: ChildProcess[] = [];

/** Starts the example; resolves with its page URL (without the query) and everything it printed by then. */
function startExample(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: string }> {
  const child = spawn(process.execPath, [APP], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  examples.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Express app: (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]!.replace(/\?.*$/, ""), output: out });
    });
    child.on("exit", (code) => reject(new Error(`the example exited (${code}); run npm run build:examples`)));
  });
}

beforeAll(async () => {
  browser = await launch();
  ({ url: pageUrl } = await startExample({ PORT: "0", BOKEH_PORT: "0" }));
}, 30_000);

afterAll(async () => {
  await Promise.all(
    examples.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return undefined;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    }),
  );
  await browser?.close();
});

test("when its ports are taken, it takes free ones (as the demo does) and works", async () => {
  const taken = await Promise.all([listening(), listening()]);
  try {
    const [web, bokeh] = taken.map((server) => (server.address() as AddressInfo).port) as [number, number];
    const { url, output } = await startExample({ PORT: String(web), BOKEH_PORT: String(bokeh) });
    expect(output).toContain(`Express: port ${web} is taken, using a free one`);
    expect(output).toContain(`Bokeh: port ${bokeh} is taken, using a free one`);
    expect(new URL(url).port).not.toBe(String(web));
    const html = await (await fetch(`${url}?user=Lin`)).text();
    expect(html).toContain("<h1>Hello, Lin</h1>");
    expect(html).toMatch(/<script id="[^"]+">[\s\S]*autoload\.js/);
  } finally {
    await Promise.all(taken.map((server) => new Promise((resolve) => server.close(resolve))));
  }
});

function listening(): Promise<NetServer> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

test("the title customized for the visitor is what the browser shows", async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${pageUrl}?user=Ada`);
  await waitForBokeh(page);
  expect(await page.locator("h1").textContent()).toBe("Hello, Ada");
  const title = await inPageDocument<string>(page, `doc.get_model_by_name("plot").title.text`);
  expect(title).toBe("Hello, Ada!");
  expect(errors).toEqual([]);
  await page.close();
});

test("each visitor gets a session of their own, and it is live (the slider recomputes the data on the server)", async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${pageUrl}?user=Grace`);
  await waitForBokeh(page);
  expect(await inPageDocument<string>(page, `doc.get_model_by_name("plot").title.text`)).toBe("Hello, Grace!");
  const before = await inPageDocument<number>(page, `doc.get_model_by_name("plot").renderers[0].data_source.data.y[10]`);
  await page.locator(".noUi-handle").first().focus();
  await page.keyboard.press("ArrowRight");
  await expect.poll(() => inPageDocument<number>(page, `doc.get_model_by_name("plot").renderers[0].data_source.data.y[10]`)).not.toBe(before);
  expect(errors).toEqual([]);
  await page.close();
});
