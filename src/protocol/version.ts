/**
 * Bokeh releases: which ones bokeh-client knows, and how their wire formats differ.
 *
 * Every other part of the code asks here rather than comparing version strings itself.
 */

/**
 * The Bokeh releases bokeh-client was built and tested against: one model catalog each, one
 * document format each, and the BokehJS the embedded server serves for each.
 */
export const KNOWN_BOKEH_VERSIONS = ["3.7.3", "3.8.2", "3.9.2", "3.10.0", "4.0.0-dev.5"] as const;

/** One of KNOWN_BOKEH_VERSIONS. */
export type KnownBokehVersion = (typeof KNOWN_BOKEH_VERSIONS)[number];

/** The newest stable release: new documents and the embedded server default to it. */
export const LATEST_BOKEH_VERSION: KnownBokehVersion = "3.10.0";

/**
 * The Bokeh release written as `version` in the documents we produce and spoken by the
 * embedded server, until documents and the server carry a version of their own (issue 11).
 */
export const BOKEH_VERSION: string = "3.7.3";

/** `major.minor` of a version string ("3.9.2" -> [3, 9]), or null if it has none. */
export function majorMinor(version: unknown): [number, number] | null {
  const match = typeof version === "string" ? /^(\d+)\.(\d+)/.exec(version) : null;
  return match === null ? null : [Number(match[1]), Number(match[2])];
}

/** Whether Bokeh `version` ("3.9.2", "3.8.0.dev1"...) is at least `major.minor`. Unparseable versions are not. */
export function bokehAtLeast(version: unknown, major: number, minor: number): boolean {
  const mm = majorMinor(version);
  if (mm === null) return false;
  const [ma, mi] = mm;
  return ma > major || (ma === major && mi >= minor);
}

