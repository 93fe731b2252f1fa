/**
 * The Bokeh release whose protocol, document format and BokehJS we speak.
 * Written as `version` in every document we produce.
 */
export const BOKEH_VERSION = "3.7.3";
