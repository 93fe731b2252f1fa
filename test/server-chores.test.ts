/**
 * The embedded server's connection chores, decided once for the client and the server:
 * keep-alive pings (protocol/keepalive.ts: payloads counting up, a peer that does not
 * answer dropped at the next beat) and closing (protocol/close.ts: named codes, and the
 * grace period a peer gets to answer a close frame before its connection is dropped).
 * Peers that do not answer are raw TCP sockets that never reply (test/helpers/raw-upgrade.ts).
 */
import { afterEach, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { CLOSE_GRACE_MS, CLOSE_PROTOCOL_ERROR } from "../src/protocol/close.js";
import { generateToken } from "../src/protocol/token.js";
import { BokehServer } from "../src/server/index.js";
import { clientTextFrame, rawUpgrade, serverFrames } from "./helpers/raw-upgrade.js";
import { until } from "./helpers/until.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

async function start(keepAlive: number): Promise<BokehServer> {
  const server = await BokehServer.start({ port: 0, keepAlive, apps: { "/": () => {} }, log: () => {} });
  cleanup.push(() => server.close());
  return server;
}

const wsUrl = (server: BokehServer) => `${server.url.replace("http", "ws")}ws`;
const PING = 0x9;
const CLOSE = 0x8;

describe("keep-alive, as the client decides it", () => {
  test("pings carry '0', '1', ...; a peer that answers each keeps its connection", async () => {
    const server = await start(20);
    const ws = new WebSocket(wsUrl(server), ["bokeh", generateToken("kept")]);
    cleanup.push(async () => ws.close());
    const pings: string[] = [];
    ws.on("ping", (data: Buffer) => pings.push(data.toString())); // ws answers each with a pong
    await until(() => pings.length >= 5, "five pings");
    expect(pings.slice(0, 5)).toEqual(["0", "1", "2", "3", "4"]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(server.connectionCount).toBe(1);
  });

  test("a peer that does not answer a ping is dropped at the next beat, without a second ping", async () => {
    const server = await start(50);
    const result = await rawUpgrade(wsUrl(server), { protocols: ["bokeh", generateToken("silent")], waitMs: 60_000 });
    expect(result.status).toBe(101);
    expect(result.ending).not.toBe("open"); // the server ended it
    const control = serverFrames(result.after).filter((f) => typeof f !== "string");
    expect(control).toEqual([{ opcode: PING, payload: Buffer.from("0") }]); // no close frame: a dead peer would not read it
    await until(() => server.connectionCount === 0, "the dropped connection to be counted out");
  });
});

describe("closing, as the client closes", () => {
  test(`a peer that never answers the close frame is dropped after CLOSE_GRACE_MS (${CLOSE_GRACE_MS} ms), not at once`, async () => {
    const server = await start(0);
    let closeSentAt = 0;
    let closeFrame: { opcode: number; payload: Buffer } | undefined;
    const result = await rawUpgrade(wsUrl(server), {
      protocols: ["bokeh", generateToken("stubborn")],
      send: ['{"msgid":"x1"}', "{}", "{}"].map(clientTextFrame), // no msgtype: a protocol error, found after the ACK
      waitMs: 60_000,
      until: (after) => {
        // Keep reading until the end; note when the close frame arrived.
        closeFrame ??= serverFrames(after).find((f): f is { opcode: number; payload: Buffer } => typeof f !== "string" && f.opcode === CLOSE);
        if (closeFrame !== undefined && closeSentAt === 0) closeSentAt = performance.now();
        return false;
      },
    });
    const droppedAt = performance.now();
    expect(result.ending).not.toBe("open");
    expect(closeFrame?.payload.readUInt16BE(0)).toBe(CLOSE_PROTOCOL_ERROR);
    // A lower bound, not a speed limit: the server waited the grace period for the peer's close frame.
    expect(droppedAt - closeSentAt).toBeGreaterThanOrEqual(CLOSE_GRACE_MS - 50);
  }, 20_000);
});
