/**
 * The Bokeh releases the embedded server can be (`BokehServer.start({ bokehVersion })`), and
 * what differs between them, as one table: every version-dependent choice of the server
 * reads a field of `ServerBehaviour`, none compares version strings.
 *
 * Where the recordings of 3.7 and 3.9.2 differ on something the code does not show for
 * 3.8, the field's comment says which side 3.8 is put on and why. Nothing was recorded
 * from 4.0: its framing and messages follow BokehJS 4.0.0-dev.5 and Bokeh PR 15339
 * (protocol/envelope.ts), the rest is put with 3.9.
 */
import { framingOf, type Framing } from "../protocol/codec.js";
import { documentFormat, type DocumentFormat } from "../protocol/document-format.js";
import { UnsupportedVersionError } from "../protocol/errors.js";
import { bokehAtLeast, KNOWN_BOKEH_VERSIONS, LATEST_BOKEH_VERSION, type KnownBokehVersion } from "../protocol/version.js";

/** A release the embedded server speaks: every one bokeh-client knows. */
export type ServerBokehVersion = KnownBokehVersion;

/** The Bokeh releases the embedded server can be (`BokehServer.start({ bokehVersion })`): every one bokeh-client knows. */
export const SERVER_BOKEH_VERSIONS: readonly ServerBokehVersion[] = KNOWN_BOKEH_VERSIONS;

export const DEFAULT_SERVER_VERSION: ServerBokehVersion = LATEST_BOKEH_VERSION;

/** Everything in which the embedded server behaves differently from one Bokeh release to another. */
export interface ServerBehaviour {
  /** The release. */
  readonly version: ServerBokehVersion;
  /**
   * @internal How messages are framed (protocol/codec.ts): Bokeh 3's three text frames, or
   * from 4.0 one JSON envelope, with SYNC and without SERVER-INFO.
   */
  readonly framing: Framing;
  /** How whole documents and inline bytes are written and read (4.0 as 3.9 and 3.10). */
  readonly document: DocumentFormat;
  /**
   * Frames a client sends before the ACK: "close" closes the connection (1002), as the 3.7
   * recording shows; "answer" holds them and answers after the ACK, as the 3.9.2 recording
   * shows (in Bokeh this is a race the newer Tornado wins; 3.8 is put with 3.9, 4.0 too).
   */
  readonly beforeAck: "close" | "answer";
  /**
   * A token whose signature does not verify: "drop" ends the TCP connection without a close
   * frame (3.7, and 3.8, before Bokeh PR 15107); "close" sends an empty close frame first
   * (3.9.1 and later, as the 3.9.2 recording shows; 4.0 is put with them).
   */
  readonly badSignature: "drop" | "close";
  /**
   * Whether the upgrade response says `bokeh-server-accepts: document-buffers`
   * (protocol/features.ts), which makes our client push buffers in a document without a
   * `config`. Only a 3.7 server says it: from 3.8 documents have a config, which such a
   * push would lose; our client asks the version (SERVER-INFO-REQ) and writes that
   * version's form. (Every mode of our server reads buffers in PUSH-DOC.)
   */
  readonly acceptsHeader: boolean;
  /**
   * PATCH-DOC and PULL-DOC-REPLY headers say `"num_buffers": 0` when there are none, as
   * Python's Bokeh writes them since whole documents went to buffers (the 3.9.2 recording;
   * 3.8 is put with 3.7, whose recording leaves it out). Bokeh 4 headers have no `num_buffers`.
   */
  readonly countBuffers: boolean;
}

/** The behaviour of the server as Bokeh `version`; an unknown or unsupported version is an UnsupportedVersionError. */
export function serverBehaviour(version: unknown): ServerBehaviour {
  if (!(SERVER_BOKEH_VERSIONS as readonly unknown[]).includes(version)) {
    throw new UnsupportedVersionError(
      version,
      `the embedded server cannot be Bokeh ${JSON.stringify(version)}: not a Bokeh version bokeh-client knows; it can be ${SERVER_BOKEH_VERSIONS.join(", ")}`,
    );
  }
  const v = version as ServerBokehVersion;
  const modern = bokehAtLeast(v, 3, 8);
  const framing = framingOf(v);
  return {
    version: v,
    framing,
    document: documentFormat(v),
    beforeAck: modern ? "answer" : "close",
    badSignature: bokehAtLeast(v, 3, 9) ? "close" : "drop",
    acceptsHeader: !modern,
    countBuffers: framing.wire === 3 && bokehAtLeast(v, 3, 9),
  };
}
