/**
 * The README's examples run as written, so they cannot drift from the library.
 *
 * Rules for README.md's fenced blocks:
 * - a `ts` or `js` block is a complete program: TypeScript is compiled (strict, Node16
 *   modules) and run with Node, JavaScript is run as an ES module; each must exit 0;
 * - a `text` block right after one is that program's exact output;
 * - a block after a `<!-- fragment -->` line is part of a larger program: not run;
 * - `sh` blocks are commands (the first two are run by CI and test/demo.test.ts).
 * Programs import "bokeh-client" as users do (the package's own name resolves to dist/).
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ROOT } from "./cli/run.js";

const run = promisify(execFile);

interface Block {
  lang: string;
  code: string;
  line: number;
  fragment: boolean;
  output?: string;
}

function readmeBlocks(): Block[] {
  const lines = readFileSync(join(ROOT, "README.md"), "utf8").split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]!);
    const before = lines.slice(0, start).reverse().find((l) => l.trim() !== "");
    const block: Block = { lang: open[1]!, code: `${body.join("\n")}\n`, line: start + 1, fragment: before?.trim() === "<!-- fragment -->" };
    const previous = blocks.at(-1);
    if (block.lang === "text" && previous !== undefined && !previous.fragment && (previous.lang === "ts" || previous.lang === "js")) previous.output = block.code;
    else blocks.push(block);
  }
  return blocks;
}

const blocks = readmeBlocks();
const programs = blocks.filter((b) => !b.fragment && (b.lang === "ts" || b.lang === "js"));
const dir = join(ROOT, ".scratch", `readme-${process.pid}`);

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const block of programs) {
    const name = `line-${block.line}.${block.lang === "ts" ? "ts" : "mjs"}`;
    writeFileSync(join(dir, name), block.code);
    if (block.lang === "ts") files.push(name);
  }
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, types: ["node"], skipLibCheck: true }, files }),
  );
  if (files.length > 0) {
    const compiled = await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir]).catch((error: { stdout: string }) => error);
    expect(compiled.stdout, "the README's TypeScript examples compile").toBe("");
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("every block is a program, its output, a fragment or commands", () => {
  expect(programs.length).toBeGreaterThanOrEqual(3);
  for (const block of blocks) {
    expect(["ts", "js", "sh", "text"], `README.md line ${block.line}`).toContain(block.lang);
    if (block.lang === "text") expect(block.fragment, `README.md line ${block.line}: output of what?`).toBe(true);
  }
});

test.each(programs.map((b) => [b.line, b] as const))("README.md line %i runs as written", async (line, block) => {
  const file = join(dir, `line-${line}.${block.lang === "ts" ? "js" : "mjs"}`);
  const { stdout } = await run(process.execPath, [file], { cwd: ROOT });
  if (block.output !== undefined) expect(stdout).toBe(block.output);
}, 60_000);
