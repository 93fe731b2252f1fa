/**
 * How a Bokeh release writes a whole document (PULL-DOC-REPLY, PUSH-DOC) and the
 * bytes inside any message. One place to ask, so that no other code compares
 * version strings to decide a format.
 *
 * Facts, from BokehJS 3.7.3 to 3.10.0 (`core/serialization`, `core/util/buffer`,
 * `document/document`, `client/connection`), Bokeh's history, and the recorded
 * transcripts of 3.7 and 3.9.2:
 *
 * | release    | arrays of a whole document | inline `bytes` | `config` beside the roots |
 * |------------|----------------------------|----------------|---------------------------|
 * | 3.7        | inline base64              | plain base64   | none (3.7 rejects one)    |
 * | 3.8        | inline base64              | gzip, base64   | `DocumentConfig`          |
 * | 3.9, 3.10  | binary buffers             | gzip, base64   | `DocumentConfig`          |
 *
 * 3.8 gzips inline bytes (BokehJS 3.8 gunzips every inline `bytes`) and has the
 * config, but whole documents still travel inline: BokehJS 3.8.2 does not pass a
 * PULL-DOC-REPLY's buffers to `Document.from_json`, and Bokeh 3.8's server reads
 * PUSH-DOC without its buffers. Bokeh PR 14725 ("Use binary protocol in
 * pull-doc-reply", in 3.9.0) moved whole documents to buffers.
 *
 * 3.10 writes and reads exactly what 3.9 does: its serializer, deserializer,
 * message framing and `DocumentConfig` are unchanged (BokehJS 3.10 also passes
 * the buffers of a re-pulled document on after a reconnect, Bokeh PR 15348:
 * BokehJS 3.9 cannot re-pull a document with buffers).
 */
import { bokehAtLeast } from "./version.js";

/** How one Bokeh release writes a whole document and inline bytes (see the table above). */
export interface DocumentFormat {
  /** What the document's `version` field says. */
  readonly version: string;
  /** Arrays of a whole document travel as binary buffers (3.9+), not inline. */
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
  const from38 = bokehAtLeast(version, 3, 8);
  return { version, buffers: bokehAtLeast(version, 3, 9), gzipInline: from38, config: from38 };
}
