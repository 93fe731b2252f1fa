/**
 * The client's size limits, as Python means them (issue 13): `maxMessageSize` bounds each
 * websocket message (Python's `max_message_size`, 20 MiB by default), so a document whose
 * arrays are each under it pulls with default options, however large it is in all;
 * `maxTotalMessageSize` bounds a whole Bokeh message against a server that would not stop.
 */
import { afterEach, expect, test } from "vitest";
import { ColumnDataSource, pullSession, type ClientSession } from "../src/index.js";
import { BokehServer, type Application } from "../src/server/index.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

/** An app with `columns` float64 columns of `rows` rows each. */
function columnsApp(columns: number, rows: number): Application {
  return (doc) => {
    const data: Record<string, Float64Array> = {};
    for (let c = 0; c < columns; c++) data[`c${c}`] = new Float64Array(rows).map((_, i) => i * (c + 1));
    doc.addRoot(new ColumnDataSource({ name: "source", data }));
  };
}

async function serve(app: Application): Promise<string> {
  const server = await BokehServer.start({ port: 0, apps: { "/": app }, log: () => {} });
  cleanup.push(() => server.close());
  return server.url;
}

function track(session: ClientSession): ClientSession {
  cleanup.push(() => session.close());
  return session;
}

test("ten 1,000,000-row float64 columns (80 MB in all, 8 MB per buffer) pull with default options, as with Python", async () => {
  const url = await serve(columnsApp(10, 1_000_000)); // the server as Bokeh 3.10: arrays as binary buffers
  const session = track(await pullSession({ url }));
  const source = session.document!.getModelByName("source") as ColumnDataSource;
  expect(Object.keys(source.data)).toHaveLength(10);
  const last = source.data.c9 as Float64Array;
  expect(last.length).toBe(1_000_000);
  expect(last[999_999]).toBe(999_999 * 10);
});

test("one websocket message over maxMessageSize: a typed error naming the option, before the message is read", async () => {
  const url = await serve(columnsApp(1, 200_000)); // 1.6 MB of array bytes
  const error = await pullSession({ url, maxMessageSize: 1_000_000 }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: "ERR_BOKEH_MESSAGE_TOO_LARGE", limit: 1_000_000, option: "maxMessageSize" });
  expect(String(error)).toMatch(/websocket message of at least \d+ bytes exceeds maxMessageSize \(1000000 bytes\)/);
});

test("a whole message over maxTotalMessageSize: a typed error naming that option, although each buffer is under maxMessageSize", async () => {
  const url = await serve(columnsApp(3, 200_000)); // three 1.6 MB buffers
  const error = await pullSession({ url, maxTotalMessageSize: 4_000_000 }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: "ERR_BOKEH_MESSAGE_TOO_LARGE", limit: 4_000_000, option: "maxTotalMessageSize" });
});
