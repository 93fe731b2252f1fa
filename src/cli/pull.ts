/**
 * `bokeh-client pull URL [--session ID] [-o file.json] [--tree]`: a session's
 * document as Bokeh's DocJson (what `Document.toJSON()` writes), or as a
 * readable tree of its models and their non-default properties.
 */
import { writeFile } from "node:fs/promises";
import { pullSession } from "../client/api.js";
import { sessionTarget } from "./target.js";
import { command, EXIT_OK, UsageError } from "./command.js";
import { Progress } from "./progress.js";
import { formatBytes, formatMs } from "./stats.js";
import { documentTree } from "./tree.js";

export const pull = command({
  name: "pull",
  args: "URL",
  positionals: [1, 1],
  summary: "Print a session's document as Bokeh's JSON (DocJson), or as a tree of models.",
  options: {
    session: { type: "string", value: "ID", description: "join this session (default: a new session of the app)" },
    output: { type: "string", short: "o", value: "FILE", description: "write to FILE instead of stdout" },
    tree: { type: "boolean", description: "a readable tree of models with their non-default properties" },
  },
  details: `Progress goes to stderr (a bar on a terminal, lines when piped); the document to stdout or FILE.`,
  async run(values, [url]) {
    if (values.output === "") throw new UsageError("--output needs a file name");
    const progress = new Progress(`pulling ${url}`);
    const start = performance.now();
    let session;
    try {
      session = await pullSession({
        ...sessionTarget(url as string, values.session),
        onProgress: ({ done, total }) => progress.update(done, total, `${formatBytes(done)} of ${formatBytes(total)}`),
      });
    } catch (error) {
      progress.clear();
      throw error;
    }
    try {
      const document = session.document!;
      const text = values.tree ? documentTree(document) : `${JSON.stringify(document.toJSON())}\n`;
      const took = performance.now() - start;
      if (values.output !== undefined) await writeFile(values.output, text);
      else process.stdout.write(text);
      progress.finish(
        `pulled session ${session.id}: ${document.models.length} models, ${formatBytes(Buffer.byteLength(text))} in ${formatMs(took)}` +
          (values.output !== undefined ? ` -> ${values.output}` : ""),
      );
    } finally {
      await session.close();
    }
    return EXIT_OK;
  },
});
