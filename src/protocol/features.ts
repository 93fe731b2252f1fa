/**
 * What our embedded server accepts beyond the Bokeh protocol of its release, told
 * to our client in a response header of the websocket upgrade.
 *
 * Only the server as Bokeh 3.7 says anything (server/versions.ts): it reads a pushed
 * document's arrays as binary buffers, which real 3.7 servers do not. It cannot say it
 * in SERVER-INFO-REPLY, whose content the recorded transcripts fix, nor claim a newer
 * Bokeh version it is not. A header is invisible to Bokeh's own clients, and a client
 * that does not see it (a real Bokeh server, a proxy that drops it) keeps the plain 3.7
 * behaviour. See docs/decisions.md, "Binary buffers in PUSH-DOC to our server".
 */

/** The response header: a comma-separated list of features. */
export const ACCEPTS_HEADER = "bokeh-server-accepts";

/**
 * The server reads the arrays of a whole document (PUSH-DOC) as binary buffers,
 * as Bokeh 3.9+ servers do, in a document of its own version (no `config`).
 */
export const DOCUMENT_BUFFERS = "document-buffers";

/** The features listed in an ACCEPTS_HEADER value (absent: none). */
export function acceptedFeatures(value: string | string[] | undefined): Set<string> {
  const list = Array.isArray(value) ? value.join(",") : (value ?? "");
  return new Set(
    list
      .split(",")
      .map((feature) => feature.trim().toLowerCase())
      .filter((feature) => feature !== ""),
  );
}

/**
 * The request header in which our client tells our embedded server what it reads beyond the
 * Bokeh protocol: a comma-separated list of features, read with `acceptedFeatures`. Real Bokeh
 * servers ignore it.
 */
export const CLIENT_ACCEPTS_HEADER = "bokeh-client-accepts";

/**
 * The client reads UI events (`MessageSent` of type `bokeh_event`) that another connection of
 * the session sent, such as a browser's button clicks: our embedded server forwards those only
 * to connections that say so. BokehJS cannot read them (it decodes only the events a server
 * sends, such as `clear_input`) and fails on the whole patch, so browsers never get them; a real
 * Bokeh server forwards them to nobody (its app's callbacks run, that is all).
 */
export const UI_EVENTS = "ui-events";
