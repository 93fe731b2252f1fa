/**
 * The HTTP side of BokehServer, for browsers:
 *
 *   GET /<app>/               the app page (creates or joins the session)
 *   GET /<app>/autoload.js    a script that renders the session into an element
 *   OPTIONS /<app>/autoload.js  CORS preflight
 *   GET /<app>/metadata       `{"url": <app path>, "data": {}}`
 *   GET /static/js/<bundle>   BokehJS of the server's version (also under /<app>/static/js/),
 *                             or a redirect to Bokeh's CDN when it is not installed
 *   GET /                     redirect to the only app, or a list of apps
 *
 * Session ids come from `?bokeh-session-id=`, the `Bokeh-Session-Id` header or a
 * `?bokeh-token=`, else a new one is made; every response that renders a session
 * carries a freshly issued token (Bokeh reuses the session's first one, which
 * makes pages opened after its 5 minutes fail).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  checkSessionIdSignature,
  checkTokenSignature,
  generateSessionId,
  generateToken,
  getSessionId,
  type Signing,
} from "../protocol/token.js";
import { parseCookies, queryArguments, type Application, type SessionRequest } from "./application.js";
import { ServerBusyError } from "./limits.js";
import { appPage, autoloadScript, errorPage, indexPage } from "./pages.js";
import type { Log, ServerSession } from "./server-session.js";
import type { StaticFiles } from "./static-files.js";

export interface HttpHost {
  readonly apps: ReadonlyMap<string, Application>;
  readonly signing: Signing;
  /** Seconds a token issued with a page or autoload.js stays valid. */
  readonly tokenExpiration: number;
  readonly log: Log;
  /** BokehJS of the server's version. */
  readonly staticFiles: StaticFiles;
  session(id: string, appPath: string, app: Application, request: SessionRequest): Promise<ServerSession>;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly reason: string) {
    super(reason);
  }
}

