/**
 * Progress of large pulls and pushes (`onProgress`, the session's `progress` event): bytes done
 * of the total, growing, ending with all of it; small messages report nothing.
 */
import { afterEach, expect, test } from "vitest";
import { ClientSession, ColumnDataSource, Document, pullSession, type TransferProgress } from "../src/index.js";
import { BokehServer } from "../src/server/index.js";
import { FaultProxy } from "./helpers/proxy.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

const ROWS = 1_000_000;
const ARRAY_BYTES = 2 * 8 * ROWS; // two float64 columns

async function serve(): Promise<BokehServer> {
  const server = await BokehServer.start({
    port: 0,
    log: () => {},
    apps: {
      "/big": (doc) => doc.addRoot(new ColumnDataSource({ name: "source", data: { x: new Float64Array(ROWS).fill(1), y: new Float64Array(ROWS).fill(2) } })),
      "/empty": () => {},
    },
  });
  cleanup.push(() => server.close());
  return server;
}

function track(session: ClientSession): ClientSession {
  cleanup.push(() => session.close());
  return session;
}

function expectGrowingToAll(reports: TransferProgress[], direction: "in" | "out", msgtype: string): void {
  expect(reports.length).toBeGreaterThan(1);
  for (const r of reports) expect(r.direction).toBe(direction);
  for (let i = 1; i < reports.length; i++) expect(reports[i]!.done).toBeGreaterThanOrEqual(reports[i - 1]!.done);
  for (const r of reports) expect(r.done).toBeLessThanOrEqual(r.total);
  const last = reports[reports.length - 1]!;
  expect(last).toMatchObject({ msgtype, done: last.total });
  expect(last.total).toBeGreaterThan(ARRAY_BYTES);
}

test("a pull of 2 x 1,000,000 float64: progress in, its total known from the content's arrays", async () => {
  const server = await serve();
  const reports: TransferProgress[] = [];
  const session = track(await pullSession({ url: server.appUrl("/big"), onProgress: (p) => reports.push(p) }));
  expectGrowingToAll(reports, "in", "PULL-DOC-REPLY");
  // The arrays were announced before they arrived: the first report already knows (nearly) all of it.
  expect(reports[0]!.total).toBeGreaterThan(ARRAY_BYTES);
  expect(reports[0]!.done).toBeLessThan(reports[0]!.total);
  expect((session.document!.getModelByName("source") as ColumnDataSource).data.y).toHaveLength(ROWS);
});

test("a push of the same over a network that is behind: progress out as the bytes leave, with the exact total", async () => {
  const server = await serve();
  const proxy = await FaultProxy.start(server.appUrl("/empty"));
  cleanup.push(() => proxy.close());
  const session = track(new ClientSession({ websocketUrl: `${proxy.url.replace("http", "ws")}/ws`, bokehVersion: server.bokehVersion })); // no version to ask through the stalled proxy
  await session.connect();
  proxy.stall(); // the proxy stops reading: the socket fills up, the rest waits in our queue
  const reports: TransferProgress[] = [];
  let partial!: () => void;
  const someLeftTheSocket = new Promise<void>((resolve) => (partial = resolve));
  const doc = new Document({ roots: [new ColumnDataSource({ data: { x: new Float64Array(ROWS), y: new Float64Array(ROWS) } })] });
  const pushed = session.push(doc, {
    onProgress: (p) => {
      reports.push(p);
      if (p.done < p.total) partial();
    },
  });
  await someLeftTheSocket;
  proxy.stall(false);
  await pushed;
  const out = reports.filter((r) => r.direction === "out");
  expectGrowingToAll(out, "out", "PUSH-DOC");
  expect(reports.filter((r) => r.direction === "in")).toEqual([]); // the server's echo of the arrays is skipped, not received
  expect(new Set(out.map((r) => r.total)).size).toBe(1); // known from the start
});

test("small messages report no progress; the listener is gone after the call", async () => {
  const server = await serve();
  const reports: TransferProgress[] = [];
  const session = track(await pullSession({ url: server.appUrl("/empty"), onProgress: (p) => reports.push(p) }));
  expect(reports).toEqual([]);
  expect(session.listenerCount("progress")).toBe(0);
});
