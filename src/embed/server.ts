/**
 * `<script>` tags that embed a server session in any web page, as Python's
 * `bokeh.embed.server_session` and `server_document` make them.
 *
 * The tag fetches `<app url>/autoload.js?bokeh-autoload-element=<its own id>&...`
 * (with the session id as a `Bokeh-Session-Id` header for serverSession) and runs
 * it; the script loads BokehJS and renders the session in place of the tag.
 */
import { randomUUID } from "node:crypto";
import { resolveServerUrl } from "../client/urls.js";
import type { Model } from "../document/model.js";
import { BokehError } from "../util/errors.js";

/** Invalid arguments for an embed function. */
export class EmbedError extends BokehError {
  constructor(message: string) {
    super("ERR_BOKEH_EMBED", message);
  }
}

interface CommonOptions {
  /** The app's http(s) URL. Default "default": `http://localhost:5006` (BOKEH_DEFAULT_SERVER_HOST/PORT). */
  url?: string;
  /** Leave `bokeh-absolute-url` out, so BokehJS's websocket URL is taken relative to the page. */
  relativeUrls?: boolean;
  /** "default" loads BokehJS from the server; null (Python's None) loads nothing (the page already has it). */
  resources?: "default" | null;
  /** Extra HTTP headers for the autoload.js request (e.g. authentication). */
  headers?: Record<string, string>;
  /** Send cookies with the autoload.js request (cross-origin). Not together with `headers`. */
  withCredentials?: boolean;
}

/** Options of `serverSession()`: the tag for an existing session. */
export interface ServerSessionOptions extends CommonOptions {
  /** The session to embed (e.g. `session.id` of a pulled ClientSession). Required. */
  sessionId: string;
  /** Accepted like Python's `model`; as in Bokeh 3 it has no effect: the whole document is embedded. */
  model?: Model;
}

/** Options of `serverDocument()`: the tag for a new session of an app. */
export interface ServerDocumentOptions extends CommonOptions {
  /** Query arguments for the new session (names starting with `bokeh-` are left out, as in Python). */
  arguments?: Record<string, string | number | boolean>;
}

/** A `<script>` tag that embeds an existing session (Python's `server_session`). */
export function serverSession(options: ServerSessionOptions): string {
  if (typeof options?.sessionId !== "string" || options.sessionId === "") throw new EmbedError("Must supply a session_id");
  checkCredentials(options);
  const url = cleanUrl(options.url);
  const elementId = newElementId();
  const src = autoloadUrl(url, elementId, options);
  return scriptTag(elementId, src, { ...options.headers, "Bokeh-Session-Id": options.sessionId }, options.withCredentials ?? false);
}

/** A `<script>` tag that embeds a new session of an app (Python's `server_document`). */
export function serverDocument(options: ServerDocumentOptions = {}): string {
  checkCredentials(options);
  const url = cleanUrl(options.url);
  const elementId = newElementId();
  let src = autoloadUrl(url, elementId, options);
  for (const [name, value] of Object.entries(options.arguments ?? {})) {
    if (name.startsWith("bokeh-")) continue;
    src += `&${quotePlus(name)}=${quotePlus(String(value))}`;
  }
  return scriptTag(elementId, src, { ...options.headers }, options.withCredentials ?? false);
}

function checkCredentials(options: CommonOptions): void {
  if (options.headers !== undefined && Object.keys(options.headers).length > 0 && options.withCredentials) {
    throw new EmbedError("'headers' and 'with_credentials' are mutually exclusive");
  }
  if (options.resources !== undefined && options.resources !== null && options.resources !== "default") {
    throw new EmbedError("`resources` must be either 'default' or None.");
  }
}

/** "default" -> the default server; websocket URLs refused; no trailing slash. */
function cleanUrl(url: string | undefined): string {
  try {
    return resolveServerUrl(url ?? "default");
  } catch (error) {
    throw new EmbedError((error as Error).message);
  }
}

function appPath(url: string): string {
  const path = new URL(url).pathname.replace(/\/+$/, "");
  return path.startsWith("/") ? path || "/" : `/${path}`;
}

function autoloadUrl(url: string, elementId: string, options: CommonOptions): string {
  let src = `${url}/autoload.js?bokeh-autoload-element=${elementId}`;
  const path = appPath(url);
  if (path !== "/") src += `&bokeh-app-path=${path}`;
  if (!options.relativeUrls) src += `&bokeh-absolute-url=${url}`;
  if (options.resources === null) src += "&resources=none";
  return src;
}

function newElementId(): string {
  return `p${randomUUID().replace(/-/g, "")}`;
}

/** Python's urllib.parse.quote_plus. */
function quotePlus(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, "+").replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A JS string literal that is also safe inside <script>. */
function js(text: string): string {
  return JSON.stringify(text).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
}

function scriptTag(elementId: string, src: string, headers: Record<string, string>, withCredentials: boolean): string {
  const setHeaders = Object.entries(headers)
    .map(([name, value]) => `\n    xhr.setRequestHeader(${js(name)}, ${js(value)});`)
    .join("");
  return `<script id="${elementId}">
  (function () {
    var xhr = new XMLHttpRequest();
    xhr.responseType = "blob";
    xhr.open("GET", ${js(src)}, true);${setHeaders}
    xhr.withCredentials = ${withCredentials ? "true" : "false"};
    xhr.onload = function (event) {
      var script = document.createElement("script");
      script.src = URL.createObjectURL(event.target.response);
      document.body.appendChild(script);
    };
    xhr.send();
  })();
</script>`;
}