export function handleHttp(host: HttpHost, req: IncomingMessage, res: ServerResponse): void {
  route(host, req, res).catch((thrown: unknown) => {
    let error = thrown;
    if (error instanceof ServerBusyError) error = new HttpError(503, error.message);
    const status = error instanceof HttpError ? error.status : 500;
    const reason = error instanceof HttpError ? error.reason : "Internal Server Error";
    if (!(error instanceof HttpError)) host.log("error", `HTTP ${req.method ?? ""} ${req.url ?? ""}: ${(error as Error)?.stack ?? String(error)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, reason, { "Content-Type": "text/html; charset=UTF-8" }).end(errorPage(status, reason));
  });
}

async function route(host: HttpHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = url.pathname;
  const method = req.method ?? "GET";

  const isAutoload = path.endsWith("/autoload.js");
  const appPath = appPathOf(host, isAutoload ? path.slice(0, -"/autoload.js".length) : path.endsWith("/metadata") ? path.slice(0, -"/metadata".length) : path);

  if (method === "OPTIONS" && isAutoload && appPath !== null) return preflight(req, res);
  if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "Method Not Allowed");

  if (path === "/favicon.ico") {
    res.writeHead(204).end(); // no icon, and no error in the browser's console
    return;
  }
  const staticFile = /^(?:\/.*)?\/static\/js\/([^/]+)$/.exec(path);
  if (staticFile !== null) {
    if (host.staticFiles.serve(req, res, staticFile[1] as string, url.searchParams.has("v"))) return;
    throw new HttpError(404, "Not Found");
  }
  if (appPath !== null && isAutoload) return autoload(host, req, res, url, appPath);
  if (appPath !== null && path.endsWith("/metadata")) {
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ url: appPath, data: {} }));
    return;
  }
  const pageApp = appPathOf(host, path);
  if (pageApp !== null) return page(host, req, res, url, pageApp);
  if (path === "/") {
    const paths = [...host.apps.keys()];
    if (paths.length === 1) {
      res.writeHead(302, { Location: paths[0] as string }).end();
    } else {
      res.writeHead(200, { "Content-Type": "text/html; charset=UTF-8" }).end(indexPage(paths));
    }
    return;
  }
  throw new HttpError(404, "Not Found");
}

/** The app whose page is at `path` (`/app` and `/app/` both), or null. */
function appPathOf(host: HttpHost, path: string): string | null {
  const trimmed = path.replace(/\/+$/, "") || "/";
  return host.apps.has(trimmed) ? trimmed : null;
}

async function page(host: HttpHost, req: IncomingMessage, res: ServerResponse, url: URL, appPath: string): Promise<void> {
  const { session, token } = await openSession(host, req, url, appPath);
  const html = appPage({
    title: session.document.title,
    token,
    rootIds: session.document.roots.map((root) => root.id),
    scripts: host.staticFiles.bundleUrls("/"),
  });
  res.writeHead(200, { "Content-Type": "text/html; charset=UTF-8" }).end(method(req) === "HEAD" ? undefined : html);
}

async function autoload(host: HttpHost, req: IncomingMessage, res: ServerResponse, url: URL, appPath: string): Promise<void> {
  const cors = corsHeaders(req);
  const element = url.searchParams.get("bokeh-autoload-element")?.trim();
  if (!element) throw new HttpError(400, "No bokeh-autoload-element query parameter");
  const { token } = await openSession(host, req, url, appPath);
  const absolute = url.searchParams.get("bokeh-absolute-url");
  let base = "/";
  if (absolute) {
    try {
      base = `${new URL(absolute).origin}/`;
    } catch {
      throw new HttpError(400, "Invalid bokeh-absolute-url query parameter");
    }
  }
  const script = autoloadScript({
    token,
    elementId: element,
    appPath: url.searchParams.get("bokeh-app-path") ?? "/",
    absoluteUrl: absolute || null,
    scripts: url.searchParams.get("resources") === "none" ? [] : host.staticFiles.bundleUrls(base),
  });
  res.writeHead(200, { ...cors, "Content-Type": "application/javascript; charset=utf-8" }).end(method(req) === "HEAD" ? undefined : script);
}

// CORS like bokeh serve's autoload.js: any origin; the requesting origin itself when
// credentials (cookies) are sent, since browsers refuse "*" for credentialed requests.
function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  const credentialed = origin !== undefined && req.headers.cookie !== undefined;
  return {
    "Access-Control-Allow-Origin": credentialed ? origin : "*",
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Allow-Credentials": "true",
    ...(credentialed ? { Vary: "Origin" } : {}),
  };
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  const requested = req.headers["access-control-request-headers"];
  res
    .writeHead(200, {
      "Access-Control-Allow-Origin": origin ?? "*",
      // "*" is taken literally for credentialed requests, so name the requested headers.
      "Access-Control-Allow-Headers": requested ?? "*",
      "Access-Control-Allow-Methods": "PUT, GET, OPTIONS",
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Max-Age": "600",
      Vary: "Origin",
    })
    .end();
}

/** Finds or creates the session a page or autoload request asks for, and a token for it. */
async function openSession(host: HttpHost, req: IncomingMessage, url: URL, appPath: string): Promise<{ session: ServerSession; token: string }> {
  const fromArg = url.searchParams.getAll("bokeh-session-id").at(-1)?.trim() || undefined;
  const fromHeader = headerValue(req, "bokeh-session-id");
  const givenToken = url.searchParams.getAll("bokeh-token").at(-1)?.trim() || undefined;
  if (fromArg !== undefined && fromHeader !== undefined) throw new HttpError(403, "session ID was provided as an argument and header");
  let sessionId = fromHeader ?? fromArg;
  if (givenToken !== undefined && sessionId !== undefined) throw new HttpError(403, "Both token and session ID were provided");
  if (givenToken !== undefined) {
    try {
      sessionId = getSessionId(givenToken);
    } catch {
      throw new HttpError(403, "Invalid token or session ID");
    }
    if (!checkTokenSignature(givenToken, host.signing)) throw new HttpError(403, "Invalid token or session ID");
  }
  sessionId ??= generateSessionId(host.signing);
  if (!checkSessionIdSignature(sessionId, host.signing)) throw new HttpError(403, "Invalid token or session ID");

  const request = requestInfo(req, url);
  const session = await host.session(sessionId, appPath, host.apps.get(appPath) as Application, request);
  const token = givenToken ?? issueToken(host, sessionId, req, url);
  return { session, token };
}

/** A token like the ones bokeh serve embeds in its pages: request headers, cookies and arguments in the payload. */
function issueToken(host: HttpHost, sessionId: string, req: IncomingMessage, url: URL): string {
  const cookies = parseCookies(headerValue(req, "cookie"));
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (Object.keys(cookies).length > 0 && name.toLowerCase() === "cookie") continue;
    const value = req.rawHeaders[i + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const args: Record<string, Uint8Array[]> = {};
  for (const [name, value] of url.searchParams) (args[name] ??= []).push(Buffer.from(value, "utf8"));
  return generateToken(sessionId, host.signing, { expiration: host.tokenExpiration, extraPayload: { headers, cookies, arguments: args } });
}

function requestInfo(req: IncomingMessage, url: URL): SessionRequest {
  return { arguments: queryArguments(url.searchParams), headers: req.headers, cookies: parseCookies(headerValue(req, "cookie")) };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value.at(-1) : value;
  return text?.trim() || undefined;
}

function method(req: IncomingMessage): string {
  return req.method ?? "GET";
}
