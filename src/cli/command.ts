/**
 * What every subcommand shares: its declaration (options with their help text),
 * argument parsing with `node:util` parseArgs, `--help`, and the exit codes.
 *
 * Exit codes: 0 success, 1 usage or input error, 2 the server cannot be reached
 * (or the connection was lost), 3 the server refused (an HTTP error, a refused
 * session, an ERROR reply, a connection it closed with a code).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConnectionClosedError, HttpError, NetworkError, RequestTimeoutError, ServerError, SessionRefusedError } from "../client/errors.js";
import { BokehError } from "../util/errors.js";

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_UNREACHABLE = 2;
export const EXIT_REFUSED = 3;

/** A command line or input file the command cannot use (exit code 1). */
export class UsageError extends BokehError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_BOKEH_CLI_USAGE", message, options);
  }
}

/** One option: what parseArgs needs, and what `--help` says. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** Placeholder in the help text: `--port PORT`. */
  value?: string;
  /** Repeatable (`--allow-websocket-origin a --allow-websocket-origin b`). */
  multiple?: boolean;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed values of a command's options. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : O[K]["multiple"] extends true ? string[] : string;
};

export interface Command<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Positional arguments as shown in the usage line: `URL`, `FILE URL`, `APP...`. */
  args: string;
  /** Least and most positional arguments (null: no limit). */
  positionals: [min: number, max: number | null];
  options: O;
  /** Paragraphs after the option list in `--help`. */
  details?: string;
  run(values: OptionValues<O>, positionals: string[]): Promise<number>;
}

/** Declares a command (keeps the option types for `run`). */
export function command<O extends OptionSpecs>(spec: Command<O>): Command<O> {
  return spec;
}

/** The `--help` text of a command. */
export function helpText(cmd: Command): string {
  const rows: [string, string][] = Object.entries(cmd.options).map(([name, option]) => [
    `${option.short ? `-${option.short}, ` : "    "}--${name}${option.value ? ` ${option.value}` : ""}`,
    option.description,
  ]);
  rows.push(["-h, --help", "show this help"]);
  const width = Math.max(...rows.map(([left]) => left.length));
  const lines = [
    `Usage: bokeh-client ${cmd.name} ${cmd.args} [options]`,
    "",
    cmd.summary,
    "",
    "Options:",
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
  ];
  if (cmd.details) lines.push("", cmd.details.trim());
  return `${lines.join("\n")}\n`;
}

/** Parses `argv` for `cmd`; null when `--help` was asked (and printed). */
export function parseCommandLine<O extends OptionSpecs>(cmd: Command<O>, argv: string[]): { values: OptionValues<O>; positionals: string[] } | null {
  const options: NonNullable<ParseArgsConfig["options"]> = { help: { type: "boolean", short: "h" } };
  for (const [name, option] of Object.entries(cmd.options)) {
    options[name] = { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, "")}`, { cause: error });
  }
  if (parsed.values.help === true) {
    process.stdout.write(helpText(cmd));
    return null;
  }
  const [min, max] = cmd.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`missing ${cmd.args.split(" ").slice(parsed.positionals.length).join(" ")}`);
  if (max !== null && parsed.positionals.length > max) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[max])}`);
  }
  delete parsed.values.help;
  return { values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
}

/** A whole number option (`--port 0`, `--sessions 100`): undefined when absent. */
export function integerOption(name: string, text: string | undefined, min = 0): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || text.trim() === "") throw new UsageError(`--${name} must be a whole number >= ${min}, not ${JSON.stringify(text)}`);
  return value;
}

/** A number option (`--duration 2.5`): undefined when absent. */
export function numberOption(name: string, text: string | undefined, min = 0): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || text.trim() === "") throw new UsageError(`--${name} must be a number >= ${min}, not ${JSON.stringify(text)}`);
  return value;
}

/**
 * Close codes by which a server refuses what it was sent (protocol error, policy,
 * too large, failure, busy; Bokeh's 10000/10001). Others (1001 going away, 1006
 * dropped, ...) mean the connection was lost.
 */
const REFUSING_CLOSE_CODES: ReadonlySet<number> = new Set([1002, 1003, 1007, 1008, 1009, 1010, 1011, 1013, 10000, 10001]);

/** The exit code for an error a command ended with. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof NetworkError || error instanceof RequestTimeoutError) return EXIT_UNREACHABLE;
  if (error instanceof ConnectionClosedError) return REFUSING_CLOSE_CODES.has(error.closeCode) ? EXIT_REFUSED : EXIT_UNREACHABLE;
  if (error instanceof HttpError || error instanceof SessionRefusedError || error instanceof ServerError) return EXIT_REFUSED;
  return EXIT_USAGE;
}

/** A short name for the kind of an error ("HTTP 404", "SESSION_REFUSED 1013", "ERR_BOKEH_TIMEOUT"). */
export function errorKind(error: unknown): string {
  if (error instanceof HttpError) return `HTTP ${error.status}`;
  if (error instanceof SessionRefusedError) return `SESSION_REFUSED ${error.closeCode}`;
  if (error instanceof ConnectionClosedError) return `CLOSED ${error.closeCode}`;
  if (error instanceof NetworkError) return "NETWORK_ERROR";
  if (error instanceof BokehError) return error.code;
  return error instanceof Error ? error.name : "unknown";
}
