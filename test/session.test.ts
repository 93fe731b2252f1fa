/**
 * Our client against our server, over real sockets: two clients on one session
 * see every kind of change both ways; binary columns, custom model types,
 * signed sessions, expired tokens, wrong paths, a server process killed.
 */
import { afterEach, describe, expect, test } from "vitest";
import {
  ClientSession,
  ColumnDataSource,
  DEFAULT_SESSION_ID,
  Document,
  Model,
  Slice,
  pullSession,
  pushSession,
  type DocumentChangedEvent,
} from "../src/index.js";
import { BokehServer, type Application, type BokehServerOptions } from "../src/server/index.js";
import { killChildServers, startChildServer } from "./helpers/child.js";
import { until } from "./helpers/until.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
  await killChildServers();
});

async function start(apps: Record<string, Application>, options: Partial<BokehServerOptions> = {}): Promise<BokehServer> {
  const server = await BokehServer.start({ port: 0, apps, log: () => {}, ...options });
  cleanup.push(() => server.close());
  return server;
}

function track<T extends ClientSession>(session: T): T {
  cleanup.push(() => session.close());
  return session;
}

/** The events app of the recordings, built with the public API. */
const eventsApp: Application = (doc) => {
  doc.title = "Events app";
  doc.addRoot(new Model("Div", { name: "div", text: "hello" }));
  doc.addRoot(new Model("Slider", { name: "slider", title: "amp", start: 0, end: 10, value: 1 }));
  doc.addRoot(new Model("TextInput", { name: "text_input", title: "text", value: "initial" }));
  doc.addRoot(new Model("Button", { name: "button", label: "Click", subscribed_events: new Set(["button_click"]) }));
  doc.addRoot(new ColumnDataSource({ name: "source", data: { x: [1, 2, 3, 4, 5], y: [10, 20, 30, 40, 50], label: ["a", "b", "c", "d", "e"] } }));
};

const byName = (session: ClientSession, name: string) => session.document!.getModelByName(name) as Model;
const source = (session: ClientSession) => byName(session, "source") as ColumnDataSource;
const json = (session: ClientSession) => JSON.stringify(session.document!.toJSON());

