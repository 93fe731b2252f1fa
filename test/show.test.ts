/**
 * show() / showSession() start a real browser command: here a script standing
 * in for the browser ($BROWSER, or the `browser` option) that records its
 * arguments, so the test sees exactly what a browser would be given.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { Model, pullSession, showSession } from "../src/index.js";
import { BokehServer } from "../src/server/index.js";
import { until } from "./helpers/until.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

function fakeBrowser(): { command: string; calls: () => string[][] } {
  const dir = mkdtempSync(join(tmpdir(), "bokeh-browser-"));
  const log = join(dir, "calls");
  const command = join(dir, "browser");
  writeFileSync(command, `#!/bin/sh\nfor a in "$@"; do printf '%s\\t' "$a"; done >> "${log}"\necho >> "${log}"\n`);
  chmodSync(command, 0o755);
  return {
    command,
    calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => l.replace(/\t$/, "").split("\t")) : []),
  };
}

test("session.show() runs $BROWSER with the session's page URL; new: 'window' asks for a window", async () => {
  const server = await BokehServer.start({ port: 0, apps: { "/app": (doc) => doc.addRoot(new Model("Div", { text: "x" })) }, log: () => {} });
  cleanup.push(() => server.close());
  const session = await pullSession({ url: server.appUrl("/app") });
  cleanup.push(() => session.close());
  const browser = fakeBrowser();
  const saved = process.env.BROWSER;
  process.env.BROWSER = browser.command;
  cleanup.push(async () => (saved === undefined ? delete process.env.BROWSER : (process.env.BROWSER = saved)));
  await session.show();
  await session.show(undefined, { new: "window" });
  await until(() => browser.calls().length === 2);
  const page = `${server.appUrl("/app")}/?bokeh-session-id=${session.id}`;
  expect(browser.calls()).toEqual([[page], ["--new-window", page]]);
});

test("showSession({ browser }) takes a command with %s; a browser that cannot start is a typed error", async () => {
  const browser = fakeBrowser();
  await showSession({ sessionId: "abc", url: "http://h:1/app", browser: `${browser.command} --profile=test %s` });
  await until(() => browser.calls().length === 1);
  expect(browser.calls()).toEqual([["--profile=test", "http://h:1/app/?bokeh-session-id=abc"]]);
  await expect(showSession({ sessionId: "abc", url: "http://h:1/app", browser: "/no/such/browser" })).rejects.toMatchObject({ code: "ERR_BOKEH_BROWSER" });
});
