// Sends large content frames, and binary frames, written by client/masked-frame.ts to a Tornado websocket
// server (interop/tornado_echo.py) and checks that Tornado reads each one whole.
// Usage: node interop/masked-frame.mjs ws://127.0.0.1:PORT/ws   (after npm run build)
import { createHash } from "node:crypto";
import WebSocket from "ws";
import { writeMaskedBinaryFrame, writeMaskedTextFrame } from "../dist/client/masked-frame.js";
import { blobPlaceholder, contentFrame } from "../dist/protocol/content.js";

const client = new WebSocket(process.argv[2], { perMessageDeflate: false });
let socket = null;
client.once("upgrade", (res) => (socket = res.socket));
await new Promise((resolve, reject) => (client.once("open", resolve), client.once("error", reject)));
const replies = [];
client.on("message", (data) => replies.push(String(data)));
let failed = 0;
for (const size of [10, 70_000, 16_000_000]) {
  const bytes = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
  const placeholder = blobPlaceholder();
  const pieces = contentFrame({ title: "grüße ✓", data: placeholder }, new Map([[placeholder, bytes]]));
  const expected = pieces.toBuffer();
  const want = `${expected.length} ${createHash("sha256").update(expected).digest("hex")}`;
  const before = replies.length;
  writeMaskedTextFrame(socket, pieces);
  while (replies.length === before) await new Promise((r) => setTimeout(r, 10));
  const ok = replies[before] === want;
  if (!ok) failed++;
  console.log(`${ok ? "✓" : "✗"} ${size} raw bytes -> ${expected.length} byte frame: Tornado read ${replies[before]}`);
}
for (const size of [70_001, 8_000_000]) {
  const bytes = new Uint8Array(size).map((_, i) => (i * 11) & 0xff);
  const want = `${size} ${createHash("sha256").update(bytes).digest("hex")}`;
  const before = replies.length;
  writeMaskedBinaryFrame(socket, bytes);
  while (replies.length === before) await new Promise((r) => setTimeout(r, 10));
  const ok = replies[before] === want;
  if (!ok) failed++;
  console.log(`${ok ? "✓" : "✗"} ${size} byte binary frame: Tornado read ${replies[before]}`);
}
client.close();
process.exit(failed === 0 ? 0 : 1);
