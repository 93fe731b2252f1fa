/**
 * `bokeh-client watch URL [--session ID] [--json]`: every change of a session's
 * document as it arrives, one line each (or one JSON object per line). Ctrl-C
 * closes the session and exits 0; a connection lost exits 2.
 */
import { pullSession } from "../client/api.js";
import type { DocumentChangedEvent } from "../document/events.js";
import { Model } from "../document/model.js";
import { isTypedArray, NDArray } from "../serialization/values.js";
import { sessionTarget } from "./target.js";
import { command, EXIT_OK, exitCodeFor } from "./command.js";
import { waitForSignal } from "./signals.js";
import { formatValue } from "./tree.js";

export const watch = command({
  name: "watch",
  args: "URL",
  positionals: [1, 1],
  summary: "Print every change of a session's document as it arrives, one line each, or NDJSON.",
  options: {
    session: { type: "string", value: "ID", description: "watch this session (default: a new session of the app)" },
    json: { type: "boolean", description: "one JSON object per change (NDJSON)" },
  },
  details: `The first line (stderr) names the session; Ctrl-C closes it and exits 0.
Watching a new session of an app shows what the app itself changes (periodic callbacks...);
to watch what a browser does, pass its session id (the bokeh-session-id of its page).`,
  async run(values, [url]) {
    const session = await pullSession(sessionTarget(url as string, values.session));
    const document = session.document!;
    const stopped = waitForSignal(); // listening before anything says we are ready
    process.stderr.write(`watching session ${session.id} of ${url} (${document.models.length} models); Ctrl-C to stop\n`);
    const off = document.onChange((event) => process.stdout.write(`${values.json ? JSON.stringify(eventJson(event)) : eventLine(event)}\n`));
    let lost: unknown = null;
    session.on("close", (error) => (lost = error));
    await Promise.race([stopped, session.waitUntilClosed()]);
    off();
    await session.close().catch(() => {});
    if (lost !== null) {
      process.stderr.write(`the connection was lost: ${(lost as Error).message}\n`);
      return exitCodeFor(lost);
    }
    return EXIT_OK;
  },
});

function ref(model: Model): string {
  return `${model.type}(${model.id})`;
}

/** One readable line: `ModelChanged Slider(p1001).value = 3 (was 1)`. */
export function eventLine(event: DocumentChangedEvent): string {
  switch (event.kind) {
    case "ModelChanged":
      return `${event.kind} ${ref(event.model)}.${event.attr} = ${formatValue(event.new)} (was ${formatValue(event.old)})`;
    case "ColumnDataChanged":
      return `${event.kind} ${ref(event.model)}.${event.attr} columns ${Object.keys(event.data).join(", ")}`;
    case "ColumnsStreamed": {
      const columns = Object.entries(event.data);
      const first = columns[0]?.[1];
      const rows = first === undefined ? 0 : first instanceof NDArray ? (first.shape[0] ?? 0) : first.length;
      return `${event.kind} ${ref(event.model)}.${event.attr} +${rows} rows (${columns.map(([name]) => name).join(", ")})${event.rollover === null ? "" : ` rollover ${event.rollover}`}`;
    }
    case "ColumnsPatched":
      return `${event.kind} ${ref(event.model)}.${event.attr} ${Object.keys(event.patches).join(", ")}`;
    case "RootAdded":
    case "RootRemoved":
      return `${event.kind} ${ref(event.model)}`;
    case "TitleChanged":
      return `${event.kind} ${JSON.stringify(event.title)}`;
    case "MessageSent":
      return `${event.kind} ${event.msg_type} ${formatValue(event.msg_data)}`;
  }
}

/** The event as JSON: models as `{type, id}`, typed arrays as lists. */
export function eventJson(event: DocumentChangedEvent): Record<string, unknown> {
  const { setter: _setter, document: _document, ...fields } = event;
  return { time: new Date().toISOString(), ...(plain(fields, 0) as Record<string, unknown>) };
}

function plain(value: unknown, depth: number): unknown {
  if (value instanceof Model) return { type: value.type, id: value.id };
  if (isTypedArray(value)) return Array.from(value as ArrayLike<number | bigint>, (x) => (typeof x === "bigint" ? x.toString() : x));
  if (value instanceof NDArray) return { dtype: value.dtype, shape: value.shape, array: plain(value.array, depth + 1) };
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth > 20) return "...";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Object.fromEntries(entries.map(([k, v]) => [String(k), plain(v, depth + 1)]));
}
