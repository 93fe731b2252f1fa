/**
 * FaultServer: a websocket server that speaks just enough of the Bokeh protocol
 * (accepts the subprotocol, sends ACK) and then does whatever a test scripts:
 * reply normally, stall, send garbage, close with any code (including Bokeh's
 * 10000/10001), or die in the middle of a message. Only for faults a real
 * server cannot be made to produce on cue.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { assemble, type RecordedMessage } from "./transcripts.js";

let counter = 0;
const id = () => `f${++counter}`;

export interface FaultApi {
  readonly ws: WebSocket;
  readonly socket: Socket;
  /** Sends a complete message (header in Bokeh's spacing, metadata, content, buffers). */
  send(msgtype: string, content: unknown, options?: { reqid?: string; buffers?: [string, Buffer][] }): void;
  reply(request: RecordedMessage, msgtype: string, content?: unknown): void;
  /** Writes raw bytes (e.g. a close frame with a code ws refuses to send). */
  raw(bytes: Buffer): void;
  closeWithCode(code: number, reason: string): void;
  /** Drops the TCP connection without a close frame. */
  drop(): void;
}

export type FaultHandler = (message: RecordedMessage, api: FaultApi) => void;

export class FaultServer {
  readonly url: string;
  readonly received: RecordedMessage[] = [];
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<Socket>();

  private constructor(http: Server, handler: FaultHandler, options: { ack: boolean; upgradeHeaders: string[] }) {
    this.http = http;
    this.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 ** 3, handleProtocols: (p) => [...p][0] ?? false });
    this.wss.on("headers", (headers) => headers.push(...options.upgradeHeaders));
    http.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    http.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on("error", () => {});
        const api = makeApi(ws, socket);
        let frames: ({ text: string } | { binary: Buffer })[] = [];
        ws.on("message", (data: Buffer, isBinary: boolean) => {
          frames.push(isBinary ? { binary: data } : { text: data.toString("utf8") });
          const header = JSON.parse((frames[0] as { text: string }).text) as { num_buffers?: number };
          if (frames.length === 3 + 2 * (header.num_buffers ?? 0)) {
            const message = assemble(frames);
            frames = [];
            this.received.push(message);
            handler(message, api);
          }
        });
        if (options.ack) api.send("ACK", {});
      });
    });
  }

  /** `upgradeHeaders`: extra lines ("Name: value") of the 101 response. */
  static async start(handler: FaultHandler, options: { ack?: boolean; upgradeHeaders?: string[] } = {}): Promise<FaultServer> {
    const http = createServer((_q, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    return new FaultServer(http, handler, { ack: options.ack ?? true, upgradeHeaders: options.upgradeHeaders ?? [] });
  }

  /** The websocket URL of the (only) app. */
  get wsUrl(): string {
    return `${this.url.replace("http", "ws")}/ws`;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

function makeApi(ws: WebSocket, socket: Socket): FaultApi {
  const api: FaultApi = {
    ws,
    socket,
    send(msgtype, content, options = {}) {
      const parts = [`"msgid": "${id()}"`, `"msgtype": "${msgtype}"`];
      if (options.reqid !== undefined) parts.push(`"reqid": "${options.reqid}"`);
      const buffers = options.buffers ?? [];
      if (buffers.length > 0) parts.push(`"num_buffers": ${buffers.length}`);
      ws.send(`{${parts.join(", ")}}`);
      ws.send("{}");
      ws.send(JSON.stringify(content));
      for (const [bufferId, bytes] of buffers) {
        ws.send(`{"id": "${bufferId}"}`);
        ws.send(bytes, { binary: true });
      }
    },
    reply(request, msgtype, content = {}) {
      api.send(msgtype, content, { reqid: String(request.header.msgid) });
    },
    raw(bytes) {
      socket.write(bytes);
    },
    closeWithCode(code, reason) {
      const text = Buffer.from(reason, "utf8");
      socket.write(Buffer.concat([Buffer.from([0x88, 2 + text.length, code >> 8, code & 0xff]), text]));
      setTimeout(() => socket.destroy(), 20);
    },
    drop() {
      socket.destroy();
    },
  };
  return api;
}

/** A minimal document reply for PULL-DOC-REQ. */
export const TINY_DOC = { doc: { version: "3.7.3", title: "t", roots: [{ type: "object", name: "Div", id: "d1", attributes: { text: "hi", name: "div" } }] } };
