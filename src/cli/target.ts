/**
 * The session a command line names: the app URL as given (a browser's address
 * works too), its query as the session's arguments, and `bokeh-session-id` from
 * the query or `--session`.
 */
import type { SessionOptions } from "../client/api.js";
import type { QueryArguments } from "../client/urls.js";
import { UrlError } from "../client/errors.js";

export function sessionTarget(url: string, sessionId?: string): SessionOptions & { url: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UrlError(`not a valid URL: ${url} (expected http://host:port/app)`);
  }
  const args: Record<string, string[]> = {};
  let fromQuery: string | undefined;
  for (const [name, value] of parsed.searchParams) {
    if (name === "bokeh-session-id") fromQuery = value;
    else (args[name] ??= []).push(value);
  }
  parsed.search = "";
  parsed.hash = "";
  const id = sessionId ?? fromQuery;
  return {
    url: parsed.href.replace(/\/+$/, ""),
    ...(Object.keys(args).length > 0 ? { arguments: args as QueryArguments } : {}),
    ...(id === undefined ? {} : { sessionId: id }),
  };
}
