/**
 * `bokeh-client info URL`: is the server there, which Bokeh it runs, how long a
 * round trip takes. URL is an app's URL or the server's root: for a root without
 * an app, the apps are found the way a browser would (the redirect to the only
 * app, or the links of the index page) and the first one is asked.
 */
import { HttpError } from "../client/errors.js";
import { ClientSession } from "../client/session.js";
import { resolveServerUrl, websocketUrlForServerUrl } from "../client/urls.js";
import { appUrl } from "./target.js";
import { command, errorKind, exitCodeFor, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, integerOption } from "./command.js";
import { formatMs, percentile } from "./stats.js";

export const info = command({
  name: "info",
  args: "URL",
  positionals: [1, 1],
  summary: "Check a Bokeh server: reachable or why not, its Bokeh version, the round-trip latency.",
  options: {
    rounds: { type: "string", value: "N", description: "round trips to time (default 5)" },
    json: { type: "boolean", description: "print the result as JSON" },
  },
  details: `URL is an app's URL (http://localhost:5006/myapp) or the server's root (http://localhost:5006/).
Opening a session runs the app once on the server, as a browser visit does.
Exit code 2 when the server cannot be reached, 3 when it refuses.`,
  async run(values, [url]) {
    const rounds = integerOption("rounds", values.rounds, 1) ?? 5;
    const target = appUrl(url as string);
    let result: InfoResult;
    try {
      result = await probe(target, rounds);
    } catch (error) {
      const code = exitCodeFor(error);
      if (code === EXIT_USAGE) throw error;
      const why = { kind: errorKind(error), message: (error as Error).message };
      if (values.json) process.stdout.write(`${JSON.stringify({ url: target, reachable: code === EXIT_REFUSED, error: why }, null, 2)}\n`);
      else process.stdout.write(`url        ${target}\nreachable  ${code === EXIT_REFUSED ? "yes, but it refused" : "no"}: ${why.message}\n`);
      return code;
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const rows: [string, string][] = [
        ["url", result.url],
        ["reachable", `yes (session opened in ${formatMs(result.openMs)})`],
        ["bokeh", `${result.bokeh} (server ${result.server})`],
        ["round trip", `${formatMs(result.roundTrip.p50)} median of ${rounds} (min ${formatMs(result.roundTrip.min)}, max ${formatMs(result.roundTrip.max)})`],
      ];
      if (result.apps !== null) rows.splice(1, 0, ["apps", result.apps.join(", ")]);
      for (const [key, value] of rows) process.stdout.write(`${key.padEnd(11)}${value}\n`);
    }
    return EXIT_OK;
  },
});

interface InfoResult {
  url: string;
  /** The server's apps, when URL was its root and the root is not an app. */
  apps: string[] | null;
  bokeh: string;
  server: string;
  openMs: number;
  roundTrip: { min: number; p50: number; max: number; samples: number[] };
}

async function probe(url: string, rounds: number): Promise<InfoResult> {
  try {
    return { ...(await measure(url, rounds)), apps: null };
  } catch (error) {
    if (!(error instanceof HttpError && error.status === 404 && new URL(url).pathname.replace(/\/+$/, "") === "")) throw error;
    const apps = await findApps(url);
    if (apps.length === 0) throw error;
    const first = new URL(apps[0] as string, `${url}/`).href;
    return { ...(await measure(resolveServerUrl(first), rounds)), apps };
  }
}

async function measure(url: string, rounds: number): Promise<Omit<InfoResult, "apps">> {
  const session = new ClientSession({ websocketUrl: websocketUrlForServerUrl(url) });
  try {
    const opening = performance.now();
    await session.connect();
    const openMs = performance.now() - opening;
    const { version_info } = await session.requestServerInfo();
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      await session.forceRoundtrip();
      samples.push(performance.now() - start);
    }
    return {
      url,
      bokeh: String(version_info?.bokeh ?? "unknown"),
      server: String(version_info?.server ?? "unknown"),
      openMs,
      roundTrip: { min: Math.min(...samples), p50: percentile(samples, 50), max: Math.max(...samples), samples },
    };
  } finally {
    await session.close().catch(() => {});
  }
}

/** The apps a server's root leads to: its redirect, or the links of its index page. */
async function findApps(url: string): Promise<string[]> {
  let response: Response;
  try {
    response = await fetch(`${url}/`, { redirect: "manual" });
  } catch {
    return [];
  }
  const location = response.headers.get("location");
  if (response.status >= 300 && response.status < 400 && location !== null) return [new URL(location, `${url}/`).pathname];
  if (!response.ok) return [];
  // Links to this server's own pages, not to its root or static files (Bokeh's index page also links to bokeh.org...).
  const base = new URL(`${url}/`);
  const paths = [...(await response.text()).matchAll(/href="([^"]+)"/g)]
    .map((m) => new URL(m[1] as string, base))
    .filter((link) => link.origin === base.origin && link.pathname !== "/" && !link.pathname.startsWith("/static/"))
    .map((link) => link.pathname.replace(/\/+$/, ""));
  return [...new Set(paths)];
}
