// The benchmark figures. Each runs in its own fresh process (see run.mjs), like
// separate runs of the Python client, and reports its numbers with `report`.
// Client CPU = process.cpuUsage() of this process (all threads) from the call to
// its result; garbage left by the benchmark's own setup is collected first.
import { ClientSession, ColumnDataSource, Document, pullSession, Range1d, Selection, Title } from "../dist/index.js";

function cpuMs(before) {
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

// Heap + external (ArrayBuffers included) after full GCs; V8 frees ArrayBuffer
// memory lazily, so it waits a little between collections.
async function memory() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 30));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const settle = () => globalThis.gc();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const big = { maxMessageSize: 1024 ** 3, timeout: 120_000 };
const ws = (url) => url.replace(/^http/, "ws");

// A websocket server that answers any message with two 8 MB binary frames, then "ok".
const ECHO_SERVER = `
import { WebSocketServer } from "ws";
const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false, maxPayload: 1024 ** 3 });
const back = Buffer.alloc(8 * 1024 * 1024, 7);
wss.on("connection", (ws) => ws.on("message", () => { ws.send(back); ws.send(back); ws.send("ok"); }));
wss.on("listening", () => console.log(wss.address().port));
`;

// Median client CPU of pushes 6-15 of the two-column document, each in a new session.
async function pushes(server, options) {
  const cpu = [];
  const c0data = new Float64Array(1_000_000).map((_, i) => i);
  const c1data = new Float64Array(1_000_000).map((_, i) => -i);
  for (let run = 0; run < 15; run++) {
    const doc = new Document({ roots: [new ColumnDataSource({ data: { c0: c0data, c1: c1data } })] });
    const session = new ClientSession({ websocketUrl: `${ws(server)}/empty/ws`, ...big, ...options });
    await session.connect();
    settle();
    const c0 = process.cpuUsage();
    await session.push(doc);
    cpu.push(cpuMs(c0));
    await session.close();
  }
  return median(cpu.slice(5)); // steady state: the first pushes of a process also fault in fresh memory
}

// The JSON of a document of `count` small models: Divs under one Column root, Range1d roots.
function smallModelsJson(count) {
  const children = [];
  for (let i = 0; i < count; i++) {
    const div = i % 2 === 0;
    children.push({ type: "object", name: div ? "Div" : "Range1d", id: `m${i}`, attributes: div ? { text: `div ${i}` } : { start: i, end: i + 1 } });
  }
  const divs = children.filter((c) => c.name === "Div");
  return { title: "big", roots: [{ type: "object", name: "Column", id: "root", attributes: { children: divs } }, ...children.filter((c) => c.name === "Range1d")] };
}