describe("two clients on one session", () => {
  type Case = [string, (s: ClientSession) => void, (s: ClientSession) => unknown, unknown, DocumentChangedEvent["kind"]];
  const cases: Case[] = [
    ["ModelChanged (plain value)", (s) => byName(s, "div").set("text", "changed"), (s) => byName(s, "div").get("text"), "changed", "ModelChanged"],
    [
      "ModelChanged (a new model as value)",
      (s) => byName(s, "text_input").set("description", new Model("Tooltip", { content: "help", position: "right" })),
      (s) => (byName(s, "text_input").get("description") as Model).attributes(),
      { content: "help", position: "right" },
      "ModelChanged",
    ],
    [
      "ModelChanged (on a sub-model)",
      (s) => (source(s).get("selected") as Model).set("indices", [0, 2]),
      (s) => (source(s).get("selected") as Model).get("indices"),
      [0, 2],
      "ModelChanged",
    ],
    [
      "ColumnDataChanged (data replaced, binary columns)",
      (s) => (source(s).data = { x: new Float64Array([0.5, NaN, 2.5]), y: new Int32Array([7, -8, 9]), label: ["u", "v", "w"] }),
      (s) => Object.entries(source(s).data).map(([k, v]) => [k, v.constructor.name, Array.from(v as ArrayLike<unknown>)]),
      [["x", "Float64Array", [0.5, NaN, 2.5]], ["y", "Int32Array", [7, -8, 9]], ["label", "Array", ["u", "v", "w"]]],
      "ColumnDataChanged",
    ],
    [
      "ColumnDataChanged (some columns, the others kept)",
      (s) => source(s).updateData({ y: [5, 4, 3, 2, 1] }),
      (s) => source(s).data,
      { x: [1, 2, 3, 4, 5], y: [5, 4, 3, 2, 1], label: ["a", "b", "c", "d", "e"] },
      "ColumnDataChanged",
    ],
    [
      "ColumnsStreamed (lists with NaN/inf/null)",
      (s) => source(s).stream({ x: [NaN, Infinity], y: [60, 70], label: ["f", null] }),
      (s) => source(s).data,
      { x: [1, 2, 3, 4, 5, NaN, Infinity], y: [10, 20, 30, 40, 50, 60, 70], label: ["a", "b", "c", "d", "e", "f", null] },
      "ColumnsStreamed",
    ],
    [
      "ColumnsStreamed (typed arrays with rollover)",
      (s) => source(s).stream({ x: new Float64Array([6, 7]), y: new Int32Array([60, 70]), label: ["f", "g"] }, 3),
      (s) => Object.values(source(s).data).map((v) => Array.from(v as ArrayLike<unknown>)),
      [[5, 6, 7], [50, 60, 70], ["e", "f", "g"]],
      "ColumnsStreamed",
    ],
    [
      "ColumnsPatched (index, slice with step, open bounds)",
      (s) =>
        source(s).patch({
          y: [[0, 111], [new Slice({ start: 2, stop: 4 }), [333, 444]]],
          label: [[new Slice({ step: 2 }), ["A", "C", "E"]]],
        }),
      (s) => [source(s).data.y, source(s).data.label],
      [[111, 20, 333, 444, 50], ["A", "b", "C", "d", "E"]],
      "ColumnsPatched",
    ],
    [
      "RootAdded",
      (s) => s.document!.addRoot(new Model("Div", { name: "new_div", text: "added" })),
      (s) => s.document!.getModelByName("new_div")?.get("text"),
      "added",
      "RootAdded",
    ],
    ["RootRemoved", (s) => s.document!.removeRoot(byName(s, "div")), (s) => s.document!.getModelByName("div"), null, "RootRemoved"],
    ["TitleChanged", (s) => (s.document!.title = "New title"), (s) => s.document!.title, "New title", "TitleChanged"],
  ];

  for (const [direction, from, to] of [["A -> B", 0, 1], ["B -> A", 1, 0]] as const) {
    test.each(cases)(`${direction}: %s`, async (_name, change, read, expected, kind) => {
      const server = await start({ "/events": eventsApp });
      const a = track(await pullSession({ url: server.appUrl("/events") }));
      const b = track(await pullSession({ url: server.appUrl("/events"), sessionId: a.id }));
      const [sender, receiver] = [[a, b][from]!, [a, b][to]!];
      const kinds: string[] = [];
      receiver.document!.onChange((e) => kinds.push(e.kind));
      change(sender);
      await sender.flush();
      await until(() => kinds.includes(kind), `a ${kind} on the other client`);
      expect(read(receiver)).toEqual(expected);
      expect(read(sender)).toEqual(expected);
      // and the server's own copy agrees: a third client pulls the same document
      const c = track(await pullSession({ url: server.appUrl("/events"), sessionId: a.id }));
      expect(json(c)).toEqual(json(receiver));
    });
  }

  test("MessageSent: a UI event reaches the server app, whose reaction reaches both clients", async () => {
    const server = await start({
      "/events": (doc, ctx) => {
        eventsApp(doc, ctx);
        doc.onEvent("button_click", (values) => (doc.getModelByName("div") as Model).set("text", `clicked ${(values.model as Model).get("label") as string}`));
      },
    });
    const a = track(await pullSession({ url: server.appUrl("/events") }));
    const b = track(await pullSession({ url: server.appUrl("/events"), sessionId: a.id }));
    a.document!.sendEvent("button_click", { model: byName(a, "button") });
    await a.forceRoundtrip();
    expect(byName(a, "div").get("text")).toBe("clicked Click"); // applied before the roundtrip's reply
    await until(() => byName(b, "div").get("text") === "clicked Click", "the reaction on B");
  });

  test("MessageSent from the server reaches every client's event listeners", async () => {
    let serverDoc: Document | null = null;
    const server = await start({
      "/events": (doc, ctx) => {
        eventsApp(doc, ctx);
        serverDoc = doc;
      },
    });
    const a = track(await pullSession({ url: server.appUrl("/events") }));
    const seen: unknown[] = [];
    a.document!.onEvent("clear_input", (values) => seen.push((values.model as Model).get("name")));
    serverDoc!.sendEvent("clear_input", { model: serverDoc!.getModelByName("text_input")! });
    await until(() => seen.length === 1, "the event");
    expect(seen).toEqual(["text_input"]);
  });
});

