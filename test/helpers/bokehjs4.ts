/**
 * BokehJS 4.0.0-dev.5's own protocol code (the `bokehjs-4.0` dev dependency), loaded in
 * Node: its `Message` writes frames exactly as BokehJS in a browser does, its `Receiver`
 * reads them as BokehJS does, and its `Serializer` writes values as BokehJS does. These
 * modules use no browser API, so they run in Node 20. Typed here with just what tests use.
 */

export interface BokehJSMessage {
  header: { msgid: string; msgtype: string; reqid?: string };
  content: unknown;
  buffers: Map<string, ArrayBuffer>;
  send(socket: { send(data: string | ArrayBuffer): void }): void;
}

export interface BokehJS4Protocol {
  Message: {
    new (header: { msgid: string; msgtype: string; reqid?: string }, content: unknown, buffers?: Map<string, ArrayBuffer>): BokehJSMessage;
    create(msgtype: string, content: unknown): BokehJSMessage;
    decode(envelope: string): { header: object; content: object; buffers: string[] };
  };
  Receiver: new () => { message: BokehJSMessage | null; consume(fragment: string | ArrayBuffer): void };
  Serializer: new (options: { binary: boolean }) => { encode(value: unknown): unknown };
}

const LIB = "bokehjs-4.0/build/js/lib";

export async function loadBokehJS4Protocol(): Promise<BokehJS4Protocol> {
  const [message, receiver, serializer] = await Promise.all([
    import(`${LIB}/protocol/message.js`),
    import(`${LIB}/protocol/receiver.js`),
    import(`${LIB}/core/serialization/serializer.js`),
  ]);
  return { Message: message.Message, Receiver: receiver.Receiver, Serializer: serializer.Serializer } as BokehJS4Protocol;
}

/** The frames BokehJS 4's `Message.send` writes for `message`: strings and ArrayBuffers. */
export function sentByBokehJS(message: BokehJSMessage): (string | ArrayBuffer)[] {
  const frames: (string | ArrayBuffer)[] = [];
  message.send({ send: (data) => frames.push(data) });
  return frames;
}