export const figures = {
  async pullColumns(server, report) {
    const cpu = [];
    const wall = [];
    let growth = 0;
    for (let run = 0; run < 8; run++) {
      const session = new ClientSession({ websocketUrl: `${ws(server)}/columns/ws`, arguments: { columns: "2", rows: "1000000" }, ...big });
      await session.connect();
      const before = run === 0 ? await memory() : 0;
      settle();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const doc = await session.pull();
      cpu.push(cpuMs(c0));
      wall.push(performance.now() - t0);
      if (run === 0) growth = (await memory()) - before;
      const x = doc.getModelByName("source").data.c1;
      if (x.length !== 1_000_000 || x[999_999] !== 999_999 * 0.5 + 1) throw new Error("wrong data");
      await session.close();
    }
    const raw = 2 * 8 * 1_000_000;
    const c = median(cpu.slice(1));
    report("pull 2 x 1,000,000 float64 rows: client CPU", round(c), "ms", "<= 45 ms", c <= 45, `wall ${round(median(wall.slice(1)))} ms`);
    report("pull 2 x 1,000,000 float64 rows: memory growth / raw bytes", round(growth / raw, 2), "x", "<= 1.5x", growth / raw <= 1.5, `${round(growth / 2 ** 20)} MiB for ${round(raw / 2 ** 20)} MiB raw`);
  },

  async pullTenColumns(server, report) {
    settle();
    const c0 = process.cpuUsage();
    const session = await pullSession({ url: `${server}/columns`, arguments: { columns: "10", rows: "1000000" }, ...big });
    const c = cpuMs(c0);
    const source = session.document.getModelByName("source");
    const ok = Object.keys(source.data).length === 10 && source.data.c9.length === 1_000_000 && source.data.c9[5] === 5 * 0.5 + 9;
    report("pull 10 x 1,000,000 float64 rows (Python cannot)", ok ? "works" : "FAILS", "", "works", ok, `client CPU ${round(c)} ms`);
    await session.close();
  },

  async pullModels(server, report) {
    const cpu = [];
    for (let run = 0; run < 8; run++) {
      const session = new ClientSession({ websocketUrl: `${ws(server)}/models/ws`, arguments: { count: "10000" }, ...big });
      await session.connect();
      settle();
      const c0 = process.cpuUsage();
      const doc = await session.pull();
      cpu.push(cpuMs(c0));
      if (doc.models.length !== 10_000) throw new Error(`expected 10,000 models, got ${doc.models.length}`);
      await session.close();
    }
    const c = median(cpu.slice(1));
    report("pull 10,000 small models: client CPU", round(c), "ms", "<= 100 ms", c <= 100);
  },

  // No server: a document of 10,000 small models (half Divs under a Column, half Range1d roots)
  // read from its JSON, as a pull does after the bytes arrived. Typed models must cost per type,
  // not per instance (catalog entries parsed once, accessors defined once per class).
  async decodeModels(_server, report) {
    const json = smallModelsJson(10_000);
    Document.fromJSON(smallModelsJson(10)); // the few catalog entries used, parsed once
    const cpu = [];
    for (let run = 0; run < 8; run++) {
      settle();
      const c0 = process.cpuUsage();
      const doc = Document.fromJSON(json);
      cpu.push(cpuMs(c0));
      if (doc.models.length !== 10_001 || !(doc.getModelById("m1") instanceof Range1d)) throw new Error("wrong document");
    }
    const c = median(cpu.slice(1));
    report("Document.fromJSON of 10,000 small models: CPU", round(c), "ms", "<= 60 ms", c <= 60, "no socket: the decoding part of the pull above");
  },

  // No server: 10,000 typed models made and validated locally.
  async createModels(_server, report) {
    for (let i = 0; i < 100; i++) new Title({ text: `warm ${i}`, align: "center" });
    const cpu = [];
    for (let run = 0; run < 8; run++) {
      settle();
      const c0 = process.cpuUsage();
      for (let i = 0; i < 10_000; i++) new Title({ text: `t${i}`, align: "center" });
      cpu.push(cpuMs(c0));
    }
    const c = median(cpu.slice(1));
    report("10,000 new Title({ text, align }): CPU", round(c), "ms", "<= 50 ms", c <= 50, "each attribute validated");
  },

  // No server: a typed array is validated by its element type, not element by element.
  async validateArrays(_server, report) {
    const big = new Float64Array(1_000_000);
    const source = new ColumnDataSource();
    for (let i = 0; i < 10; i++) source.data = { x: big, y: big };
    settle();
    const c0 = process.cpuUsage();
    for (let i = 0; i < 100; i++) source.data = { x: big, y: big };
    const each = cpuMs(c0) / 100;
    report("source.data = two 1,000,000-row Float64Arrays: CPU each", round(each, 3), "ms", "<= 1 ms", each <= 1, "checked by element type, not per element");
    const list = Array.from({ length: 1_000_000 }, (_, i) => i);
    const selection = new Selection();
    const c1 = process.cpuUsage();
    selection.indices = list;
    const l = cpuMs(c1);
    report("  context: selection.indices = a 1,000,000-item list (checked item by item)", round(l), "ms", "(none)", true);
  },

  async push(server, report) {
    const c = await pushes(server, {});
    report("push 2 x 1,000,000 float64 rows: client CPU", round(c), "ms", "<= 30 ms", c <= 30, "arrays as binary buffers, which our server accepts; its 16 MB echo is read off the socket and skipped");
  },

  // Context: the same push in Bokeh 3.7's form (arrays inline as base64), as to a real Bokeh 3.7.
  async push37(server, report) {
    const c = await pushes(server, { bokehVersion: "3.7.3" });
    report("  context: the same push in 3.7 form (base64), as to Bokeh 3.7", round(c), "ms", "(none)", true);
  },

  // Context: the push again, in a process whose C allocator keeps freed memory (figureEnv below).
  // The difference is the page faults of the echo's receive buffers (docs/benchmarks.md).
  async pushKeepingMemory(server, report) {
    const c = await pushes(server, {});
    report("  context: the same push, glibc told to keep freed memory", round(c), "ms", "(none)", true, "MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_");
  },

  // Context for the push and pull figures (docs/benchmarks.md): V8 starts incremental marking
  // only once the old generation is above 8 MiB, and bulk transfers set it off above that.
  async heap(_server, report) {
    for (let i = 0; i < 3; i++) globalThis.gc();
    const used = process.memoryUsage().heapUsed;
    report("  context: JS heap of a process that imported bokeh-client", round(used / 2 ** 20, 2), "MiB", "(none)", true, "V8 marks incrementally above 8 MiB");
  },

  // Not a figure of ours: context next to the push figure (docs/benchmarks.md). The bytes a
  // push moves, with bare `ws` and no Bokeh code: a 21 MB text frame is sent and the 16 MB
  // echo a Bokeh server sends back before its OK is received. Two lines: the frame made
  // (base64) and masked as any client must; and the socket I/O alone (frame made once,
  // outside the timing, and sent unmasked), which no client can go below.
  async pushFloor(_server, report) {
    const { spawn } = await import("node:child_process");
    const { WebSocket } = await import("ws");
    const echo = spawn(process.execPath, ["--input-type=module", "-e", ECHO_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const port = await new Promise((resolve) => echo.stdout.once("data", (d) => resolve(String(d).trim())));
      const raw = Buffer.alloc(16 * 1024 * 1024, 3);
      const made = Buffer.from(raw.toString("base64"), "latin1");
      const variants = [
        ["  context: base64 + masked send + echo, bare ws", {}, () => Buffer.from(raw.toString("base64"), "latin1")],
        ["  context: socket I/O alone (no base64, no mask)", { generateMask: (mask) => mask.fill(0) }, () => made],
      ];
      for (const [label, options, frameOf] of variants) {
        const socket = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false, maxPayload: 1024 ** 3, ...options });
        await new Promise((resolve) => socket.once("open", resolve));
        const cpu = [];
        for (let run = 0; run < 15; run++) {
          settle();
          const c0 = process.cpuUsage();
          const frame = frameOf();
          await new Promise((resolve) => {
            const onMessage = (_data, binary) => {
              if (binary) return;
              socket.off("message", onMessage);
              resolve();
            };
            socket.on("message", onMessage);
            socket.send(frame, { binary: false });
          });
          cpu.push(cpuMs(c0));
        }
        socket.close();
        const c = median(cpu.slice(5));
        report(label, round(c), "ms", "(none)", true, `min ${round(Math.min(...cpu.slice(5)))} ms`);
      }
    } finally {
      echo.kill();
    }
  },

  async edits(server, report) {
    const wall = [];
    for (let run = 0; run < 8; run++) {
      const session = await pullSession({ url: `${server}/sliders`, ...big });
      const sliders = session.document.roots;
      settle();
      const t0 = performance.now();
      for (let i = 0; i < 10_000; i++) sliders[i % 100].set("value", i);
      await session.flush();
      wall.push(performance.now() - t0);
      await session.close();
    }
    const w = median(wall.slice(1));
    report("10,000 property edits, confirmed: wall", round(w), "ms", "<= 100 ms", w <= 100);
  },

  async stream(server, report) {
    const wall = [];
    for (let run = 0; run < 5; run++) {
      const session = await pullSession({ url: `${server}/stream`, ...big });
      const source = session.document.getModelByName("source");
      settle();
      const t0 = performance.now();
      for (let chunk = 0; chunk < 1000; chunk++) {
        const x = new Float64Array(1000);
        for (let i = 0; i < 1000; i++) x[i] = chunk * 1000 + i;
        source.stream({ x, y: x });
      }
      await session.flush();
      wall.push(performance.now() - t0);
      if (source.length !== 1_000_000) throw new Error("stream lost rows");
      const check = await pullSession({ url: `${server}/stream`, sessionId: session.id, ...big });
      if (check.document.getModelByName("source").length !== 1_000_000) throw new Error("server lost rows");
      await check.close();
      await session.close();
    }
    const w = median(wall.slice(1));
    report("stream 1,000,000 rows in 1,000-row chunks, confirmed: wall", round(w), "ms", "<= 300 ms", w <= 300);
  },

  async latency(server, report) {
    const session = await pullSession({ url: `${server}/empty` });
    for (let i = 0; i < 200; i++) await session.forceRoundtrip();
    const times = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      await session.forceRoundtrip();
      times.push(performance.now() - t0);
    }
    const m = median(times);
    const p99 = [...times].sort((a, b) => a - b)[1979];
    report("request/reply latency (median of 2,000)", round(m, 3), "ms", "<= 1 ms", m <= 1, `p99 ${round(p99, 3)} ms`);
    await session.close();
  },

  async sessions(server, report) {
    const open = async () => {
      const sessions = [];
      for (let batch = 0; batch < 10; batch++) {
        sessions.push(...(await Promise.all(Array.from({ length: 100 }, () => pullSession({ url: `${server}/empty` })))));
      }
      return sessions;
    };
    // A first round pays one-time costs (compiled code, caches); the second is measured.
    await Promise.all((await open()).map((s) => s.close()));
    await new Promise((r) => setTimeout(r, 200));
    const before = await memory();
    const t0 = performance.now();
    const sessions = await open();
    const wall = performance.now() - t0;
    const each = ((await memory()) - before) / sessions.length;
    report("open 1,000 sessions: wall", round(wall), "ms", "<= 2000 ms", wall <= 2000);
    report("open 1,000 sessions: memory per session", round(each / 1024, 1), "KB", "<= 30 KB", each <= 30 * 1024);
    await Promise.all(sessions.map((s) => s.close()));
    sessions.length = 0;
    await new Promise((r) => setTimeout(r, 200));
    const left = (await memory()) - before;
    report("after closing them all: memory left", round(left / 1024), "KB", "< 1 MB (noise)", left < 1024 * 1024);
  },
};

/** Extra environment for a figure's process. */
export const figureEnv = {
  pushKeepingMemory: { MALLOC_TRIM_THRESHOLD_: String(1024 ** 3), MALLOC_MMAP_THRESHOLD_: String(1024 ** 3) },
};

// Run as `node --expose-gc bench/figures.mjs <figure> <server url>`: prints one JSON line per number.
if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [name, server] = process.argv.slice(2);
  await figures[name](server, (...fields) => process.stdout.write(`${JSON.stringify(fields)}\n`));
  process.exit(0);
}
