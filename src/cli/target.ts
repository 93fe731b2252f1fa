/**
 * The session a command line names: the app URL as given (a browser's address works
 * too), with `bokeh-session-id` from its query or `--session`. The rest of the query
 * stays in the URL: pullSession and pushSession send it on, and the app gets it as
 * the session's arguments (client/urls.ts).
 */
import type { SessionOptions } from "../client/api.js";
import { UrlError } from "../client/errors.js";
import { resolveServerUrl } from "../client/urls.js";

/** `url` parsed, or a UrlError that shows the expected form. */
function parse(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new UrlError(`not a valid URL: ${url} (expected http://host:port/app)`);
  }
}

export function sessionTarget(url: string, sessionId?: string): SessionOptions & { url: string } {
  const parsed = parse(url);
  const fromQuery = parsed.searchParams.get("bokeh-session-id") ?? undefined;
  if (fromQuery !== undefined) parsed.searchParams.delete("bokeh-session-id"); // else the query stays as typed
  parsed.hash = "";
  const id = sessionId ?? fromQuery;
  return { url: resolveServerUrl(parsed.href), ...(id === undefined ? {} : { sessionId: id }) };
}

/** The app's URL without its query: `http://host:port/app`. */
export function appUrl(url: string): string {
  const parsed = parse(url);
  parsed.search = "";
  parsed.hash = "";
  return resolveServerUrl(parsed.href);
}
