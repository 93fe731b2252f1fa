/**
 * The Bokeh releases the embedded server can be (`BokehServer.start({ bokehVersion })`), and
 * what differs between them, as one table: every version-dependent choice of the server
 * reads a field of `ServerBehaviour`, none compares version strings.
 *
 * Where the recordings of 3.7 and 3.9.2 differ on something the code does not show for
 * 3.8, the field's comment says which side 3.8 is put on and why.
 */
import { documentFormat, type DocumentFormat } from "../protocol/document-format.js";
import { UnsupportedVersionError } from "../protocol/errors.js";
import { bokehAtLeast, KNOWN_BOKEH_VERSIONS, LATEST_BOKEH_VERSION, type KnownBokehVersion } from "../protocol/version.js";

/** A release the embedded server speaks: the 3.x ones bokeh-client knows. */
export type ServerBokehVersion = Extract<KnownBokehVersion, `3.${string}`>;

/** The Bokeh releases the embedded server can be (`BokehServer.start({ bokehVersion })`). */
export const SERVER_BOKEH_VERSIONS: readonly ServerBokehVersion[] = KNOWN_BOKEH_VERSIONS.filter(
  (version): version is ServerBokehVersion => version.startsWith("3."),
);

export const DEFAULT_SERVER_VERSION = LATEST_BOKEH_VERSION as ServerBokehVersion;

/** Everything in which the embedded server behaves differently from one Bokeh release to another. */
export interface ServerBehaviour {
  /** The release. */
  readonly version: ServerBokehVersion;
  /** How whole documents and inline bytes are written and read. */
  readonly document: DocumentFormat;
  /**
   * Frames a client sends before the ACK: "close" closes the connection (1002), as the 3.7
   * recording shows; "answer" holds them and answers after the ACK, as the 3.9.2 recording
   * shows (in Bokeh this is a race the newer Tornado wins; 3.8 is put with 3.9).
   */
  readonly beforeAck: "close" | "answer";
  /**
   * A token whose signature does not verify: "drop" ends the TCP connection without a close
   * frame (3.7, and 3.8, before Bokeh PR 15107); "close" sends an empty close frame first
   * (3.9.1 and later, as the 3.9.2 recording shows).
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
   * 3.8 is put with 3.7, whose recording leaves it out).
   */
  readonly countBuffers: boolean;
}

/** The behaviour of the server as Bokeh `version`; an unknown or unsupported version is an UnsupportedVersionError. */
export function serverBehaviour(version: unknown): ServerBehaviour {
  if (!(SERVER_BOKEH_VERSIONS as readonly unknown[]).includes(version)) {
    const known = (KNOWN_BOKEH_VERSIONS as readonly unknown[]).includes(version);
    throw new UnsupportedVersionError(
      version,
      `the embedded server cannot be Bokeh ${JSON.stringify(version)}: ${known ? "not supported by the server yet" : "not a Bokeh version bokeh-client knows"}; ` +
        `it can be ${SERVER_BOKEH_VERSIONS.join(", ")}`,
    );
  }
  const v = version as ServerBokehVersion;
  const modern = bokehAtLeast(v, 3, 8);
  return {
    version: v,
    document: documentFormat(v),
    beforeAck: modern ? "answer" : "close",
    badSignature: bokehAtLeast(v, 3, 9) ? "close" : "drop",
    acceptsHeader: !modern,
    countBuffers: bokehAtLeast(v, 3, 9),
  };
}
