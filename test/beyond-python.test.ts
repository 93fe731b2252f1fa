/**
 * Where bokeh-client must do better than Python's client, each proved here:
 * batching, flush() confirmations, flush on close (bokeh#13172), no echo,
 * server patches applied while idle and while waiting, honest close reasons,
 * typed errors everywhere and no unhandled rejection.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { ClientSession, ColumnDataSource, Document, Model, pullSession, pushSession, type BokehError, type DocumentChangedEvent } from "../src/index.js";
import { BokehServer, type Application, type BokehServerOptions } from "../src/server/index.js";
import WebSocket from "ws";
import { generateToken } from "../src/protocol/index.js";
import { Receiver } from "../src/protocol/receiver.js";
import { FaultServer, TINY_DOC, type FaultHandler } from "./helpers/fault-server.js";
import { until } from "./helpers/until.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

interface Logged {
  server: BokehServer;
  lines: string[];
}

async function start(apps: Record<string, Application>, options: Partial<BokehServerOptions> = {}): Promise<Logged> {
  const lines: string[] = [];
  const server = await BokehServer.start({ port: 0, apps, log: (level, message) => lines.push(`${level} ${message}`), ...options });
  cleanup.push(() => server.close());
  return { server, lines };
}

async function fault(handler: FaultHandler, options?: { ack?: boolean; upgradeHeaders?: string[] }): Promise<FaultServer> {
  const server = await FaultServer.start(handler, options);
  cleanup.push(() => server.close());
  return server;
}

function track(session: ClientSession): ClientSession {
  cleanup.push(() => session.close());
  return session;
}

const sliderApp: Application = (doc) => {
  doc.addRoot(new Model("Slider", { name: "slider", start: 0, end: 100, value: 1 }));
  doc.addRoot(new Model("Div", { name: "div", text: "hello" }));
};

const patchesReceived = (lines: string[]) => lines.filter((l) => l.includes("received PATCH-DOC")).map((l) => Number(/\((\d+) events\)/.exec(l)?.[1]));

describe("local changes", () => {
  test("all changes made in one tick go out as one PATCH-DOC", async () => {
    const { server, lines } = await start({ "/": sliderApp });
    const session = track(await pullSession({ url: server.url }));
    const slider = session.document!.getModelByName("slider")!;
    for (let i = 0; i < 100; i++) slider.set("value", i % 50);
    session.document!.title = "batched";
    await session.flush();
    expect(patchesReceived(lines)).toEqual([101]);
    slider.set("value", 3); // a later tick: a second message
    await session.flush();
    expect(patchesReceived(lines)).toEqual([101, 1]);
  });

  test("a batch larger than maxPatchSize is split into several PATCH-DOCs, in order", async () => {
    const { server, lines } = await start({ "/": (doc) => doc.addRoot(new ColumnDataSource({ name: "s", data: { x: new Float64Array(0) } })) });
    const session = track(await pullSession({ url: server.url, maxPatchSize: 1_000_000 }));
    const source = session.document!.getModelByName("s") as ColumnDataSource;
    for (let i = 0; i < 4; i++) source.stream({ x: new Float64Array(100_000).fill(i) }); // 800 kB each
    await session.flush();
    expect(patchesReceived(lines)).toEqual([1, 1, 1, 1]);
    const other = track(await pullSession({ url: server.url, sessionId: session.id }));
    const x = (other.document!.getModelByName("s") as ColumnDataSource).data.x as Float64Array;
    expect([x.length, x[0], x[100_000], x[399_999]]).toEqual([400_000, 0, 1, 3]);
  });

  test("flush() resolves once the server confirmed everything sent", async () => {
    let seenBySever: unknown = null;
    const { server } = await start({
      "/": (doc, ctx) => {
        sliderApp(doc, ctx);
        doc.onChange(() => (seenBySever = (doc.getModelByName("slider") as Model).get("value")));
      },
    });
    const session = track(await pullSession({ url: server.url }));
    session.document!.getModelByName("slider")!.set("value", 42);
    await session.flush();
    expect(seenBySever).toBe(42);
  });

  test("flush() rejects with the server's ERROR text when it rejects a change, and reports which events", async () => {
    const { server } = await start({
      "/": (doc, ctx) => {
        sliderApp(doc, ctx);
        doc.onChange((e) => {
          if (e.kind === "ModelChanged" && e.attr === "value" && (e.new as number) > 10) throw new Error("value must stay below 10");
        });
      },
    });
    const session = track(await pullSession({ url: server.url }));
    const rejected: [BokehError, readonly DocumentChangedEvent[]][] = [];
    session.on("patchRejected", (error, events) => rejected.push([error, events]));
    session.document!.getModelByName("slider")!.set("value", 11);
    await expect(session.flush()).rejects.toMatchObject({ code: "ERR_BOKEH_SERVER", text: 'Error("value must stay below 10")' });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]![1].map((e) => e.kind)).toEqual(["ModelChanged"]);
    await expect(session.flush()).resolves.toBeUndefined(); // reported once
    expect(session.connected).toBe(true); // an application error keeps the connection
  });

  test("close() sends pending changes first (Python loses them: bokeh#13172)", async () => {
    const { server } = await start({ "/": sliderApp });
    const session = await pullSession({ url: server.url });
    session.document!.getModelByName("div")!.set("text", "customized just before close");
    await session.close(); // no flush, no await in between
    const other = track(await pullSession({ url: server.url, sessionId: session.id }));
    expect(other.document!.getModelByName("div")!.get("text")).toBe("customized just before close");
  });

  test("changes applied from the server are not echoed back", async () => {
    const { server, lines } = await start({ "/": sliderApp });
    const a = track(await pullSession({ url: server.url }));
    const b = track(await pullSession({ url: server.url, sessionId: a.id }));
    a.document!.getModelByName("div")!.set("text", "from A");
    await a.flush();
    await until(() => b.document!.getModelByName("div")!.get("text") === "from A", "B to see it");
    await b.forceRoundtrip();
    await new Promise((r) => setImmediate(r));
    expect(patchesReceived(lines)).toEqual([1]); // only A's change; B sent nothing back
  });
});

describe("server patches", () => {
  test("are applied while the client is idle, without any call", async () => {
    let serverDoc: import("../src/index.js").Document | null = null;
    const { server } = await start({
      "/": (doc, ctx) => {
        sliderApp(doc, ctx);
        serverDoc = doc;
      },
    });
    const session = track(await pullSession({ url: server.url }));
    (serverDoc!.getModelByName("div") as Model).set("text", "pushed by the server");
    await until(() => session.document!.getModelByName("div")!.get("text") === "pushed by the server", "the patch");
  });

  test("are applied while a request is pending (Python drops them until its reply arrives)", async () => {
    const { server } = await start({
      "/": (doc, ctx) => {
        sliderApp(doc, ctx);
        doc.onChange((e) => {
          if (e.kind === "ModelChanged" && e.attr === "value") (doc.getModelByName("div") as Model).set("text", `slider=${String(e.new)}`);
        });
      },
    });
    const session = track(await pullSession({ url: server.url }));
    const order: string[] = [];
    session.document!.onChange((e) => e.setter === session && order.push(e.kind));
    session.document!.getModelByName("slider")!.set("value", 7);
    await session.forceRoundtrip().then(() => order.push("reply"));
    expect(order).toEqual(["ModelChanged", "reply"]);
    expect(session.document!.getModelByName("div")!.get("text")).toBe("slider=7");
  });

  test("a patch that cannot be applied is an 'error' event; the session carries on", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "PULL-DOC-REQ") {
        api.reply(message, "PULL-DOC-REPLY", TINY_DOC);
        api.send("PATCH-DOC", { events: [{ kind: "ModelChanged", model: { id: "nope" }, attr: "text", new: 1 }] });
        api.send("PATCH-DOC", { events: [{ kind: "ModelChanged", model: { id: "d1" }, attr: "text", new: "still in sync" }] });
      }
      if (message.header.msgtype === "SERVER-INFO-REQ") api.reply(message, "SERVER-INFO-REPLY", { version_info: { bokeh: "x", server: "y" } });
    });
    const errors: BokehError[] = [];
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    session.on("error", (e) => errors.push(e));
    await session.pull();
    await session.forceRoundtrip();
    expect(errors.map((e) => e.code)).toEqual(["ERR_BOKEH_UNKNOWN_REFERENCE"]);
    expect(session.document!.getModelByName("div")!.get("text")).toBe("still in sync");
  });
});

describe("a push's echo", () => {
  // A Bokeh server sends a pushed document straight back before its OK. We drop
  // those events, and the connection skips their arrays on the socket instead of
  // reading them into memory (client/frame-reader.ts): Python reads them all.
  const skips = () => vi.spyOn(Receiver.prototype, "skipPayload");

  test("its arrays are skipped on the socket, and the server has the document intact", async () => {
    const { server } = await start({ "/": () => {} });
    const x = new Float64Array(300_001).map((_, i) => Math.sin(i));
    const y = new Int32Array(70_000).map((_, i) => -i);
    const small = new Float64Array(10).map((_, i) => i);
    const skipped = skips();
    const pusher = track(
      await pushSession(new Document({ roots: [new ColumnDataSource({ name: "s", data: { x, y, small } })] }), { url: server.appUrl("/"), sessionId: "echo" }),
    );
    expect(skipped).toHaveBeenCalledTimes(2); // x and y; `small` is too small to bother
    skipped.mockRestore();
    const data = (pusher.document!.getModelByName("s") as ColumnDataSource).data;
    expect(data.x).toBe(x); // our own arrays, untouched
    const puller = track(await pullSession({ url: server.appUrl("/"), sessionId: "echo" }));
    const pulled = (puller.document!.getModelByName("s") as ColumnDataSource).data;
    expect(pulled.x).toEqual(x);
    expect(pulled.y).toEqual(y);
    expect(pulled.small).toEqual(small);
  });

  test("a pull reads every array", async () => {
    const { server } = await start({
      "/": (doc) => doc.addRoot(new ColumnDataSource({ name: "s", data: { x: new Float64Array(100_000).fill(2) } })),
    });
    const skipped = skips();
    const session = track(await pullSession({ url: server.appUrl("/") }));
    expect(skipped).not.toHaveBeenCalled();
    skipped.mockRestore();
    expect((session.document!.getModelByName("s") as ColumnDataSource).data.x).toEqual(new Float64Array(100_000).fill(2));
  });

  test("server patches that come during a push are applied, large arrays and all; only the pure echo is skipped", async () => {
    const column = (name: string, id: string, n: number) => [name, { type: "ndarray", array: { type: "bytes", data: { id } }, shape: [n], dtype: "float64", order: "little" }];
    const values = (n: number, k: number) => Buffer.from(new Float64Array(n).map((_, i) => i * k).buffer);
    const server = await fault((message, api) => {
      if (message.header.msgtype !== "PUSH-DOC") return;
      const doc = (message.content as { doc: { roots: { id: string }[] } }).doc;
      const root = doc.roots[0]!.id;
      const echo = { kind: "RootAdded", model: { id: root } };
      const changed = (name: string, id: string) => ({
        kind: "ColumnDataChanged",
        model: { id: root },
        attr: "data",
        data: { type: "map", entries: [column(name, id, 20_000)] },
        cols: [name],
      });
      api.send("PATCH-DOC", { events: [echo] }, { buffers: [["e1", values(20_000, 1)]] }); // the echo alone: skipped
      api.send("PATCH-DOC", { events: [echo, changed("z", "b1")] }, { buffers: [["b1", values(20_000, 2)]] }); // echo and a change: read
      api.send("PATCH-DOC", { events: [changed("w", "b2")] }, { buffers: [["b2", values(20_000, 3)]] }); // a change: read
      api.reply(message, "OK");
    }, { upgradeHeaders: ["bokeh-server-accepts: document-buffers"] });
    const skipped = skips();
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    const source = new ColumnDataSource({ data: { x: new Float64Array(20_000) } });
    await session.push(new Document({ roots: [source] }));
    expect(skipped).toHaveBeenCalledTimes(1);
    skipped.mockRestore();
    expect(source.data.z).toEqual(new Float64Array(20_000).map((_, i) => i * 2));
    expect(source.data.w).toEqual(new Float64Array(20_000).map((_, i) => i * 3));
  });
});

describe("how connections end", () => {
  test.each([
    [10000, "server failed to parse a message", "PROTOCOL_ERROR"],
    [10001, "No 'msgtype' in header", "PROTOCOL_ERROR"],
  ])("close code %i from the server is reported with its reason (ws alone would say 1006)", async (code, reason, errorReason) => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "SERVER-INFO-REQ") api.closeWithCode(code, reason);
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    await session.connect();
    const closed = new Promise<BokehError | null>((resolve) => session.on("close", resolve));
    const pending = session.forceRoundtrip();
    await expect(pending).rejects.toMatchObject({ code: "ERR_BOKEH_CONNECTION_CLOSED", closeCode: code, closeReason: reason });
    expect(await closed).toMatchObject({ closeCode: code });
    await session.waitUntilClosed();
    expect(session.errorReason).toBe(errorReason);
    expect(session.errorCode).toBe(code);
    expect(session.errorDetail).toContain(reason);
  });

  test("an empty close frame after the ACK: code 1005", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "SERVER-INFO-REQ") api.ws.close();
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    await session.connect();
    await expect(session.forceRoundtrip()).rejects.toMatchObject({ closeCode: 1005, reason: "NETWORK_ERROR" });
  });

  test("a TCP drop in the middle of a message (after its header frame): pending requests are rejected", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "PULL-DOC-REQ") {
        api.ws.send(`{"msgid": "x", "msgtype": "PULL-DOC-REPLY", "reqid": "${String(message.header.msgid)}"}`);
        setTimeout(() => api.drop(), 20);
      }
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    await expect(session.pull()).rejects.toMatchObject({ code: "ERR_BOKEH_CONNECTION_CLOSED", closeCode: 1006 });
    expect(session.document).toBeNull();
  });

  test("a TCP drop after a buffer header: the half-received patch is dropped, the session reports the loss", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "PULL-DOC-REQ") {
        api.reply(message, "PULL-DOC-REPLY", TINY_DOC);
        api.ws.send('{"msgid": "p", "msgtype": "PATCH-DOC", "num_buffers": 1}');
        api.ws.send("{}");
        api.ws.send('{"events":[]}');
        api.ws.send('{"id": "b1"}');
        setTimeout(() => api.drop(), 20);
      }
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    const closed = new Promise<BokehError | null>((resolve) => session.on("close", resolve));
    await session.pull();
    expect(await closed).toMatchObject({ closeCode: 1006 });
  });

  test("frames that break the protocol close the connection with 1002 and a ProtocolError", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "SERVER-INFO-REQ") {
        api.ws.send("this is not json");
        api.ws.send("{}");
        api.ws.send("{}");
      }
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    await session.connect();
    await expect(session.forceRoundtrip()).rejects.toMatchObject({ code: "ERR_BOKEH_PROTOCOL", kind: "unexpected" });
    expect(session.errorReason).toBe("PROTOCOL_ERROR");
  });

  test("num_buffers larger than the buffers sent: the next message is not a buffer, a ProtocolError", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "SERVER-INFO-REQ") {
        api.ws.send(`{"msgid": "r1", "msgtype": "SERVER-INFO-REPLY", "reqid": "${String(message.header.msgid)}", "num_buffers": 2}`);
        api.ws.send("{}");
        api.ws.send("{}");
        api.ws.send('{"id": "b1"}');
        api.ws.send(Buffer.from([1, 2, 3]));
        api.send("OK", {}); // the server moves on as if the message were complete
      }
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    await session.connect();
    const closed = new Promise<BokehError | null>((resolve) => session.on("close", resolve));
    await expect(session.forceRoundtrip()).rejects.toMatchObject({ code: "ERR_BOKEH_PROTOCOL" });
    expect(await closed).toMatchObject({ code: "ERR_BOKEH_PROTOCOL" });
    expect(session.errorReason).toBe("PROTOCOL_ERROR");
  });

  test("num_buffers larger than the buffers sent, then silence: the request times out, typed", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "SERVER-INFO-REQ") {
        api.ws.send(`{"msgid": "r1", "msgtype": "SERVER-INFO-REPLY", "reqid": "${String(message.header.msgid)}", "num_buffers": 2}`);
        api.ws.send("{}");
        api.ws.send("{}");
      }
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl, timeout: 200 }));
    await session.connect();
    await expect(session.forceRoundtrip()).rejects.toMatchObject({ code: "ERR_BOKEH_TIMEOUT" });
  });

  test("binary where text is expected (a binary header frame): a ProtocolError, the connection closes", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "SERVER-INFO-REQ") api.ws.send(Buffer.from('{"msgid": "x", "msgtype": "OK"}'));
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    await session.connect();
    await expect(session.forceRoundtrip()).rejects.toMatchObject({ code: "ERR_BOKEH_PROTOCOL" });
    expect(session.errorReason).toBe("PROTOCOL_ERROR");
    expect(session.errorDetail).toMatch(/binary/);
  });

  test("a message larger than maxMessageSize is refused with a typed error", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "PULL-DOC-REQ") api.reply(message, "PULL-DOC-REPLY", { doc: { roots: [], title: "x".repeat(5000) } });
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl, maxMessageSize: 1000 }));
    await expect(session.pull()).rejects.toMatchObject({ code: "ERR_BOKEH_MESSAGE_TOO_LARGE" });
  });

  test("a server that stalls: the request times out with a typed error, the connection stays usable", async () => {
    let answer = false;
    const server = await fault((message, api) => {
      if (message.header.msgtype === "SERVER-INFO-REQ" && answer) api.reply(message, "SERVER-INFO-REPLY", { version_info: { bokeh: "b", server: "s" } });
      answer = true;
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl, timeout: 150 }));
    await session.connect();
    await expect(session.forceRoundtrip()).rejects.toMatchObject({ code: "ERR_BOKEH_TIMEOUT", timeout: 150 });
    await expect(session.forceRoundtrip()).resolves.toBeUndefined();
  });

  test("a server that never sends ACK: connect() times out", async () => {
    const server = await fault(() => {}, { ack: false });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl, timeout: 150 }));
    await expect(session.connect()).rejects.toMatchObject({ code: "ERR_BOKEH_NETWORK", message: expect.stringMatching(/no ACK/) });
  });

  test("an AbortSignal cancels connecting, and later cancels pending requests and closes", async () => {
    const neverAck = await fault(() => {}, { ack: false });
    const early = new AbortController();
    const session = track(new ClientSession({ websocketUrl: neverAck.wsUrl, signal: early.signal }));
    const connecting = session.connect();
    setTimeout(() => early.abort(), 30);
    await expect(connecting).rejects.toMatchObject({ code: "ERR_BOKEH_ABORTED" });

    const stall = await fault(() => {});
    const later = new AbortController();
    const open = track(new ClientSession({ websocketUrl: stall.wsUrl, signal: later.signal }));
    await open.connect();
    const pending = open.forceRoundtrip();
    later.abort();
    await expect(pending).rejects.toMatchObject({ code: "ERR_BOKEH_ABORTED" });
    await until(() => !open.connected, "the connection to close");
  });
});

describe("pushing to Bokeh 3.7, 3.8 and 3.9+", () => {
  // Bokeh 3.7 takes a pushed document's arrays inline as base64 (as recorded); 3.8 inline
  // too, but gzipped, with a config; 3.9+ as binary buffers (protocol/document-format.ts).
  const pushedDoc = () => new Document({ roots: [new ColumnDataSource({ data: { x: new Float64Array([1, 2]) } })] });

  test("a server that says it is Bokeh 3.8.2 gets the arrays inline and gzipped, and a config", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "SERVER-INFO-REQ") api.reply(message, "SERVER-INFO-REPLY", { version_info: { bokeh: "3.8.2", server: "3.8.2" } });
      if (message.header.msgtype === "PUSH-DOC") api.reply(message, "OK");
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    await session.push(pushedDoc());
    const push = server.received[1]!;
    expect(push.buffers.size).toBe(0);
    const doc = (push.content as { doc: { version: string; config?: { name: string } } }).doc;
    expect(doc.version).toBe("3.8.2");
    expect(doc.config?.name).toBe("DocumentConfig");
    const inline = /"data":"([^"]+)"/.exec(JSON.stringify(push.content))![1]!;
    const { gunzipSync } = await import("node:zlib");
    expect(new Float64Array(new Uint8Array(gunzipSync(Buffer.from(inline, "base64"))).buffer)).toEqual(new Float64Array([1, 2]));
  });

  test.each([
    ["3.9.2", 1],
    ["3.7.3", 0],
  ])("a server that says it is Bokeh %s gets the arrays with %i buffer(s), and a config only from 3.8", async (version, expected) => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "SERVER-INFO-REQ") api.reply(message, "SERVER-INFO-REPLY", { version_info: { bokeh: version, server: version } });
      if (message.header.msgtype === "PUSH-DOC") api.reply(message, "OK");
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    await session.push(pushedDoc());
    expect(server.received.map((m) => m.header.msgtype)).toEqual(["SERVER-INFO-REQ", "PUSH-DOC"]);
    const push = server.received[1]!;
    expect(push.buffers.size).toBe(expected);
    const data = JSON.stringify(push.content);
    expect(data).toContain(expected === 1 ? '"data":{"id":' : '"data":"AAAAAAAA8D8AAAAAAAAAQA=="');
    const config = (push.content as { doc: { config?: { name: string } } }).doc.config;
    if (expected === 1) expect(config?.name).toBe("DocumentConfig");
    else expect(config).toBeUndefined();
  });

  test("the version is asked once per session, or not at all when given", async () => {
    const server = await fault((message, api) => {
      if (message.header.msgtype === "SERVER-INFO-REQ") api.reply(message, "SERVER-INFO-REPLY", { version_info: { bokeh: "3.7.3", server: "3.7.3" } });
      if (message.header.msgtype === "PUSH-DOC") api.reply(message, "OK");
    });
    const asking = track(new ClientSession({ websocketUrl: server.wsUrl }));
    const doc = new Document({ roots: [new Model("Div", { text: "first" })] });
    await asking.push(doc);
    await asking.push(doc);
    const told = track(new ClientSession({ websocketUrl: server.wsUrl, bokehVersion: "3.9.0" }));
    await told.push(pushedDoc());
    expect(server.received.map((m) => [m.header.msgtype, m.buffers.size])).toEqual([
      ["SERVER-INFO-REQ", 0],
      ["PUSH-DOC", 0],
      ["PUSH-DOC", 0],
      ["PUSH-DOC", 1],
    ]);
  });

  test("a server that says on the upgrade it reads document buffers gets them, with no version asked and no config", async () => {
    const x = new Float64Array(100_000).map((_, i) => i * 1.5); // 800 kB: written as one masked binary frame
    const server = await fault(
      (message, api) => {
        if (message.header.msgtype === "PUSH-DOC") api.reply(message, "OK");
      },
      { upgradeHeaders: ["Bokeh-Server-Accepts: something-else, Document-Buffers"] },
    );
    const session = track(new ClientSession({ websocketUrl: server.wsUrl }));
    await session.push(new Document({ roots: [new ColumnDataSource({ data: { x } })] }));
    expect(server.received.map((m) => [m.header.msgtype, m.buffers.size])).toEqual([["PUSH-DOC", 1]]);
    const push = server.received[0]!;
    const [bytes] = [...push.buffers.values()];
    expect(Buffer.from(bytes!).equals(Buffer.from(x.buffer))).toBe(true);
    expect((push.content as { doc: { config?: unknown; version: string } }).doc).toMatchObject({ version: "3.10.0" }); // the document's
    expect((push.content as { doc: { config?: unknown } }).doc.config).toBeUndefined();

    // The bokehVersion option still decides when given.
    const told = track(new ClientSession({ websocketUrl: server.wsUrl, bokehVersion: "3.7.3" }));
    await told.push(new Document({ roots: [new ColumnDataSource({ data: { x } })] }));
    expect(server.received[1]!.buffers.size).toBe(0);
  });

  test.each([
    ["3.7.3", "document-buffers", ["PUSH-DOC"]],
    ["3.10.0", undefined, ["SERVER-INFO-REQ", "PUSH-DOC"]],
  ] as const)("our server as Bokeh %s says %s on the upgrade; a pushed document's buffers reach a puller intact", async (bokehVersion, header, sent) => {
    const { server, lines } = await start({ "/": () => {} }, { bokehVersion });
    const upgraded = new Promise<string | undefined>((resolve, reject) => {
      const ws = new WebSocket(`${server.appUrl("/").replace("http", "ws").replace(/\/$/, "")}/ws`, ["bokeh", generateToken("header-check")]);
      ws.once("upgrade", (res) => resolve(res.headers["bokeh-server-accepts"] as string | undefined));
      ws.once("open", () => ws.close());
      ws.once("error", reject);
    });
    expect(await upgraded).toBe(header);

    const x = new Float64Array(300_001).map((_, i) => Math.sin(i));
    const y = new Int32Array(70_000).map((_, i) => -i);
    track(await pushSession(new Document({ roots: [new ColumnDataSource({ name: "s", data: { x, y, t: ["a", "b"] } })] }), { url: server.appUrl("/"), sessionId: "buffers" }));
    // What the pusher sent (the server logs each message): the version is asked only where the upgrade did not say buffers are read.
    expect(lines.flatMap((line) => /^debug session buffers: received (\S+)/.exec(line)?.slice(1) ?? [])).toEqual(sent);
    const puller = track(await pullSession({ url: server.appUrl("/"), sessionId: "buffers" }));
    const data = (puller.document!.getModelByName("s") as ColumnDataSource).data;
    expect(data.x).toEqual(x);
    expect(data.y).toEqual(y);
    expect(data.t).toEqual(["a", "b"]);
  });

  test("a document pulled from Bokeh 3.8+ keeps its config when pushed back; our 3.7 server does not pass it on, our 3.10 server does", async () => {
    const config = { type: "object", name: "DocumentConfig", id: "c1", attributes: { reconnect_session: false, notifications: { type: "object", name: "Notifications", id: "c2" } } };
    const pulled = Document.fromJSON({ version: "3.9.2", title: "from 3.9", roots: [{ type: "object", name: "Div", id: "d1", attributes: { text: "hi" } }], config });
    const server = await fault((message, api) => {
      if (message.header.msgtype === "PUSH-DOC") api.reply(message, "OK");
    });
    const session = track(new ClientSession({ websocketUrl: server.wsUrl, bokehVersion: "3.9.2" }));
    await session.push(pulled);
    expect((server.received[0]!.content as { doc: { config: unknown } }).doc.config).toEqual(config);

    for (const [bokehVersion, passedOn] of [["3.7.3", undefined], ["3.10.0", config]] as const) {
      const { server: ours } = await start({ "/": () => {} }, { bokehVersion });
      const doc = Document.fromJSON({ version: "3.9.2", roots: [{ type: "object", name: "Div", id: "d2", attributes: { text: "hi" } }], config });
      track(await pushSession(doc, { url: ours.appUrl("/"), sessionId: "with-config" }));
      const puller = track(await pullSession({ url: ours.appUrl("/"), sessionId: "with-config" }));
      expect(puller.document!.toJSON().config).toEqual(passedOn);
      expect(puller.document!.roots.map((r) => r.id)).toEqual(["d2"]);
    }
  });

  test("documents from Bokeh 3.8+ standalone output (gzipped inline bytes) load", async () => {
    const { gzipSync } = await import("node:zlib");
    const bytes = gzipSync(Buffer.from(new Float64Array([3, 4]).buffer)).toString("base64");
    const doc = Document.fromJSON({
      version: "3.8.1",
      roots: [{ type: "object", name: "ColumnDataSource", id: "s1", attributes: { data: { type: "map", entries: [["x", { type: "ndarray", array: { type: "bytes", data: bytes }, shape: [2], dtype: "float64", order: "little" }]] } } }],
    });
    expect(Array.from((doc.roots[0] as ColumnDataSource).data.x as Float64Array)).toEqual([3, 4]);
  });
});

describe("show()", () => {
  test("opens <app url>/?bokeh-session-id=<id>; show(obj) adds obj as a root first", async () => {
    const { server } = await start({ "/demo": sliderApp });
    const opened: [string, unknown][] = [];
    const session = track(await pullSession({ url: server.appUrl("/demo"), opener: (url, options) => void opened.push([url, options]) }));
    const extra = new Model("Div", { text: "shown" });
    await session.show(extra, { new: "window" });
    expect(session.document!.roots).toContain(extra);
    expect(opened).toEqual([[`${server.appUrl("/demo")}/?bokeh-session-id=${encodeURIComponent(session.id)}`, { browser: undefined, new: "window" }]]);
  });
});