describe("documents", () => {
  test("push then pull: binary columns, NaN, datetimes, custom model types round-trip untouched", async () => {
    const server = await start({ "/": () => {} });
    const doc = new Document({ title: "Custom" }); // for the newest release, which our server speaks by default: the pulled JSON says it
    const when = new Float64Array([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)]);
    const cds = new ColumnDataSource({ name: "source", data: { x: new Float64Array([0, NaN]), n: new Int32Array([1, -2]), when, label: ["a", "b"] } });
    const custom = new Model("MyCustomWidget", {
      name: "custom",
      source: cds,
      options: { nested: [1, { type: "value", value: 2 }], set: new Set(["a"]) },
      lookup: new Map<unknown, unknown>([[1, "one"]]),
      blob: new Uint8Array([1, 2, 3]).buffer,
    });
    doc.addRoot(custom);
    const pusher = track(await pushSession(doc, { url: server.url }));
    const puller = track(await pullSession({ url: server.url, sessionId: pusher.id }));
    expect(puller.document!.toJSON()).toEqual(doc.toJSON());
    const received = puller.document!.getModelByName("custom")!;
    expect(received.type).toBe("MyCustomWidget");
    expect(received.get("lookup")).toEqual(new Map([[1, "one"]]));
    const data = (received.get("source") as ColumnDataSource).data;
    expect(data.when).toBeInstanceOf(Float64Array);
    expect(Array.from(data.n as Int32Array)).toEqual([1, -2]);
  });

  test("push then pull: large columns in Bokeh 3.7's form, whose base64 goes out as one masked frame written piece by piece", async () => {
    const server = await start({ "/": () => {} }, { bokehVersion: "3.7.3" }); // a 3.7 server: the form it reads
    const x = new Float64Array(300_001).map((_, i) => i / 3); // 2.4 MB: a spliced blob, not a multiple of a piece
    const n = new Int32Array(20_000).map((_, i) => i * -7); // 80 kB: one piece and a bit
    const doc = new Document({ title: "größere Säulen ✓" });
    doc.addRoot(new ColumnDataSource({ name: "source", data: { x, n, label: ["ä", "🙂"] } }));
    // Told it is 3.7.3, the session does not use the buffers our server accepts (protocol/features.ts).
    const pusher = track(await pushSession(doc, { url: server.url, bokehVersion: "3.7.3" }));
    const puller = track(await pullSession({ url: server.url, sessionId: pusher.id }));
    expect(puller.document!.title).toBe("größere Säulen ✓");
    const data = (puller.document!.getModelByName("source") as ColumnDataSource).data;
    expect(data.x).toEqual(x);
    expect(data.n).toEqual(n);
    expect(data.label).toEqual(["ä", "🙂"]);
    // The connection is still in step: a change made after the push arrives.
    (pusher.document!.getModelByName("source") as ColumnDataSource).stream({ x: [1], n: [2], label: ["z"] });
    await pusher.flush();
    await until(() => (source(puller).data.label as string[]).length === 3);
  });

  test("model ids made in different processes do not collide", async () => {
    const { makeId } = await import("../src/protocol/ids.js");
    const child = await import("node:child_process");
    const other = child
      .execFileSync(process.execPath, ["--input-type=module", "-e", "import { Model } from './dist/index.js'; console.log(new Model('Div').id)"], { cwd: process.cwd() })
      .toString()
      .trim();
    const mine = new Model("Div").id;
    expect(other).not.toBe(mine);
    expect(other.slice(0, 9)).not.toBe(makeId().slice(0, 9)); // different per-process prefixes
  });

  test("DEFAULT_SESSION_ID is Python's", () => {
    expect(DEFAULT_SESSION_ID).toBe("default");
  });
});

