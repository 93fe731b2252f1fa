/** `bokeh-client watch` as a subprocess: changes made by another client, as lines and as NDJSON; Ctrl-C. */
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { pullSession, type Slider } from "../../src/index.js";
import type { BokehServer } from "../../src/server/index.js";
import { until } from "../helpers/until.js";
import { killAll, startCli } from "./run.js";
import { startServer } from "./server.js";

let server: BokehServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
afterEach(killAll);

test("watch prints each change another client makes, one line each; Ctrl-C closes the session and exits 0", async () => {
  const client = await pullSession({ url: server.appUrl("/myapp") });
  const watcher = startCli(["watch", server.appUrl("/myapp"), "--session", client.id]);
  await watcher.waitFor(new RegExp(`watching session ${client.id} of \\S+ \\(2 models\\); Ctrl-C to stop`), "stderr");
  expect(server.connectionCount).toBe(2);

  const slider = client.document!.getModelByName("amplitude") as Slider;
  slider.value = 4;
  client.document!.title = "renamed";
  await client.flush();
  await watcher.waitFor(/TitleChanged/);
  expect(watcher.stdout()).toBe(`ModelChanged Slider(${slider.id}).value = 4 (was 1)\nTitleChanged "renamed"\n`);

  expect(await watcher.interrupt()).toBe(0);
  await until(() => server.connectionCount === 1, "the watcher's connection to close");
  await client.close();
});

test("watch --json prints NDJSON: models as {type, id}, columns as lists", async () => {
  const client = await pullSession({ url: server.appUrl("/myapp") });
  const watcher = startCli(["watch", `${server.appUrl("/myapp")}?bokeh-session-id=${client.id}`, "--json"]);
  await watcher.waitFor(/watching session/, "stderr");
  const slider = client.document!.getModelByName("amplitude") as Slider;
  slider.value = 9;
  await client.flush();
  const [line] = await watcher.waitFor(/^.*\n/);
  const event = JSON.parse(line) as Record<string, unknown>;
  expect(event).toMatchObject({ kind: "ModelChanged", model: { type: "Slider", id: slider.id }, attr: "value", new: 9, old: 1 });
  expect(Date.parse(event.time as string)).not.toBeNaN();
  expect(await watcher.interrupt()).toBe(0);
  await client.close();
});

test("watch exits 2 when the server goes away", async () => {
  const own = await startServer();
  const watcher = startCli(["watch", own.appUrl("/myapp")]);
  await watcher.waitFor(/watching session/, "stderr");
  await own.close();
  expect(await watcher.exited).toBe(2);
  expect(watcher.stderr()).toContain("the connection was lost");
});
