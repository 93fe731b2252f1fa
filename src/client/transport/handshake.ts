/**
 * The opening handshake (RFC 6455, section 4): an HTTP/1.1 GET asking to upgrade,
 * sent and answered through Node's own HTTP client, on a socket whose reads go
 * through a SocketReader. Resolves with the socket once the server answered 101
 * and the answer checks out; rejects with a typed error otherwise.
 */
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import type { IncomingMessage } from "node:http";
import { ProtocolError } from "../../protocol/errors.js";
import { HttpError, NetworkError, UrlError } from "../errors.js";
import type { SocketReader } from "./socket-reader.js";

/** RFC 6455's GUID, appended to the key to make the accept value. */
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface HandshakeOptions {
  /** Subprotocols offered, in order (Bokeh: "bokeh" and the session token). */
  protocols: readonly string[];
  /** Extra request headers (Origin, Authorization, Cookie...). */
  headers?: Record<string, string>;
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  /** Milliseconds for the whole handshake; 0 waits forever. */
  timeout: number;
}

export interface Upgraded {
  socket: net.Socket;
  /** The subprotocol the server selected ("" for none). */
  protocol: string;
  /** The 101 response's headers (lower-case names). */
  headers: IncomingMessage["headers"];
}

/** Parses and checks a ws:// or wss:// URL. */
export function websocketTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UrlError(`invalid websocket URL ${url}`);
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") throw new UrlError(`invalid websocket URL ${url}: the scheme must be ws: or wss:`);
  if (parsed.hash !== "") throw new UrlError(`invalid websocket URL ${url}: a fragment is not allowed`);
  return parsed;
}

export function handshake(url: string, reader: SocketReader, options: HandshakeOptions): Promise<Upgraded> {
  return new Promise<Upgraded>((resolve, reject) => {
    let target: URL;
    try {
      target = websocketTarget(url);
    } catch (error) {
      reject(error);
      return;
    }
    const secure = target.protocol === "wss:";
    const key = randomBytes(16).toString("base64");
    const onread = { buffer: reader.nextBuffer, callback: reader.onRead };
    const host = target.hostname.startsWith("[") ? target.hostname.slice(1, -1) : target.hostname;
    const createConnection = (): net.Socket => {
      const socket = secure
        ? // Node's tls.connect takes `onread` as net.connect does; @types/node leaves it out.
          tls.connect({
            host,
            port: Number(target.port || 443),
            servername: net.isIP(host) === 0 ? host : undefined,
            ca: options.ca,
            cert: options.cert,
            key: options.key,
            rejectUnauthorized: options.rejectUnauthorized,
            ALPNProtocols: ["http/1.1"],
            onread,
          } as unknown as tls.ConnectionOptions)
        : net.connect({ host, port: Number(target.port || 80), onread });
      reader.attachSocket(socket);
      return socket;
    };
    const request = (secure ? https : http).request({
      method: "GET",
      host,
      port: target.port || (secure ? 443 : 80),
      path: `${target.pathname}${target.search}`,
      headers: {
        ...options.headers,
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Protocol": options.protocols.join(", "),
      },
      createConnection,
    });

    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(error);
    };
    const timer = options.timeout > 0 ? setTimeout(() => fail(new NetworkError(url, `no answer to the websocket upgrade within ${options.timeout} ms`)), options.timeout) : undefined;

    request.on("error", (error: Error) => fail(new NetworkError(url, error.message, { cause: error })));
    request.on("response", (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (): void => {
        const body = Buffer.concat(chunks).toString("utf8");
        fail(new HttpError(url, response.statusCode ?? 0, response.statusMessage ?? "", /<html/i.test(body) ? "" : body));
      };
      response.on("data", (chunk: Buffer) => {
        if (size < 4096) chunks.push(chunk);
        size += chunk.length;
      });
      response.on("end", done);
      response.on("error", done);
    });
    request.on("upgrade", (response: IncomingMessage, socket: net.Socket) => {
      if (settled) {
        socket.destroy();
        return;
      }
      const problem = checkResponse(response, key, options.protocols);
      if (problem !== null) {
        socket.destroy();
        fail(new ProtocolError(`the server at ${url} answered the websocket upgrade wrongly: ${problem}`));
        return;
      }
      settled = true;
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve({ socket, protocol: response.headers["sec-websocket-protocol"] ?? "", headers: response.headers });
    });
    request.end();
  });
}

/** What is wrong with a 101 response, or null (RFC 6455, 4.1, the client's checks). */
function checkResponse(response: IncomingMessage, key: string, protocols: readonly string[]): string | null {
  const headers = response.headers;
  if (String(headers.upgrade ?? "").toLowerCase() !== "websocket") return "no 'Upgrade: websocket' header";
  const accept = createHash("sha1").update(key + GUID).digest("base64");
  if (headers["sec-websocket-accept"] !== accept) return "a wrong Sec-WebSocket-Accept value";
  // No subprotocol selected is let through, as Bokeh's own clients do: a Bokeh server
  // answers a token it refuses that way, then closes, and the close says more.
  const protocol = headers["sec-websocket-protocol"];
  if (protocol !== undefined && !protocols.includes(protocol)) return `subprotocol '${protocol}' was not offered`;
  if (headers["sec-websocket-extensions"] !== undefined) return "an extension that was not offered";
  return null;
}
