// The embedded server, started from the installed package: one app at /app.
import { Slider } from "bokeh-client";
import { BokehServer } from "bokeh-client/server";

const server = await BokehServer.start({
  port: 0,
  apps: { "/app": (doc) => doc.addRoot(new Slider({ name: "s", start: 0, end: 10, value: 1, step: 1 })) },
});
console.log(`READY ${server.url}`);
process.on("SIGTERM", () => void server.close());