describe("connecting", () => {
  // A wrong signature: Bokeh up to 3.8 drops the connection (1006), 3.9+ sends an empty close frame first (1005).
  test.each([
    ["3.7.3", 1006],
    ["3.10.0", 1005],
  ] as const)("signed sessions (server %s): the right key connects; another key (close code %i) or no signature is refused", async (bokehVersion, closeCode) => {
    const secretKey = "test-secret-key-NOT-SECRET-0123456789abcdef";
    const server = await start({ "/": eventsApp }, { signSessions: true, secretKey, bokehVersion });
    const ok = track(await pullSession({ url: server.url, signSessions: true, secretKey }));
    expect(ok.id).toContain(".");
    expect(ok.document!.title).toBe("Events app");
    await expect(pullSession({ url: server.url, signSessions: true, secretKey: "another-key" })).rejects.toMatchObject({
      code: "ERR_BOKEH_SESSION_REFUSED",
      closeCode,
    });
    await expect(pullSession({ url: server.url, signSessions: false })).rejects.toMatchObject({ reason: "SESSION_REFUSED" });
  });

  test("signing settings come from BOKEH_SECRET_KEY / BOKEH_SIGN_SESSIONS when not given", async () => {
    const secretKey = "env-secret-NOT-SECRET";
    const server = await start({ "/": eventsApp }, { signSessions: true, secretKey });
    const saved = { ...process.env };
    process.env.BOKEH_SECRET_KEY = secretKey;
    process.env.BOKEH_SIGN_SESSIONS = "yes";
    try {
      const session = track(await pullSession({ url: server.url }));
      expect(session.connected).toBe(true);
    } finally {
      process.env.BOKEH_SECRET_KEY = saved.BOKEH_SECRET_KEY;
      process.env.BOKEH_SIGN_SESSIONS = saved.BOKEH_SIGN_SESSIONS;
      if (saved.BOKEH_SECRET_KEY === undefined) delete process.env.BOKEH_SECRET_KEY;
      if (saved.BOKEH_SIGN_SESSIONS === undefined) delete process.env.BOKEH_SIGN_SESSIONS;
    }
  });

  test("an expired token is refused after the upgrade (empty close frame): a typed error, not 'HTTP 500'", async () => {
    const server = await start({ "/": eventsApp });
    const session = new ClientSession({ websocketUrl: `${server.url.replace("http", "ws")}ws`, tokenExpiration: -1 });
    await expect(session.connect()).rejects.toMatchObject({ code: "ERR_BOKEH_SESSION_REFUSED", closeCode: 1005 });
    expect(session.errorReason).toBe("SESSION_REFUSED");
    expect(session.errorCode).toBe(1005);
    await session.close();
  });

  test("a wrong app path is an HTTP 404 with Python's 'check the path' meaning", async () => {
    const server = await start({ "/events": eventsApp });
    const error = (await pullSession({ url: server.appUrl("/no_such_app") }).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ code: "ERR_BOKEH_HTTP", status: 404, reason: "HTTP_ERROR", errorCode: 404 });
    expect(error.message).toMatch(/No Bokeh application at ws:\/\/127\.0\.0\.1:\d+\/no_such_app\/ws .*check the application path/);
  });

  test("a server that is not running is a NETWORK_ERROR", async () => {
    const server = await start({ "/": eventsApp });
    const url = server.url;
    await server.close();
    const session = new ClientSession({ websocketUrl: `${url.replace("http", "ws")}ws` });
    await expect(session.connect()).rejects.toMatchObject({ code: "ERR_BOKEH_NETWORK", reason: "NETWORK_ERROR" });
    expect(() => session.checkConnectionErrors()).toThrow(/Cannot reach a Bokeh server at .*ECONNREFUSED/);
    await session.close();
  });

  test("bad URLs are typed errors", async () => {
    await expect(pullSession({ url: "ws://localhost:5006/app" })).rejects.toMatchObject({ code: "ERR_BOKEH_URL" });
    await expect(pullSession({ url: "ftp://localhost/app" })).rejects.toMatchObject({ code: "ERR_BOKEH_URL" });
    await expect(pullSession({ url: "http://[::1" })).rejects.toMatchObject({ code: "ERR_BOKEH_URL" });
  });

  test("arguments reach the app that creates the session", async () => {
    let seen: Record<string, string[]> = {};
    const server = await start({ "/": (_doc, ctx) => void (seen = { ...ctx.request.arguments }) });
    track(await pullSession({ url: server.url, arguments: { foo: "bar", msg: "hello world & more", many: ["1", "2"] } }));
    expect(seen).toEqual({ foo: ["bar"], msg: ["hello world & more"], many: ["1", "2"] });
  });

  test("extra headers and cookies reach the server with the upgrade request", async () => {
    let request: { headers: unknown; cookies: unknown } | null = null;
    const server = await start({ "/": (_doc, ctx) => void (request = ctx.request) });
    track(await pullSession({ url: server.url, headers: { Authorization: "Bearer abc", "X-Trace": "t1" }, cookies: { user: "ada", theme: "dark" } }));
    expect(request!.headers).toMatchObject({ authorization: "Bearer abc", "x-trace": "t1" });
    expect(request!.cookies).toEqual({ user: "ada", theme: "dark" });
  });

  test("wss with a custom CA: trusted with `ca`, refused without, accepted with rejectUnauthorized: false", async () => {
    const { readFileSync } = await import("node:fs");
    const tls = (f: string) => readFileSync(new URL(`./fixtures/tls/${f}`, import.meta.url));
    const server = await start({ "/": eventsApp }, { tls: { key: tls("server.key"), cert: tls("server.pem") } });
    expect(server.url).toMatch(/^https:/);
    const trusted = track(await pullSession({ url: server.url, ca: tls("ca.pem") }));
    expect(trusted.url).toMatch(/^wss:/);
    expect(trusted.document!.title).toBe("Events app");
    await expect(pullSession({ url: server.url })).rejects.toMatchObject({ code: "ERR_BOKEH_NETWORK" });
    const insecure = track(await pullSession({ url: server.url, rejectUnauthorized: false }));
    expect(insecure.connected).toBe(true);
  });

  test("`await using` closes the session at the end of the block", async () => {
    const server = await start({ "/": eventsApp });
    let escaped: ClientSession | null = null;
    {
      await using session = await pullSession({ url: server.url });
      escaped = session;
      expect(session.connected).toBe(true);
    }
    expect(escaped.connected).toBe(false);
    await until(() => server.connectionCount === 0, "the server to see the connection closed");
    expect(escaped.document).not.toBeNull(); // kept after close, as in Python
  });
});

