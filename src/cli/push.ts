/**
 * `bokeh-client push FILE URL [--session ID]`: sends a document to a session and
 * prints the session's URL. FILE is Bokeh's DocJson (`.json`, as `pull` writes
 * it), or a JavaScript/TypeScript module whose default export is a Document (or
 * a function that returns one).
 */
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pushSession } from "../client/api.js";
import { serverUrlForWebsocketUrl, withQueryArguments } from "../client/urls.js";
import { Document, type DocJson } from "../document/document.js";
import { sessionTarget } from "./target.js";
import { command, EXIT_OK, UsageError } from "./command.js";
import { importDefault, resolveAppPath } from "./modules.js";
import { Progress } from "./progress.js";
import { formatBytes, formatMs } from "./stats.js";
import { waitForSignal } from "./signals.js";

export const push = command({
  name: "push",
  args: "FILE URL",
  positionals: [2, 2],
  summary: "Push a document (a DocJson file, or a module exporting a Document) into a session and print its URL.",
  options: {
    session: { type: "string", value: "ID", description: "push into this session (default: a new session id)" },
    keep: { type: "boolean", description: "stay connected until Ctrl-C (the server keeps a session while a connection is open)" },
    show: { type: "boolean", description: "open the session in the browser" },
  },
  details: `A Bokeh server drops a session some time after its last connection closes (15 s by default):
open the printed URL before that, or use --keep.`,
  async run(values, [file, url]) {
    const target = sessionTarget(url as string, values.session);
    const document = await loadDocument(file as string);
    const progress = new Progress(`pushing ${document.models.length} models to ${url}`);
    const start = performance.now();
    let session;
    try {
      session = await pushSession(document, {
        ...target,
        onProgress: ({ direction, done, total }) => direction === "out" && progress.update(done, total, `${formatBytes(done)} of ${formatBytes(total)}`),
      });
    } catch (error) {
      progress.clear();
      throw error;
    }
    try {
      progress.finish(`pushed ${document.models.length} models in ${formatMs(performance.now() - start)}`);
      const stopped = values.keep ? waitForSignal() : null; // listening before anything says we are ready
      const sessionUrl = withQueryArguments(serverUrlForWebsocketUrl(session.url), { "bokeh-session-id": session.id });
      process.stdout.write(`${sessionUrl}\n`);
      if (values.show) await session.show();
      if (values.keep) {
        process.stderr.write("connected; Ctrl-C to close the session\n");
        await Promise.race([stopped, session.waitUntilClosed()]);
      }
    } finally {
      await session.close();
    }
    return EXIT_OK;
  },
});

async function loadDocument(file: string): Promise<Document> {
  if (extname(file) === ".json") {
    let json: DocJson;
    try {
      json = JSON.parse(await readFile(resolve(file), "utf8")) as DocJson;
    } catch (error) {
      throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`, { cause: error });
    }
    try {
      return Document.fromJSON(json);
    } catch (error) {
      throw new UsageError(`${file} is not a Bokeh document (DocJson): ${(error as Error).message}`, { cause: error });
    }
  }
  let exported = await importDefault(resolveAppPath(file).file);
  if (typeof exported === "function") {
    try {
      exported = await (exported as () => unknown)();
    } catch (error) {
      throw new UsageError(`the default export of ${file} threw: ${String(error)}`, { cause: error });
    }
  }
  if (exported instanceof Document) return exported;
  const name = (exported as { constructor?: { name?: string } } | null)?.constructor?.name;
  throw new UsageError(
    name === "Document"
      ? `${file} exports a Document from another copy of bokeh-client: run the bokeh-client that the module imports (npx bokeh-client from its project)`
      : `${file} must be a .json DocJson file or a module whose default export is a Document (or a function returning one)`,
  );
}
