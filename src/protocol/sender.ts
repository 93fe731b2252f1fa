/**
 * Sender: turns a Bokeh message into the websocket frames that carry it.
 *
 * Header and buffer-header frames are written the way the Python server and
 * client write them (`{"msgid": "p1", "msgtype": "ACK"}`, with a space after
 * `,` and `:`); metadata and content are compact JSON.
 */
import type { Header, Message } from "./message.js";

export type Frame = { text: string } | { binary: Uint8Array };

/**
 * Frames of `message`. `contentJson`, when given, is used as the content frame
 * instead of `JSON.stringify(message.content)` (callers that already hold the
 * encoded content avoid a second pass over a large document).
 */
export function messageFrames(message: Message, contentJson?: string): Frame[] {
  const frames: Frame[] = [
    { text: headerJson(message.header, message.buffers.size) },
    { text: JSON.stringify(message.metadata) },
    { text: contentJson ?? JSON.stringify(message.content) },
  ];
  for (const [id, bytes] of message.buffers) {
    frames.push({ text: `{"id": ${JSON.stringify(id)}}` });
    frames.push({ binary: bytes });
  }
  return frames;
}

function headerJson(header: Header, numBuffers: number): string {
  const parts = [`"msgid": ${JSON.stringify(header.msgid)}`, `"msgtype": ${JSON.stringify(header.msgtype)}`];
  if (header.reqid !== undefined) parts.push(`"reqid": ${JSON.stringify(header.reqid)}`);
  if (numBuffers > 0) parts.push(`"num_buffers": ${numBuffers}`);
  return `{${parts.join(", ")}}`;
}
