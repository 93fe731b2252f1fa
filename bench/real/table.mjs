// The table bench:real prints: one row per figure (medians over runs), a row under it for
// the first operation of a process, the ratio Python / ours, the floors, the target and
// whether ours meets it (issue 13's targets).
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of `pick(result)` over the runs of `who`, or the first error if a run failed. */
function stat(results, who, pick) {
  const runs = results?.[who];
  if (!runs?.length) return undefined;
  const failed = runs.find((r) => r.error);
  if (failed) return { error: failed.error };
  return median(runs.map(pick));
}

const ms = (x) => (x === undefined ? "" : x.error ? "fails" : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);
const times = (x) => (x === undefined || x.error ? "" : `${x.toFixed(2)}x`);
const ok = (x) => typeof x === "number";
/** The PATCH-DOCs ours sent in its steady run (median over runs). */
const messages = (r) => {
  const n = stat(r, "ours", (x) => x.messages);
  return ok(n) ? n.toLocaleString("en") : "?";
};
const ratio = (py, ours) => (ok(py) && ok(ours) ? `${(py / ours).toFixed(1)}x` : "");

function cpuRows(label, r, { vsPython, floorFactor = 1.25 }) {
  const py = stat(r, "python", (x) => x.steady);
  const ours = stat(r, "ours", (x) => x.steady);
  const floorWs = stat(r, "floorWs", (x) => x.steady);
  const floorNet = stat(r, "floorNet", (x) => x.steady);
  const pass = ok(ours) && ok(floorWs) && ok(py) && ours <= floorFactor * floorWs && py / ours >= vsPython;
  return [
    { label, py: ms(py), ours: ms(ours), ratio: ratio(py, ours), floorWs: ms(floorWs), floorNet: ms(floorNet), target: `<= ${floorFactor}x floor(ws), >= ${vsPython}x less than Python`, pass, error: ours?.error },
    {
      label: "  first of a process",
      py: ms(stat(r, "python", (x) => x.first)),
      ours: ms(stat(r, "ours", (x) => x.first)),
      ratio: ratio(stat(r, "python", (x) => x.first), stat(r, "ours", (x) => x.first)),
      floorWs: ms(stat(r, "floorWs", (x) => x.first)),
      floorNet: ms(stat(r, "floorNet", (x) => x.first)),
    },
  ];
}

function memoryRow(label, r) {
  const py = stat(r, "python", (x) => x.growth / x.raw);
  const ours = stat(r, "ours", (x) => x.growth / x.raw);
  return { label, py: times(py), ours: ours?.error ? "fails" : times(ours), target: "<= 1.1x the raw bytes", pass: ok(ours) && ours <= 1.1 };
}

