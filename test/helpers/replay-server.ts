/**
 * ReplayServer: plays the server side of a recorded transcript to a client
 * under test, over a real socket.
 *
 * It answers the upgrade as recorded (status, subprotocol), then walks the
 * recorded frames in order: server messages are sent (their `reqid` rewritten to
 * the msgid our client really used), client messages are awaited and kept for
 * comparison, pings are sent, and the connection ends as it ended in the
 * recording (close frame with the recorded code, an empty close frame, or a
 * dropped TCP connection). Bokeh's 10000/10001 close frames are written as raw
 * bytes since `ws` refuses to send codes outside the RFC range.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { assemble, type RecordedFrame, type RecordedMessage, type Transcript } from "./transcripts.js";

export interface UpgradeSeen {
  path: string;
  query: string;
  subprotocols: string[];
  headers: IncomingMessage["headers"];
}

type Step =
  | { kind: "send"; frames: RecordedFrame[] }
  | { kind: "expect"; msgtype: string; recordedMsgid: string }
  | { kind: "ping"; payload: Buffer }
  | { kind: "pong"; payload: Buffer }
  | { kind: "server-close"; code: number | null; reason: string }
  | { kind: "client-close" };

export interface ReplayOptions {
  /** Stop before the recorded ending (the test closes the client itself). Default false. */
  keepOpen?: boolean;
}

export class ReplayServer {
  readonly url: string;
  /** Messages our client sent, in order. */
  readonly received: RecordedMessage[] = [];
  readonly pongs: Buffer[] = [];
  upgrade: UpgradeSeen | null = null;
  /** Resolves when every recorded step was played; rejects on a mismatch. */
  readonly done: Promise<void>;
  clientClose: { code: number; reason: string } | null = null;

  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly steps: Step[];
  private readonly msgids = new Map<string, string>();
  private readonly inbox: RecordedMessage[] = [];
  private readonly sockets = new Set<Socket>();
  private wake: (() => void) | null = null;
  private finish!: { resolve(): void; reject(error: Error): void };

