/**
 * How a Bokeh release writes a whole document (PULL-DOC-REPLY, PUSH-DOC) and the
 * bytes inside any message. One place to ask, so that no other code compares
 * version strings to decide a format.
 *
 * Facts, from BokehJS 3.7.3 to 3.10.0 (`core/serialization`, `core/util/buffer`,
 * `document/document`) and the recorded transcripts of 3.7 and 3.9.2:
 *
 * | release    | arrays of a whole document | inline `bytes` | `config` beside the roots |
 * |------------|----------------------------|----------------|---------------------------|
 * | 3.7        | inline base64              | plain base64   | none (3.7 rejects one)    |
 * | 3.8 - 3.10 | binary buffers             | gzip, base64   | `DocumentConfig` required |
 *
 * 3.10 writes and reads exactly what 3.9 does: its serializer, deserializer,
 * message framing and `DocumentConfig` are unchanged (a client reconnecting
 * after a lost connection now passes the buffers of the re-pulled document on,
 * which changes nothing on the wire).
 */
import { bokehAtLeast } from "./version.js";

export interface DocumentFormat {
  /** What the document's `version` field says. */
  readonly version: string;
  /** Arrays of a whole document travel as binary buffers (3.8+), not inline. */
  readonly buffers: boolean;
  /**
   * Inline `{"type":"bytes","data":"<base64>"}` holds gzip-compressed bytes (3.8+).
   * BokehJS and Python gunzip every inline `bytes`, in any message.
   */
  readonly gzipInline: boolean;
  /** A document carries a `DocumentConfig` (with its `Notifications`) beside the roots (3.8+). */
  readonly config: boolean;
}

/** The document format of Bokeh `version` ("3.9.2"); versions before 3.8, or unparseable, get 3.7's. */
export function documentFormat(version: string): DocumentFormat {
  const modern = bokehAtLeast(version, 3, 8);
  return { version, buffers: modern, gzipInline: modern, config: modern };
}
