/**
 * Loading the recorded transcripts (test/fixtures/bokeh-3.7 and bokeh-3.9, see
 * their READMEs) and reading them at the level of Bokeh messages.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerBokehVersion } from "../../src/server/index.js";

const FIXTURE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

/**
 * The recorded sets: their folder, and the release our server is when it replays one
 * (the 3.7 set was recorded from 3.7.0.dev1, whose format is 3.7.3's).
 */
export const RECORDINGS = {
  "3.7": { folder: join(FIXTURE_ROOT, "bokeh-3.7"), serverVersion: "3.7.3" },
  "3.9": { folder: join(FIXTURE_ROOT, "bokeh-3.9"), serverVersion: "3.9.2" },
} as const satisfies Record<string, { folder: string; serverVersion: ServerBokehVersion }>;

export type Recording = keyof typeof RECORDINGS;
export const RECORDING_NAMES = Object.keys(RECORDINGS) as Recording[];

/** The 3.7 set's folder (the fuzzers' corpus). */
export const FIXTURES = RECORDINGS["3.7"].folder;

export type Direction = "server->client" | "client->server";

export interface RecordedFrame {
  seq: number;
  dir: Direction;
  t_ms?: number;
  kind: "text" | "binary" | "close" | "ping" | "pong";
  text?: string;
  base64?: string;
  code?: number | null;
  reason?: string | null;
  payload_text?: string;
  part?: string;
  msg?: number;
  msgtype?: string;
}

export interface Transcript {
  /** Which recorded set the transcript comes from (set by loadTranscript, not in the file). */
  recording: Recording;
  scenario: string;
  bokeh_version: string;
  description: string;
  server_options: string[];
  upgrade: {
    request: { path: string; query: string; target: string; subprotocols: string[] | null; headers: [string, string][] };
    response: { status: number; reason: string; headers: [string, string][]; sec_websocket_protocol: string | null; body?: string };
  };
  frames: RecordedFrame[];
  close: {
    frames: { dir: Direction; code: number | null; reason: string | null }[];
    first_close_frame_from: Direction | null;
    server_close_code: number | null;
    client_close_code: number | null;
    tcp: { event: string; dir: Direction }[];
  };
  messages: { index: number; dir: Direction; msgtype: string; msgid: string; reqid?: string; num_buffers: number; frame_seqs: number[]; complete: boolean }[];
  python_view: Record<string, unknown>;
}

export function loadTranscript(scenario: string, recording: Recording = "3.7"): Transcript {
  const t = JSON.parse(readFileSync(join(RECORDINGS[recording].folder, `${scenario}.json`), "utf8")) as Transcript;
  t.recording = recording;
  return t;
}

export function scenarioNames(recording: Recording = "3.7"): string[] {
  return readdirSync(RECORDINGS[recording].folder)
    .filter((f) => f.endsWith(".json") && f !== "index.json")
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A Bokeh message as recorded: parsed header, metadata, content, and buffers by id. */
export interface RecordedMessage {
  header: Record<string, unknown>;
  headerText: string;
  metadata: unknown;
  content: unknown;
  buffers: Map<string, Buffer>;
}

/** The frames of one recorded message, in order. */
export function framesOfMessage(t: Transcript, index: number): RecordedFrame[] {
  return t.frames.filter((f) => f.msg === index);
}

export function recordedMessage(t: Transcript, index: number): RecordedMessage {
  return assemble(framesOfMessage(t, index).map((f) => (f.kind === "binary" ? { binary: Buffer.from(f.base64 ?? "", "base64") } : { text: f.text ?? "" })));
}

export function recordedMessages(t: Transcript, dir: Direction): RecordedMessage[] {
  return t.messages.filter((m) => m.dir === dir && m.complete).map((m) => recordedMessage(t, m.index));
}

/** Assembles the frames of one complete message (independent of the code under test). */
export function assemble(frames: ({ text: string } | { binary: Buffer })[]): RecordedMessage {
  const text = (i: number) => {
    const f = frames[i];
    if (f === undefined || !("text" in f)) throw new Error(`frame ${i} is not text`);
    return f.text;
  };
  const header = JSON.parse(text(0)) as Record<string, unknown>;
  const buffers = new Map<string, Buffer>();
  for (let i = 3; i + 1 < frames.length; i += 2) {
    const id = (JSON.parse(text(i)) as { id: string }).id;
    const payload = frames[i + 1];
    if (payload === undefined || !("binary" in payload)) throw new Error("buffer payload is not binary");
    buffers.set(id, payload.binary);
  }
  return { header, headerText: text(0), metadata: JSON.parse(text(1)), content: JSON.parse(text(2)), buffers };
}

/**
 * Replaces every id-like value (`"id"` keys, buffer references) by a token in
 * order of first appearance, so two messages that differ only by generated ids
 * compare equal. Also drops `version` (ours is the release we speak).
 */
export function normalizeIds(value: unknown, names = new Map<string, string>()): unknown {
  const rename = (id: string) => {
    if (!names.has(id)) names.set(id, `<id${names.size}>`);
    return names.get(id) as string;
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === "object" && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === "version") continue;
        out[k] = k === "id" && typeof x === "string" ? rename(x) : walk(x);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}
