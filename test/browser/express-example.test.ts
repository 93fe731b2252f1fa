/**
 * examples/express-embed in a real browser: the title the Express route sets
 * for the visitor is visible (Python's client loses it, bokeh#13172, because it
 * does not send pending changes before closing), and the embedded session is live.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { inPageDocument, launch, openPage, waitForBokeh } from "../helpers/browser.js";

const APP = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist-examples", "express-embed", "app.js");

let browser: Browser;
let example: ChildProcess;
let pageUrl: string;

beforeAll(async () => {
  browser = await launch();
  example = spawn(process.execPath, [APP], { env: { ...process.env, PORT: "0", BOKEH_PORT: "0" }, stdio: ["ignore", "pipe", "inherit"] });
  pageUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    example.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Express app: (\S+)/.exec(out);
      if (match) resolve(match[1]!.replace(/\?.*$/, ""));
    });
    example.on("exit", (code) => reject(new Error(`the example exited (${code}); run npm run build:examples`)));
  });
}, 30_000);

afterAll(async () => {
  example?.kill("SIGTERM");
  await browser?.close();
});

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
