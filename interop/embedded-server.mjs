// Our embedded server with one app, for real Python clients (docs/interop.md):
//   npm run build && node interop/embedded-server.mjs [port] [bokehVersion]
// bokehVersion is the Bokeh release the server is (default: the newest stable one, 3.10.0);
// use the Python client's own release, e.g. 3.9.2.
import { ColumnDataSource, Model } from "../dist/index.js";
import { BokehServer } from "../dist/server/index.js";

const server = await BokehServer.start({
  port: Number(process.argv[2] ?? 5207),
  ...(process.argv[3] ? { bokehVersion: process.argv[3] } : {}),
  apps: {
    "/app": (doc) => {
      doc.addRoot(new ColumnDataSource({ data: { x: new Float64Array([1, 2, 3]) }, name: "src" }));
      doc.addRoot(new Model("Div", { text: "hello", name: "div" }));
    },
  },
});
console.log(`serving ${server.appUrl("/app")} as Bokeh ${server.bokehVersion} (Ctrl-C stops)`);
