/**
 * NODE_DEBUG=bokeh-client on the client side (docs/debugging.md): the session's and each
 * connection's states, every message in and out with its ids and sizes, reconnects and
 * resyncs, one line each on stderr. Run in a child process, as a user would switch it on.
 */
import { spawn } from "node:child_process";
import { afterEach, expect, test } from "vitest";
import { ColumnDataSource } from "../src/index.js";
import { BokehServer } from "../src/server/index.js";
import { FaultProxy } from "./helpers/proxy.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

const CHILD = `
import { pullSession } from "./dist/index.js";
const session = await pullSession({ url: process.env.URL, reconnect: { initialDelay: 10, maxDelay: 50 } });
const resynced = new Promise((r) => session.once("resynced", r));
process.stdout.write("pulled\\n");
await resynced;
session.document.getModelByName("source").stream({ x: [1] });
await session.flush();
await session.close();
process.stdout.write("done\\n");
`;

test("NODE_DEBUG=bokeh-client: states, messages in and out, a reconnect and its resync", async () => {
  const server = await BokehServer.start({ port: 0, apps: { "/": (doc) => doc.addRoot(new ColumnDataSource({ name: "source", data: { x: [0] } })) }, log: () => {} });
  cleanup.push(() => server.close());
  const proxy = await FaultProxy.start(server.url);
  cleanup.push(() => proxy.close());
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
    cwd: new URL("..", import.meta.url).pathname,
    env: { ...process.env, URL: proxy.url, NODE_DEBUG: "bokeh-client" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanup.push(async () => child.kill("SIGKILL"));
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c));
  await new Promise<void>((resolve) =>
    child.stdout.on("data", (c: Buffer) => {
      stdout += c;
      if (stdout.includes("pulled")) resolve();
    }),
  );
  proxy.cut();
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect(stdout).toContain("done");
  expect(code).toBe(0);
  const lines = stderr.split("\n").filter((l) => l.startsWith("BOKEH-CLIENT"));
  const has = (pattern: RegExp) => expect(lines.some((l) => pattern.test(l)), `a line matching ${pattern} in:\n${lines.join("\n")}`).toBe(true);
  has(/client session=\S+ state session idle -> connecting$/);
  has(/client session=\S+ conn=1 state connecting -> awaiting-ack$/);
  has(/client session=\S+ conn=1 in ACK msgid=\S+ bytes=\d+ buffers=0$/);
  has(/client session=\S+ conn=1 out PULL-DOC-REQ msgid=\S+ bytes=\d+ buffers=0$/);
  has(/client session=\S+ conn=1 in PULL-DOC-REPLY msgid=\S+ reqid=\S+ bytes=\d+ buffers=\d+$/);
  has(/client session=\S+ conn=1 state open -> closed code=1006 by=network$/);
  has(/client session=\S+ reconnect attempt=1 delay=\d+ error=ERR_BOKEH_CONNECTION_CLOSED$/);
  has(/client session=\S+ resync mode=pull replayed=0 skipped=0 rejected=0 replaced=0$/);
  has(/client session=\S+ conn=2 out PATCH-DOC msgid=\S+ bytes=\d+ buffers=0$/);
  has(/client session=\S+ conn=2 in OK msgid=\S+ reqid=\S+ bytes=\d+ buffers=0$/);
  has(/client session=\S+ state session open -> closed byUser=true$/);
});
