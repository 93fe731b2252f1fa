/**
 * Sender: turns a Bokeh message into the websocket frames that carry it.
 *
 * Header and buffer-header frames are written the way the Python server and
 * client write them (`{"msgid": "p1", "msgtype": "ACK"}`, with a space after
 * `,` and `:`); metadata and content are compact JSON.
 */
import type { TextPieces } from "./content.js";
import type { Header, Message } from "./message.js";

/**
 * A text frame (as a string, as its UTF-8 bytes, or as TextPieces: a large frame
 * produced piece by piece) or a binary frame.
 */
export type Frame = { text: FrameText } | { binary: Uint8Array };
export type FrameText = string | Uint8Array | TextPieces;

/**
 * Frames of `message`. `contentJson`, when given, is used as the content frame
 * instead of `JSON.stringify(message.content)` (see content.ts: large documents
 * are written as bytes with their base64 spliced in).
 */
export function messageFrames(message: Message, contentJson?: FrameText): Frame[] {
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
  // Written when there are buffers, or when the header says how many (0 included, see createMessage).
  if (numBuffers > 0 || header.num_buffers !== undefined) parts.push(`"num_buffers": ${numBuffers}`);
  return `{${parts.join(", ")}}`;
}

/**
 * Something that sends one websocket frame (ws's `send`). TextPieces is one text
 * frame too: the sink writes it whole (`toBuffer()`) or piece by piece.
 */
export type FrameSink = (data: FrameText, options: { binary: boolean }) => void;

/** Sends `frames` in order through `send`, all in this tick, so no other message comes between them. */
export function sendFrames(frames: readonly Frame[], send: FrameSink): void {
  for (const frame of frames) {
    if ("binary" in frame) send(frame.binary, { binary: true });
    else send(frame.text, { binary: false });
  }
}
