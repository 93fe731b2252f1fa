// A BokehServer in its own process (built code in dist/), for tests that kill it.
// Prints "READY <url>" once listening. Options come as JSON in BOKEH_TEST_SERVER.
import { BokehServer } from "../../dist/server/index.js";
import { ColumnDataSource, Model } from "../../dist/index.js";

const options = JSON.parse(process.env.BOKEH_TEST_SERVER ?? "{}");
const rows = options.rows ?? 10;
const server = await BokehServer.start({
  port: options.port ?? 0,
  log: () => {},
  apps: {
    "/": (doc) => {
      const x = new Float64Array(rows).map((_, i) => i);
      doc.addRoot(new ColumnDataSource({ name: "source", data: { x, y: x.map((v) => v * 2) } }));
      const div = new Model("Div", { name: "div", text: "hello" });
      doc.addRoot(div);
      if (options.recordText) {
        // Every value the div's text takes on the server, in order, comma-separated.
        const log = new Model("Div", { name: "log", text: "" });
        doc.addRoot(log);
        div.onChange("text", (_attr, _old, value) => log.set("text", log.get("text") === "" ? String(value) : `${log.get("text")},${value}`));
      }
    },
  },
});
process.stdout.write(`READY ${server.url}\n`);
