#!/usr/bin/env node
/**
 * The `bokeh-client` command: `bokeh-client <command> [options]`.
 *
 *   info URL                      is a Bokeh server there, which version, how fast
 *   pull URL [--tree] [-o FILE]   a session's document as DocJson or a tree
 *   push FILE URL                 a DocJson file or a module's Document into a session
 *   watch URL [--json]            every change as it arrives
 *   serve APP...                  TypeScript/JavaScript apps on the embedded server
 *   load URL --sessions N         a load test of any Bokeh server
 *
 * Exit codes: 0 success, 1 usage or input error, 2 server unreachable, 3 refused
 * (command.ts). `NODE_DEBUG=bokeh-client` logs every message (docs/debugging.md).
 */
import { readFileSync } from "node:fs";
import { BokehError } from "../util/errors.js";
import { debugLog } from "../util/debug.js";
import { EXIT_USAGE, exitCodeFor, parseCommandLine, UsageError, type Command } from "./command.js";
import { info } from "./info.js";
import { load } from "./load.js";
import { pull } from "./pull.js";
import { push } from "./push.js";
import { serve } from "./serve.js";
import { watch } from "./watch.js";

const COMMANDS: readonly Command[] = [info, pull, push, watch, serve, load] as unknown as Command[];

const debug = debugLog("cli");

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length));
  return [
    "Usage: bokeh-client <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}  ${c.summary}`),
    "",
    "Run `bokeh-client <command> --help` for its options. `bokeh-client --version` prints the version.",
    "Exit codes: 0 success, 1 usage error, 2 server unreachable, 3 server refused.",
    "Debug logging: NODE_DEBUG=bokeh-client bokeh-client ...",
    "",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (cmd === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}; the commands are ${COMMANDS.map((c) => c.name).join(", ")}`);
  debug.log("run", { command: cmd.name, args: rest.join(" ") });
  try {
    const parsed = parseCommandLine(cmd, rest);
    return parsed === null ? 0 : await cmd.run(parsed.values, parsed.positionals);
  } catch (error) {
    return fail(error, cmd.name);
  }
}

/** Prints why a command failed and returns its exit code. */
function fail(error: unknown, where: string | undefined): number {
  const prefix = `bokeh-client${where ? ` ${where}` : ""}: `;
  if (error instanceof BokehError) process.stderr.write(`${prefix}${error.message}\n`);
  else process.stderr.write(`${prefix}${(error as Error)?.stack ?? String(error)}\n`);
  if (error instanceof UsageError) process.stderr.write(`Run \`bokeh-client ${where ? `${where} ` : ""}--help\` for usage.\n`);
  debug.log("failed", { code: (error as BokehError)?.code, kind: (error as Error)?.name });
  return error instanceof BokehError ? exitCodeFor(error) : EXIT_USAGE;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = fail(error, undefined);
  },
);
