/**
 * The HTTP side of BokehServer, as browsers and embedding pages use it,
 * checked over real HTTP against the facts of bokeh serve 3.7
 * (docs/research/bokeh-server-http.md).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterEach, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { Model } from "../src/index.js";
import { getSessionId, getTokenPayload, generateToken, resolveSigning } from "../src/protocol/token.js";
import { BokehServer, ListenError, type Application, type BokehServerOptions } from "../src/server/index.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

let seen: Record<string, string[]>[] = [];
const app: Application = (doc, ctx) => {
  seen.push({ ...ctx.request.arguments });
  doc.title = "Paged";
  doc.addRoot(new Model("Div", { name: "first", text: "one" }));
  doc.addRoot(new Model("Div", { name: "second", text: "two" }));
};

async function start(options: Partial<BokehServerOptions> = {}): Promise<BokehServer> {
  seen = [];
  const server = await BokehServer.start({ port: 0, apps: { "/app": app }, log: () => {}, ...options });
  cleanup.push(() => server.close());
  return server;
}

/** The render item the page hands to BokehJS. */
function renderItem(html: string): { token: string; roots: Record<string, string>; root_ids: string[]; use_for_title: boolean } {
  const match = /var render_items = \[(.*)\];/.exec(html);
  if (!match) throw new Error("no render_items in the page");
  return JSON.parse(match[1]!);
}

