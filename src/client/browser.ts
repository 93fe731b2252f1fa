/**
 * Opening a URL in a web browser, for `show()` and `showSession()`.
 *
 * The opener is a plain function so that it can be replaced (tests capture the
 * URL instead of launching anything; servers may log it instead).
 */
import { spawn } from "node:child_process";
import open, { apps } from "open";

export type NewBrowserTarget = "tab" | "window";

export interface OpenOptions {
  /** A browser to use: "chrome", "firefox", "edge", or a command; default: $BROWSER or the system default. */
  browser?: string;
  /** Open in a new tab (default) or a new window, where the browser allows it. */
  new?: NewBrowserTarget;
}

export type BrowserOpener = (url: string, options: OpenOptions) => void | Promise<void>;

const NAMED: Record<string, string | readonly string[]> = {
  chrome: apps.chrome,
  chromium: ["chromium", "chromium-browser", ...toList(apps.chrome)],
  firefox: apps.firefox,
  edge: apps.edge,
};

function toList(value: string | readonly string[]): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

/** Opens `url` with the browser the options or $BROWSER name, else the system default. */
export const openInBrowser: BrowserOpener = async (url, options) => {
  const windowArgs = options.new === "window" ? ["--new-window"] : [];
  const command = options.browser ?? process.env.BROWSER;
  if (command !== undefined && command !== "" && !(command in NAMED)) {
    // $BROWSER and custom commands: run them with the URL, detached from this process.
    const child = spawn(command, [...windowArgs, url], { detached: true, stdio: "ignore", shell: false });
    child.on("error", () => {});
    child.unref();
    return;
  }
  const app = command !== undefined && command !== "" ? { name: NAMED[command] as string | readonly string[], arguments: windowArgs } : undefined;
  await open(url, { wait: false, ...(app ? { app: { name: app.name as string | string[], arguments: app.arguments } } : {}) });
};
