/**
 * Chaos (issue 15): many sessions stream rows and set values through a TCP proxy that resets
 * connections at random, and resets them on purpose as a resync's steps pass (its pull, its
 * replayed patches, the OKs). At the end every session's document equals the server's, and the
 * server holds each session's rows exactly once and in the order they were made (or every
 * difference is covered by a report with the changes); memory after closing everything is back
 * near where it started.
 *
 * `npm test` runs a short version with a fixed seed; `npm run chaos` the long one (200 sessions,
 * 20 s) with a random seed. The seed is printed: CHAOS_SEED=<seed> replays the same faults
 * (the network's own timing still varies). CHAOS_SESSIONS, CHAOS_SECONDS override the size.
 */
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { afterEach, expect, test } from "vitest";
import { ColumnDataSource, Model, pullSession, type BokehError, type ClientSession, type DocumentChangedEvent } from "../src/index.js";
import { BokehServer } from "../src/server/index.js";
import { FaultProxy } from "./helpers/proxy.js";

const LONG = process.env.CHAOS === "long";
const SEED = Number(process.env.CHAOS_SEED ?? (LONG ? Math.floor(Math.random() * 2 ** 31) : 20261206));
const SESSIONS = Number(process.env.CHAOS_SESSIONS ?? (LONG ? 200 : 40));
const SECONDS = Number(process.env.CHAOS_SECONDS ?? (LONG ? 20 : 3));
const TICK_MS = 100; // each session streams a row per tick, as in the setup

/** mulberry32: a small seeded generator, so that a seed replays the same faults. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

setFlagsFromString("--expose_gc");
const gc = runInNewContext("gc") as () => void;
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

interface Client {
  session: ClientSession;
  /** Values streamed, in the order they were made. */
  made: number[];
  text: string;
  reports: { error: BokehError; events: readonly DocumentChangedEvent[] }[];
  resyncs: number;
}

const xOf = (source: Model) => Array.from((source as ColumnDataSource).data.x as ArrayLike<number>);

test(
  `chaos: ${SESSIONS} sessions for ${SECONDS} s through a proxy that resets connections (seed ${SEED})`,
  async () => {
    console.log(`chaos seed ${SEED} (replay with CHAOS_SEED=${SEED}${LONG ? " CHAOS=long" : ""})`);
    const rng = random(SEED);
    const startHeap = heap();
    const server = await BokehServer.start({
      port: 0,
      log: () => {},
      apps: { "/": (doc) => [new ColumnDataSource({ name: "source", data: { x: [0] } }), new Model("Div", { name: "div", text: "start" })].forEach((m) => doc.addRoot(m)) },
    });
    cleanup.push(() => server.close());
    const proxy = await FaultProxy.start(server.url);
    cleanup.push(() => proxy.close());

    const clients: Client[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const session = await pullSession({ url: proxy.url, reconnect: { attempts: 10_000, initialDelay: 10, maxDelay: 200 }, heartbeat: false });
      cleanup.push(() => session.close().catch(() => {}));
      const client: Client = { session, made: [], text: "start", reports: [], resyncs: 0 };
      session.on("patchRejected", (error, events) => client.reports.push({ error, events }));
      session.on("resynced", () => (client.resyncs += 1));
      session.on("detachedChange", ({ change }) => client.reports.push({ error: new Error("detached") as BokehError, events: [change] }));
      clients.push(client);
    }

    // The workload: a row per session per tick, and a text now and then.
    let running = true;
    let tick = 0;
    const workload = (async () => {
      while (running) {
        tick += 1;
        for (const client of clients) {
          const document = client.session.document!;
          const value = client.made.length + 1;
          (document.getModelByName("source") as ColumnDataSource).stream({ x: [value] });
          client.made.push(value);
          if (tick % 5 === 0) {
            client.text = `tick ${tick}`;
            document.getModelByName("div")!.set("text", client.text);
          }
        }
        await new Promise((r) => setTimeout(r, TICK_MS));
      }
    })();

    // The faults: about 10% of the connections reset per second, at random, plus resets timed
    // on a resync's steps: its PULL-DOC-REPLY going down, a PATCH-DOC going up (the replay and
    // ordinary edits alike), an OK going down.
    const markers: [string, "up" | "down"][] = [["PULL-DOC-REPLY", "down"], ["PATCH-DOC", "up"], ['"msgtype": "OK"', "down"]];
    let resets = 0;
    let timed = 0;
    const faults = setInterval(() => {
      const expected = (SESSIONS * 0.1 * TICK_MS) / 1000;
      for (let n = 0; n < expected * 2 * rng(); n++) if (proxy.resetOne((count) => Math.floor(rng() * count))) resets += 1;
      if (rng() < 0.3) {
        const [marker, direction] = markers[Math.floor(rng() * markers.length)]!;
        void proxy.resetOn(marker, direction).then(() => (timed += 1));
      }
    }, TICK_MS);

    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    clearInterval(faults);
    proxy.disarm();
    running = false;
    await workload;

    // Every session settles: resynced if it was down, every change confirmed.
    const flushErrors: unknown[] = [];
    await Promise.all(clients.map((c) => c.session.flush().catch((error: unknown) => flushErrors.push(error))));

    let differences = 0;
    for (const client of clients) {
      const serverSession = await server.getSession(client.session.id);
      const serverDoc = serverSession!.document;
      const serverX = xOf(serverDoc.getModelByName("source")!);
      const localX = xOf(client.session.document!.getModelByName("source")!);
      const reported = new Set(
        client.reports.flatMap((r) => r.events).flatMap((e) => (e.kind === "ColumnsStreamed" ? Array.from(e.data.x as ArrayLike<number>) : [])),
      );
      // Once and in order: the server's rows are the start row, then the ones made, each once;
      // a row missing from the server must have been reported with its change.
      const missing = client.made.filter((v) => !serverX.includes(v));
      expect(new Set(serverX).size, `session ${client.session.id}: no row twice on the server`).toBe(serverX.length);
      expect(serverX, `session ${client.session.id}: rows in the order they were made`).toEqual([0, ...client.made.filter((v) => serverX.includes(v))]);
      for (const v of missing) expect(reported.has(v), `session ${client.session.id}: row ${v} missing on the server and not reported`).toBe(true);
      if (missing.length === 0) {
        expect(localX, `session ${client.session.id}: the local rows equal the server's`).toEqual(serverX);
        expect(client.session.document!.getModelByName("div")!.get("text")).toBe(serverDoc.getModelByName("div")!.get("text"));
      }
      differences += missing.length;
    }
    const resynced = clients.reduce((n, c) => n + c.resyncs, 0);
    console.log(
      `chaos: ${clients.length} sessions, ${tick} ticks, ${clients.reduce((n, c) => n + c.made.length, 0)} rows; ` +
        `${resets} random resets, ${timed} timed resets, ${resynced} resyncs; ${differences} rows missing (all reported), ${flushErrors.length} flush errors`,
    );
    expect(resynced).toBeGreaterThan(0); // the faults did hit

    // Memory: close everything; the heap returns near where it started.
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
    const growth = heap() - startHeap;
    console.log(`chaos: heap growth after closing everything ${(growth / 2 ** 20).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(8 * 2 ** 20);
  },
  (SECONDS + 60) * 1000,
);
