/**
 * ServerRelease: what a session knows of its server's Bokeh release, and so how to write
 * a whole document for it.
 *
 * The `bokehVersion` option says it; otherwise the server is asked once (SERVER-INFO-REQ,
 * cached, as Python caches it; a failure is not cached). A Bokeh 4 server is known from its
 * framing, and our embedded server in 3.7 mode from its upgrade header.
 */
import { BOKEH_VERSION } from "../protocol/version.js";
import type { ServerInfo } from "../protocol/message.js";
import type { ClientConnection } from "./connection.js";
import type { DocumentWriting } from "./synced-document.js";

export class ServerRelease {
  private info: Promise<ServerInfo> | null = null;

  /** `given`: the session's `bokehVersion` option. */
  constructor(private readonly given: string | undefined) {}

  /** The server's version info, asked on `connection` once, then cached. */
  serverInfo(connection: ClientConnection): Promise<ServerInfo> {
    if (this.info === null) {
      const info = connection.request("SERVER-INFO-REQ", {}).then((reply) => reply.content as ServerInfo);
      this.info = info;
      info.catch(() => {
        if (this.info === info) this.info = null; // a failure is not cached
      });
    }
    return this.info;
  }

  /**
   * How to write a whole document for this server: in the form of its Bokeh release
   * (protocol/document-format.ts: 3.7 inline, 3.8 gzipped inline with a `config`, 3.9+ binary
   * buffers with a `config`). Our embedded server in 3.7 mode reads buffers too, and says so
   * on the upgrade (protocol/features.ts): arrays then go as buffers, without the base64.
   */
  async documentWriting(connection: ClientConnection): Promise<DocumentWriting> {
    if (this.given === undefined && connection.acceptsDocumentBuffers) return { format: { buffers: true, config: "omit" }, version: BOKEH_VERSION };
    // A Bokeh 4 server says nothing of its release but its framing; 4.0's form is 3.9's.
    const version = this.given ?? (connection.wireVersion === 4 ? "4.0" : await this.version(connection));
    return { format: version === "" ? { buffers: false, config: "omit" } : { bokehVersion: version }, version };
  }

  /** The server's Bokeh version, "" if it cannot tell. */
  private async version(connection: ClientConnection): Promise<string> {
    try {
      return String((await this.serverInfo(connection)).version_info?.bokeh ?? "");
    } catch {
      return "";
    }
  }
}
