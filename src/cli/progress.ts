/**
 * Progress of long work on stderr: a bar redrawn in place on a terminal, plain
 * lines when stderr is piped or a file (a line when the work starts, at each
 * tenth of a counted task, and when it ends), so logs stay readable. On a
 * terminal the bar also shows the time spent, redrawn while nothing else moves
 * (a pull or push whose size is not known yet).
 */
import type { WriteStream } from "node:tty";

/** Where progress goes: process.stderr, or any stream (then `isTTY` decides the style). */
export type ProgressStream = Pick<WriteStream, "write"> & { isTTY?: boolean; columns?: number };

const REDRAW_MS = 100;

export class Progress {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private label: string;
  private lastDraw = 0;
  private lastTenth = -1;
  private drawn = false;
  private readonly started = performance.now();
  private last: { done: number; total: number | null; detail: string } = { done: 0, total: null, detail: "" };
  private readonly ticker: NodeJS.Timeout | null;

  constructor(label: string, stream: ProgressStream = process.stderr) {
    this.stream = stream;
    this.tty = stream.isTTY === true;
    this.label = label;
    if (!this.tty) this.stream.write(`${label}...\n`);
    this.ticker = this.tty ? setInterval(() => this.draw(this.last.done, this.last.total, this.last.detail), 500).unref() : null;
  }

  /** `done` of `total` units (total null: not known, only the count and time are shown). */
  update(done: number, total: number | null, detail = ""): void {
    this.last = { done, total, detail };
    if (this.tty) {
      const now = performance.now();
      if (now - this.lastDraw < REDRAW_MS && done !== total) return;
      this.lastDraw = now;
      this.draw(done, total, detail);
      return;
    }
    if (total === null || total <= 0) return;
    const tenth = Math.floor((10 * done) / total);
    if (tenth === this.lastTenth || tenth === 0 || tenth >= 10) return;
    this.lastTenth = tenth;
    this.stream.write(`${this.label}: ${done}/${total}${detail ? ` ${detail}` : ""}\n`);
  }

  /** A new phase of the same work (`"pulling"` -> `"writing"`). */
  phase(label: string): void {
    this.label = label;
    this.lastTenth = -1;
    this.last = { done: 0, total: null, detail: "" };
    if (this.tty) this.draw(0, null, "");
    else this.stream.write(`${label}...\n`);
  }

  /** Ends the work: clears the bar and prints `summary` as a plain line. */
  finish(summary: string): void {
    this.clear();
    this.stream.write(`${summary}\n`);
  }

  /** Removes the bar (before printing something else, or on failure). */
  clear(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    if (this.tty && this.drawn) this.stream.write("\r\x1b[2K");
    this.drawn = false;
  }

  private draw(done: number, total: number | null, detail: string): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    let bar = "";
    if (total !== null && total > 0) {
      const width = 24;
      const filled = Math.min(width, Math.round((width * done) / total));
      bar = ` [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`;
    } else if (done > 0) {
      bar = ` ${done}`;
    }
    const line = `${this.label}${bar} ${seconds}s${detail ? ` ${detail}` : ""}`;
    const columns = this.stream.columns || 80; // 0 on a terminal that reports no size
    this.stream.write(`\r\x1b[2K${line.slice(0, Math.max(10, columns - 1))}`);
    this.drawn = true;
  }
}
