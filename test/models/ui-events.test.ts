// UI events on models between our client and the embedded server, over real sockets: a model's
// onEvent subscribes it on both ends, a click sent by one client (as a browser sends it) runs
// the server app's callback and another client's, and the server forwards a connection's UI
// events only to clients that read them (our client says so on the upgrade; browsers and
// Python's client do not). The same with Chromium: test/browser/ui-events.test.ts.
import { afterEach, expect, test } from "vitest";
import { Button, Div, pullSession, TextInput, type ClientSession, type Document, type ModelEventValues } from "../../src/index.js";
import { BokehServer, type Application } from "../../src/server/index.js";
import { until } from "../helpers/until.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

async function start(apps: Record<string, Application>): Promise<BokehServer> {
  const server = await BokehServer.start({ port: 0, apps, log: () => {} });
  cleanup.push(() => server.close());
  return server;
}

function track<T extends ClientSession>(session: T): T {
  cleanup.push(() => session.close());
  return session;
}

const widgets = (doc: Document): void => {
  doc.addRoot(new Button({ name: "go", label: "Go" }));
  doc.addRoot(new TextInput({ name: "input", value: "x" }));
  doc.addRoot(new Div({ name: "status", text: "waiting" }));
};

const button = (doc: Document | null) => doc!.getModelByName("go", Button)!;

test("an app's button.onClick runs when a client clicks the button as a browser does", async () => {
  const clicks: ModelEventValues<"button_click", Button>[] = [];
  let appButton: Button | null = null;
  const server = await start({
    "/app": (doc) => {
      widgets(doc);
      appButton = button(doc);
      appButton.onClick((values) => {
        clicks.push(values);
        doc.getModelByName("status", Div)!.text = "clicked";
      });
    },
  });
  const client = track(await pullSession({ url: server.appUrl("/app") }));
  // the app subscribed its button: the pulled document says so, as BokehJS would read it
  expect(button(client.document).subscribed_events).toEqual(new Set(["button_click"]));
  client.document!.sendEvent("button_click", { model: button(client.document) });
  await client.forceRoundtrip();
  expect(clicks).toEqual([{ model: appButton }]);
  expect(client.document!.getModelByName("status", Div)!.text).toBe("clicked");
});

test("a client's button.onClick subscribes the button on the server, and runs for another client's click", async () => {
  const server = await start({ "/app": (doc) => widgets(doc) });
  const a = track(await pullSession({ url: server.appUrl("/app") }));
  const b = track(await pullSession({ url: server.appUrl("/app"), sessionId: a.id }));
  const clicked: Button[] = [];
  button(a.document).onClick((values) => clicked.push(values.model));
  await a.flush();
  const onServer = (await server.getSession(a.id))!.document;
  expect(button(onServer).subscribed_events).toEqual(new Set(["button_click"]));
  await until(() => button(b.document).subscribed_events.has("button_click"), "the subscription on B");

  b.document!.sendEvent("button_click", { model: button(b.document) });
  await b.flush();
  await until(() => clicked.length === 1, "A's callback");
  expect(clicked).toEqual([button(a.document)]); // A's own Button instance
});

test("the server forwards a connection's UI events only to clients that read them; its own go to everyone", async () => {
  let serverDoc: Document | null = null;
  const server = await start({
    "/app": (doc) => {
      widgets(doc);
      serverDoc = doc;
    },
  });
  const reads = track(await pullSession({ url: server.appUrl("/app") }));
  // A client that does not say it reads them, as a browser or Python's client (the header emptied).
  const plain = track(await pullSession({ url: server.appUrl("/app"), sessionId: reads.id, headers: { "bokeh-client-accepts": "" } }));
  const sender = track(await pullSession({ url: server.appUrl("/app"), sessionId: reads.id }));
  const seen = (session: ClientSession) => {
    const names: string[] = [];
    session.document!.onChange((event) => {
      if (event.kind === "MessageSent") names.push((event.msg_data as { name: string }).name);
    });
    return names;
  };
  const byReads = seen(reads);
  const byPlain = seen(plain);

  sender.document!.sendEvent("button_click", { model: button(sender.document) });
  sender.document!.title = "after the click"; // a change that follows the event on every connection
  await sender.flush();
  await until(() => reads.document!.title === "after the click" && plain.document!.title === "after the click", "the title on both");
  expect(byReads).toEqual(["button_click"]);
  expect(byPlain).toEqual([]);

  // an event the server's app sends goes to every connection (BokehJS reads clear_input)
  serverDoc!.sendEvent("clear_input", { model: serverDoc!.getModelByName("input", TextInput)! });
  await until(() => byPlain.length === 1 && byReads.length === 2, "clear_input on both");
  expect(byPlain).toEqual(["clear_input"]);
});
