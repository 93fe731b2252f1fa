// The Bokeh protocol over a bare `net` socket: the websocket upgrade and frames by hand,
// no `ws`, no Bokeh code. The lowest floor of the bulk figures (floor.mjs): Node's own
// socket reads into one reused 64 KiB buffer (`onread`), frame lengths parsed, each binary
// payload copied once into a buffer of its own (the least a client that keeps the arrays
// must do), text frames decoded. Sends are
// masked with a zero key, so the payload goes out as it is (socket I/O alone).
import { randomBytes } from "node:crypto";
import { connect } from "node:net";

const b64url = (s) => Buffer.from(s).toString("base64url");
let counter = 0;

function frame(opcode, payload) {
  const len = payload.length;
  const head = Buffer.alloc(len < 126 ? 6 : len < 65536 ? 8 : 14);
  head[0] = 0x80 | opcode;
  if (len < 126) head[1] = 0x80 | len;
  else if (len < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return [head, payload]; // the 4-byte mask key is left zero
}

export async function openNet(base, app, { args = {} } = {}) {
  const { hostname, port } = new URL(base);
  const sessionId = randomBytes(33).toString("base64url").replace(/[-_]/g, "x");
  const token = b64url(JSON.stringify({ session_id: sessionId, session_expiry: Math.floor(Date.now() / 1000) + 300 }));
  const query = new URLSearchParams(args).toString();
  const readBuffer = Buffer.allocUnsafe(65536);
  const socket = connect({ host: hostname, port: Number(port), noDelay: true, onread: { buffer: readBuffer, callback: (n, buf) => onData(buf.subarray(0, n)) } });
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.write(
    `GET ${app}/ws${query ? `?${query}` : ""} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: bokeh, ${token}\r\n\r\n`,
  );
  // Parser state: the HTTP response, then frames. `pending` holds bytes not yet parsed.
  let pending = Buffer.alloc(0);
  let upgraded = false;
  let payload = null; // the binary frame being filled: { buffer, filled }
  let frames = [];
  let expected = 3;
  const queue = [];
  let waiter = null;
  const deliver = (f) => {
    frames.push(f);
    if (frames.length === 1) expected = 3 + 2 * (JSON.parse(f).num_buffers ?? 0);
    if (frames.length < expected) return;
    const message = { header: JSON.parse(frames[0]), frames };
    frames = [];
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(message);
    } else queue.push(message);
  };
  // `chunk` is the shared read buffer: whatever is kept is copied out of it.
  const onData = (chunk) => {
    let data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    pending = Buffer.alloc(0);
    let at = 0;
    if (!upgraded) {
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return void (pending = Buffer.from(data));
      if (!data.subarray(0, 12).toString().includes("101")) throw new Error(data.subarray(0, end).toString());
      upgraded = true;
      at = end + 4;
    }
    while (at < data.length) {
      if (payload) {
        const n = Math.min(payload.buffer.length - payload.filled, data.length - at);
        data.copy(payload.buffer, payload.filled, at, at + n);
        payload.filled += n;
        at += n;
        if (payload.filled === payload.buffer.length) {
          deliver(payload.buffer);
          payload = null;
        }
        continue;
      }
      if (data.length - at < 2) break;
      const opcode = data[at] & 0x0f;
      let len = data[at + 1] & 0x7f;
      let head = 2;
      if (len === 126) {
        if (data.length - at < 4) break;
        len = data.readUInt16BE(at + 2);
        head = 4;
      } else if (len === 127) {
        if (data.length - at < 10) break;
        len = Number(data.readBigUInt64BE(at + 2));
        head = 10;
      }
      if (opcode === 2 && len >= 65536) {
        payload = { buffer: Buffer.allocUnsafe(len), filled: 0 };
        at += head;
        continue;
      }
      if (data.length - at < head + len) break;
      const body = data.subarray(at + head, at + head + len);
      at += head + len;
      if (opcode === 1) deliver(body.toString());
      else if (opcode === 2) deliver(Buffer.from(body));
      // pings, pongs and close frames are not expected here
    }
    if (at < data.length) pending = Buffer.from(data.subarray(at));
  };
  const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => (waiter = resolve)));
  const ack = await next();
  if (ack.header.msgtype !== "ACK") throw new Error(`expected ACK, got ${ack.header.msgtype}`);
  return {
    sessionId,
    async request(msgtype, content = {}, buffers = []) {
      const id = `net${process.pid}-${++counter}`;
      const header = { msgid: id, msgtype, ...(buffers.length ? { num_buffers: buffers.length } : {}) };
      const out = [
        ...frame(1, Buffer.from(JSON.stringify(header))),
        ...frame(1, Buffer.from("{}")),
        ...frame(1, Buffer.from(typeof content === "string" ? content : JSON.stringify(content))),
      ];
      for (const [bufferId, bytes] of buffers) out.push(...frame(1, Buffer.from(JSON.stringify({ id: bufferId }))), ...frame(2, bytes));
      socket.cork();
      for (const piece of out) socket.write(piece);
      socket.uncork();
      for (;;) {
        const message = await next();
        if (message.header.reqid === id) return message;
      }
    },
    close() {
      socket.destroy();
      return Promise.resolve();
    },
  };
}
