// Checks the client's own websocket (client/transport/) against Tornado, the websocket layer of
// every Bokeh server: the handshake, then large content frames (written piece by piece) and binary
// frames of several sizes, each masked by the FrameWriter; Tornado (interop/tornado_echo.py)
// answers each with its length and SHA-256, which must be the frame's.
// Usage: node interop/masked-frame.mjs ws://127.0.0.1:PORT/ws   (after npm run build)
import { createHash } from "node:crypto";
import { Transport } from "../dist/client/transport/transport.js";
import { blobPlaceholder, contentFrame } from "../dist/protocol/content.js";

const replies = [];
let wake = () => {};
const transport = await Transport.connect(
  process.argv[2],
  { protocols: ["interop"], timeout: 10_000, maxMessageSize: 1 << 20 },
  {
    onOpen() {},
    onText: (payload) => {
      replies.push(payload.toString("utf8"));
      wake();
    },
    onBinary() {},
    skipBinary: () => false,
    onReadEnd() {},
    onPong() {},
    onEnd: (ending) => ending.error && console.error("connection ended:", ending),
  },
);
const reply = (before) => (replies.length > before ? Promise.resolve() : new Promise((resolve) => (wake = resolve)));

let failed = 0;
async function check(label, frame, payload) {
  const want = `${payload.length} ${createHash("sha256").update(payload).digest("hex")}`;
  const before = replies.length;
  transport.send([frame]);
  await reply(before);
  const ok = replies[before] === want;
  if (!ok) failed++;
  console.log(`${ok ? "✓" : "✗"} ${label}: Tornado read ${replies[before]}`);
}
for (const size of [10, 70_000, 16_000_000]) {
  const bytes = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
  const placeholder = blobPlaceholder();
  const pieces = contentFrame({ title: "grüße ✓", data: placeholder }, new Map([[placeholder, bytes]]));
  const expected = pieces.toBuffer();
  await check(`${size} raw bytes -> a ${expected.length} byte text frame`, { text: pieces }, expected);
}
for (const size of [70_001, 8_000_000]) {
  const bytes = new Uint8Array(size).map((_, i) => (i * 11) & 0xff);
  await check(`a ${size} byte binary frame`, { binary: bytes }, Buffer.from(bytes));
}
transport.close(1000, "done");
process.exit(failed === 0 ? 0 : 1);
