/**
 * A websocket that was upgraded on `/<app>/ws`: its token is checked, refused the
 * way the server's Bokeh release refuses it (versions.ts), or its session is found or
 * made (the app runs) and a ServerConnection takes the socket over and sends the ACK.
 *
 * The refusals of the real server: an empty close frame (not "bokeh", no token,
 * expired), a dropped connection without a close frame (a token it cannot decode),
 * and for a wrong signature one or the other depending on the release.
 */
import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import { CLOSE_INTERNAL_ERROR, CLOSE_PROTOCOL_ERROR, CLOSE_TOO_LARGE, CLOSE_TRY_AGAIN_LATER } from "../protocol/close.js";
import { acceptedFeatures, CLIENT_ACCEPTS_HEADER, UI_EVENTS } from "../protocol/features.js";
import { checkTokenSignature, getSessionId, getTokenPayload, type Signing } from "../protocol/token.js";
import { parseCookies, queryArguments, type Application, type SessionRequest } from "./application.js";
import { ServerBusyError, type ServerLimits } from "./limits.js";
import { ServerConnection } from "./server-connection.js";
import type { Log, ServerSession } from "./server-session.js";
import type { ServerBehaviour } from "./versions.js";

export interface WebsocketHost {
  readonly signing: Signing;
  readonly behaviour: ServerBehaviour;
  readonly limits: ServerLimits;
  readonly log: Log;
  session(id: string, appPath: string, app: Application, request: SessionRequest): Promise<ServerSession>;
  /** A connection is open (its ACK sent): the server keeps it until the socket closes. */
  opened(connection: ServerConnection, ws: WebSocket): void;
}

export async function acceptWebsocket(host: WebsocketHost, ws: WebSocket, req: IncomingMessage, appPath: string, app: Application, search: URLSearchParams): Promise<void> {
  ws.on("error", () => {});
  const offered = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((s) => s.trim());
  const token = offered.length === 2 ? offered[1] : undefined;
  if (ws.protocol !== "bokeh" || token === undefined || token === "") {
    host.log("warn", "refused websocket: subprotocol is not 'bokeh' or no token");
    ws.close();
    return;
  }
  let sessionId: string;
  let payload: ReturnType<typeof getTokenPayload>;
  try {
    payload = getTokenPayload(token);
    sessionId = getSessionId(token);
  } catch (error) {
    host.log("warn", `refused websocket: ${(error as Error).message}`);
    ws.terminate();
    return;
  }
  if (typeof payload.session_expiry !== "number") {
    host.log("warn", "refused websocket: session expiry has not been provided");
    ws.close();
    return;
  }
  if (Math.floor(Date.now() / 1000) >= payload.session_expiry) {
    host.log("warn", `refused websocket: token for session ${sessionId} is expired`);
    ws.close();
    return;
  }
  if (!checkTokenSignature(token, host.signing)) {
    host.log("warn", `refused websocket: token for session ${sessionId} has an invalid signature`);
    if (host.behaviour.badSignature === "close") ws.close();
    else ws.terminate();
    return;
  }

  // Frames sent before the ACK break the protocol: as the server's Bokeh release does,
  // they close the connection or wait to be answered after the ACK (versions.ts).
  const early: [Buffer, boolean][] = [];
  let earlyBytes = 0;
  const onEarly = (data: Buffer, isBinary: boolean) => {
    earlyBytes += data.length;
    if (host.behaviour.beforeAck === "close") ws.close(CLOSE_PROTOCOL_ERROR, "message received before ACK");
    else if (earlyBytes > host.limits.maxMessageSize) ws.close(CLOSE_TOO_LARGE, "too much sent before ACK");
    else early.push([data, isBinary]);
  };
  ws.on("message", onEarly);
  let session: ServerSession;
  try {
    session = await host.session(sessionId, appPath, app, requestFromToken(payload) ?? {
      arguments: queryArguments(search),
      headers: req.headers,
      cookies: parseCookies(req.headers.cookie),
    });
  } catch (error) {
    if (error instanceof ServerBusyError) {
      host.log("warn", `refused websocket: ${error.message}`);
      ws.close(CLOSE_TRY_AGAIN_LATER, error.message);
      return;
    }
    host.log("error", `session ${sessionId}: the application failed: ${(error as Error)?.stack ?? String(error)}`);
    ws.close(CLOSE_INTERNAL_ERROR, "application failed to create the session");
    return;
  }
  ws.off("message", onEarly);
  if (ws.readyState !== ws.OPEN) return;
  const readsUIEvents = acceptedFeatures(req.headers[CLIENT_ACCEPTS_HEADER]).has(UI_EVENTS);
  const connection = new ServerConnection(ws, session, host.limits, host.log, { readsUIEvents });
  host.opened(connection, ws);
  connection.start(early);
}

/**
 * The request a server-issued token describes (headers, cookies and arguments of the
 * page request that made it), so a session re-created on websocket open sees what the
 * page request saw, as in Bokeh. Null for tokens without that payload.
 */
function requestFromToken(payload: Record<string, unknown>): SessionRequest | null {
  const { headers, cookies, arguments: args } = payload;
  if (typeof headers !== "object" || headers === null || typeof args !== "object" || args === null) return null;
  const decoded: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(args as Record<string, unknown>)) {
    if (!Array.isArray(values)) continue;
    decoded[name] = values.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : String(v)));
  }
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) lowered[name.toLowerCase()] = String(value);
  return { arguments: decoded, headers: lowered, cookies: (typeof cookies === "object" && cookies !== null ? cookies : {}) as Record<string, string> };
}
