// The figures of bench:real (issue 13) and which processes run for each: the Python client,
// ours, and the floors (bare `ws`, bare `net`; floor.mjs).
const bulk = ["python", "ours", "floorWs", "floorNet"];
export const figures = {
  latency: { who: ["python", "ours", "floorWs"] }, // floor: bare ws with the stall's fix
  sessions: { who: ["python", "ours", "floorWs"], freshServer: true }, // a server per process (run.mjs)
  pull2: { who: bulk },
  pull10: { who: bulk },
  pull10big: { who: ["ours"] }, // context: the same pull with maxMessageSize raised
  push2: { who: bulk },
  edits: { who: ["python", "ours", "floorWs"] }, // floor: bare ws sending one PATCH-DOC per change
  editsEach: { who: ["ours"] }, // context: ours sending one PATCH-DOC per change too (no window)
  stream: { who: ["python", "ours", "floorWs"] },
  streamEach: { who: ["ours"] },
  inflight: { who: ["ours"] },
};
