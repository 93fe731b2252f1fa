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

/**
 * A Bokeh 4 client on the wire as a browser's BokehJS 4 is: a websocket (ws) whose frames
 * BokehJS 4's Receiver reads and whose messages BokehJS 4's `Message.send` writes.
 * Every message is kept; `next()` waits for the next one that matches.
 */
export class BokehJS4Peer {
  readonly received: BokehJSMessage[] = [];
  /** The first frame as it came (the ACK envelope's text). */
  firstFrame: string | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters: { match: (m: BokehJSMessage) => boolean; from: number; resolve: (m: BokehJSMessage) => void; reject: (e: Error) => void }[] = [];
  private ended: Error | null = null;

  constructor(
    private readonly bjs: BokehJS4Protocol,
    readonly ws: import("ws").WebSocket,
  ) {
    const receiver = new bjs.Receiver();
    ws.binaryType = "arraybuffer";
    ws.on("message", (data: ArrayBuffer | Buffer, isBinary: boolean) => {
      const frame = isBinary ? (data as ArrayBuffer) : Buffer.from(data as ArrayBuffer).toString("utf8");
      this.firstFrame ??= typeof frame === "string" ? frame : null;
      receiver.consume(frame);
      const message = receiver.message;
      if (message === null) return;
      this.received.push(message);
      for (const waiter of [...this.waiters]) {
        if (this.received.length - 1 >= waiter.from && waiter.match(message)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
    this.closed = new Promise((resolve) => {
      ws.on("close", (code: number, reason: Buffer) => {
        this.ended = new Error(`closed with ${code} (${reason.toString()}) while waiting for a message`);
        for (const waiter of this.waiters.splice(0)) waiter.reject(this.ended);
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  /** The first message from now on (or already received since `from`) that `match` accepts. */
  next(match: (m: BokehJSMessage) => boolean, from = this.received.length): Promise<BokehJSMessage> {
    const found = this.received.slice(from).find(match);
    if (found !== undefined) return Promise.resolve(found);
    if (this.ended !== null) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiters.push({ match, from, resolve, reject }));
  }

  /** Sends a message as BokehJS 4 does; resolves with the reply to it. */
  request(msgtype: string, content: unknown): Promise<BokehJSMessage> {
    const message = this.bjs.Message.create(msgtype, content);
    const reply = this.next((m) => m.header.reqid === message.header.msgid);
    this.send(message);
    return reply;
  }

  send(message: BokehJSMessage): void {
    message.send({ send: (data) => this.ws.send(data) });
  }
}