describe("the app page", () => {
  test("creates the session (running the app with the request's arguments) before answering, and embeds a fresh token", async () => {
    const server = await start();
    const res = await fetch(`${server.appUrl("/app")}/?foo=bar&bokeh-session-id=page-session`, { headers: { Cookie: "user=ada" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>Paged</title>");
    for (const bundle of ["bokeh", "bokeh-gl", "bokeh-widgets", "bokeh-tables", "bokeh-mathjax"]) {
      expect(html).toMatch(new RegExp(`<script src="/static/js/${bundle}\\.min\\.js\\?v=[0-9a-f]+"></script>`));
    }
    const item = renderItem(html);
    expect(getSessionId(item.token)).toBe("page-session");
    expect(item.use_for_title).toBe(true);
    const session = await server.getSession("page-session");
    expect(item.root_ids).toEqual(session!.document.roots.map((r) => r.id)); // in the document's order
    for (const id of item.root_ids) expect(html).toContain(`id="${item.roots[id]}" data-root-id="${id}"`);
    expect(seen).toEqual([{ foo: ["bar"], "bokeh-session-id": ["page-session"] }]);
    const payload = getTokenPayload(item.token);
    expect(payload.cookies).toEqual({ user: "ada" });
    expect((payload.arguments as Record<string, Uint8Array[]>).foo).toEqual([new Uint8Array(Buffer.from("bar"))]);
    expect(payload.headers).not.toHaveProperty("Cookie");
  });

  test("joins an existing session; both /app and /app/ serve it", async () => {
    const server = await start();
    const first = renderItem(await (await fetch(`${server.appUrl("/app")}/`)).text());
    const id = getSessionId(first.token);
    const again = renderItem(await (await fetch(`${server.appUrl("/app")}?bokeh-session-id=${id}`)).text());
    expect(getSessionId(again.token)).toBe(id);
    expect(seen).toHaveLength(1); // the app ran once
  });

  test("Bokeh's refusals: id as argument and header, token and id, a bad signature", async () => {
    const server = await start({ signSessions: true, secretKey: "k".repeat(32) });
    const both = await fetch(`${server.appUrl("/app")}/?bokeh-session-id=a`, { headers: { "Bokeh-Session-Id": "a" } });
    expect([both.status, both.statusText]).toEqual([403, "session ID was provided as an argument and header"]);
    const token = generateToken("x", resolveSigning({ signSessions: false }));
    const tokenAndId = await fetch(`${server.appUrl("/app")}/?bokeh-token=${token}&bokeh-session-id=x`);
    expect(tokenAndId.status).toBe(403);
    const unsigned = await fetch(`${server.appUrl("/app")}/?bokeh-session-id=not-signed`);
    expect([unsigned.status, await unsigned.text()]).toEqual([403, "<html><title>403: Invalid token or session ID</title><body>403: Invalid token or session ID</body></html>"]);
  });

  test("GET / redirects to the only app; several apps get an index", async () => {
    const one = await start();
    const res = await fetch(one.url, { redirect: "manual" });
    expect([res.status, res.headers.get("location")]).toEqual([302, "/app"]);
    const two = await start({ apps: { "/a": app, "/b": app } });
    const index = await (await fetch(two.url)).text();
    expect(index).toContain('href="/a"');
    expect(index).toContain('href="/b"');
    expect((await fetch(`${two.url}nothing`)).status).toBe(404);
    expect(await (await fetch(`${two.url}a/metadata`)).json()).toEqual({ url: "/a", data: {} });
  });

  test("a session nobody connects to expires; a browser coming later with its token gets it re-created as its page request saw it", async () => {
    const server = await start({ unusedSessionLifetime: 50, checkUnusedSessions: 50 });
    const item = renderItem(await (await fetch(`${server.appUrl("/app")}/?color=blue`)).text());
    const id = getSessionId(item.token);
    const created = await server.getSession(id);
    expect(created).toBeDefined(); // the page request made it
    await new Promise<void>((resolve) => created!.onSessionDestroyed(resolve)); // nobody came: it expires
    expect(await server.getSession(id)).toBeUndefined();
    const ws = new WebSocket(`${server.url.replace("http", "ws")}app/ws?bokeh-session-id=${id}`, ["bokeh", item.token]);
    await new Promise((resolve, reject) => {
      ws.once("message", resolve);
      ws.once("error", reject);
    });
    ws.close();
    expect(await server.getSession(id)).toBeDefined();
    expect(seen.at(-1)).toEqual({ color: ["blue"] });
  });
});

describe("autoload.js", () => {
  const element = "bk-elem-1";

  test("renders a session into the requesting element, with CORS for any origin", async () => {
    const server = await start();
    const url = `${server.appUrl("/app")}/autoload.js?bokeh-autoload-element=${element}&bokeh-app-path=/app&bokeh-absolute-url=${server.appUrl("/app")}`;
    const res = await fetch(url, { headers: { "Bokeh-Session-Id": "embedded", Origin: "http://elsewhere.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/javascript/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const script = await res.text();
    expect(script).toContain(`"${element}"`);
    expect(script).toContain(`${server.url}static/js/bokeh.min.js?v=`); // absolute: the page is elsewhere
    const token = /"token":"([^"]+)"/.exec(script)![1]!;
    expect(getSessionId(token)).toBe("embedded");
    expect(script).toContain(`"/app", "${server.appUrl("/app")}"`);
  });

  test("resources=none loads no BokehJS; relative URLs without bokeh-absolute-url", async () => {
    const server = await start();
    const none = await (await fetch(`${server.appUrl("/app")}/autoload.js?bokeh-autoload-element=${element}&resources=none`)).text();
    expect(none).toContain("var urls = [];");
    const relative = await (await fetch(`${server.appUrl("/app")}/autoload.js?bokeh-autoload-element=${element}`)).text();
    expect(relative).toContain('"/static/js/bokeh.min.js?v=');
  });

  test("without bokeh-autoload-element: 400, CORS headers included", async () => {
    const server = await start();
    const res = await fetch(`${server.appUrl("/app")}/autoload.js`);
    expect([res.status, res.statusText]).toEqual([400, "No bokeh-autoload-element query parameter"]);
  });

  test("credentialed requests get their origin back; the preflight names the requested headers", async () => {
    const server = await start();
    const res = await fetch(`${server.appUrl("/app")}/autoload.js?bokeh-autoload-element=${element}`, {
      headers: { Origin: "http://site.example", Cookie: "s=1" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://site.example");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    const preflight = await fetch(`${server.appUrl("/app")}/autoload.js`, {
      method: "OPTIONS",
      headers: { Origin: "http://site.example", "Access-Control-Request-Headers": "bokeh-session-id" },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://site.example");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("bokeh-session-id");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
  });
});

describe("static BokehJS", () => {
  test("bundles of the server's Bokeh version (3.10.0 by default) from the installed package; versioned URLs cache for years; ETags revalidate", async () => {
    const server = await start();
    expect(server.bokehVersion).toBe("3.10.0");
    const plain = await fetch(`${server.url}static/js/bokeh.min.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toMatch(/javascript/);
    expect(plain.headers.get("cache-control")).toBeNull();
    const served = Buffer.from(await plain.arrayBuffer());
    expect(served.equals(readFileSync(createRequire(import.meta.url).resolve("bokehjs-3.10/build/js/bokeh.min.js")))).toBe(true);
    expect(served.toString("latin1")).toContain('"3.10.0"');
    const versioned = await fetch(`${server.appUrl("/app")}/static/js/bokeh-widgets.min.js?v=abc`);
    expect(versioned.headers.get("cache-control")).toMatch(/max-age=315360000/);
    const etag = plain.headers.get("etag")!;
    expect((await fetch(`${server.url}static/js/bokeh.min.js`, { headers: { "If-None-Match": etag } })).status).toBe(304);
    expect((await fetch(`${server.url}static/js/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${server.url}static/js/nope.min.js`)).status).toBe(404);
    expect((await fetch(`${server.url}favicon.ico`)).status).toBe(204);
  });
});

describe("starting", () => {
  test("a port already in use: a typed ListenError that says so, not a raw EADDRINUSE", async () => {
    const first = await start();
    const error = await BokehServer.start({ port: first.port, apps: { "/app": app }, log: () => {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect(error).toMatchObject({ code: "ERR_BOKEH_LISTEN", systemCode: "EADDRINUSE", port: first.port, host: "127.0.0.1" });
    expect((error as Error).message).toMatch(new RegExp(`port ${first.port} is in use on 127\\.0\\.0\\.1: pick another port \\(0 picks a free one\\)`));
  });
});
