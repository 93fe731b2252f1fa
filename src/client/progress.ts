/**
 * TransferProgress of large transfers: how many bytes of a message went out or came in, of how many.
 *
 * Sent: the message's frames are all known when it is written, so the total is exact; `done`
 * follows the socket's queue as the kernel takes the bytes. Received: a message's size is not
 * announced up front (Bokeh's header does not give the buffers' sizes), so the total is what is
 * known so far: the frames seen, plus the arrays the content announces (an ndarray's shape and
 * dtype give its bytes). For the arrays of numpy and typed-array columns, which make most large
 * documents, that is exact from the content frame on; the last report always has done === total.
 */
import { constructorFor, isDataType } from "../serialization/arrays.js";
import { isPlainObject } from "../serialization/values.js";

/** One progress report of a large message. */
export interface TransferProgress {
  /** "out" while a message is sent, "in" while one is received. */
  readonly direction: "in" | "out";
  /** The message's type, when known ("PULL-DOC-REPLY"; null until its header was read). */
  readonly msgtype: string | null;
  /** Bytes of the message sent or received so far. */
  readonly done: number;
  /** Bytes of the whole message: exact when sending; when receiving, what is known so far (it may grow). */
  readonly total: number;
}

/** Messages at least this large report progress. */
export const PROGRESS_THRESHOLD = 1024 * 1024;

/**
 * The bytes of the binary buffers `content` announces as arrays (ndarray references with a
 * shape and a dtype). Buffers referenced as plain bytes are not counted: their size is unknown.
 */
export function announcedArrayBytes(content: unknown): number {
  let total = 0;
  const seen = new Set<string>();
  const pending: unknown[] = [content];
  for (let value = pending.pop(); value !== undefined || pending.length > 0; value = pending.pop()) {
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === "object" && item !== null) pending.push(item);
      continue;
    }
    if (!isPlainObject(value)) continue;
    if (value.type === "ndarray" && isPlainObject(value.array) && isPlainObject(value.array.data) && Array.isArray(value.shape) && isDataType(value.dtype)) {
      const id = value.array.data.id;
      if (typeof id === "string" && !seen.has(id)) {
        seen.add(id);
        total += (value.shape as number[]).reduce((n, d) => n * (Number.isFinite(d) ? d : 0), 1) * constructorFor(value.dtype).BYTES_PER_ELEMENT;
      }
      continue;
    }
    for (const item of Object.values(value)) if (typeof item === "object" && item !== null) pending.push(item);
  }
  return total;
}

/** What ProgressTracker needs to follow a message going out. */
export interface Sending {
  /** Bytes queued in the socket, not yet taken by the kernel. */
  readonly bufferedAmount: number;
  readonly state: string;
}

/**
 * Follows the progress of a connection's large messages, in and out, and reports it.
 * Incoming: told every frame's size, the progress of large payloads, and each message's end.
 */
export class ProgressTracker {
  /** Bytes of the frames of the message being received. */
  private received = 0;
  /** The large message being received, once it was reported: its type and expected size. */
  private incoming: { msgtype: string | null; total: number } | null = null;

  constructor(private readonly report: (progress: TransferProgress) => void) {}

  /** Bytes of the incoming message so far. */
  get messageBytes(): number {
    return this.received;
  }

  /** A whole frame of the incoming message arrived. */
  frame(bytes: number): void {
    this.received += bytes;
  }

  /**
   * A large payload of the incoming message advanced: `done` of `frameTotal` bytes.
   * `announced`: while a buffer is read, the message's header and content (its arrays tell the total).
   */
  payload(done: number, frameTotal: number, announced: { header: { msgtype: string }; content: unknown } | null): void {
    const sofar = this.received + done;
    let total = this.received + frameTotal;
    if (announced !== null) {
      this.incoming ??= { msgtype: announced.header.msgtype, total: this.received + announcedArrayBytes(announced.content) };
      total = Math.max(total, this.incoming.total);
    } else if (sofar < PROGRESS_THRESHOLD && this.incoming === null) {
      return;
    }
    this.incoming ??= { msgtype: null, total };
    this.incoming.total = Math.max(this.incoming.total, total);
    if (this.incoming.total < PROGRESS_THRESHOLD) return;
    this.report({ direction: "in", msgtype: this.incoming.msgtype, done: sofar, total: this.incoming.total });
  }

  /** The incoming message is complete: a large one's last report says all of it. */
  messageEnd(msgtype: string): void {
    if (this.incoming !== null) this.report({ direction: "in", msgtype, done: this.received, total: this.received });
    this.incoming = null;
    this.received = 0;
  }

  /**
   * A message of `total` bytes was handed to the socket, which held `queuedBefore` bytes:
   * reports its progress as the kernel takes its bytes (checked every 50 ms).
   */
  sending(socket: Sending, msgtype: string, total: number, queuedBefore: number): void {
    const report = (): boolean => {
      const queued = Math.min(total, Math.max(0, socket.bufferedAmount - queuedBefore));
      this.report({ direction: "out", msgtype, done: total - queued, total });
      return queued === 0 || socket.state === "closed";
    };
    if (report()) return;
    const timer = setInterval(() => report() && clearInterval(timer), 50);
    timer.unref();
  }
}
