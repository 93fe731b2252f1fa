/**
 * Replay against our server: the recorded client side of each transcript is
 * sent to our BokehServer (running the same three apps as the recordings, and
 * being the Bokeh release of the recording: 3.7.3 for the 3.7 set, 3.9.2 for
 * the 3.9 set) over a real socket, and our server must answer as the real Bokeh
 * server did: same messages in the same order (ids aside), the same refusals,
 * and the same close behaviour — with valid close codes where Bokeh uses 10000/10001.
 */
import { afterEach, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { generateToken, resolveSigning } from "../src/protocol/token.js";
import { BokehServer, type BokehServerOptions } from "../src/server/index.js";
import { appsFor } from "./helpers/apps.js";
import { until } from "./helpers/until.js";
import { clientTextFrame, rawUpgrade, serverFrames } from "./helpers/raw-upgrade.js";
import {
  assemble,
  loadTranscript as loadRecorded,
  normalizeIds,
  recordedMessage,
  RECORDING_NAMES,
  RECORDINGS,
  type RecordedMessage,
  type Recording,
  type Transcript,
} from "./helpers/transcripts.js";

const servers: BokehServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const SECRET = "fixture-secret-key-NOT-SECRET-0123456789abcdef";

async function serverFor(t: Transcript, options: Partial<BokehServerOptions> = {}): Promise<BokehServer> {
  const signed = t.server_options.includes("signed");
  const keepAlive = t.server_options.includes("--keep-alive") ? 300 : 0;
  const server = await BokehServer.start({
    port: 0,
    apps: appsFor(t),
    keepAlive,
    log: () => {},
    bokehVersion: RECORDINGS[t.recording].serverVersion,
    ...(signed ? { signSessions: true, secretKey: SECRET } : {}),
    ...options,
  });
  servers.push(server);
  return server;
}

function wsUrl(server: BokehServer, t: Transcript): string {
  return `${server.url.replace(/^http/, "ws").replace(/\/$/, "")}${t.upgrade.request.target}`;
}

/** A fresh token for the recorded session id (the recorded ones expired minutes after recording). */
function tokenFor(t: Transcript): string {
  const id = String(t.python_view.session_id);
  const signed = t.server_options.includes("signed");
  return generateToken(id, signed ? resolveSigning({ signSessions: true, secretKey: SECRET }) : resolveSigning({ signSessions: false }));
}

/**
 * Plays the recorded client frames to our server and collects what it answers,
 * message by message, following the transcript's order.
 */
async function replayClient(t: Transcript, server: BokehServer): Promise<{ received: RecordedMessage[]; close: { code: number; reason: string } }> {
  const ws = new WebSocket(wsUrl(server, t), ["bokeh", tokenFor(t)], { perMessageDeflate: false });
  const received: RecordedMessage[] = [];
  let frames: ({ text: string } | { binary: Buffer })[] = [];
  let close: { code: number; reason: string } | null = null;
  let wake = () => {};
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    frames.push(isBinary ? { binary: data } : { text: data.toString("utf8") });
    const header = JSON.parse((frames[0] as { text: string }).text) as { num_buffers?: number };
    if (frames.length === 3 + 2 * (header.num_buffers ?? 0)) {
      received.push(assemble(frames));
      frames = [];
      wake();
    }
  });
  ws.on("close", (code, reason) => {
    close = { code, reason: reason.toString() };
    wake();
  });
  ws.on("error", () => {});
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 8000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`${t.scenario}: timed out waiting for ${what} (got ${received.map((m) => m.header.msgtype).join(", ")})`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
  };
  let expected = 0;
  let lastMsg = -1;
  for (const frame of t.frames) {
    if (frame.dir === "client->server" && frame.msg !== undefined) {
      if (frame.kind === "binary") ws.send(Buffer.from(frame.base64 ?? "", "base64"), { binary: true });
      else ws.send(frame.text ?? "");
    } else if (frame.dir === "server->client" && frame.msg !== undefined && frame.msg !== lastMsg) {
      lastMsg = frame.msg;
      expected++;
      await until(() => received.length >= expected || close !== null, `message ${expected}`);
    } else if (frame.kind === "close" && frame.dir === "client->server" && t.close.first_close_frame_from === "client->server") {
      ws.close(frame.code ?? 1000, frame.reason ?? "");
      break;
    }
  }
  await until(() => close !== null, "the close");
  return { received, close: close! };
}

