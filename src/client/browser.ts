/**
 * Opening a URL in a web browser, for `show()` and `showSession()`.
 *
 * The opener is a plain function so that it can be replaced (tests capture the
 * URL instead of launching anything; servers may log it instead).
 */
import { spawn, type ChildProcess } from "node:child_process";
import open, { apps } from "open";
import { BrowserError } from "./errors.js";

/** Where `show()` opens a page: a new tab or a new window of the browser (Python's `new`). */
export type NewBrowserTarget = "tab" | "window";

/** How `show()` and `showSession()` open a page. */
export interface OpenOptions {
  /** A browser to use: "chrome", "chromium", "firefox", "edge", or a command; default: $BROWSER or the system default. */
  browser?: string;
  /** Open in a new tab (default) or a new window, where the browser allows it. */
  new?: NewBrowserTarget;
}

/** Opens `url` in a browser (the `opener` option replaces the system browser with it, e.g. in tests). */
export type BrowserOpener = (url: string, options: OpenOptions) => void | Promise<void>;

const NAMED: Record<string, string | readonly string[]> = {
  chrome: apps.chrome,
  chromium: ["chromium", "chromium-browser", ...(typeof apps.chrome === "string" ? [apps.chrome] : apps.chrome)],
  firefox: apps.firefox,
  edge: apps.edge,
};

/**
 * Opens `url` with `options.browser`, else the command in $BROWSER (as Python's
 * webbrowser: `%s` stands for the URL, several commands may be separated by ':'),
 * else the system default. `new: "window"` asks Chromium-like browsers and Firefox
 * for a new window. Resolves once the browser process started.
 */
export const openInBrowser: BrowserOpener = async (url, options) => {
  const windowArgs = options.new === "window" ? ["--new-window"] : [];
  const choice = options.browser ?? process.env.BROWSER;
  if (choice !== undefined && choice !== "" && !(choice in NAMED)) {
    const command = choice.split(":")[0] as string;
    const words = command.trim().split(/\s+/);
    const args = command.includes("%s") ? words.slice(1).map((w) => w.replace("%s", url)) : [...words.slice(1), ...windowArgs, url];
    await started(spawn(words[0] as string, args, { detached: true, stdio: "ignore" }), command);
    return;
  }
  const app = choice !== undefined && choice !== "" ? { name: NAMED[choice] as string | string[], arguments: windowArgs } : undefined;
  await started(await open(url, { wait: false, ...(app ? { app } : {}) }), choice ?? "the default browser");
};

function started(child: ChildProcess, command: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.once("spawn", () => {
      child.unref();
      resolve();
    });
    child.once("error", (error) => reject(new BrowserError(command, error)));
  });
}
