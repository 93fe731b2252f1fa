// Types for load-bokehjs.mjs (plain JavaScript, used by the generator and the tests).

/** The bundles evaluated, in order. */
export declare const BUNDLES: readonly string[];

/** Directory and version of an installed BokehJS package (`@bokeh/bokehjs` by default, or an alias such as `bokehjs-3.9`). */
export declare function bokehjsPackage(name?: string): { name: string; dir: string; version: string };

export interface LoadedBokehJS {
  /** `window.Bokeh`: `Bokeh.require("core/kinds")`, `Bokeh.require("base").Models`, ... */
  readonly Bokeh: any;
  /** The jsdom window the bundles were evaluated in. */
  readonly window: any;
  readonly version: string;
  /** Package directory of the BokehJS package. */
  readonly dir: string;
  /** Closes bokehjs's message channels and the window. */
  dispose(): void;
}

/** Evaluates the bundles of BokehJS package `package` (`@bokeh/bokehjs` by default) in a jsdom window. */
export declare function loadBokehJS(options?: { package?: string; bundles?: readonly string[] }): LoadedBokehJS;
