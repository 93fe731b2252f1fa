/**
 * Running the built `bokeh-client` command (dist/cli/main.js) as a subprocess:
 * to completion (`runCli`), or in the background for commands that run until
 * stopped (`startCli`: wait for output, send Ctrl-C, get the exit code).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(ROOT, "dist", "cli", "main.js");
export const FIXTURES = join(ROOT, "test", "cli", "fixtures");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** Runs `bokeh-client ...args` to its end. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; cli?: string } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [options.cli ?? CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface BackgroundCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout (or stderr), as soon as it appears. */
  waitFor(pattern: RegExp, stream?: "stdout" | "stderr"): Promise<RegExpMatchArray>;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  interrupt(): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts `bokeh-client ...args` and leaves it running. */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): BackgroundCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const text = { stdout: "", stderr: "" };
  const waiters = new Set<() => void>();
  const onData = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
    text[stream] += chunk.toString();
    for (const check of [...waiters]) check();
  };
  child.stdout!.on("data", onData("stdout"));
  child.stderr!.on("data", onData("stderr"));
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      running.delete(child);
      for (const check of [...waiters]) check();
      resolve(code);
    }),
  );
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exited,
    waitFor(pattern, stream = "stdout") {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text[stream]);
          if (match) {
            waiters.delete(check);
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            reject(new Error(`bokeh-client ${args.join(" ")} exited (${child.exitCode}) before printing ${pattern}:\n${text.stdout}\n${text.stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    interrupt() {
      child.kill("SIGINT");
      return exited;
    },
  };
}

/** Kills whatever a test left running (afterEach). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("close", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}
