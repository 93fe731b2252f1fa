// The Python side of `npm run interop` and `npm run bench:real`: a virtualenv in
// .venv-bokeh/ holding the real Bokeh 3.9.2 (interop/requirements.txt, pinned in full),
// created on first use from the machine's Python package index (pip's own configuration)
// and reused while the requirements are unchanged.
//
//   node scripts/python-env.mjs     creates or checks it, prints the versions
//
// From a script: `const env = await pythonEnv()` returns the paths and versions, or
// throws a PythonEnvError whose message says what failed and how to fix it.
// Environment: PYTHON (default python3) picks the interpreter; PIP_RETRIES (default 0
// here: a machine without the internet otherwise waits out pip's retries of pypi.org
// for every package before it takes the local index) is passed to pip as usual.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const VENV = `${root}.venv-bokeh`;
const REQUIREMENTS = `${root}interop/requirements.txt`;
const STAMP = `${VENV}/bokeh-client-requirements.txt`;
const WANT_BOKEH = "3.9.2";

export class PythonEnvError extends Error {
  name = "PythonEnvError";
}

const VERSIONS = `
import json, platform, bokeh, numpy, tornado
print(json.dumps({"python": platform.python_version(), "bokeh": bokeh.__version__, "numpy": numpy.__version__, "tornado": tornado.version}))
`;

function run(cmd, args, what, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...options });
  if (r.error) throw new PythonEnvError(`${what}: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-12).join("\n  ");
    throw new PythonEnvError(`${what} failed (${cmd} ${args.join(" ")}, exit ${r.status}):\n  ${tail}`);
  }
  return r.stdout;
}

function versionsOf(python) {
  try {
    return JSON.parse(execFileSync(python, ["-c", VERSIONS], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
  } catch {
    return null;
  }
}

/**
 * Creates .venv-bokeh/ if needed and returns `{ python, bokeh, versions }`: the venv's
 * interpreter, its `bokeh` command, and the versions of Python, Bokeh, numpy and Tornado.
 */
export async function pythonEnv({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const python = `${VENV}/bin/python`;
  const env = { ...process.env, PIP_RETRIES: process.env.PIP_RETRIES ?? "0", PIP_DISABLE_PIP_VERSION_CHECK: "1" };
  const wanted = readFileSync(REQUIREMENTS, "utf8");
  const installed = existsSync(STAMP) ? readFileSync(STAMP, "utf8") : null;
  let versions = installed === wanted ? versionsOf(python) : null;
  if (versions === null) {
    const base = process.env.PYTHON ?? "python3";
    const found = spawnSync(base, ["-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
    if (found.error || found.status !== 0) {
      throw new PythonEnvError(
        `no usable Python: \`${base}\` ${found.error ? `cannot be run (${found.error.message})` : `failed: ${found.stderr.trim()}`}. ` +
          "Install Python 3.10+ with its venv module (Debian: apt-get install python3 python3-venv), or set PYTHON.",
      );
    }
    const [major, minor] = found.stdout.trim().split(".").map(Number);
    if (major < 3 || (major === 3 && minor < 10)) {
      throw new PythonEnvError(`\`${base}\` is Python ${found.stdout.trim()}; Bokeh ${WANT_BOKEH} needs 3.10 or newer (set PYTHON to another interpreter).`);
    }
    if (!existsSync(python) || spawnSync(python, ["-c", "pass"]).status !== 0) {
      rmSync(VENV, { recursive: true, force: true });
      log(`creating ${VENV} (Python ${found.stdout.trim()})...`);
      run(base, ["-m", "venv", VENV], "python -m venv");
    }
    log(`installing ${REQUIREMENTS.slice(root.length)} into .venv-bokeh/ (pip, from the configured package index)...`);
    run(python, ["-m", "pip", "install", "--no-input", "-r", REQUIREMENTS], `pip install of Bokeh ${WANT_BOKEH}`, { env });
    versions = versionsOf(python);
    if (versions === null) throw new PythonEnvError(`Bokeh was installed into ${VENV} but \`import bokeh, numpy, tornado\` fails there`);
    writeFileSync(STAMP, wanted);
  }
  if (versions.bokeh !== WANT_BOKEH) {
    throw new PythonEnvError(`${VENV} holds Bokeh ${versions.bokeh}, not ${WANT_BOKEH}: delete the folder and run again`);
  }
  return { python, bokeh: `${VENV}/bin/bokeh`, versions };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const env = await pythonEnv();
    const v = env.versions;
    console.log(`${env.python}: Python ${v.python}, Bokeh ${v.bokeh}, Tornado ${v.tornado}, numpy ${v.numpy}`);
  } catch (error) {
    console.error(error instanceof PythonEnvError ? error.message : error);
    process.exit(1);
  }
}
