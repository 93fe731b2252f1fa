// Loads the bundles of an installed BokehJS package (`@bokeh/bokehjs`, or an npm
// alias of it such as `bokehjs-3.9`) into a jsdom window and returns the `Bokeh`
// global. Shared by extract.mjs and the catalog tests.
//
// BokehJS only defines its models at run time, and parts of it touch the DOM
// (and a canvas 2D context for text measurement) while its modules load, so the
// window has to be complete before any bundle is evaluated. Only the browser
// bundles are evaluated, never the package's Node entry point, so a BokehJS whose
// `engines` asks for a newer Node (4.0.0-dev.5: Node >= 22) loads on Node 20 too.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { MessageChannel as NodeMessageChannel } from "node:worker_threads";
import { JSDOM } from "jsdom";

const require = createRequire(import.meta.url);

/** The bundles evaluated, in order. The base bundle must come first. */
export const BUNDLES = ["bokeh", "bokeh-gl", "bokeh-widgets", "bokeh-tables", "bokeh-mathjax"];

/**
 * Directory and version of an installed BokehJS package, by its name in node_modules
 * (`@bokeh/bokehjs`, or an alias like `bokehjs-3.9`). Found on Node's module paths rather
 * than with `require.resolve`, since BokehJS 4's `exports` field does not export its
 * package.json. Throws if the package is missing or is not BokehJS.
 */
export function bokehjsPackage(name = "@bokeh/bokehjs") {
  for (const base of require.resolve.paths(name) ?? []) {
    const pkgPath = join(base, name, "package.json");
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
    if (pkg.name !== "@bokeh/bokehjs") throw new Error(`${name} is ${pkg.name}, not @bokeh/bokehjs`);
    return { name, dir: dirname(pkgPath), version: String(pkg.version) };
  }
  throw new Error(`BokehJS package ${name} is not installed (npm install)`);
}

/** A finite canvas 2D context: enough for code that measures text or sets styles while loading. */
function makeContext2D(canvas) {
  const noop = () => {};
  const state = {
    canvas,
    font: "10px sans-serif",
    fillStyle: "#000000",
    strokeStyle: "#000000",
    lineWidth: 1,
    lineCap: "butt",
    lineJoin: "miter",
    lineDashOffset: 0,
    globalAlpha: 1,
    globalCompositeOperation: "source-over",
    textAlign: "start",
    textBaseline: "alphabetic",
    imageSmoothingEnabled: true,
    letterSpacing: "0px",
  };
  const methods = {
    measureText(text) {
      const size = Number.parseFloat(/(\d+(?:\.\d+)?)px/.exec(String(state.font))?.[1] ?? "10");
      const width = String(text).length * size * 0.6;
      return {
        width,
        actualBoundingBoxLeft: 0,
        actualBoundingBoxRight: width,
        actualBoundingBoxAscent: size * 0.8,
        actualBoundingBoxDescent: size * 0.2,
        fontBoundingBoxAscent: size * 0.8,
        fontBoundingBoxDescent: size * 0.2,
        emHeightAscent: size * 0.8,
        emHeightDescent: size * 0.2,
        hangingBaseline: size * 0.8,
        alphabeticBaseline: 0,
        ideographicBaseline: -size * 0.2,
      };
    },
    getImageData(_x, _y, w, h) {
      return { width: w, height: h, data: new Uint8ClampedArray(Math.max(0, w * h * 4)) };
    },
    createImageData(w, h) {
      return { width: w, height: h, data: new Uint8ClampedArray(Math.max(0, w * h * 4)) };
    },
    getLineDash: () => [],
    getTransform: () => ({ a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 }),
    isPointInPath: () => false,
    isPointInStroke: () => false,
    createLinearGradient: () => ({ addColorStop: noop }),
    createRadialGradient: () => ({ addColorStop: noop }),
    createConicGradient: () => ({ addColorStop: noop }),
    createPattern: () => ({ setTransform: noop }),
  };
  for (const name of [
    "save", "restore", "scale", "rotate", "translate", "transform", "setTransform", "resetTransform",
    "clearRect", "fillRect", "strokeRect", "beginPath", "closePath", "moveTo", "lineTo", "bezierCurveTo",
    "quadraticCurveTo", "arc", "arcTo", "ellipse", "rect", "roundRect", "fill", "stroke", "clip",
    "fillText", "strokeText", "drawImage", "putImageData", "setLineDash", "reset",
  ]) {
    methods[name] = noop;
  }
  return Object.assign(state, methods);
}

/**
 * Creates a jsdom window and evaluates the bundles of BokehJS package `pkg` in it.
 * Returns `{ Bokeh, window, version, dir, dispose }`. `dispose()` closes the
 * message channels bokehjs opened and the window; without it the open
 * MessageChannel keeps the Node event loop alive (CLIs should still exit explicitly).
 */
export function loadBokehJS({ package: pkg = "@bokeh/bokehjs", bundles = BUNDLES } = {}) {
  const { dir, version } = bokehjsPackage(pkg);
  const dom = new JSDOM("<!DOCTYPE html><html><head></head><body></body></html>", {
    runScripts: "outside-only",
    pretendToBeVisual: true,
    url: "http://localhost/",
  });
  const { window } = dom;

  const contexts = new WeakMap();
  window.HTMLCanvasElement.prototype.getContext = function getContext(type) {
    if (type !== "2d") return null;
    let ctx = contexts.get(this);
    if (ctx === undefined) {
      ctx = makeContext2D(this);
      contexts.set(this, ctx);
    }
    return ctx;
  };
  window.HTMLCanvasElement.prototype.toDataURL = () => "data:image/png;base64,";
  // bokehjs schedules deferred work through a MessageChannel (core/util/defer); jsdom has none.
  // The channels are tracked so that dispose() can close them again.
  const channels = [];
  window.MessageChannel = class MessageChannel extends NodeMessageChannel {
    constructor() {
      super();
      channels.push(this);
    }
  };
  if (typeof window.ResizeObserver !== "function") {
    window.ResizeObserver = class ResizeObserver {
      observe() {}
      unobserve() {}
      disconnect() {}
    };
  }
  if (typeof window.matchMedia !== "function") {
    window.matchMedia = (query) => ({
      matches: false, media: query, onchange: null,
      addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false,
    });
  }

  for (const name of bundles) {
    const code = readFileSync(join(dir, "build", "js", `${name}.min.js`), "utf8");
    window.eval(`${code}\n//# sourceURL=${name}.min.js`);
  }
  const Bokeh = window.Bokeh;
  if (Bokeh === undefined || typeof Bokeh.require !== "function") {
    throw new Error("bokehjs did not define window.Bokeh.require");
  }
  const dispose = () => {
    for (const channel of channels.splice(0)) {
      channel.port1.close();
      channel.port2.close();
    }
    window.close();
  };
  return { Bokeh, window, version, dir, dispose };
}
