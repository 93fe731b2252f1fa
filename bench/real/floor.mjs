// bench:real, the floor of a bulk figure: the same bytes moved by a bare socket client with
// no Bokeh code, against the same real Bokeh server, in this fresh process: `ws` (raw.mjs),
// or `net` with frames parsed by hand (raw-net.mjs).
//   node --expose-gc bench/real/floor.mjs <pull2|pull10|push2> <server url> <ws|net>
// Client CPU (process.cpuUsage()) from the request's first frame to the reply's last;
// a new connection for each operation, as the clients do. Prints one JSON line.
// For latency and sessions (ws only) the floor is the wall time of bare `ws` with the fix
// of the 44 ms stall: an unsolicited pong after each frame of an incomplete reply (stall.mjs).
//   node --expose-gc bench/real/floor.mjs <latency|sessions> <server url> ws <options JSON>
// For edits and stream (ws only) the floor is the client CPU of bare `ws` sending the same
// PATCH-DOCs, one per event-loop turn, and reading every OK (with the stall's fix).
//   node --expose-gc bench/real/floor.mjs <edits|stream> <server url> ws <options JSON>
import { openNet } from "./raw-net.mjs";
import { openRaw, pushContent } from "./raw.mjs";

const cpuMs = (before) => {
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [figure, base, kind = "ws", optionsJson = "{}"] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
const onIncomplete = (socket) => socket.pong();
const open = kind === "net" ? openNet : openRaw;

async function timed(app, args, repeat, request) {
  const cpu = [];
  for (let run = 0; run < repeat; run++) {
    const session = await open(base, app, { args });
    globalThis.gc();
    const c0 = process.cpuUsage();
    const reply = await request(session);
    cpu.push(cpuMs(c0));
    if (!/REPLY|OK/.test(reply.header.msgtype)) throw new Error(`got ${reply.header.msgtype}`);
    await session.close();
  }
  return { first: cpu[0], steady: median(cpu.slice(1)) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Opens `app`, learns its first root's id, then times `send(session, id, i)` `count` times, one per turn, until every OK. */
async function patches(app, count, send) {
  const session = await openRaw(base, app, { onIncomplete });
  const reply = await session.request("PULL-DOC-REQ");
  const id = JSON.parse(reply.frames[2]).doc.roots[0].id;
  globalThis.gc();
  const c0 = process.cpuUsage();
  const sent = new Set();
  for (let i = 0; i < count; i++) {
    sent.add(send(session, id, i));
    await turn();
  }
  while (sent.size > 0) {
    const message = await session.next();
    if (message.header.msgtype !== "OK") throw new Error(`got ${message.header.msgtype}`);
    sent.delete(message.header.reqid);
  }
  const cpu = cpuMs(c0);
  await session.close();
  return cpu;
}

const edit = (session, id, i) => session.send("PATCH-DOC", { events: [{ kind: "ModelChanged", model: { id }, attr: "value", new: i }] });

function streamChunk(session, id, chunk) {
  const x = new Float64Array(1000);
  for (let i = 0; i < 1000; i++) x[i] = chunk * 1000 + i;
  const column = (buffer) => ({ type: "ndarray", array: { type: "bytes", data: { id: buffer } }, shape: [1000], dtype: "float64", order: "little" });
  const data = { type: "map", entries: [["x", column("x")], ["y", column("y")]] };
  const bytes = Buffer.from(x.buffer);
  return session.send("PATCH-DOC", { events: [{ kind: "ColumnsStreamed", model: { id }, attr: "data", data, rollover: null }] }, [["x", bytes], ["y", bytes]]);
}

const figures = {
  async edits() {
    return { first: await patches("/sliders", options.edits, edit), steady: await patches("/sliders", options.edits, edit) };
  },
  async stream() {
    return { first: await patches("/stream", 1000, streamChunk), steady: await patches("/stream", 1000, streamChunk) };
  },
  async latency() {
    const session = await openRaw(base, "/empty", { onIncomplete });
    await session.request("PULL-DOC-REQ");
    const times = [];
    for (let i = 0; i <= options.roundtrips; i++) {
      const t0 = performance.now();
      await session.request("SERVER-INFO-REQ");
      times.push(performance.now() - t0);
    }
    await session.close();
    return { first: times[0], steady: median(times.slice(1)) };
  },
  async sessions() {
    const sessions = [];
    const t0 = performance.now();
    let first = 0;
    for (let i = 0; i < options.sessions; i++) {
      const session = await openRaw(base, "/empty", { onIncomplete });
      await session.request("PULL-DOC-REQ");
      sessions.push(session);
      if (i === 0) first = performance.now() - t0;
    }
    const total = performance.now() - t0;
    await Promise.all(sessions.map((s) => s.close()));
    return { first, total };
  },
  pull2: () => timed("/columns", { columns: 2, rows: 1_000_000 }, 6, (s) => s.request("PULL-DOC-REQ")),
  pull10: () => timed("/columns", { columns: 10, rows: 1_000_000 }, 4, (s) => s.request("PULL-DOC-REQ")),
  push2() {
    const c0 = new Float64Array(1_000_000).map((_, i) => i);
    const c1 = new Float64Array(1_000_000).map((_, i) => -i);
    const { content, buffers } = pushContent({ c0, c1 });
    // Reads the server's 16 MB echo of the arrays (a bare client has no way to skip it), then the OK.
    return timed("/empty", {}, 6, (s) => s.request("PUSH-DOC", content, buffers));
  },
};

process.stdout.write(`${JSON.stringify(await figures[figure]())}\n`);
process.exit(0);
