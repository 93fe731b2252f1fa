/**
 * `bokeh-client serve app.ts|app.js|dir ...`: apps written in TypeScript or
 * JavaScript on the embedded server, with the options of `bokeh serve`. An app
 * module's default export is the app function `(doc, context) => ...`; each app
 * is served at `/<file or folder name>`. Runs until Ctrl-C.
 */
import { openInBrowser } from "../client/browser.js";
import { LATEST_BOKEH_VERSION } from "../protocol/version.js";
import type { Application } from "../server/application.js";
import { BokehServer, type BokehServerOptions } from "../server/server.js";
import { SERVER_BOKEH_VERSIONS, type ServerBokehVersion } from "../server/versions.js";
import { ListenError } from "../server/errors.js";
import { debugLog } from "../util/debug.js";
import { command, EXIT_OK, integerOption, UsageError } from "./command.js";
import { importDefault, resolveAppPath } from "./modules.js";
import { waitForSignal } from "./signals.js";

const debug = debugLog("cli serve");

export const serve = command({
  name: "serve",
  args: "APP...",
  positionals: [1, null],
  summary: "Run TypeScript or JavaScript Bokeh apps on the embedded server (like bokeh serve).",
  options: {
    port: { type: "string", value: "PORT", description: "port to listen on (default 5006; 0 picks a free one)" },
    address: { type: "string", value: "ADDRESS", description: "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)" },
    show: { type: "boolean", description: "open the first app in the browser" },
    "allow-websocket-origin": {
      type: "string",
      multiple: true,
      value: "HOST[:PORT]",
      description: "an origin allowed to open websockets (repeatable; default localhost and 127.0.0.1 on PORT)",
    },
    "bokeh-version": { type: "string", value: "VERSION", description: `the Bokeh release to serve: ${SERVER_BOKEH_VERSIONS.join(", ")} (default ${LATEST_BOKEH_VERSION})` },
  },
  details: `APP is a module (.ts, .mts, .js, .mjs) whose default export is the app function
(doc, context) => { ... }, or a folder with main.ts / main.js (or index.*). Each app is
served at /<file or folder name>. TypeScript needs Node 22.18+ or tsx installed.`,
  async run(values, paths) {
    const port = integerOption("port", values.port) ?? 5006;
    if (port > 65535) throw new UsageError(`--port must be at most 65535, not ${port}`);
    const apps: Record<string, Application> = {};
    for (const path of paths) {
      const { file, name } = resolveAppPath(path);
      if (`/${name}` in apps) throw new UsageError(`two apps would be served at /${name}`);
      const app = await importDefault(file);
      if (typeof app !== "function") throw new UsageError(`${path} must export an app function as its default export: export default (doc, context) => { ... }`);
      apps[`/${name}`] = app as Application;
      debug.log("app loaded", { path: `/${name}`, file });
    }
    const requested = values["bokeh-version"];
    if (requested !== undefined && !(SERVER_BOKEH_VERSIONS as readonly string[]).includes(requested)) {
      throw new UsageError(`--bokeh-version must be one of ${SERVER_BOKEH_VERSIONS.join(", ")}, not ${requested}`);
    }
    const options: BokehServerOptions = {
      apps,
      port,
      host: values.address ?? "127.0.0.1",
      log: (level, message) => {
        if (level === "warn" || level === "error") process.stderr.write(`[${level}] ${message}\n`);
        else debug.log(`[${level}] ${message}`);
      },
      ...(values["allow-websocket-origin"] === undefined ? {} : { allowWebsocketOrigin: values["allow-websocket-origin"] }),
      ...(requested === undefined ? {} : { bokehVersion: requested as ServerBokehVersion }),
    };
    let server: BokehServer;
    try {
      server = await BokehServer.start(options);
    } catch (error) {
      if (!(error instanceof ListenError)) throw error;
      if (error.systemCode === "EADDRINUSE") throw new UsageError(`port ${port} is in use: pick another with --port (0 picks a free one)`, { cause: error });
      throw new UsageError(error.message, { cause: error });
    }
    try {
      const served = server.bokehVersion;
      const stopped = waitForSignal(); // listening before anything says we are ready
      process.stdout.write(`Bokeh ${served} server listening on ${server.url}\n`);
      for (const path of Object.keys(apps)) process.stdout.write(`app ${path}: ${server.appUrl(path)}\n`);
      if (values.show) {
        try {
          await openInBrowser(server.appUrl(Object.keys(apps)[0]), {});
        } catch (error) {
          process.stderr.write(`${(error as Error).message}\n`);
        }
      }
      process.stderr.write("Ctrl-C to stop\n");
      await stopped;
      process.stderr.write("stopping\n");
    } finally {
      await server.close();
    }
    return EXIT_OK;
  },
});
