/**
 * BokehServer: an in-process server speaking the Bokeh websocket protocol.
 *
 *   const server = await BokehServer.start({ port: 0, apps: { "/": (doc) => doc.addRoot(...) } });
 *   const session = await pullSession({ url: server.url });
 *
 * It behaves like `bokeh serve` as the recorded transcripts show: `/<app>/ws`
 * upgrades, 404 for unknown apps, 403 for disallowed Origins, the same refusals
 * of bad tokens after the 101 (an empty close frame, or a dropped connection),
 * ACK on open, sessions created by running the app on first connection.
 * It is one Bokeh release (`bokehVersion`, default the newest stable one): it
 * frames messages as that release does (Bokeh 4: one JSON envelope), writes and reads
 * its document format, reports it in SERVER-INFO-REPLY (Bokeh 3 has it) and gives
 * browsers that release's BokehJS (versions.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer } from "ws";
import { CLOSE_GOING_AWAY } from "../protocol/close.js";
import { ACCEPTS_HEADER, DOCUMENT_BUFFERS } from "../protocol/features.js";
import { DEFAULT_MAX_BUFFERS, DEFAULT_MAX_MESSAGE_SIZE } from "../protocol/receiver.js";
import { resolveSigning, type Signing, type SigningOptions } from "../protocol/token.js";
import type { Application, SessionRequest } from "./application.js";
import { handleHttp, type HttpHost } from "./http.js";
import { ListenError } from "./errors.js";
import { originAllowed } from "./origin.js";
import { DEFAULT_LIMITS, ServerBusyError, type ServerLimits } from "./limits.js";
import type { ServerConnection } from "./server-connection.js";
import { ServerSession, type Log } from "./server-session.js";
import { bokehJSSource, cdnUrl, findBokehJS, StaticFiles } from "./static-files.js";
import { acceptWebsocket, type WebsocketHost } from "./websocket.js";
import { DEFAULT_SERVER_VERSION, SERVER_BOKEH_VERSIONS, serverBehaviour, type ServerBehaviour, type ServerBokehVersion } from "./versions.js";

/** What `BokehServer.start` takes: the apps, and options named as `bokeh serve`'s where it has them. */
export interface BokehServerOptions extends SigningOptions {
  /** Applications by path: `{ "/": app, "/demo": other }`. */
  apps: Record<string, Application>;
  /**
   * The Bokeh release this server is ("3.7.3", "3.8.2", "3.9.2", "3.10.0", "4.0.0-dev.5"): its
   * framing (Bokeh 4's envelope from 4.0), its document format, its SERVER-INFO-REPLY (Bokeh 3),
   * its BokehJS for browsers. Default "3.10.0", the newest stable release. Any other value is
   * an `UnsupportedVersionError` from `start()`.
   */
  bokehVersion?: ServerBokehVersion;
  /** Port to listen on; 0 picks a free one. Default 5006. */
  port?: number;
  /** Address to bind. Default "127.0.0.1". */
  host?: string;
  /**
   * Origins (`host[:port]`, `*` wildcards) allowed to open websockets. Default:
   * `localhost:<port>` and `127.0.0.1:<port>`. Requests without Origin are always allowed.
   */
  allowWebsocketOrigin?: string[];
  /** Milliseconds between keep-alive pings (0: none). Default 37,000, as Bokeh. */
  keepAlive?: number;
  /** Largest message accepted from a client, in bytes. Default 20 MiB. */
  maxMessageSize?: number;
  /** Largest number of buffers in one message. Default 10,000. */
  maxBuffers?: number;
  /** Most websocket connections open at once; more get HTTP 503. Default 10,000. */
  maxConnections?: number;
  /** Most sessions alive at once; a new session beyond it is refused (HTTP 503, or close code 1013). Default: no limit, as Bokeh. */
  maxSessions?: number;
  /** Bytes that may wait unsent to one connection before another message: a client that stops reading is closed (1008). Default 64 MiB. */
  maxBacklog?: number;
  /** Milliseconds a session may stay without connections before it is dropped. Default 15,000. */
  unusedSessionLifetime?: number;
  /** Milliseconds between checks for unused sessions. Default 17,000. */
  checkUnusedSessions?: number;
  /** Serve https/wss with this key and certificate (PEM). */
  tls?: {
    /** The private key, PEM. */
    key: string | Buffer;
    /** The certificate chain, PEM. */
    cert: string | Buffer;
  };
  /** Seconds a token issued with an app page or autoload.js stays valid. Default 300, as Bokeh. */
  sessionTokenExpiration?: number;
  /** Where log lines go. Default: errors and warnings to the console, the rest dropped. */
  log?: Log;
}

