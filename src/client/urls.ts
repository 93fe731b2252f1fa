/**
 * Server and websocket URLs, following bokeh.util.url / bokeh.client rules:
 * `http(s)://host/app` <-> `ws(s)://host/app/ws`, "default" from the environment.
 *
 * An app URL may carry a query (`http://host/app?x=1`, a browser's address): it stays a
 * query of the websocket URL (`ws://host/app/ws?x=1`), so the server gives it to the app
 * as the new session's arguments, as it does for the page. Python's client appends `/ws`
 * to the whole URL (`ws://host/app?x=1/ws`) and fails to connect (docs/decisions.md).
 */
import { UrlError } from "./errors.js";

/** `http://{BOKEH_DEFAULT_SERVER_HOST|localhost}:{BOKEH_DEFAULT_SERVER_PORT|5006}/` */
export function defaultServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `http://${env.BOKEH_DEFAULT_SERVER_HOST || "localhost"}:${env.BOKEH_DEFAULT_SERVER_PORT || "5006"}/`;
}

/** The websocket URL of the default server: `ws://localhost:5006/ws` unless the environment says otherwise. */
export function defaultWebsocketUrl(env: NodeJS.ProcessEnv = process.env): string {
  return websocketUrlForServerUrl(defaultServerUrl(env));
}

/** A URL cut into what comes before its query, its query (with the `?`, or "") and its fragment (with the `#`, or ""). */
function splitUrl(url: string): { base: string; query: string; fragment: string } {
  const hash = url.indexOf("#");
  const fragment = hash === -1 ? "" : url.slice(hash);
  const rest = hash === -1 ? url : url.slice(0, hash);
  const mark = rest.indexOf("?");
  return mark === -1 ? { base: rest, query: "", fragment } : { base: rest.slice(0, mark), query: rest.slice(mark), fragment };
}

/**
 * `http://h/app` -> `ws://h/app/ws`, `https:` -> `wss:`. A query is kept after `/ws`
 * (`http://h/app/?x=1` -> `ws://h/app/ws?x=1`) and a fragment dropped. A
 * `bokeh-session-id` in the query is refused (`UrlError`): the session a websocket
 * joins is named by its token, so the server would ignore it and open a new session;
 * pass `sessionId` instead.
 */
export function websocketUrlForServerUrl(url: string): string {
  let ws: string;
  if (url.startsWith("http:")) ws = `ws${url.slice(4)}`;
  else if (url.startsWith("https:")) ws = `wss${url.slice(5)}`;
  else throw new UrlError(`URL has unknown protocol: ${url} (expected http: or https:)`);
  const { base, query } = splitUrl(ws);
  const sessionId = new URLSearchParams(query).get("bokeh-session-id");
  if (sessionId !== null) {
    throw new UrlError(
      `the URL names a session (bokeh-session-id=${sessionId}): a websocket joins the session its token names, not the URL's; pass { sessionId: ${JSON.stringify(sessionId)} } instead: ${url}`,
    );
  }
  return `${base.replace(/\/+$/, "")}/ws${query === "?" ? "" : query}`;
}

/** `ws://h/app/ws` -> `http://h/app/`, `wss:` -> `https:`. A query or fragment is dropped: the result is the app's URL. */
export function serverUrlForWebsocketUrl(url: string): string {
  let http: string;
  if (url.startsWith("ws:")) http = `http${url.slice(2)}`;
  else if (url.startsWith("wss:")) http = `https${url.slice(3)}`;
  else throw new UrlError(`URL has unknown protocol: ${url} (expected ws: or wss:)`);
  const { base } = splitUrl(http);
  if (!base.endsWith("/ws")) throw new UrlError(`websocket URL does not end in /ws: ${url}`);
  return base.slice(0, -2);
}

/**
 * The server URL a session function takes: "default" means the default server;
 * websocket URLs are refused (like Python); trailing slashes of the path are dropped
 * (`http://h/app/?x=1` -> `http://h/app?x=1`), the query and fragment are kept as written.
 */
export function resolveServerUrl(url: string = "default", env: NodeJS.ProcessEnv = process.env): string {
  if (url === "default") return defaultServerUrl(env).replace(/\/+$/, "");
  if (url.startsWith("ws:") || url.startsWith("wss:")) {
    throw new UrlError(`url should be the http or https URL of the server, not the websocket URL: ${url}`);
  }
  if (!url.startsWith("http:") && !url.startsWith("https:")) {
    throw new UrlError(`URL has unknown protocol: ${url} (expected http: or https:)`);
  }
  try {
    new URL(url);
  } catch {
    throw new UrlError(`not a valid URL: ${url}`);
  }
  const { base, query, fragment } = splitUrl(url);
  return `${base.replace(/\/+$/, "")}${query}${fragment}`;
}

/** Query arguments for a new session: `{ name: value }` or `{ name: [values] }`, sent as `name=value` pairs. */
export type QueryArguments = Record<string, string | number | boolean | readonly (string | number | boolean)[]>;

/** Appends `arguments` as a query string (`a=1&msg=hello+world+%26+more`), after the URL's own query if it has one. */
export function withQueryArguments(url: string, args: QueryArguments | undefined): string {
  if (args === undefined) return url;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(args)) {
    for (const item of Array.isArray(value) ? value : [value]) query.append(name, String(item));
  }
  const text = query.toString();
  if (text === "") return url;
  return `${url}${url.includes("?") ? "&" : "?"}${text}`;
}