export const rowsFor = {
  latency: (r) => {
    const py = stat(r, "python", (x) => x.steady);
    const ours = stat(r, "ours", (x) => x.steady);
    return [
      { label: "request/reply (forceRoundtrip), median wall", py: ms(py), ours: ms(ours), ratio: ratio(py, ours), floorWs: ms(stat(r, "floorWs", (x) => x.steady)), target: "<= 1 ms", pass: ok(ours) && ours <= 1, note: "floor: bare ws + pongs" },
      { label: "  first of a process", py: ms(stat(r, "python", (x) => x.first)), ours: ms(stat(r, "ours", (x) => x.first)), floorWs: ms(stat(r, "floorWs", (x) => x.first)) },
    ];
  },
  sessions: (r, o) => {
    const py = stat(r, "python", (x) => x.total);
    const ours = stat(r, "ours", (x) => x.total);
    const limit = 3 * o.sessions;
    return [
      { label: `open ${o.sessions.toLocaleString("en")} sessions one after another, wall`, py: ms(py), ours: ms(ours), ratio: ratio(py, ours), floorWs: ms(stat(r, "floorWs", (x) => x.total)), target: `<= ${ms(limit)}`, pass: ok(ours) && ours <= limit, note: "floor: bare ws + pongs" },
      { label: "  first of a process (one session)", py: ms(stat(r, "python", (x) => x.first)), ours: ms(stat(r, "ours", (x) => x.first)), floorWs: ms(stat(r, "floorWs", (x) => x.first)) },
    ];
  },
  pull2: (r) => [...cpuRows("pull 2 x 1,000,000 float64: client CPU", r, { vsPython: 3 }), memoryRow("  memory held / raw bytes", r)],
  pull10: (r) => [...cpuRows("pull 10 x 1,000,000 float64, default options: CPU", r, { vsPython: 3 }), memoryRow("  memory held / raw bytes", r)],
  pull10big: (r) => {
    const ours = stat(r, "ours", (x) => x.steady);
    return [{ label: "  context: the same with maxMessageSize 1 GiB", ours: ms(ours), note: `first ${ms(stat(r, "ours", (x) => x.first))}` }];
  },
  push2: (r) => {
    const rows = cpuRows("push 2 x 1,000,000 float64: client CPU", r, { vsPython: 4 });
    const py = stat(r, "python", (x) => x.wall);
    const ours = stat(r, "ours", (x) => x.wall);
    rows.push({ label: "  context: wall of the push", py: ms(py), ours: ms(ours), ratio: ratio(py, ours), note: `first: Python ${ms(stat(r, "python", (x) => x.wallFirst))}, ours ${ms(stat(r, "ours", (x) => x.wallFirst))}` });
    return rows;
  },
  edits: (r, o) => {
    const per = (x) => (x.steady * 1000) / o.edits;
    const py = stat(r, "python", per);
    const ours = stat(r, "ours", per);
    const us = (x) => (ok(x) ? `${x.toFixed(0)} µs` : "");
    const total = (who, pick) => ms(stat(r, who, pick));
    return [
      { label: `${o.edits.toLocaleString("en")} edits, one per turn: client CPU per change`, py: us(py), ours: us(ours), ratio: ratio(py, ours), floorWs: us(stat(r, "floorWs", per)), target: "<= 30 µs", pass: ok(ours) && ours <= 30, note: `total: Python ${total("python", (x) => x.steady)}, ours ${total("ours", (x) => x.steady)}; ours sent ${messages(r)} PATCH-DOCs (window of 4 in flight), Python and the floor (bare ws) one per change` },
      { label: "  first of a process (total)", py: total("python", (x) => x.first), ours: total("ours", (x) => x.first), ratio: ratio(stat(r, "python", (x) => x.first), stat(r, "ours", (x) => x.first)), floorWs: total("floorWs", (x) => x.first) },
    ];
  },
  stream: (r) => {
    const py = stat(r, "python", (x) => x.steady);
    const ours = stat(r, "ours", (x) => x.steady);
    return [
      { label: "stream 1e6 rows, one 1,000-row chunk per turn: CPU", py: ms(py), ours: ms(ours), ratio: ratio(py, ours), floorWs: ms(stat(r, "floorWs", (x) => x.steady)), target: "<= 150 ms", pass: ok(ours) && ours <= 150, note: `ours sent ${messages(r)} PATCH-DOCs (window of 4 in flight), Python and the floor (bare ws, no local columns) one per chunk` },
      { label: "  first of a process", py: ms(stat(r, "python", (x) => x.first)), ours: ms(stat(r, "ours", (x) => x.first)), ratio: ratio(stat(r, "python", (x) => x.first), stat(r, "ours", (x) => x.first)), floorWs: ms(stat(r, "floorWs", (x) => x.first)) },
    ];
  },
  editsEach: (r, o) => {
    const per = (x) => (x.steady * 1000) / o.edits;
    const ours = stat(r, "ours", per);
    return [{ label: "  context: ours with one PATCH-DOC per change", ours: ok(ours) ? `${ours.toFixed(0)} µs` : "", note: `maxPatchesInFlight: Infinity; ${messages(r)} PATCH-DOCs, as the floor above` }];
  },
  streamEach: (r) => [
    { label: "  context: ours with one PATCH-DOC per chunk", ours: ms(stat(r, "ours", (x) => x.steady)), note: `maxPatchesInFlight: Infinity; ${messages(r)} PATCH-DOCs, as the floor above` },
  ],
  inflight: (r, o) => {
    const held = stat(r, "ours", (x) => x.held);
    const mb = (x) => (ok(x) ? `${(x / 2 ** 20).toFixed(1)} MiB` : "");
    const queued = stat(r, "ours", (x) => x.queued);
    return [{ label: `heap held by ${o.edits.toLocaleString("en")} unconfirmed single changes`, ours: mb(held), note: `server stopped (SIGSTOP) meanwhile; ${ok(held) ? `${((held / o.edits) / 1024).toFixed(1)} KiB each; ` : ""}heap ${mb(stat(r, "ours", (x) => x.heap))}, external ${mb(stat(r, "ours", (x) => x.external))}; ${queued} of them waiting for the window, the rest sent` }];
  },
  context: (r) => [
    { label: "process start + import, client CPU (every process above)", py: ms(r.python), ours: ms(r.ours), ratio: ratio(r.python, r.ours) },
  ],
};

/** Prints the table; returns how many targets ours missed. */
export function printTable(results, options) {
  const rows = [];
  const imports = { python: [], ours: [] };
  for (const [name, r] of Object.entries(results)) {
    rows.push(...rowsFor[name](r, options));
    for (const who of ["python", "ours"]) for (const x of r[who] ?? []) if (ok(x.importCpu)) imports[who].push(x.importCpu);
  }
  rows.push(...rowsFor.context({ python: imports.python.length ? median(imports.python) : undefined, ours: imports.ours.length ? median(imports.ours) : undefined }));
  const head = { label: "figure", py: "Python", ours: "ours", ratio: "Py/ours", floorWs: "floor(ws)", floorNet: "floor(net)", target: "target (ours)", mark: "" };
  const line = (r, mark) =>
    `${r.label.padEnd(56)} ${(r.py ?? "").padStart(9)} ${(r.ours ?? "").padStart(9)} ${(r.ratio ?? "").padStart(7)} ${(r.floorWs ?? "").padStart(9)} ${(r.floorNet ?? "").padStart(10)}  ${mark.padEnd(2)}${r.target ?? ""}${r.note ? `${r.target ? "; " : ""}${r.note}` : ""}`.trimEnd();
  console.log(line(head, ""));
  let missed = 0;
  for (const r of rows) {
    const mark = r.pass === undefined ? "" : r.pass ? "✓" : "✗";
    if (r.pass === false) missed++;
    console.log(line(r, mark));
    if (r.error) console.log(`${" ".repeat(4)}ours: ${r.error}`);
  }
  return missed;
}
