// npm run interop: a real Bokeh 3.9.2 (Python, from .venv-bokeh/) against bokeh-client,
// both ways, one line per check; exits non-zero on the first failure (docs/interop.md).
//   1. our client against `bokeh serve interop/apps/demo.py interop/apps/empty.py`
//   2. the real Python client against our embedded server
// Not part of npm test: it needs Python. Every process started here ends with it.
import { fileURLToPath } from "node:url";
import { pythonEnv, PythonEnvError } from "../scripts/python-env.mjs";
import { clientChecks } from "./check.mjs";
import { runChecks } from "./checklist.mjs";
import { embeddedChecks } from "./embedded-checks.mjs";
import { startRealBokeh } from "./real-server.mjs";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

let env;
try {
  env = await pythonEnv();
} catch (error) {
  console.error(`npm run interop needs Python with Bokeh 3.9.2: ${error instanceof PythonEnvError ? error.message : error}`);
  process.exit(1);
}
const v = env.versions;
console.log(`Python ${v.python}, Bokeh ${v.bokeh}, Tornado ${v.tornado}, numpy ${v.numpy} (.venv-bokeh/); Node ${process.version}`);

let ok = false;
const real = await startRealBokeh(env, [here("./apps/demo.py"), here("./apps/empty.py")]);
try {
  const ours = clientChecks(real.url);
  try {
    ok = await runChecks(`our client -> real Bokeh ${v.bokeh} (bokeh serve at ${real.url})`, ours.checks);
  } finally {
    await ours.close();
  }
} finally {
  await real.stop();
}

if (ok) {
  const theirs = await embeddedChecks(env);
  try {
    ok = await runChecks(`real Python Bokeh ${v.bokeh} client -> our embedded server (started with bokehVersion "3.9.2"; it says it is Bokeh ${theirs.speaks})`, theirs.checks);
  } finally {
    await theirs.close();
  }
}
console.log(ok ? "\nall interop checks passed" : "\ninterop: a check failed");
process.exit(ok ? 0 : 1);
