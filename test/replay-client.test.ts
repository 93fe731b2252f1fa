/**
 * Replay: the recorded server side of every transcript, of Bokeh 3.7 and of
 * Bokeh 3.9.2, is played to our client over a real socket. For each scenario our
 * client does what the Python client did; the test checks that it sends the same
 * messages (ids aside), uses the same upgrade request, and ends with the same
 * document as `python_view` — or a better one where Python drops server patches,
 * as stated.
 */
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, test } from "vitest";
import { documentFormat } from "../src/protocol/document-format.js";
import { ClientConnection } from "../src/client/connection.js";
import {
  ClientSession,
  ColumnDataSource,
  Document,
  Model,
  ServerError,
  Slice,
  getSessionId,
  pullSession,
  pushSession,
  showSession,
  type DocJson,
  type DocumentChangedEvent,
} from "../src/index.js";
import { ReplayServer } from "./helpers/replay-server.js";
import {
  loadTranscript as loadRecorded,
  normalizeIds,
  RECORDING_NAMES,
  RECORDINGS,
  recordedMessages,
  type Recording,
  type Transcript,
} from "./helpers/transcripts.js";
import { until } from "./helpers/until.js";

const servers: ReplayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe.each(RECORDING_NAMES)("Bokeh %s recordings", (recording: Recording) => {
  const loadTranscript = (scenario: string) => loadRecorded(scenario, recording);
  /** The release of the recorded server, as a client would be told it. */
  const serverVersion = RECORDINGS[recording].serverVersion;

  async function replay(scenario: string): Promise<{ t: Transcript; server: ReplayServer }> {
    const t = loadTranscript(scenario);
    const server = await ReplayServer.start(t);
    servers.push(server);
    return { t, server };
  }

  function queryArgs(t: Transcript): Record<string, string> {
    return Object.fromEntries(new URLSearchParams(t.upgrade.request.query));
  }

  /**
   * The document as JSON with ids normalized, for comparing with python_view.
   * Python leaves out attributes equal to their Bokeh default; the only such
   * values in these transcripts are glyph coordinates `x: field("x")`, which the
   * server did send. Generic models keep what they received, so those are
   * dropped here before comparing (typed models know the defaults: issue 3).
   * Inline bytes are compared as bytes: a 3.8+ document (Python's) gzips them, ours
   * (written by `toJSON()` in 3.7 form) does not.
   */
  function docShape(json: unknown): unknown {
    const gzipped = documentFormat(String((json as { version?: unknown }).version)).gzipInline;
    const dropDefaultFields = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(dropDefaultFields);
      if (typeof v !== "object" || v === null) return v;
      const out: Record<string, unknown> = {};
      const rep = v as { type?: unknown; data?: unknown };
      if (rep.type === "bytes" && typeof rep.data === "string" && gzipped) {
        return { type: "bytes", data: gunzipSync(Buffer.from(rep.data, "base64")).toString("base64") };
      }
      for (const [k, x] of Object.entries(v)) {
        const isOwnDefault = typeof x === "object" && x !== null && (x as { type?: unknown }).type === "field" && (x as { field?: unknown }).field === k && Object.keys(x).length === 2;
        if (!isOwnDefault) out[k] = dropDefaultFields(x);
      }
      return out;
    };
    // The fields in Bokeh 3.8+'s order (the config's ids first), whatever order toJSON() writes them in.
    const { version, title, config, roots, ...rest } = JSON.parse(JSON.stringify(json)) as DocJson;
    const ordered = { version, title, ...(config === undefined ? {} : { config }), roots, ...rest };
    return normalizeIds(dropDefaultFields(ordered));
  }

  /** Our client's messages must match the Python client's, message by message (ids aside). */
  function expectSameMessages(t: Transcript, server: ReplayServer): void {
    const recorded = recordedMessages(t, "client->server");
    expect(server.received.map((m) => m.header.msgtype)).toEqual(recorded.map((m) => m.header.msgtype));
    recorded.forEach((want, i) => {
      const got = server.received[i]!;
      expect(got.headerText).toMatch(/^\{"msgid": "[^"]+", "msgtype": "[A-Z-]+"(, "num_buffers": \d+)?\}$/);
      // Python's Bokeh 3.8+ writes "num_buffers": 0 in every PATCH-DOC and PUSH-DOC; BokehJS and
      // Bokeh 3.7 leave it out; every reader takes absent as 0. We compare the count.
      expect(got.header.num_buffers ?? 0).toEqual(want.header.num_buffers ?? 0);
      expect(got.metadata).toEqual(want.metadata);
      expect(normalizeIds(got.content)).toEqual(normalizeIds(want.content));
      expect([...got.buffers.values()]).toEqual([...want.buffers.values()]);
    });
  }

  function expectUpgradeLike(t: Transcript, server: ReplayServer, sessionId: string): void {
    const seen = server.upgrade!;
    expect(seen.path).toBe(t.upgrade.request.path);
    expect(seen.query).toBe(t.upgrade.request.query);
    expect(seen.subprotocols[0]).toBe("bokeh");
    expect(getSessionId(seen.subprotocols[1]!)).toBe(sessionId);
    expect(seen.headers.origin).toBeUndefined();
  }

  describe("happy paths", () => {
    test("a_pull_session: pull, then close with 1000 'closed'", async () => {
      const { t, server } = await replay("a_pull_session");
      const session = await pullSession({ url: server.appUrl() });
      expectUpgradeLike(t, server, session.id);
      expect(docShape(session.document!.toJSON())).toEqual(docShape(t.python_view.client_document));
      await session.close();
      await server.done;
      expect(server.clientClose).toEqual({ code: 1000, reason: "closed" });
      expectSameMessages(t, server);
    });

    test("b_push_session: push, the echo before OK is not applied twice, a change, show_session URL", async () => {
      const { t, server } = await replay("b_push_session");
      const pushed = recordedMessages(t, "client->server")[0]!.content as { doc: DocJson };
      const doc = Document.fromJSON(pushed.doc, recordedMessages(t, "client->server")[0]!.buffers);
      // Saying which Bokeh the recorded server is saves asking it (see the next test).
      const session = await pushSession(doc, { url: server.appUrl(), sessionId: "fixture-push-session", bokehVersion: serverVersion });
      expect(doc.roots.length).toBe(2); // the server's RootAdded echo did not duplicate or re-add roots
      (doc.getModelByName("div") as Model).set("text", "changed after push");
      await session.forceRoundtrip();
      const opened: string[] = [];
      await showSession({ session, opener: (url) => void opened.push(url) });
      expect(opened).toEqual([(t.python_view.show_session_opened as { url: string }[])[0]!.url.replace(/^http:\/\/[^/]+/, server.url)]);
      expect(docShape(doc.toJSON())).toEqual(docShape(t.python_view.client_document));
      await session.close();
      await server.done;
      expectSameMessages(t, server);
    });

    test("e_server_info_and_roundtrip: server info is cached, force_roundtrip always asks", async () => {
      const { t, server } = await replay("e_server_info_and_roundtrip");
      const session = new ClientSession({ websocketUrl: `${server.appUrl().replace("http", "ws")}/ws` });
      await session.connect();
      expect(session.connected).toBe(true);
      expect(await session.requestServerInfo()).toEqual(t.python_view.server_info);
      expect(await session.requestServerInfo()).toEqual(t.python_view.server_info_second_call);
      await session.forceRoundtrip();
      await session.close();
      await server.done;
      expectSameMessages(t, server);
    });

    test("h_pull_session_arguments: arguments become the upgrade query, urlencoded like Python", async () => {
      const { t, server } = await replay("h_pull_session_arguments");
      const session = await pullSession({ url: server.appUrl(), arguments: { foo: "bar", msg: "hello world & more", period: "0" } });
      expectUpgradeLike(t, server, session.id);
      expect(server.upgrade!.query).toBe("foo=bar&msg=hello+world+%26+more&period=0");
      expect((session.document!.getModelByName("request_args") as Model).get("text")).toBe(t.python_view.request_args_div_text);
      await session.close();
      await server.done;
      expectSameMessages(t, server);
    });

    test("i_keepalive_ping: pings are answered with the same payload, outside Bokeh messages", async () => {
      const { t, server } = await replay("i_keepalive_ping");
      const session = await pullSession({ url: server.appUrl(), arguments: queryArgs(t) });
      await until(() => server.pongs.length === 5, "five pongs");
      expect(server.pongs.map((p) => p.toString())).toEqual(["0", "1", "2", "3", "4"]);
      await session.close();
      await server.done;
      expectSameMessages(t, server);
    });
  });

  const serverEvents = [
    "c01_server_ModelChanged",
    "c02_server_ModelChanged_new_model",
    "c03_server_ModelChanged_selection",
    "c04_server_ColumnDataChanged",
    "c06_server_ColumnsStreamed",
    "c07_server_ColumnsStreamed_rollover",
    "c08_server_ColumnsStreamed_numpy",
    "c09_server_ColumnsPatched_index",
    "c10_server_ColumnsPatched_slice",
    "c11_server_RootAdded",
    "c12_server_RootRemoved",
    "c13_server_TitleChanged",
    "c15_server_periodic_stream",
  ];

  describe("server -> client events", () => {
    test.each(serverEvents)("%s: applied as Python applies it", async (scenario) => {
      const { t, server } = await replay(scenario);
      const session = await pullSession({ url: server.appUrl(), arguments: queryArgs(t) });
      const expectedPatches = t.messages.filter((m) => m.dir === "server->client" && m.msgtype === "PATCH-DOC").length;
      let applied = 0;
      session.document!.onChange((event) => {
        if (event.setter === session) applied++;
      });
      await until(() => applied >= expectedPatches, `${expectedPatches} patches`);
      expect(docShape(session.document!.toJSON())).toEqual(docShape(t.python_view.client_document_after));
      await session.close();
      await server.done;
      expectSameMessages(t, server);
    });

    test("c05_server_ColumnDataChanged_cols: listed columns replaced, the others kept (Python drops them; BokehJS keeps them)", async () => {
      const { t, server } = await replay("c05_server_ColumnDataChanged_cols");
      const session = await pullSession({ url: server.appUrl(), arguments: queryArgs(t) });
      const source = session.document!.getModelByName("source") as ColumnDataSource;
      await until(() => (source.data.y as number[])[0] === 11, "the patch");
      const before = t.python_view.client_document_before as DocJson;
      const pythonAfter = t.python_view.client_document_after as DocJson;
      // Python's client keeps only "y"; we keep x and label and replace y.
      expect(Object.keys(source.data)).toEqual(["x", "y", "label"]);
      expect(source.data.y).toEqual([11, 21, 31, 41, 51]);
      const expected = Document.fromJSON(before);
      (expected.getModelByName("source") as ColumnDataSource).updateData({ y: [11, 21, 31, 41, 51] });
      expect(docShape(session.document!.toJSON())).toEqual(docShape(expected.toJSON()));
      expect(docShape(session.document!.toJSON())).not.toEqual(docShape(pythonAfter));
      await session.close();
      await server.done;
    });

    test("c14_server_MessageSent: the event reaches listeners with its model resolved; the document is unchanged", async () => {
      const { t, server } = await replay("c14_server_MessageSent");
      const session = await pullSession({ url: server.appUrl(), arguments: queryArgs(t) });
      const seen: DocumentChangedEvent[] = [];
      session.document!.onChange((e) => seen.push(e));
      const names: string[] = [];
      session.document!.onEvent("clear_input", (values) => names.push((values.model as Model).get("name") as string));
      await until(() => seen.length === 1, "the MessageSent event");
      expect(seen[0]!.kind).toBe("MessageSent");
      expect(names).toEqual(["text_input"]);
      expect(docShape(session.document!.toJSON())).toEqual(docShape(t.python_view.client_document_after));
      await session.close();
      await server.done;
    });
  });

  type Action = (doc: Document, t: Transcript) => void;
  const byName = (doc: Document, name: string) => doc.getModelByName(name) as Model;

  const clientEvents: [string, Action][] = [
    ["d01_client_property_set", (doc) => byName(doc, "div").set("text", "set by client")],
    [
      "d02_client_data_replace",
      (doc, t) => {
        // The same values Python sent: float64 with NaN, int32, str, datetime64 as float64 ms.
        const after = Document.fromJSON(t.python_view.client_document_after as DocJson);
        const data = (after.getModelByName("source") as ColumnDataSource).data;
        expect(data.x).toBeInstanceOf(Float64Array);
        expect(data.y).toBeInstanceOf(Int32Array);
        (doc.getModelByName("source") as ColumnDataSource).data = { x: data.x!, y: data.y!, label: data.label!, t: data.t! };
      },
    ],
    ["d03_client_data_update_cols", (doc) => (doc.getModelByName("source") as ColumnDataSource).updateData({ y: [5, 4, 3, 2, 1] })],
    ["d04_client_stream", (doc) => (doc.getModelByName("source") as ColumnDataSource).stream({ x: [6.0, NaN, -Infinity], y: [60, 61, 62], label: ["f", null, "h"] })],
    [
      "d05_client_stream_rollover",
      (doc) => (doc.getModelByName("source") as ColumnDataSource).stream({ x: new Float64Array([6, 7]), y: new Int32Array([60, 70]), label: ["f", "g"] }, 3),
    ],
    [
      "d06_client_patch",
      (doc) =>
        (doc.getModelByName("source") as ColumnDataSource).patch({
          y: [
            [0, 111],
            [new Slice({ start: 2, stop: 4 }), [333, 444]],
          ],
          label: [[new Slice({ step: 2 }), ["A", "C", "E"]]],
        }),
    ],
    ["d07_client_add_root", (doc) => doc.addRoot(new Model("Div", { name: "client_div", text: "added by client" }))],
    ["d08_client_remove_root", (doc) => doc.removeRoot(byName(doc, "div"))],
    ["d09_client_title", (doc) => (doc.title = "Title set by client")],
    ["d12_client_property_new_model", (doc) => byName(doc, "text_input").set("description", new Model("Tooltip", { position: "left", content: "help from client" }))],
  ];

  describe("client -> server events", () => {
    test.each(clientEvents)("%s: sent as Python sends it", async (scenario, action) => {
      const { t, server } = await replay(scenario);
      const session = await pullSession({ url: server.appUrl(), arguments: queryArgs(t) });
      action(session.document!, t);
      await session.forceRoundtrip();
      await session.flush();
      expect(docShape(session.document!.toJSON())).toEqual(docShape(t.python_view.client_document_after));
      await session.close();
      await server.done;
      expectSameMessages(t, server);
    });

    test.each([
      ["d10_client_property_set_triggers_server_callback", (doc: Document) => byName(doc, "slider").set("value", 7)],
      ["d11_client_message_sent_button_click", (doc: Document) => doc.sendEvent("button_click", { model: byName(doc, "button") })],
    ] as [string, Action][])(
      "%s: the server's reaction, sent before the OK, is applied (Python discards it while waiting)",
      async (scenario, action) => {
        const { t, server } = await replay(scenario);
        const session = await pullSession({ url: server.appUrl(), arguments: queryArgs(t) });
        action(session.document!, t);
        await session.forceRoundtrip();
        await session.flush();
        const ours = docShape(session.document!.toJSON());
        expect(ours).toEqual(docShape(t.python_view.server_document_after));
        expect(ours).not.toEqual(docShape(t.python_view.client_document_after)); // Python's client missed the server's patch
        await session.close();
        await server.done;
        expectSameMessages(t, server);
      },
    );
  });

  describe("errors inside an open connection", () => {
    test("f01: a push the server cannot resolve rejects with its ERROR text; the connection stays open", async () => {
      const { t, server } = await replay("f01_error_push_unknown_model_type");
      const session = new ClientSession({ websocketUrl: `${server.appUrl().replace("http", "ws")}/ws`, bokehVersion: serverVersion });
      const doc = new Document();
      doc.addRoot(new Model("UnknownToServer", { value: 7 }));
      const error = await session.push(doc).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerError);
      expect((error as ServerError).text).toBe(`DeserializationError("can't resolve type 'UnknownToServer'")`);
      expect((error as ServerError).message).toContain("PUSH-DOC");
      expect(session.connected).toBe(t.python_view.connected_after_error);
      expect(session.document).toBeNull(); // a failed push leaves the session without a document
      await session.close();
      await server.done;
      expect(normalizeIds(server.received[0]!.content)).toEqual(normalizeIds(recordedMessages(t, "client->server")[0]!.content));
    });

    test("f02: ERROR for an unknown model id rejects the request; the connection keeps working", async () => {
      const { t, server } = await replay("f02_error_patch_unknown_model_id");
      const connection = new ClientConnection(`${server.appUrl().replace("http", "ws")}/ws`, ["bokeh", tokenFor(t)], {}, { onMessage: () => {}, onClose: () => {} });
      await connection.open();
      await connection.request("PULL-DOC-REQ", {});
      const error = await connection.request("PATCH-DOC", { events: [{ kind: "ModelChanged", model: { id: "p999999" }, attr: "text", new: "x" }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerError);
      expect((error as ServerError).text).toBe((t.python_view.reply_content as { text: string }).text);
      expect((error as ServerError).traceback).toContain("UnknownReferenceError");
      const info = await connection.request("SERVER-INFO-REQ", {});
      expect(info.header.msgtype).toBe("SERVER-INFO-REPLY");
      await connection.close();
      await server.done;
      expectSameMessages(t, server);
    });

    test("f03: a patch for a model removed earlier is answered OK", async () => {
      const { t, server } = await replay("f03_patch_previously_known_model_id");
      const session = await pullSession({ url: server.appUrl() });
      const div = byName(session.document!, "div");
      session.document!.removeRoot(div);
      await session.forceRoundtrip();
      // A late change to the removed model is not sent: the server dropped the model.
      div.set("text", "ghost");
      await session.flush();
      expect(server.received.map((m) => m.header.msgtype)).toEqual(["PULL-DOC-REQ", "PATCH-DOC", "SERVER-INFO-REQ"]);
      await session.close();
    });

    test("f04: a change to an attribute the server does not know is answered OK", async () => {
      // Typed models refuse unknown attributes locally, so, like Python's, this patch is hand-built.
      const { t, server } = await replay("f04_error_patch_bad_attribute");
      const connection = new ClientConnection(`${server.appUrl().replace("http", "ws")}/ws`, ["bokeh", tokenFor(t)], {}, { onMessage: () => {}, onClose: () => {} });
      await connection.open();
      const reply = await connection.request("PULL-DOC-REQ", {});
      const div = Document.fromJSON((reply.content as { doc: DocJson }).doc, reply.buffers).getModelByName("div")!;
      expect(() => div.set("no_such_attr", 1)).toThrow(/Div has no property 'no_such_attr'/);
      const ok = await connection.request("PATCH-DOC", { events: [{ kind: "ModelChanged", model: { id: div.id }, attr: "no_such_attr", new: 1 }] });
      expect(ok.header.msgtype).toBe("OK");
      await connection.close();
      await server.done;
      expectSameMessages(t, server);
    });
  });

  function tokenFor(t: Transcript): string {
    return t.upgrade.request.subprotocols![1]!;
  }

  describe("refused or failed connections", () => {
    test.each([
      ["g02_refused_missing_token"],
      ["g05_refused_expired_token"],
      ["g13_refused_server_issued_token_expired"],
    ])("%s: 101 then an empty close frame is reported as a refused session, not 'HTTP 500'", async (scenario) => {
      const { server } = await replay(scenario);
      const error = await pullSession({ url: server.appUrl() }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "ERR_BOKEH_SESSION_REFUSED", reason: "SESSION_REFUSED" });
      expect((error as Error).message).toMatch(/closed it before opening the session/);
      // A Bokeh 3.9 server refuses an unsigned session the same way (an empty close frame): say where to look.
      expect((error as Error).message).toMatch(/BOKEH_SECRET_KEY/);
    });

    test.each([["g04_refused_malformed_token"], ["g10_refused_invalid_signature"], ["g11_refused_unsigned_token"]])(
      "%s: 101 then a dropped TCP connection (1006), or from 3.9 an empty close frame (1005) for a bad signature, is reported as a refused session",
      async (scenario) => {
        const { t, server } = await replay(scenario);
        const dropped = t.close.frames.length === 0; // as recorded: 3.7 drops; 3.9 closes first, except for a malformed token
        const closeCode = dropped ? 1006 : 1005;
        const session = new ClientSession({ websocketUrl: `${server.appUrl().replace("http", "ws")}/ws` });
        const error = await session.connect().catch((e: unknown) => e);
        expect(error).toMatchObject({ code: "ERR_BOKEH_SESSION_REFUSED", errorCode: closeCode });
        expect(session.connected).toBe(false);
        expect(session.errorReason).toBe("SESSION_REFUSED");
        expect(session.errorCode).toBe(closeCode);
        expect(() => session.checkConnectionErrors()).toThrow(dropped ? /token is malformed or not signed with its secret key/ : /not signed with the server's secret key \(check BOKEH_SECRET_KEY/);
        await session.close();
      },
    );

    test("g06_refused_unknown_app_path: HTTP 404 -> 'check the application path'", async () => {
      const { t, server } = await replay("g06_refused_unknown_app_path");
      const session = new ClientSession({ websocketUrl: `${server.appUrl().replace("http", "ws")}/ws` });
      await expect(session.connect()).rejects.toMatchObject({ code: "ERR_BOKEH_HTTP", status: 404 });
      expect(session.connected).toBe(t.python_view.connected);
      expect(session.errorReason).toBe("HTTP_ERROR");
      expect(session.errorCode).toBe(t.python_view.error_code);
      expect(session.errorDetail).toBe(t.python_view.error_detail);
      expect(() => session.checkConnectionErrors()).toThrow(/check the application path/);
      await session.close();
    });

    test("g07_refused_disallowed_origin: HTTP 403 with the server's explanation", async () => {
      const { server } = await replay("g07_refused_disallowed_origin");
      const error = await pullSession({ url: server.appUrl(), headers: { Origin: "http://evil.example:8080" } }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "ERR_BOKEH_HTTP", status: 403, reason: "HTTP_ERROR" });
      expect((error as Error).message).toContain("Cross origin websockets not allowed");
      expect(server.upgrade!.headers.origin).toBe("http://evil.example:8080");
    });

    test("g08_allowed_origin: an Origin header can be sent; the session opens", async () => {
      const { server } = await replay("g08_allowed_origin");
      const session = new ClientSession({ websocketUrl: `${server.appUrl().replace("http", "ws")}/ws`, headers: { Origin: "http://localhost:5006" } });
      await session.connect();
      expect(session.connected).toBe(true);
      await session.close("test done");
      await server.done;
      expect(server.clientClose).toEqual({ code: 1000, reason: "test done" });
    });

    test("g09_signed_sessions_ok: with BOKEH_SECRET_KEY and signing on, ids and tokens carry valid signatures", async () => {
      const { t, server } = await replay("g09_signed_sessions_ok");
      const env = t.python_view.client_env as { BOKEH_SECRET_KEY: string };
      const session = await pullSession({ url: server.appUrl(), signSessions: true, secretKey: env.BOKEH_SECRET_KEY });
      expect(session.id).toMatch(/^[A-Za-z0-9]{44}\.[A-Za-z0-9_-]{43}$/);
      const { checkTokenSignature, resolveSigning } = await import("../src/protocol/token.js");
      const signing = resolveSigning({ signSessions: true, secretKey: env.BOKEH_SECRET_KEY });
      expect(checkTokenSignature(server.upgrade!.subprotocols[1]!, signing)).toBe(true);
      expect(checkTokenSignature(tokenFor(t), signing)).toBe(true); // and Python's token verifies with our code
      await session.close();
      await server.done;
    });

    test("g12_server_issued_token_ok: a token issued by the server is used as given", async () => {
      const { t, server } = await replay("g12_server_issued_token_ok");
      const token = (t.python_view.page_token as { token: string }).token;
      const session = new ClientSession({ websocketUrl: `${server.appUrl().replace("http", "ws")}/ws`, token, sessionId: getSessionId(token) });
      await session.connect();
      expect(server.upgrade!.subprotocols).toEqual(["bokeh", token]);
      await session.close("test done");
      await server.done;
    });
  });
});
