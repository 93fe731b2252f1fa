/**
 * A websocket upgrade done by hand, to see exactly what a server answers:
 * the status line and headers, then every byte until the server ends or drops
 * the connection (e.g. `88 00`, an empty close frame).
 */
import { randomBytes } from "node:crypto";
import { connect } from "node:net";

export interface RawUpgradeResult {
  status: number;
  headers: Record<string, string>;
  /** Bytes after the response headers (websocket frames, or the HTTP body). */
  after: Buffer;
  /** "end": the server closed cleanly (FIN); "reset": it dropped the connection; "open": still open after the wait. */
  ending: "end" | "reset" | "open";
}

export async function rawUpgrade(
  url: string,
  options: {
    protocols?: string[] | null;
    origin?: string;
    send?: Buffer[];
    waitMs?: number;
    /** Stop as soon as the bytes after the response headers satisfy this (instead of waiting for the end). */
    until?: (after: Buffer) => boolean;
  } = {},
): Promise<RawUpgradeResult> {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  const lines = [
    `GET ${target.pathname}${target.search} HTTP/1.1`,
    `Host: ${target.host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
    "Sec-WebSocket-Version: 13",
  ];
  if (options.protocols) lines.push(`Sec-WebSocket-Protocol: ${options.protocols.join(",")}`);
  if (options.origin) lines.push(`Origin: ${options.origin}`);
  socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  for (const frame of options.send ?? []) socket.write(frame);
  const chunks: Buffer[] = [];
  const ending = await new Promise<RawUpgradeResult["ending"]>((resolve) => {
    socket.on("data", (c: Buffer) => {
      chunks.push(c);
      if (options.until === undefined) return;
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      if (split >= 0 && options.until(all.subarray(split + 4))) resolve("open");
    });
    socket.on("end", () => resolve("end"));
    socket.on("error", () => resolve("reset"));
    socket.on("close", (hadError) => resolve(hadError ? "reset" : "end"));
    setTimeout(() => resolve("open"), options.waitMs ?? 1000);
  });
  socket.destroy();
  const all = Buffer.concat(chunks);
  const split = all.indexOf("\r\n\r\n");
  const head = all.subarray(0, split).toString("latin1").split("\r\n");
  const status = Number(head[0]?.split(" ")[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status, headers, after: all.subarray(split + 4), ending };
}

/** A masked client text frame (what a browser or client library sends). */
export function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  if (payload.length > 125) throw new Error("keep test frames short");
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** The frames a server sent (unmasked, unfragmented), as far as they are complete: text frames as strings, others as their opcode. */
export function serverFrames(bytes: Buffer): (string | { opcode: number; payload: Buffer })[] {
  const frames: (string | { opcode: number; payload: Buffer })[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] as number) & 0x0f;
    let length = (bytes[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > bytes.length) break;
    const payload = bytes.subarray(start, start + length);
    frames.push(opcode === 1 ? payload.toString("utf8") : { opcode, payload });
    at = start + length;
  }
  return frames;
}
