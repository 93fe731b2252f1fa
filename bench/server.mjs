// The server side of the benchmarks, in its own process so that only the
// client's CPU and memory are measured. Prints "READY <url>".
import { BokehServer } from "../dist/server/index.js";
import { ColumnDataSource, Model } from "../dist/index.js";

const server = await BokehServer.start({
  port: 0,
  keepAlive: 0,
  maxMessageSize: 1024 ** 3,
  maxBuffers: 100_000,
  log: () => {},
  apps: {
    // `?columns=2&rows=1000000`: float64 columns
    "/columns": (doc, ctx) => {
      const columns = Number(ctx.request.arguments.columns?.[0] ?? 2);
      const rows = Number(ctx.request.arguments.rows?.[0] ?? 1_000_000);
      const data = {};
      for (let c = 0; c < columns; c++) data[`c${c}`] = new Float64Array(rows).map((_, i) => i * 0.5 + c);
      doc.addRoot(new ColumnDataSource({ name: "source", data }));
    },
    // `?count=10000`: small models (100 roots of 100 Divs)
    "/models": (doc, ctx) => {
      const count = Number(ctx.request.arguments.count?.[0] ?? 10_000);
      for (let r = 0; r < count / 100; r++) {
        const children = [];
        for (let i = 0; i < 99; i++) children.push(new Model("Div", { text: `div ${r}.${i}`, width: 100 + i }));
        doc.addRoot(new Model("Column", { name: `col${r}`, children }));
      }
    },
    "/sliders": (doc) => {
      for (let i = 0; i < 100; i++) doc.addRoot(new Model("Slider", { name: `s${i}`, start: 0, end: 100_000, value: 0 }));
    },
    "/stream": (doc) => {
      doc.addRoot(new ColumnDataSource({ name: "source", data: { x: new Float64Array(0), y: new Float64Array(0) } }));
    },
    "/empty": () => {},
  },
});
process.stdout.write(`READY ${server.url}\n`);
