// bench:real, our side: one workload of bokeh-client against the real Bokeh server, in this
// fresh process (run.mjs starts one per run). Prints one JSON line of results.
//   node --expose-gc bench/real/node-client.mjs <workload> <server url> [options JSON]
// Client CPU is process.cpuUsage() (all threads of this process, GC included); wall is
// performance.now(). "first" is the process's first operation, as a command-line user
// meets it; "steady" the median of the ones after it.
const startCpu = process.cpuUsage();
const { ClientSession, ColumnDataSource, Document, pullSession } = await import("../../dist/index.js");
const importCpu = cpuMs({ user: 0, system: 0 }); // process start + import of bokeh-client
// How many PATCH-DOCs this process sent (the window of PATCH-DOCs in flight sends changes that
// wait for an OK together): counted on the connection's send, one increment per message.
const { ClientConnection } = await import("../../dist/client/connection.js");
let patchDocs = 0;
const post = ClientConnection.prototype.post;
ClientConnection.prototype.post = function (msgtype, ...rest) {
  if (msgtype === "PATCH-DOC") patchDocs += 1;
  return post.call(this, msgtype, ...rest);
};

function cpuMs(before) {
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const settle = () => globalThis.gc();
async function retained() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 30));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
const turn = () => new Promise((resolve) => setImmediate(resolve));
const firstAndSteady = (xs) => ({ first: xs[0], steady: median(xs.slice(1)) });

const [workload, base, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? "{}");
const ws = (app) => `${base.replace(/^http/, "ws")}${app}/ws`;

async function pullColumns(columns, repeat, sessionOptions) {
  const args = { columns: String(columns), rows: "1000000" };
  const check = (doc) => {
    const data = doc.getModelByName("source").data;
    const last = data[`c${columns - 1}`];
    if (Object.keys(data).length !== columns || last.length !== 1_000_000 || last[999_999] !== 999_999 * 0.5 + columns - 1) throw new Error("wrong data");
  };
  const cpu = [];
  const wall = [];
  for (let run = 0; run < repeat; run++) {
    const session = new ClientSession({ websocketUrl: ws("/columns"), arguments: args, ...sessionOptions });
    await session.connect();
    settle();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let doc;
    try {
      doc = await session.pull();
    } catch (error) {
      await session.close().catch(() => {});
      return { error: `${error.name}${error.code ? ` (${error.code})` : ""}: ${error.message}` };
    }
    cpu.push(cpuMs(c0));
    wall.push(performance.now() - t0);
    check(doc);
    await session.close();
  }
  // Memory: what one more pulled document holds, after full collections.
  const session = new ClientSession({ websocketUrl: ws("/columns"), arguments: args, ...sessionOptions });
  await session.connect();
  const before = await retained();
  const doc = await session.pull();
  const growth = (await retained()) - before;
  check(doc);
  await session.close();
  return { ...firstAndSteady(cpu), wall: median(wall.slice(1)), growth, raw: columns * 8 * 1_000_000 };
}

async function edits(pass, sessionOptions = {}) {
  const session = await pullSession({ url: `${base}/sliders`, ...sessionOptions });
  const sliders = Array.from({ length: 100 }, (_, i) => session.document.getModelByName(`s${i}`));
  settle();
  const c0 = process.cpuUsage();
  for (let i = 0; i < options.edits; i++) {
    sliders[i % 100].set("value", pass * options.edits + i);
    await turn();
  }
  await session.flush();
  const cpu = cpuMs(c0);
  await session.close();
  return cpu;
}

