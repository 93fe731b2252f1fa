/**
 * MessageSize: the bytes of the message a receiver is reading, against its limit, and
 * whether a buffer payload of it was skipped on the socket. Shared by the receivers of
 * both framings (receiver.ts, envelope.ts).
 */
import { MessageTooLargeError } from "./errors.js";

export class MessageSize {
  private bytes = 0;
  private _skipped = false;

  /** `option`: the option that sets `limit`, named in MessageTooLargeError. */
  constructor(
    private readonly limit: number,
    private readonly option: string,
  ) {}

  /** Whether a buffer payload of the message was skipped: whoever gets the message drops it. */
  get skipped(): boolean {
    return this._skipped;
  }

  /** Counts `bytes` more; throws MessageTooLargeError once past the limit. */
  add(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.limit) throw new MessageTooLargeError(this.bytes, this.limit, "a Bokeh message", this.option);
  }

  /** Whether `bytes` more would stay within the limit. */
  fits(bytes: number): boolean {
    return this.bytes + bytes <= this.limit;
  }

  /** A buffer payload was skipped on the socket (its bytes counted with `add` all the same). */
  markSkipped(): void {
    this._skipped = true;
  }

  /** The next message starts. */
  reset(): void {
    this.bytes = 0;
    this._skipped = false;
  }
}