describe("a server process that dies", () => {
  test("killed while the session is open: 'close' event, typed errors, unsent changes reported", async () => {
    const child = await startChildServer();
    const session = track(await pullSession({ url: child.url }));
    const closed = new Promise<unknown>((resolve) => session.on("close", resolve));
    await child.kill("SIGKILL");
    const error = (await closed) as Error;
    expect(error).toMatchObject({ code: "ERR_BOKEH_CONNECTION_CLOSED", closeCode: 1006, reason: "NETWORK_ERROR" });
    expect(session.connected).toBe(false);
    expect(session.errorReason).toBe("NETWORK_ERROR");
    await expect(session.forceRoundtrip()).rejects.toMatchObject({ code: "ERR_BOKEH_CONNECTION_CLOSED" });
    byName(session, "div").set("text", "too late");
    await expect(session.flush()).rejects.toThrow(/1 local change\(s\) could not be sent/);
    expect(session.pendingChanges).toBe(1);
  });

  test("killed while a large reply is on its way: the pull rejects with a typed error", async () => {
    const child = await startChildServer({ rows: 3_000_000 });
    const session = track(new ClientSession({ websocketUrl: `${child.url.replace("http", "ws")}ws`, maxMessageSize: 1024 ** 3 }));
    await session.connect();
    const pulling = session.pull().then(() => session);
    setTimeout(() => void child.kill("SIGKILL"), 20);
    const outcome = await pulling.then(
      (s) => (track(s), "pulled"),
      (e: { code: string }) => e.code,
    );
    // Depending on timing the kill lands before or during the reply; never a crash or a hang.
    expect(["ERR_BOKEH_CONNECTION_CLOSED", "pulled"]).toContain(outcome);
  });
});
