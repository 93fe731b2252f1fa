/**
 * What a browser gets from the server: the app page, and `autoload.js` for pages
 * that embed a session. Both load BokehJS and hand it a "render item" holding the
 * session token; BokehJS then opens the websocket and pulls the document.
 * (Structure as `bokeh serve` 3.7 produces it; see docs/research/bokeh-server-http.md.)
 */
import { randomUUID } from "node:crypto";

export interface RenderItem {
  token: string;
  roots?: Record<string, string>;
  root_ids?: string[];
  elementid?: string;
  use_for_title: boolean;
}

/** JSON safe to put inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function elementId(): string {
  return `bk-${randomUUID()}`;
}

/** The HTML page of a session: one element per root (in the document's root order), then the embed call. */
export function appPage(options: { title: string; token: string; rootIds: readonly string[]; scripts: readonly string[] }): string {
  const roots: Record<string, string> = {};
  const divs = options.rootIds.map((id) => {
    const element = elementId();
    roots[id] = element;
    return `    <div id="${element}" data-root-id="${escapeHtml(id)}" style="display: contents;"></div>`;
  });
  const item: RenderItem = { token: options.token, use_for_title: true };
  if (options.rootIds.length > 0) {
    item.roots = roots;
    item.root_ids = [...options.rootIds];
  }
  const docsId = elementId();
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(options.title || "Bokeh Plot")}</title>
    <style>
      html, body { box-sizing: border-box; height: 100%; margin: 0; padding: 0; }
    </style>
${options.scripts.map((src) => `    <script src="${escapeHtml(src)}"></script>`).join("\n")}
    <script>Bokeh.set_log_level("info");</script>
  </head>
  <body>
${divs.join("\n")}
    <script type="application/json" id="${docsId}">{}</script>
    <script>
      (function () {
        function embed() {
          Bokeh.safely(function () {
            var docs_json = document.getElementById(${scriptJson(docsId)}).textContent;
            var render_items = [${scriptJson(item)}];
            Bokeh.embed.embed_items(docs_json, render_items);
          });
        }
        if (document.readyState !== "loading") embed();
        else document.addEventListener("DOMContentLoaded", embed);
      })();
    </script>
  </body>
</html>
`;
}

/**
 * The script returned by `/<app>/autoload.js`: loads BokehJS once per page (several
 * embedded sessions share it), then renders the session into the element that
 * requested it (the <script> tag made by serverSession / serverDocument).
 */
export function autoloadScript(options: { token: string; elementId: string; appPath: string; absoluteUrl: string | null; scripts: readonly string[] }): string {
  const item: RenderItem = { token: options.token, elementid: options.elementId, use_for_title: false };
  const args = [scriptJson(options.appPath), ...(options.absoluteUrl !== null ? [scriptJson(options.absoluteUrl)] : [])];
  return `(function (root) {
  "use strict";
  var elementid = ${scriptJson(options.elementId)};
  if (document.getElementById(elementid) === null) {
    console.warn("Bokeh: autoload.js was asked to render into element " + elementid + ", which does not exist");
  }
  var urls = ${scriptJson(options.scripts)};
  function embed() {
    root.Bokeh.set_log_level("info");
    root.Bokeh.safely(function () {
      root.Bokeh.embed.embed_items("{}", [${scriptJson(item)}], ${args.join(", ")});
    });
  }
  function load() {
    return new Promise(function (resolve, reject) {
      var pending = urls.length;
      if (pending === 0) return resolve();
      urls.forEach(function (url) {
        var script = document.createElement("script");
        script.async = false; // run in the order given
        script.src = url;
        script.onload = function () { if (--pending === 0) resolve(); };
        script.onerror = function () { reject(new Error("failed to load " + url)); };
        document.head.appendChild(script);
      });
    });
  }
  if (urls.length === 0 || (root.Bokeh && root.Bokeh.embed && !root._bokeh_client_loading)) {
    embed();
  } else {
    root._bokeh_client_loading = root._bokeh_client_loading || load();
    root._bokeh_client_loading.then(embed, function (error) { console.error("Bokeh:", error.message); });
  }
})(window);
`;
}

/** The page `GET /` shows when the server has several apps. */
export function indexPage(appPaths: readonly string[]): string {
  const items = appPaths.map((path) => `      <li><a href="${escapeHtml(path)}">${escapeHtml(path)}</a></li>`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
  <head><meta charset="utf-8"><title>Bokeh applications</title></head>
  <body>
    <h1>Bokeh applications</h1>
    <ul>
${items}
    </ul>
  </body>
</html>
`;
}

/** Tornado's plain error page, as the real server sends it. */
export function errorPage(status: number, reason: string): string {
  return `<html><title>${status}: ${escapeHtml(reason)}</title><body>${status}: ${escapeHtml(reason)}</body></html>`;
}
