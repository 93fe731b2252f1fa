/**
 * The embedded server's own limits against clients that take too much: connections,
 * sessions, and a client that stops reading. Each refusal is typed for the client, and
 * every other client carries on.
 */
import { afterEach, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { ClientSession, ColumnDataSource, Model, pullSession } from "../src/index.js";
import { generateToken, resolveSigning } from "../src/protocol/token.js";
import { BokehServer, type Application } from "../src/server/index.js";
import { until } from "./helpers/until.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

const app: Application = (doc) => {
  doc.addRoot(new Model("Div", { name: "div", text: "hello" }));
  doc.addRoot(new ColumnDataSource({ name: "source", data: { x: [] } }));
};

async function start(options: { maxConnections?: number; maxSessions?: number; maxBacklog?: number }) {
  const lines: string[] = [];
  const server = await BokehServer.start({ port: 0, apps: { "/": app }, log: (level, message) => lines.push(`${level} ${message}`), ...options });
  cleanup.push(() => server.close());
  return { server, lines };
}

function track(session: ClientSession): ClientSession {
  cleanup.push(() => session.close());
  return session;
}

describe("server limits", () => {
  test("maxConnections: one connection too many gets HTTP 503; the open ones carry on", async () => {
    const { server, lines } = await start({ maxConnections: 2 });
    const a = track(await pullSession({ url: server.url }));
    const b = track(await pullSession({ url: server.url, sessionId: a.id }));
    await expect(pullSession({ url: server.url })).rejects.toMatchObject({ code: "ERR_BOKEH_HTTP", status: 503 });
    expect(lines.some((l) => l.includes("maxConnections"))).toBe(true);
    a.document!.getModelByName("div")!.set("text", "still here");
    await a.flush();
    await until(() => b.document!.getModelByName("div")!.get("text") === "still here", "b to see a's change");
    await b.close();
    await until(() => server.connectionCount < 2, "the closed connection to be counted out");
    track(await pullSession({ url: server.url })); // room again
  });

  test("maxSessions: a new session beyond it is refused (1013 on the websocket, 503 for a page); existing sessions still accept connections", async () => {
    const { server } = await start({ maxSessions: 1 });
    const first = track(await pullSession({ url: server.url }));
    const refused = await pullSession({ url: server.url }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "ERR_BOKEH_SESSION_REFUSED", closeCode: 1013 });
    expect(String((refused as Error).message)).toMatch(/too many sessions.*try again later/s);
    const page = await fetch(server.url);
    expect(page.status).toBe(503);
    track(await pullSession({ url: server.url, sessionId: first.id })); // joining the existing one is fine
  });

  test("maxBacklog: a client that stops reading is closed with 1008; the session and its other clients carry on", async () => {
    const { server, lines } = await start({ maxBacklog: 256 * 1024 });
    const writer = track(await pullSession({ url: server.url, maxMessageSize: 1024 ** 3 }));
    // A raw websocket client on the same session that never reads what it is sent.
    const token = generateToken(writer.id, resolveSigning({ signSessions: false }));
    const stuck = new WebSocket(`${server.url.replace("http", "ws")}ws`, ["bokeh", token]);
    cleanup.push(async () => stuck.terminate());
    await new Promise((resolve, reject) => stuck.once("message", resolve).once("error", reject)); // the ACK
    let closeCode = 0;
    stuck.once("close", (code) => (closeCode = code));
    const raw = (stuck as unknown as { _socket: import("node:net").Socket })._socket;
    raw.pause();

    const source = writer.document!.getModelByName("source") as ColumnDataSource;
    for (let i = 0; i < 40 && !lines.some((l) => l.includes("client too slow")); i++) {
      source.stream({ x: new Float64Array(100_000) });
      await writer.flush();
    }
    expect(lines.find((l) => l.includes("client too slow"))).toMatch(/maxBacklog 262144/);
    raw.resume();
    await until(() => closeCode !== 0, "the stuck client to see its close");
    expect(closeCode).toBe(1008);
    // The writer was never affected, and a new reader sees everything.
    const reader = track(await pullSession({ url: server.url, sessionId: writer.id, maxMessageSize: 1024 ** 3 }));
    expect((reader.document!.getModelByName("source") as ColumnDataSource).length).toBe(source.length);
  });
});
