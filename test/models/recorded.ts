/**
 * Whole documents Python Bokeh sent in the recorded transcripts of a release (3.7 or 3.9),
 * with their buffers, read independently of the code under test (helpers/transcripts.ts
 * assembles the frames). The 3.9 transcripts are the project's copy when there is one, else
 * the shared one (../shared/fixtures, beside the checkout).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DocJson } from "../../src/document/index.js";
import { assemble, type Transcript } from "../helpers/transcripts.js";

const CHECKOUT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function transcriptDir(release: "3.7" | "3.9"): string {
  const own = join(CHECKOUT, "test", "fixtures", `bokeh-${release}`);
  return existsSync(own) ? own : join(CHECKOUT, "..", "shared", "fixtures", `bokeh-${release}`);
}

/** The `doc` of the first complete `msgtype` message (PUSH-DOC, PULL-DOC-REPLY) of a scenario, and its buffers. */
export function recordedDocument(
  release: "3.7" | "3.9",
  scenario: string,
  msgtype: "PUSH-DOC" | "PULL-DOC-REPLY",
): { doc: DocJson; buffers: Map<string, Uint8Array> } {
  const t = JSON.parse(readFileSync(join(transcriptDir(release), `${scenario}.json`), "utf8")) as Transcript;
  const info = t.messages.find((m) => m.msgtype === msgtype && m.complete);
  if (info === undefined) throw new Error(`no ${msgtype} in ${release}/${scenario}`);
  const frames = t.frames.filter((f) => f.msg === info.index);
  const message = assemble(frames.map((f) => (f.kind === "binary" ? { binary: Buffer.from(f.base64 ?? "", "base64") } : { text: f.text ?? "" })));
  return { doc: (message.content as { doc: DocJson }).doc, buffers: message.buffers };
}