async function stream(sessionOptions = {}) {
  const session = await pullSession({ url: `${base}/stream`, ...sessionOptions });
  const source = session.document.getModelByName("source");
  settle();
  const c0 = process.cpuUsage();
  for (let chunk = 0; chunk < 1000; chunk++) {
    const x = new Float64Array(1000);
    for (let i = 0; i < 1000; i++) x[i] = chunk * 1000 + i;
    source.stream({ x, y: x });
    await turn();
  }
  await session.flush();
  const cpu = cpuMs(c0);
  const check = await pullSession({ url: `${base}/stream`, sessionId: session.id, maxMessageSize: 1024 ** 3 });
  const rows = check.document.getModelByName("source").data.x.length;
  await Promise.all([check.close(), session.close()]);
  if (source.length !== 1_000_000 || rows !== 1_000_000) throw new Error(`stream: ${source.length} rows here, ${rows} on the server`);
  return cpu;
}

/** `run(0)`, then `run(1)`: their CPU, and the PATCH-DOCs the second sent. */
async function firstAndSteadyRun(run) {
  const first = await run(0);
  const before = patchDocs;
  const steady = await run(1);
  return { first, steady, messages: patchDocs - before };
}

const workloads = {
  async latency() {
    const session = await pullSession({ url: `${base}/empty` });
    const times = [];
    for (let i = 0; i <= options.roundtrips; i++) {
      const t0 = performance.now();
      await session.forceRoundtrip();
      times.push(performance.now() - t0);
    }
    await session.close();
    return firstAndSteady(times);
  },

  async sessions() {
    const sessions = [];
    const t0 = performance.now();
    let first = 0;
    for (let i = 0; i < options.sessions; i++) {
      sessions.push(await pullSession({ url: `${base}/empty` }));
      if (i === 0) first = performance.now() - t0;
    }
    const total = performance.now() - t0;
    await Promise.all(sessions.map((s) => s.close()));
    return { first, total };
  },

  pull2: () => pullColumns(2, 6, {}),
  pull10: () => pullColumns(10, 4, {}),
  pull10big: () => pullColumns(10, 4, { maxMessageSize: 1024 ** 3 }),

  async push2() {
    const c0data = new Float64Array(1_000_000).map((_, i) => i);
    const c1data = new Float64Array(1_000_000).map((_, i) => -i);
    const cpu = [];
    const wall = [];
    for (let run = 0; run < 6; run++) {
      const doc = new Document({ roots: [new ColumnDataSource({ data: { c0: c0data, c1: c1data } })] });
      const session = new ClientSession({ websocketUrl: ws("/empty") });
      await session.connect();
      settle();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await session.push(doc);
      cpu.push(cpuMs(c0));
      wall.push(performance.now() - t0);
      await session.close();
    }
    return { ...firstAndSteady(cpu), wallFirst: wall[0], wall: median(wall.slice(1)) };
  },

  edits: () => firstAndSteadyRun((pass) => edits(pass)),
  // The same with one PATCH-DOC per change, as the floor sends them (no window).
  editsEach: () => firstAndSteadyRun((pass) => edits(pass, { maxPatchesInFlight: Infinity })),
  stream: () => firstAndSteadyRun(() => stream()),
  streamEach: () => firstAndSteadyRun(() => stream({ maxPatchesInFlight: Infinity })),

  // Heap held by `edits` single-change patches that the server has not confirmed: run.mjs
  // stops the server (SIGSTOP) when this process says PAUSE, and resumes it on RESUME.
  async inflight() {
    const session = await pullSession({ url: `${base}/sliders` });
    const sliders = Array.from({ length: 100 }, (_, i) => session.document.getModelByName(`s${i}`));
    const m0 = await retained();
    const h0 = process.memoryUsage();
    process.stdout.write("PAUSE\n");
    await new Promise((resolve) => process.stdin.once("data", resolve));
    for (let i = 0; i < options.edits; i++) {
      sliders[i % 100].set("value", i + 1);
      await turn();
    }
    const held = (await retained()) - m0;
    const h1 = process.memoryUsage();
    const queued = session.pendingChanges;
    process.stdout.write("RESUME\n");
    await session.flush();
    await session.close();
    return { held, heap: h1.heapUsed - h0.heapUsed, external: h1.external - h0.external, queued };
  },
};

const result = await workloads[workload]();
process.stdout.write(`${JSON.stringify({ ...result, importCpu })}\n`);
process.exit(0);