function expectSameServerMessages(t: Transcript, received: RecordedMessage[]): void {
  const recorded = t.messages.filter((m) => m.dir === "server->client" && m.complete).map((m) => recordedMessage(t, m.index));
  expect(received.map((m) => m.header.msgtype)).toEqual(recorded.map((m) => m.header.msgtype));
  recorded.forEach((want, i) => {
    const got = received[i]!;
    expect(got.headerText).toMatch(/^\{"msgid": "[^"]+", "msgtype": "[A-Z-]+"(, "reqid": "[^"]+")?(, "num_buffers": \d+)?\}$/);
    expect(got.header.reqid).toEqual(want.header.reqid);
    expect(got.header.num_buffers).toEqual(want.header.num_buffers);
    if (want.header.msgtype === "ERROR") {
      expect((got.content as { text: string }).text).toEqual((want.content as { text: string }).text);
    } else if (want.header.msgtype === "SERVER-INFO-REPLY") {
      expect(got.content).toMatchObject({ version_info: { bokeh: expect.any(String), server: expect.any(String) } });
    } else {
      expect(normalizeIds(got.content)).toEqual(normalizeIds(want.content));
      expect([...got.buffers.values()]).toEqual([...want.buffers.values()]);
    }
  });
}

describe.each(RECORDING_NAMES)("Bokeh %s recordings", (recording: Recording) => {
  const loadTranscript = (scenario: string) => loadRecorded(scenario, recording);

  describe("our server answers the recorded clients as Bokeh did", () => {
    test.each([
      "a_pull_session",
      "b_push_session",
      "c01_server_ModelChanged",
      "c02_server_ModelChanged_new_model",
      "c03_server_ModelChanged_selection",
      "c04_server_ColumnDataChanged",
      "c05_server_ColumnDataChanged_cols",
      "c06_server_ColumnsStreamed",
      "c07_server_ColumnsStreamed_rollover",
      "c08_server_ColumnsStreamed_numpy",
      "c09_server_ColumnsPatched_index",
      "c10_server_ColumnsPatched_slice",
      "c11_server_RootAdded",
      "c12_server_RootRemoved",
      "c13_server_TitleChanged",
      "c14_server_MessageSent",
      "d01_client_property_set",
      "d02_client_data_replace",
      "d03_client_data_update_cols",
      "d04_client_stream",
      "d05_client_stream_rollover",
      "d06_client_patch",
      "d07_client_add_root",
      "d08_client_remove_root",
      "d09_client_title",
      "d10_client_property_set_triggers_server_callback",
      "d11_client_message_sent_button_click",
      "d12_client_property_new_model",
      "e_server_info_and_roundtrip",
      "f02_error_patch_unknown_model_id",
      "f03_patch_previously_known_model_id",
      "f04_error_patch_bad_attribute",
      "f12_pull_doc_req_raw_ok",
      "g08_allowed_origin",
      "g09_signed_sessions_ok",
      "h_pull_session_arguments",
    ])("%s", async (scenario) => {
      const t = loadTranscript(scenario);
      const server = await serverFor(t);
      const { received, close } = await replayClient(t, server);
      expectSameServerMessages(t, received);
      expect(close.code).toBe(t.close.server_close_code ?? 1000);
    });

    test("c15_server_periodic_stream: the app's periodic stream arrives as ColumnsStreamed with rollover 50", async () => {
      const t = loadTranscript("c15_server_periodic_stream");
      const server = await serverFor(t);
      const { received } = await replayClient(t, server);
      expect(received.map((m) => m.header.msgtype)).toEqual(["ACK", "PULL-DOC-REPLY", "PATCH-DOC", "PATCH-DOC", "PATCH-DOC"]);
      const recorded = t.messages.filter((m) => m.msgtype === "PATCH-DOC").map((m) => recordedMessage(t, m.index).content as { events: { data: { entries: [string, number[]][] } }[] }[]);
      received.slice(2).forEach((m, i) => {
        const [ours, theirs] = [m.content, recorded[i]] as { events: { kind: string; rollover: number; data: { entries: [string, number[]][] } }[] }[];
        expect(ours!.events[0]).toMatchObject({ kind: "ColumnsStreamed", rollover: 50 });
        // sin() may differ in the last bit between libm and V8
        const [x, y] = ours!.events[0]!.data.entries;
        const [tx, ty] = theirs!.events[0]!.data.entries;
        expect(x).toEqual(tx);
        expect(y![1]![0]).toBeCloseTo(ty![1]![0]!, 12);
      });
    });

    test("i_keepalive_ping: pings carry a counter '0', '1', ...", async () => {
      const t = loadTranscript("i_keepalive_ping");
      const server = await serverFor(t, { keepAlive: 50 });
      const ws = new WebSocket(wsUrl(server, t), ["bokeh", tokenFor(t)]);
      const pings: string[] = [];
      ws.on("ping", (data: Buffer) => pings.push(data.toString()));
      await until(() => pings.length >= 4, "four pings");
      ws.close();
      expect(pings.slice(0, 4)).toEqual(["0", "1", "2", "3"]);
    });
  });

  describe("malformed frames close only that connection, with a valid close code", () => {
    // Bokeh closes with 10000 (unexpected failure) and 10001 (protocol error), codes
    // RFC 6455 does not allow on the wire; we send 1011 and 1002 with the reason.
    test.each([
      ["f05_error_header_not_json", 1011, /header is not valid JSON/],
      ["f06_error_header_no_msgtype", 1002, /No 'msgtype' in header/],
      ["f07_error_unknown_msgtype", 1011, /unknown message type "FOO"/],
      ["f08_error_binary_header", 1002, /expected text fragment but received binary fragment for header/],
      ["f09_error_content_not_json", 1002, /content could not be decoded/],
      ["f10_error_message_not_expected_on_server", 1011, /Message 'OK' content: \{\} not expected on server/],
      ["f11_error_bad_buffer_header", 1002, /Malformed buffer header/],
    ] as const)("%s -> %i", async (scenario, code, reason) => {
      const t = loadTranscript(scenario);
      const server = await serverFor(t);
      const { received, close } = await replayClient(t, server);
      expect(received.map((m) => m.header.msgtype)).toEqual(["ACK"]);
      expect(close.code).toBe(code);
      expect(close.reason).toMatch(reason);
      expect(t.close.server_close_code).toBe(code === 1011 ? 10000 : 10001);
      // The server and its other sessions carry on.
      const other = await replayClient(loadTranscript("f12_pull_doc_req_raw_ok"), server);
      expect(other.received.map((m) => m.header.msgtype)).toEqual(["ACK", "PULL-DOC-REPLY"]);
    });

    test("f13_error_send_before_ack: a request before the ACK closes the connection (1002) or is answered after the ACK, as recorded", async () => {
      const t = loadTranscript("f13_error_send_before_ack");
      const answered = t.messages.some((m) => m.dir === "server->client" && m.msgtype === "ACK");
      // A slow app: the request surely arrives while the session is being made.
      const events = appsFor(t)["/events"]!;
      const server = await serverFor(t, {
        apps: { "/events": async (doc, context) => new Promise((r) => setTimeout(() => r(events(doc, context)), 200)) },
      });
      const request = t.frames.filter((f) => f.dir === "client->server" && f.kind === "text").map((f) => clientTextFrame(f.text!));
      const result = await rawUpgrade(wsUrl(server, t), {
        protocols: ["bokeh", tokenFor(t)],
        send: request, // all three frames at once, right after the upgrade request
        waitMs: 5000,
        until: (after) => after[0] === 0x88 || serverFrames(after).length >= 6,
      });
      expect(result.status).toBe(101);
      if (!answered) {
        expect(t.close.server_close_code).toBe(10000);
        expect(result.after[0]).toBe(0x88); // a close frame, no ACK
        expect(result.after.readUInt16BE(2)).toBe(1002);
        return;
      }
      const frames = serverFrames(result.after) as string[];
      expect(frames.map((f) => (JSON.parse(f) as { msgtype?: string }).msgtype)).toEqual(["ACK", undefined, undefined, "PULL-DOC-REPLY", undefined, undefined]);
      expect(JSON.parse(frames[3]!)).toMatchObject({ reqid: "x1" });
      expect(normalizeIds(JSON.parse(frames[5]!))).toEqual(normalizeIds(JSON.parse(t.frames.filter((f) => f.dir === "server->client").at(-2)!.text!)));
    });
  });

  describe("refused connections, as the real server refuses them", () => {
    const EMPTY_CLOSE = Buffer.from([0x88, 0x00]);

    test("g01_refused_bad_subprotocol: the first offered subprotocol is selected, then an empty close frame", async () => {
      const t = loadTranscript("g01_refused_bad_subprotocol");
      const server = await serverFor(t);
      const r = await rawUpgrade(wsUrl(server, t), { protocols: ["notbokeh", tokenFor(t)], waitMs: 300 });
      expect(r.status).toBe(101);
      expect(r.headers["sec-websocket-protocol"]).toBe(t.upgrade.response.sec_websocket_protocol);
      expect(r.after).toEqual(EMPTY_CLOSE);
    });

    test.each([
      ["g02_refused_missing_token", ["bokeh"]],
      ["g03_refused_no_subprotocol_header", null],
    ] as const)("%s: 101 without a subprotocol, then an empty close frame", async (scenario, protocols) => {
      const t = loadTranscript(scenario);
      const server = await serverFor(t);
      const r = await rawUpgrade(wsUrl(server, t), { protocols: protocols === null ? null : [...protocols], waitMs: 300 });
      expect(r.status).toBe(101);
      expect(r.headers["sec-websocket-protocol"]).toBeUndefined();
      expect(t.upgrade.response.sec_websocket_protocol).toBeNull();
      expect(r.after).toEqual(EMPTY_CLOSE);
    });

    test("g04_refused_malformed_token: 101, then the connection is dropped without a close frame", async () => {
      const t = loadTranscript("g04_refused_malformed_token");
      const server = await serverFor(t);
      const r = await rawUpgrade(wsUrl(server, t), { protocols: ["bokeh", "garbage"] });
      expect(r.status).toBe(101);
      expect(r.after.length).toBe(0);
      expect(r.ending).not.toBe("open");
    });

    test("g05_refused_expired_token: 101, then an empty close frame", async () => {
      const t = loadTranscript("g05_refused_expired_token");
      const server = await serverFor(t);
      const expired = generateToken("IHcoPCqN97GpzWeicKoo4gUo9rGWXMITTPWJ4Fp4uMzq", resolveSigning({ signSessions: false }), { expiration: -10 });
      const r = await rawUpgrade(wsUrl(server, t), { protocols: ["bokeh", expired], waitMs: 300 });
      expect(r.status).toBe(101);
      expect(r.after).toEqual(EMPTY_CLOSE);
    });

    test("g06_refused_unknown_app_path: HTTP 404 with the same body", async () => {
      const t = loadTranscript("g06_refused_unknown_app_path");
      const server = await serverFor(t);
      const r = await rawUpgrade(wsUrl(server, t), { protocols: ["bokeh", tokenFor(t)] });
      expect(r.status).toBe(404);
      expect(r.after.toString()).toBe(t.upgrade.response.body);
    });

    test("g07_refused_disallowed_origin: HTTP 403 'Cross origin websockets not allowed'", async () => {
      const t = loadTranscript("g07_refused_disallowed_origin");
      const server = await serverFor(t);
      const r = await rawUpgrade(wsUrl(server, t), { protocols: ["bokeh", tokenFor(t)], origin: "http://evil.example:8080" });
      expect(r.status).toBe(403);
      expect(r.after.toString()).toBe(t.upgrade.response.body);
    });

    test.each([
      ["g10_refused_invalid_signature", "a-different-key-NOT-SECRET-9876543210fedcba"],
      ["g11_refused_unsigned_token", null],
    ] as const)("%s: 101, then dropped without a close frame (3.7) or after an empty one (3.9), as recorded", async (scenario, key) => {
      const t = loadTranscript(scenario);
      const server = await serverFor(t);
      const signing = key === null ? resolveSigning({ signSessions: false }) : resolveSigning({ signSessions: true, secretKey: key });
      const id = String(t.python_view.session_id);
      const recordedClose = t.close.frames.find((f) => f.dir === "server->client");
      const r = await rawUpgrade(wsUrl(server, t), {
        protocols: ["bokeh", generateToken(id, signing)],
        until: (after) => after.length >= EMPTY_CLOSE.length,
      });
      expect(r.status).toBe(101);
      if (recordedClose === undefined) {
        expect(r.after.length).toBe(0);
        expect(r.ending).not.toBe("open");
      } else {
        expect(recordedClose.code).toBeNull();
        expect(r.after).toEqual(EMPTY_CLOSE);
      }
    });

    test("g12/g13: a token with an extra payload is accepted until it expires, then refused with an empty close frame", async () => {
      const t = loadTranscript("g12_server_issued_token_ok");
      const server = await serverFor(t);
      const signing = resolveSigning({ signSessions: false });
      const extra = { headers: { Host: "x" }, cookies: {}, arguments: { period: [new Uint8Array([0x30])] } };
      const fresh = generateToken("9h7inA971nEEhyxQVTTtVhlaC39ACJ2FxxiycFNtN3ft", signing, { expiration: 2, extraPayload: extra });
      const ok = await rawUpgrade(wsUrl(server, t), { protocols: ["bokeh", fresh], waitMs: 200 });
      expect(ok.status).toBe(101);
      expect(ok.after.subarray(2, 4).toString()).toBe('{"'); // the ACK header frame
      const stale = generateToken("0KPm62TQywaYfQnn5TjixNjhPTh9XPkLaRcVPpJqOCM1", signing, { expiration: -1, extraPayload: extra });
      const refused = await rawUpgrade(wsUrl(server, t), { protocols: ["bokeh", stale], waitMs: 300 });
      expect(refused.after).toEqual(EMPTY_CLOSE);
    });
  });
});
