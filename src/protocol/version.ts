/**
 * The Bokeh release whose protocol, document format and BokehJS we speak.
 * Written as `version` in every document we produce.
 */
export const BOKEH_VERSION = "3.7.3";

/** Whether Bokeh `version` ("3.9.2", "3.8.0.dev1"...) is at least `major.minor`. Unparseable versions are not. */
export function bokehAtLeast(version: unknown, major: number, minor: number): boolean {
  const match = typeof version === "string" ? /^(\d+)\.(\d+)/.exec(version) : null;
  if (match === null) return false;
  const [ma, mi] = [Number(match[1]), Number(match[2])];
  return ma > major || (ma === major && mi >= minor);
}

/**
 * How a Bokeh release expects the arrays of a whole document (PUSH-DOC, PULL-DOC-REPLY):
 * up to 3.7 inline as plain base64; from 3.8 as binary buffers (inline base64, where it
 * appears, is gzip-compressed).
 */
export function documentArraysAsBuffers(version: unknown): boolean {
  return bokehAtLeast(version, 3, 8);
}
