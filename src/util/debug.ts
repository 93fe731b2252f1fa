/**
 * Debug logging, switched on the standard Node way: `NODE_DEBUG=bokeh-client`.
 *
 * Lines go to stderr through `util.debuglog` ("BOKEH-CLIENT <pid>: ..."), one per
 * message in or out, connection state change, reconnect or resync, each a scope
 * followed by `key=value` fields so they can be grepped:
 *
 *   BOKEH-CLIENT 4242: server session=Xy3... conn=1 in PULL-DOC-REQ msgid=p1 bytes=71 buffers=0
 *   BOKEH-CLIENT 4242: server session=Xy3... conn=1 state open -> closed code=1000
 *
 * When the switch is off every call returns at once; callers that must compute
 * something to log (sizes) check `enabled` first. See docs/debugging.md.
 */
import { debuglog } from "node:util";

/** The `NODE_DEBUG` section: `NODE_DEBUG=bokeh-client` (Node's wildcards work too: `bokeh-*`). */
export const DEBUG_SECTION = "bokeh-client";

const write = debuglog(DEBUG_SECTION);

/** What a one-line message summary says: type, ids, size on the wire, buffer count. */
export interface MessageSummary {
  msgtype: string;
  msgid: string;
  reqid?: string | undefined;
  /** Bytes of all the message's frames (header, metadata, content, buffer headers and payloads). */
  bytes: number;
  buffers: number;
}

/** Values of the `key=value` fields after a line's text; undefined ones are left out. */
export type DebugFields = Record<string, string | number | boolean | undefined>;

/** A frame as the protocol layer makes it (a text frame or a binary one), as far as its size goes. */
export type FrameLike = { text: string | Uint8Array | { byteLength: number } } | { binary: Uint8Array };

/** Writes debug lines for one scope ("client", "server session=... conn=2", "cli"). */
export class DebugLog {
  readonly scope: string;

  constructor(scope: string) {
    this.scope = scope;
  }

  /** Whether `NODE_DEBUG` names bokeh-client (read once, at the first log of the process). */
  get enabled(): boolean {
    return write.enabled;
  }

  /** A scope below this one: `debug.child("conn=2")`. */
  child(scope: string): DebugLog {
    return new DebugLog(`${this.scope} ${scope}`);
  }

  /** One line: the scope, `text`, then the fields. */
  log(text: string, fields?: DebugFields): void {
    if (!write.enabled) return;
    write("%s", `${this.scope} ${text}${formatFields(fields)}`);
  }

  /** A connection state change: `state connecting -> open`. */
  state(from: string, to: string, fields?: DebugFields): void {
    this.log(`state ${from} -> ${to}`, fields);
  }

  /** A message in or out: `in PATCH-DOC msgid=p4 reqid=- bytes=1234 buffers=2`. */
  message(direction: "in" | "out", summary: MessageSummary, fields?: DebugFields): void {
    if (!write.enabled) return;
    this.log(`${direction} ${summary.msgtype}`, {
      msgid: summary.msgid,
      reqid: summary.reqid,
      bytes: summary.bytes,
      buffers: summary.buffers,
      ...fields,
    });
  }
}

/** A logger for `scope`. */
export function debugLog(scope: string): DebugLog {
  return new DebugLog(scope);
}

/** Bytes of a frame on the wire, payload only (a string is counted as UTF-8). */
export function frameBytes(frame: FrameLike): number {
  if ("binary" in frame) return frame.binary.byteLength;
  return typeof frame.text === "string" ? Buffer.byteLength(frame.text, "utf8") : frame.text.byteLength;
}

/**
 * The summary of a message from the frames that carry it (header first, as the
 * protocol's sender makes them). Only for logging: it parses the header frame.
 */
export function summarizeFrames(frames: readonly FrameLike[]): MessageSummary {
  let header: { msgtype?: unknown; msgid?: unknown; reqid?: unknown } = {};
  const first = frames[0];
  if (first !== undefined && "text" in first) {
    const text = typeof first.text === "string" ? first.text : first.text instanceof Uint8Array ? Buffer.from(first.text).toString("utf8") : "";
    try {
      header = JSON.parse(text) as typeof header;
    } catch {
      // not a header: summarized as "?"
    }
  }
  return {
    msgtype: typeof header.msgtype === "string" ? header.msgtype : "?",
    msgid: typeof header.msgid === "string" ? header.msgid : "?",
    reqid: typeof header.reqid === "string" ? header.reqid : undefined,
    bytes: frames.reduce((n, frame) => n + frameBytes(frame), 0),
    buffers: Math.max(0, (frames.length - 3) / 2),
  };
}

function formatFields(fields: DebugFields | undefined): string {
  if (fields === undefined) return "";
  let out = "";
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = String(value);
    out += ` ${key}=${/[\s"=]/.test(text) || text === "" ? JSON.stringify(text) : text}`;
  }
  return out;
}
