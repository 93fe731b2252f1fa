/**
 * Errors of the embedded server's own start.
 */
import { BokehError } from "../util/errors.js";

/** `BokehServer.start` could not listen: the port is taken, the address is not this machine's, no permission. */
export class ListenError extends BokehError {
  /** The system's error code ("EADDRINUSE", "EADDRNOTAVAIL", "EACCES", ...). */
  readonly systemCode: string;
  /** The port asked for. */
  readonly port: number;
  /** The address asked for. */
  readonly host: string;

  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const systemCode = cause.code ?? "";
    const why =
      systemCode === "EADDRINUSE"
        ? `port ${port} is in use on ${host}: pick another port (0 picks a free one), or stop what listens there`
        : systemCode === "EADDRNOTAVAIL" || systemCode === "ENOTFOUND"
          ? `${host} is not an address of this machine`
          : systemCode === "EACCES"
            ? `no permission to listen on port ${port} (ports below 1024 need privileges)`
            : cause.message;
    super("ERR_BOKEH_LISTEN", `The Bokeh server cannot listen on ${host}:${port}: ${why}`, { cause });
    this.systemCode = systemCode;
    this.port = port;
    this.host = host;
  }
}