  private constructor(http: Server, private readonly t: Transcript, options: ReplayOptions) {
    this.http = http;
    this.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    this.steps = stepsOf(t, options);
    this.done = new Promise<void>((resolve, reject) => (this.finish = { resolve, reject }));
    this.done.catch(() => {});
    const recordedProtocol = t.upgrade.response.sec_websocket_protocol;
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: () => (recordedProtocol === null ? false : recordedProtocol),
    });
    http.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    http.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  static async start(t: Transcript, options: ReplayOptions = {}): Promise<ReplayServer> {
    const http = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    return new ReplayServer(http, t, options);
  }

  /** The app URL our client should use (the recorded path without `/ws`). */
  appUrl(): string {
    return `${this.url}${this.t.upgrade.request.path.replace(/\/ws$/, "")}`;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://x");
    this.upgrade = {
      path: url.pathname,
      query: url.search.slice(1),
      subprotocols: (req.headers["sec-websocket-protocol"] ?? "").split(",").map((s) => s.trim()).filter(Boolean),
      headers: req.headers,
    };
    const response = this.t.upgrade.response;
    if (response.status !== 101) {
      const body = response.body ?? "";
      const headers = response.headers.filter(([k]) => !/^(content-length|date|server)$/i.test(k));
      socket.end(
        `HTTP/1.1 ${response.status} ${response.reason}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join("")}` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      this.finish.resolve();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", (data: Buffer, isBinary: boolean) => this.onFrame(isBinary ? { binary: data } : { text: data.toString("utf8") }));
      ws.on("pong", (data: Buffer) => {
        this.pongs.push(data);
        this.poke();
      });
      ws.on("close", (code: number, reason: Buffer) => {
        this.clientClose ??= { code, reason: reason.toString("utf8") };
        this.poke();
      });
      ws.on("error", () => {});
      this.play(ws, socket).then(
        () => this.finish.resolve(),
        (error: Error) => this.finish.reject(error),
      );
    });
  }

  private frames: ({ text: string } | { binary: Buffer })[] = [];

  private onFrame(frame: { text: string } | { binary: Buffer }): void {
    this.frames.push(frame);
    if (this.frames.length >= 3 && "text" in (this.frames[0] as object)) {
      const header = JSON.parse((this.frames[0] as { text: string }).text) as { num_buffers?: number };
      if (this.frames.length === 3 + 2 * (header.num_buffers ?? 0)) {
        const message = assemble(this.frames);
        this.frames = [];
        this.received.push(message);
        this.inbox.push(message);
        this.poke();
      }
    }
  }

  private poke(): void {
    this.wake?.();
  }

  private async until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`replay of ${this.t.scenario}: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }

  private async play(ws: WebSocket, socket: Socket): Promise<void> {
    let lastSent = -1;
    for (const step of this.steps) {
      switch (step.kind) {
        case "send":
          // Where the real server paused (a timer in the app), pause briefly too,
          // so the client is idle when the message arrives, as it was recorded.
          if (lastSent >= 0 && (step.frames[0]?.t_ms ?? 0) - lastSent > 100) await new Promise((r) => setTimeout(r, 100));
          lastSent = step.frames[step.frames.length - 1]?.t_ms ?? lastSent;
          for (const frame of step.frames) {
            if (frame.kind === "binary") ws.send(Buffer.from(frame.base64 ?? "", "base64"), { binary: true });
            else ws.send(this.rewriteReqid(frame));
          }
          break;
        case "expect": {
          await this.until(() => this.inbox.length > 0, `a ${step.msgtype} from the client`);
          const message = this.inbox.shift() as RecordedMessage;
          if (message.header.msgtype !== step.msgtype) {
            throw new Error(`replay of ${this.t.scenario}: expected ${step.msgtype}, client sent ${String(message.header.msgtype)}`);
          }
          this.msgids.set(step.recordedMsgid, String(message.header.msgid));
          break;
        }
        case "ping":
          ws.ping(step.payload);
          break;
        case "pong": {
          const count = this.steps.filter((s) => s.kind === "pong").indexOf(step) + 1;
          await this.until(() => this.pongs.length >= count, "a pong");
          break;
        }
        case "server-close":
          if (step.code === null) ws.close();
          else if (step.code >= 5000) {
            // Bokeh's out-of-range codes: write the close frame ourselves, then end.
            const reason = Buffer.from(step.reason, "utf8");
            socket.write(Buffer.concat([Buffer.from([0x88, 2 + reason.length, step.code >> 8, step.code & 0xff]), reason]));
            setTimeout(() => socket.destroy(), 50);
          } else ws.close(step.code, step.reason);
          break;
        case "client-close":
          await this.until(() => this.clientClose !== null, "the client's close frame");
          break;
      }
    }
    if (this.t.close.frames.length === 0 && this.steps.every((s) => s.kind !== "client-close")) {
      // Recorded without any close frame: the server dropped the TCP connection.
      socket.destroy();
    }
  }

  private rewriteReqid(frame: RecordedFrame): string {
    const text = frame.text ?? "";
    if (frame.part !== "header") return text;
    return text.replace(/"reqid": "([^"]*)"/, (whole, old: string) => {
      const actual = this.msgids.get(old);
      return actual === undefined ? whole : `"reqid": ${JSON.stringify(actual)}`;
    });
  }
}

function stepsOf(t: Transcript, options: ReplayOptions): Step[] {
  const steps: Step[] = [];
  let lastMsg = -1;
  for (const frame of t.frames) {
    if (frame.msg !== undefined) {
      if (frame.msg === lastMsg) {
        const last = steps[steps.length - 1];
        if (last?.kind === "send") last.frames.push(frame);
        continue;
      }
      lastMsg = frame.msg;
      const message = t.messages[frame.msg];
      if (frame.dir === "server->client") steps.push({ kind: "send", frames: [frame] });
      else if (message?.complete) steps.push({ kind: "expect", msgtype: message.msgtype, recordedMsgid: message.msgid });
      continue;
    }
    lastMsg = -1;
    if (frame.kind === "ping" && frame.dir === "server->client") steps.push({ kind: "ping", payload: Buffer.from(frame.base64 ?? "", "base64") });
    else if (frame.kind === "pong" && frame.dir === "client->server") steps.push({ kind: "pong", payload: Buffer.from(frame.base64 ?? "", "base64") });
    else if (frame.kind === "close") {
      if (options.keepOpen) break;
      if (frame.dir === "server->client") {
        // Only the first close frame is an action; the other one is the answer to it.
        if (!steps.some((s) => s.kind === "client-close")) steps.push({ kind: "server-close", code: frame.code ?? null, reason: frame.reason ?? "" });
      } else if (!steps.some((s) => s.kind === "server-close")) {
        steps.push({ kind: "client-close" });
      }
    }
  }
  return steps;
}
