// The Bokeh protocol by hand over a bare `ws` socket, with no bokeh-client code: for the
// floor of the bulk figures (floor.mjs) and the 44 ms stall experiment (stall.mjs).
// A session token is base64url(JSON {session_id, session_expiry}) (unsigned, as `bokeh
// serve` takes by default); a message is a header, metadata and content text frame, then
// a text buffer header and a binary payload per buffer.
import { randomBytes } from "node:crypto";
import WebSocket from "ws";

const b64url = (s) => Buffer.from(s).toString("base64url");
let counter = 0;
const msgid = () => `raw${process.pid}-${++counter}`;

/**
 * Opens a session on `${base}${app}` and waits for the ACK. `onFrame(socket, frame,
 * incomplete)` is called after each frame received while a message is still incomplete
 * (for the stall experiment's unsolicited pongs).
 */
export async function openRaw(base, app, { args = {}, onIncomplete, maxPayload = 1024 ** 3 } = {}) {
  const sessionId = randomBytes(33).toString("base64url").replace(/[-_]/g, "x");
  const token = b64url(JSON.stringify({ session_id: sessionId, session_expiry: Math.floor(Date.now() / 1000) + 300 }));
  const query = new URLSearchParams(args).toString();
  const url = `${base.replace(/^http/, "ws")}${app}/ws${query ? `?${query}` : ""}`;
  const socket = new WebSocket(url, ["bokeh", token], { perMessageDeflate: false, maxPayload });
  // Frames of the message being received; complete messages wait in `queue` for `next()`.
  let frames = [];
  let expected = 3;
  const queue = [];
  let waiter = null;
  socket.on("message", (data, isBinary) => {
    frames.push(isBinary ? data : data.toString());
    if (frames.length === 1) expected = 3 + 2 * (JSON.parse(frames[0]).num_buffers ?? 0);
    if (frames.length < expected) {
      onIncomplete?.(socket, frames.length);
      return;
    }
    const message = { header: JSON.parse(frames[0]), frames };
    frames = [];
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(message);
    } else queue.push(message);
  });
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => (waiter = resolve)));
  const ack = next();
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const first = await ack;
  if (first.header.msgtype !== "ACK") throw new Error(`expected ACK, got ${first.header.msgtype}`);
  return {
    socket,
    sessionId,
    /** Sends a message without waiting; returns its msgid. */
    send(msgtype, content = {}, buffers = []) {
      const id = msgid();
      const header = { msgid: id, msgtype, ...(buffers.length ? { num_buffers: buffers.length } : {}) };
      socket.send(JSON.stringify(header));
      socket.send("{}");
      socket.send(typeof content === "string" ? content : JSON.stringify(content));
      for (const [bufferId, bytes] of buffers) {
        socket.send(JSON.stringify({ id: bufferId }));
        socket.send(bytes, { binary: true });
      }
      return id;
    },
    /** The next complete message received. */
    next,
    /** Sends a message; resolves with the reply (messages before it, like a push's echo, are passed over). */
    async request(msgtype, content = {}, buffers = []) {
      const id = this.send(msgtype, content, buffers);
      for (;;) {
        const message = await next();
        if (message.header.reqid === id) return message;
      }
    },
    close() {
      socket.close();
      return new Promise((resolve) => socket.once("close", resolve));
    },
  };
}

/** The content of a PUSH-DOC in the 3.9 form: one ColumnDataSource of float64 columns sent as buffers. */
export function pushContent(columns) {
  const entries = Object.entries(columns).map(([name, array], i) => [
    name,
    { type: "ndarray", array: { type: "bytes", data: { id: `buf${i}` } }, shape: [array.length], dtype: "float64", order: "little" },
  ]);
  const doc = {
    version: "3.9.2",
    title: "",
    config: { type: "object", name: "DocumentConfig", id: "cfg1", attributes: { notifications: { type: "object", name: "Notifications", id: "cfg2" } } },
    roots: [{ type: "object", name: "ColumnDataSource", id: "cds1", attributes: { data: { type: "map", entries } } }],
  };
  const buffers = Object.values(columns).map((array, i) => [`buf${i}`, Buffer.from(array.buffer, array.byteOffset, array.byteLength)]);
  return { content: JSON.stringify({ doc }), buffers };
}
