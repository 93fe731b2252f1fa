/**
 * The three applications the transcripts were recorded with, rebuilt for our
 * BokehServer. Each document is built from the recorded PULL-DOC-REPLY of the
 * transcript under test (so model ids match the recorded client frames); the
 * behaviour follows the fixture README: the events app's server callbacks, and
 * `event=<kind>` making the server perform the recorded change after `delay` ms.
 */
import { ColumnDataSource, Document, Model, type DocJson } from "../../src/index.js";
import { applyPatch } from "../../src/document/patch.js";
import { pyJson } from "../../src/protocol/pyjson.js";
import type { Application } from "../../src/server/index.js";
import { loadTranscript, recordedMessages, scenarioNames, type Transcript } from "./transcripts.js";

export interface RecordedDoc {
  json: DocJson;
  /** The binary buffers its arrays refer to (3.8+). */
  buffers: Map<string, Uint8Array>;
}

/** The document our server should serve: the one in the transcript's PULL-DOC-REPLY. */
export function recordedReplyDoc(t: Transcript): RecordedDoc | undefined {
  const reply = recordedMessages(t, "server->client").find((m) => m.header.msgtype === "PULL-DOC-REPLY");
  return reply === undefined ? undefined : { json: (reply.content as { doc: DocJson }).doc, buffers: reply.buffers };
}

function fill(doc: Document, { json, buffers }: RecordedDoc): void {
  const source = Document.fromJSON(json, buffers);
  for (const root of [...source.roots]) {
    source.removeRoot(root);
    doc.addRoot(root);
  }
  doc.title = source.title;
}

// The server-side change of each c-scenario, as the real server sent it.
function recordedServerChange(t: Transcript, event: string): Transcript | undefined {
  const name = scenarioNames(t.recording).find((s) => s.startsWith("c") && s.endsWith(`_server_${event}`));
  return name === undefined ? undefined : loadTranscript(name, t.recording);
}

export function eventsApp(t: Transcript): Application {
  const json = recordedReplyDoc(t) ?? recordedReplyDoc(loadTranscript("d01_client_property_set", t.recording))!;
  return (doc, context) => {
    fill(doc, json);
    const slider = doc.getModelByName("slider") as Model;
    const input = doc.getModelByName("text_input") as Model;
    const div = doc.getModelByName("div") as Model;
    doc.onChange((event) => {
      if (event.kind === "ModelChanged" && event.model === slider && event.attr === "value") input.set("value", `slider=${String(event.new)}`);
    });
    doc.onEvent("button_click", () => div.set("text", "button clicked (server saw ButtonClick)"));
    const event = context.request.arguments.event?.[0];
    // The recordings waited 700 ms; 50 ms keeps the same order and a faster suite.
    const delay = Math.min(Number(context.request.arguments.delay?.[0] ?? 700), 50);
    const recorded = event === undefined ? undefined : recordedServerChange(t, event);
    if (recorded !== undefined) {
      const patch = recordedMessages(recorded, "server->client").find((m) => m.header.msgtype === "PATCH-DOC")!;
      // The recorded change, made by server code (ids rewritten to this document's).
      context.addTimeoutCallback(() => applyPatch(doc, rewriteIds(patch.content, recorded, doc), patch.buffers, undefined), delay);
    }
  };
}

// Model ids differ between recordings; map them by model name.
function rewriteIds(content: unknown, recorded: Transcript, doc: Document): unknown {
  const { json, buffers } = recordedReplyDoc(recorded)!;
  const theirs = Document.fromJSON(json, buffers);
  const map = new Map<string, string>();
  for (const model of theirs.models) {
    const name = model.get("name");
    const ours = typeof name === "string" ? doc.getModelByName(name) : null;
    if (ours !== null) map.set(model.id, ours.id);
    // sub-models of the source (selection) follow their owner
    if (model instanceof ColumnDataSource && ours instanceof Model) {
      const a = model.get("selected") as Model;
      const b = ours.get("selected") as Model;
      map.set(a.id, b.id);
    }
  }
  return JSON.parse(JSON.stringify(content), (key, value: unknown) => (key === "id" && typeof value === "string" && map.has(value) ? map.get(value) : value));
}

export function demoApp(t: Transcript): Application {
  const json = recordedReplyDoc(t) ?? recordedReplyDoc(loadTranscript("a_pull_session", t.recording))!;
  return (doc, context) => {
    fill(doc, json);
    (doc.getModelByName("request_args") as Model).set("text", pyJson(context.request.arguments));
    const source = doc.getModelByName("source") as ColumnDataSource;
    const amplitude = doc.getModelByName("amplitude") as Model;
    const period = Number(context.request.arguments.period?.[0] ?? 1000);
    let t0 = 10;
    if (period > 0) {
      context.addPeriodicCallback(() => {
        const x = t0++;
        source.stream({ x: [x], y: [(amplitude.get("value") as number) * Math.sin(x)] }, 50);
      }, period);
    }
  };
}

export const emptyApp: Application = () => {};

export function appsFor(t: Transcript): Record<string, Application> {
  return { "/demo": demoApp(t), "/events": eventsApp(t), "/empty": emptyApp };
}
