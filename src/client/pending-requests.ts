/**
 * PendingRequests: a connection's requests waiting for their replies, oldest first.
 *
 * A reply is matched by the request's `msgid` (its `reqid`). Every request has the same
 * timeout, so the oldest is always the first to expire: one timer, set to the oldest
 * deadline, serves them all however many are in flight (a session may keep thousands of
 * PATCH-DOCs in flight; a timer each would cost memory and time).
 */
import type { RequestForm } from "../protocol/codec.js";
import type { Message, MsgType } from "../protocol/message.js";
import type { BokehError } from "../util/errors.js";
import { RequestTimeoutError } from "./errors.js";

/** How a request ends: its reply, or why there is none (an ERROR reply is a ServerError). */
export type ReplyCallback = (error: BokehError | null, reply: Message | null) => void;

/** One request waiting for its reply. */
export interface PendingRequest {
  /** The request as asked (the wire may carry another type: `form`). */
  readonly what: MsgType;
  /** How the request went on the wire; its `reply` reads the answer as the reply to `what`. */
  readonly form: RequestForm;
  readonly onReply: ((message: Message) => void) | undefined;
  readonly done: ReplyCallback;
  /** When it times out (performance.now() ms), or Infinity. */
  readonly deadline: number;
}

export class PendingRequests {
  /** A Map keeps insertion order: the oldest first. */
  private readonly byId = new Map<string, PendingRequest>();
  private timer: NodeJS.Timeout | undefined;

  /** `timeout`: milliseconds each request may wait (0: forever); `where`: named in timeout errors. */
  constructor(
    private readonly timeout: number,
    private readonly where: string,
  ) {}

  /** Whether a request with this id waits. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** A request was sent with id `id`. */
  add(id: string, what: MsgType, form: RequestForm, onReply: PendingRequest["onReply"], done: ReplyCallback): void {
    const deadline = this.timeout > 0 ? performance.now() + this.timeout : Number.POSITIVE_INFINITY;
    this.byId.set(id, { what, form, onReply, done, deadline });
    if (this.timer === undefined && this.timeout > 0) this.wake(this.timeout);
  }

  /** The request a reply answers, taken out; undefined if none waits under `id`. */
  take(id: string): PendingRequest | undefined {
    const entry = this.byId.get(id);
    if (entry !== undefined) this.byId.delete(id);
    return entry;
  }

  /** Every request fails with `error`, each in a microtask (whoever hears of the failure synchronously hears first). */
  failAll(error: BokehError): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const entry of this.byId.values()) queueMicrotask(() => entry.done(error, null));
    this.byId.clear();
  }

  /** Fails the requests whose deadline passed, then waits for the next one's. */
  private wake(delay: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = performance.now();
      for (const [id, entry] of this.byId) {
        if (entry.deadline > now) {
          if (Number.isFinite(entry.deadline)) this.wake(entry.deadline - now);
          return;
        }
        this.byId.delete(id);
        entry.done(new RequestTimeoutError(`${entry.what} to ${this.where}`, this.timeout), null);
      }
    }, delay);
    this.timer.unref();
  }
}
