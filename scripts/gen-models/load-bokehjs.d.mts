// Types for load-bokehjs.mjs (plain JavaScript, used by the generator and the tests).

/** The bundles evaluated, in order. */
export declare const BUNDLES: readonly string[];

/** Directory and version of the installed @bokeh/bokehjs package. */
export declare function bokehjsPackage(): { dir: string; version: string };

export interface LoadedBokehJS {
  /** `window.Bokeh`: `Bokeh.require("core/kinds")`, `Bokeh.require("base").Models`, ... */
  readonly Bokeh: any;
  /** The jsdom window the bundles were evaluated in. */
  readonly window: any;
  readonly version: string;
  /** Package directory of @bokeh/bokehjs. */
  readonly dir: string;
  /** Closes bokehjs's message channels and the window. */
  dispose(): void;
}

export declare function loadBokehJS(options?: { bundles?: readonly string[] }): LoadedBokehJS;
