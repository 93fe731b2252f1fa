/** Starting and killing a BokehServer in a child process. */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "child-server.mjs");

export interface ChildServer {
  url: string;
  process: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const started = new Set<ChildProcess>();

/** `recordText`: a "log" Div whose text lists every value "div"'s text took on the server, in order. */
export async function startChildServer(options: { rows?: number; port?: number; recordText?: boolean } = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, BOKEH_TEST_SERVER: JSON.stringify(options) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  started.add(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`child server exited early (${code})`)));
  });
  return {
    url,
    process: child,
    kill: (signal = "SIGKILL") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}

/** Kills every child server still running (call in afterEach/afterAll). */
export async function killChildServers(): Promise<void> {
  await Promise.all(
    [...started].map(
      (child) =>
        new Promise<void>((resolve) => {
          started.delete(child);
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}
