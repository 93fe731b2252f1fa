/**
 * Server and websocket URLs, following bokeh.util.url / bokeh.client rules:
 * `http(s)://host/app` <-> `ws(s)://host/app/ws`, "default" from the environment.
 */
import { UrlError } from "./errors.js";

/** `http://{BOKEH_DEFAULT_SERVER_HOST|localhost}:{BOKEH_DEFAULT_SERVER_PORT|5006}/` */
export function defaultServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `http://${env.BOKEH_DEFAULT_SERVER_HOST || "localhost"}:${env.BOKEH_DEFAULT_SERVER_PORT || "5006"}/`;
}

export function defaultWebsocketUrl(env: NodeJS.ProcessEnv = process.env): string {
  return websocketUrlForServerUrl(defaultServerUrl(env));
}

/** `http://h/app` -> `ws://h/app/ws`, `https:` -> `wss:`. */
export function websocketUrlForServerUrl(url: string): string {
  let ws: string;
  if (url.startsWith("http:")) ws = `ws${url.slice(4)}`;
  else if (url.startsWith("https:")) ws = `wss${url.slice(5)}`;
  else throw new UrlError(`URL has unknown protocol: ${url} (expected http: or https:)`);
  return `${ws.replace(/\/+$/, "")}/ws`;
}

/** `ws://h/app/ws` -> `http://h/app/`, `wss:` -> `https:`. */
export function serverUrlForWebsocketUrl(url: string): string {
  let http: string;
  if (url.startsWith("ws:")) http = `http${url.slice(2)}`;
  else if (url.startsWith("wss:")) http = `https${url.slice(3)}`;
  else throw new UrlError(`URL has unknown protocol: ${url} (expected ws: or wss:)`);
  if (!http.endsWith("/ws")) throw new UrlError(`websocket URL does not end in /ws: ${url}`);
  return http.slice(0, -2);
}

/**
 * The server URL a session function takes: "default" means the default server;
 * websocket URLs are refused (like Python); a trailing slash is dropped.
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
  return url.replace(/\/+$/, "");
}

export type QueryArguments = Record<string, string | number | boolean | readonly (string | number | boolean)[]>;

/** Appends `arguments` as a query string (`a=1&msg=hello+world+%26+more`). */
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
