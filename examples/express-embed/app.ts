/**
 * Embedding a Bokeh session in an Express app (Bokeh's Flask embed example, in TypeScript).
 *
 * For each visitor the route pulls a new session of the Bokeh app, customizes it
 * (the plot's title greets the visitor), closes the client session — which first
 * sends the change to the server — and returns a page whose <script> tag, made by
 * serverSession(), shows that very session.
 *
 *   npm run example:express      then open the printed URL (try ?user=Ada)
 *
 * Environment (see the README): PORT (Express, default 8000), BOKEH_PORT (the embedded
 * Bokeh server, default 5006): when a port is taken, a free one is used instead, as
 * the demo does; 0 always takes a free one. BOKEH_URL: a running Bokeh server's app
 * URL, used instead of the embedded server.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { ColumnDataSource, figure, pullSession, serverSession, Slider, type Figure } from "bokeh-client";
import { BokehServer, ListenError, type Application } from "bokeh-client/server";

/** The Bokeh app: a sine wave whose frequency a slider sets, recomputed on the server. */
const sineApp: Application = (doc) => {
  const x = Array.from({ length: 200 }, (_, i) => (i / 199) * 4 * Math.PI);
  const source = new ColumnDataSource({ data: { x, y: x.map(Math.sin) } });
  const plot = figure({ name: "plot", title: "Sine", width: 600, height: 300, tools: "pan,wheel_zoom,reset" });
  plot.line({ x: "x", y: "y", source, line_width: 3, line_alpha: 0.7 });
  const slider = new Slider({ name: "frequency", title: "Frequency", start: 0.1, end: 5, value: 1, step: 0.1 });
  slider.onChange("value", (_attr, _old, value) => {
    source.data = { x, y: x.map((v) => Math.sin((value as number) * v)) };
  });
  doc.addRoot(slider);
  doc.addRoot(plot);
  doc.title = "Embedded Bokeh app";
};

function page(user: string, script: string): string {
  const name = user.replace(/[<>&"]/g, "");
  return `<!DOCTYPE html>
<html lang="en">
  <head><meta charset="utf-8"><title>Embedding Bokeh in Express</title></head>
  <body>
    <h1>Hello, ${name}</h1>
    <p>The plot below is a live Bokeh session made for you.</p>
    ${script}
  </body>
</html>`;
}

/** A port from the environment; undefined or not a port is the default. */
function portFrom(value: string | undefined, fallback: number): number {
  const port = Number(value ?? fallback);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`not a port: ${value}`);
  return port;
}

/** Runs `start(port)`; when the port is taken, `start(0)` (any free port) instead. */
async function withFreePort<T>(port: number, what: string, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (error) {
    // Express reports a taken port as Node does (code), the Bokeh server as a ListenError (systemCode).
    const taken = (error as NodeJS.ErrnoException).code === "EADDRINUSE" || (error instanceof ListenError && error.systemCode === "EADDRINUSE");
    if (!taken || port === 0) throw error;
    console.log(`${what}: port ${port} is taken, using a free one`);
    return start(0);
  }
}

function listen(web: express.Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = web.listen(port, "127.0.0.1");
    server.once("listening", () => resolve(server));
    server.once("error", reject);
  });
}

async function main(): Promise<void> {
  const web = express();
  const httpServer = await withFreePort(portFrom(process.env.PORT, 8000), "Express", (port) => listen(web, port));
  const webPort = (httpServer.address() as AddressInfo).port;

  let bokehUrl = process.env.BOKEH_URL;
  let bokeh: BokehServer | null = null;
  if (bokehUrl === undefined) {
    bokeh = await withFreePort(portFrom(process.env.BOKEH_PORT, 5006), "Bokeh", (port) =>
      BokehServer.start({
        port,
        apps: { "/sine": sineApp },
        // The page comes from Express, so BokehJS's websocket carries Express's origin.
        allowWebsocketOrigin: [`localhost:${webPort}`, `127.0.0.1:${webPort}`],
      }),
    );
    bokehUrl = bokeh.appUrl("/sine");
  }
  const appUrl = bokehUrl;

  web.get("/favicon.ico", (_req, res) => void res.status(204).end());
  web.get("/", async (req, res, next) => {
    try {
      const user = typeof req.query.user === "string" ? req.query.user : "visitor";
      const session = await pullSession({ url: appUrl });
      const plot = session.document!.selectOne({ name: "plot" }) as Figure;
      plot.title = `Hello, ${user}!`;
      const script = serverSession({ sessionId: session.id, url: appUrl });
      await session.close(); // sends the new title first (Python's client loses it: bokeh#13172)
      res.type("html").send(page(user, script));
    } catch (error) {
      next(error);
    }
  });

  console.log(`Bokeh app:   ${appUrl}`);
  console.log(`Express app: http://127.0.0.1:${webPort}/?user=Ada`);
  const stop = async () => {
    httpServer.close();
    await bokeh?.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
