// The model registry is filled by every entry point, not by whichever generated modules happen to
// be imported: a process that imports only `bokeh-client/server` makes typed models of what
// clients push. Runs the built package (dist/) in a child process, as a user's server would.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, expect, test } from "vitest";
import { Document, Model, pushSession } from "../../src/index.js";
import { figure } from "../../src/models/index.js";

const children = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          children.delete(child);
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
});

/** Starts the server-only fixture; resolves with its URL and the lines it prints after READY. */
async function serverOnly(): Promise<{ url: string; next(): Promise<Record<string, unknown>> }> {
  const child = spawn(process.execPath, [new URL("./fixtures/server-only.mjs", import.meta.url).pathname], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  lines.on("line", (line) => {
    const wake = waiting.shift();
    if (wake !== undefined) wake(line);
    else queue.push(line);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const queued = queue.shift();
      if (queued !== undefined) return resolve(queued);
      waiting.push(resolve);
      child.once("exit", (code) => reject(new Error(`the server-only process exited (${code})`)));
    });
  const ready = await nextLine();
  const url = /^READY (\S+)$/.exec(ready)?.[1];
  if (url === undefined) throw new Error(`unexpected first line: ${ready}`);
  return { url, next: async () => JSON.parse(await nextLine()) as Record<string, unknown> };
}

test("a process that imports only bokeh-client/server makes typed models of what a client pushes", async () => {
  const server = await serverOnly();
  const plot = figure({ title: "pushed" }); // width and toolbar_location unset: the server reads defaults
  const custom = new Model("MyExtension", { anything: 1 });
  await using _session = await pushSession(new Document({ roots: [plot, custom] }), { url: server.url });
  expect(await server.next()).toEqual({
    type: "Figure",
    className: "Figure",
    modelType: "Figure",
    width: 600, // Plot's default, read on the server
    toolbarLocation: "right",
    bokehVersion: "3.10.0",
  });
  // a type no catalog knows stays a generic model there too
  expect(await server.next()).toEqual({
    type: "MyExtension",
    className: "Model",
    modelType: null,
    bokehVersion: null,
  });
});