const DEFAULT_LOG: Log = (level, message) => {
  if (level === "error") console.error(`bokeh-client server: ${message}`);
  else if (level === "warn") console.warn(`bokeh-client server: ${message}`);
};

/** An embedded Bokeh server: apps served to browsers and clients as one Bokeh release (`BokehServer.start`). */
export class BokehServer {
  /** `http://<host>:<port>/` (`https:` with `tls`) */
  readonly url: string;
  /** The port it listens on (the one chosen when `port` was 0). */
  readonly port: number;
  /** The address it listens on. Default "127.0.0.1". */
  readonly host: string;
  /** The Bokeh release this server is. */
  readonly bokehVersion: ServerBokehVersion;

  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly apps: Map<string, Application>;
  private readonly signing: Signing;
  private readonly origins: string[];
  private readonly options: BokehServerOptions;
  private readonly log: Log;
  private readonly httpHost: HttpHost;
  private readonly websocketHost: WebsocketHost;
  private readonly sessions = new Map<string, Promise<ServerSession>>();
  private readonly connections = new Set<ServerConnection>();
  private readonly limits: ServerLimits;
  private readonly behaviour: ServerBehaviour;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  private constructor(http: Server, options: BokehServerOptions, behaviour: ServerBehaviour, staticFiles: StaticFiles, log: Log) {
    this.http = http;
    this.options = options;
    this.behaviour = behaviour;
    this.bokehVersion = behaviour.version;
    this.log = log;
    this.apps = new Map(Object.entries(options.apps).map(([path, app]) => [normalizeAppPath(path), app]));
    this.signing = resolveSigning(options);
    const address = http.address() as AddressInfo;
    this.port = address.port;
    this.host = options.host ?? "127.0.0.1";
    this.url = `${options.tls ? "https" : "http"}://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}/`;
    this.origins = options.allowWebsocketOrigin ?? [`localhost:${this.port}`, `127.0.0.1:${this.port}`];
    this.limits = {
      maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      maxBuffers: options.maxBuffers ?? DEFAULT_MAX_BUFFERS,
      maxConnections: options.maxConnections ?? DEFAULT_LIMITS.maxConnections,
      maxSessions: options.maxSessions ?? DEFAULT_LIMITS.maxSessions,
      maxBacklog: options.maxBacklog ?? DEFAULT_LIMITS.maxBacklog,
    };
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      skipUTF8Validation: true, // the Receiver validates text frames itself
      maxPayload: this.limits.maxMessageSize,
      // Like Tornado + Bokeh: select the first of exactly two offered subprotocols, else none.
      handleProtocols: (protocols) => (protocols.size === 2 ? ([...protocols][0] as string) : false),
    });
    // A 3.7 server tells our client that arrays may come as binary buffers in PUSH-DOC (protocol/features.ts).
    if (behaviour.acceptsHeader) this.wss.on("headers", (headers) => headers.push(`${ACCEPTS_HEADER}: ${DOCUMENT_BUFFERS}`));
    this.httpHost = {
      apps: this.apps,
      signing: this.signing,
      tokenExpiration: options.sessionTokenExpiration ?? 300,
      log: this.log,
      staticFiles,
      session: (id, appPath, app, request) => this.sessionFor(id, appPath, app, request),
    };
    this.websocketHost = {
      signing: this.signing,
      behaviour,
      limits: this.limits,
      log: this.log,
      session: (id, appPath, app, request) => this.sessionFor(id, appPath, app, request),
      opened: (connection, ws) => {
        this.connections.add(connection);
        ws.on("close", () => this.connections.delete(connection));
      },
    };
    http.on("request", (req, res) => this.onRequest(req, res));
    http.on("upgrade", (req, socket, head) => this.onUpgrade(req, socket as Socket, head));
    http.on("connection", (socket: Socket) => socket.setNoDelay(true));

    const keepAlive = options.keepAlive ?? 37_000;
    if (keepAlive > 0) this.timers.push(setInterval(() => this.pingAll(), keepAlive).unref());
    this.timers.push(setInterval(() => this.dropUnusedSessions(), options.checkUnusedSessions ?? 17_000).unref());
  }

  /**
   * Starts a server and resolves once it listens. Rejects with an `UnsupportedVersionError`
   * for a `bokehVersion` it cannot be, before listening.
   */
  static async start(options: BokehServerOptions): Promise<BokehServer> {
    const behaviour = serverBehaviour(options.bokehVersion ?? DEFAULT_SERVER_VERSION);
    const log = options.log ?? DEFAULT_LOG;
    const source = await bokehJSSource(behaviour.version);
    if (source.kind === "cdn") {
      const others = (await Promise.all(SERVER_BOKEH_VERSIONS.map(async (v) => ((await findBokehJS(v)) === null ? [] : [v])))).flat();
      const hint = others.length === 0 ? "" : `; installed: ${others.join(", ")} (bokehVersion chooses)`;
      log("warn", `BokehJS ${source.version} is not installed (npm install @bokeh/bokehjs@${source.version}): pages load it from ${new URL(cdnUrl("bokeh", source.version)).origin}${hint}`);
    }
    const http = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }) : createServer();
    const port = options.port ?? 5006;
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      const refused = (error: NodeJS.ErrnoException): void => reject(new ListenError(host, port, error));
      http.once("error", refused);
      http.listen(port, host, () => {
        http.off("error", refused);
        resolve();
      });
    });
    return new BokehServer(http, options, behaviour, new StaticFiles(source), log);
  }

  /** The http URL of an app: `appUrl("/demo")` -> `http://127.0.0.1:5006/demo`. */
  appUrl(path = "/"): string {
    return `${this.url.replace(/\/$/, "")}${normalizeAppPath(path) === "/" ? "" : normalizeAppPath(path)}`;
  }

  /** The live session with this id, if any (for tests and admin tools). */
  async getSession(sessionId: string): Promise<ServerSession | undefined> {
    return this.sessions.get(sessionId);
  }

  /** Number of websocket connections currently open (or opening). */
  get connectionCount(): number {
    return this.wss.clients.size;
  }

  /** Number of sessions currently alive. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Closes every connection and session, then stops listening. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const connection of this.connections) connection.close(CLOSE_GOING_AWAY, "server shutting down");
    for (const client of this.wss.clients) client.terminate();
    for (const session of this.sessions.values()) void session.then((s) => s.destroy(), () => {});
    this.sessions.clear();
    await new Promise<void>((resolve) => {
      this.wss.close(() => resolve());
    });
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  /** `await using server = await BokehServer.start(...)` closes it at the end of the block (Node 24+). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- HTTP -----------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    handleHttp(this.httpHost, req, res);
  }

  // ---- websocket upgrade ----------------------------------------------------------------

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on("error", () => {});
    const url = new URL(req.url ?? "/", "http://localhost");
    const appPath = url.pathname.endsWith("/ws") ? normalizeAppPath(url.pathname.slice(0, -3)) : null;
    const app = appPath === null ? undefined : this.apps.get(appPath);
    if (app === undefined || appPath === null || this.closed) {
      rawResponse(socket, 404, "Not Found", "<html><title>404: Not Found</title><body>404: Not Found</body></html>");
      return;
    }
    if (this.wss.clients.size >= this.limits.maxConnections) {
      this.log("warn", `refused websocket: ${this.wss.clients.size} connections open (maxConnections)`);
      rawResponse(socket, 503, "Service Unavailable", "Too many connections");
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, this.origins)) {
      this.log("warn", `refused websocket from origin ${origin}`);
      rawResponse(socket, 403, "Forbidden", "Cross origin websockets not allowed");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      void acceptWebsocket(this.websocketHost, ws, req, appPath, app, url.searchParams);
    });
  }

  private sessionFor(id: string, appPath: string, app: Application, request: SessionRequest): Promise<ServerSession> {
    const existing = this.sessions.get(id);
    if (existing !== undefined) return existing;
    if (this.sessions.size >= this.limits.maxSessions) {
      return Promise.reject(new ServerBusyError(`too many sessions (${this.sessions.size}, maxSessions)`));
    }
    const created = (async () => {
      const session = new ServerSession(id, appPath, request, this.log, this.behaviour);
      await app(session.document, session);
      return session;
    })();
    this.sessions.set(id, created);
    created.catch(() => this.sessions.delete(id));
    return created;
  }

  private pingAll(): void {
    for (const connection of this.connections) {
      // No pong since the last ping: the peer is gone (half-open TCP); drop it.
      if (!connection.ping()) connection.terminate();
    }
  }

  private dropUnusedSessions(): void {
    const lifetime = this.options.unusedSessionLifetime ?? 15_000;
    const now = Date.now();
    for (const [id, pending] of this.sessions) {
      void pending.then((session) => {
        if (session.connections.size === 0 && now - session.lastUsed >= lifetime && this.sessions.get(id) === pending) {
          this.sessions.delete(id);
          session.destroy();
          this.log("info", `session ${id} expired (unused for ${lifetime} ms)`);
        }
      }, () => {});
    }
  }
}

function normalizeAppPath(path: string): string {
  const trimmed = `/${path.replace(/^\/+|\/+$/g, "")}`;
  return trimmed;
}

function rawResponse(socket: Socket, status: number, reason: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
