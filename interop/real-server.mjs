// Starts a real `bokeh serve` (from .venv-bokeh/, scripts/python-env.mjs) on a free port of
// 127.0.0.1, for `npm run interop` and `npm run bench:real`, and makes sure it ends with
// this process: on normal exit, on an uncaught error, on Ctrl-C (SIGINT) or SIGTERM.
//
//   const server = await startRealBokeh(env, ["interop/apps/demo.py", ...]);
//   server.url            "http://127.0.0.1:PORT"
//   server.pause() / resume()   SIGSTOP / SIGCONT (the server holds what it gets unanswered)
//   await server.stop()         SIGTERM (SIGKILL after 5 s); stop("SIGKILL") kills at once
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { killOnExit } from "./processes.mjs";

async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => probe.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** One attempt: resolves once Bokeh logs that its apps are running, rejects if it exits first. */
function launch(env, apps, port, extraArgs) {
  const args = ["serve", ...apps, "--address", "127.0.0.1", "--port", String(port), "--allow-websocket-origin", `127.0.0.1:${port}`, ...extraArgs];
  // Its own process group, so that anything it starts ends with it.
  const child = spawn(env.bokeh, args, { stdio: ["ignore", "ignore", "pipe"], detached: true, env: { ...process.env, BOKEH_LOG_LEVEL: "info" } });
  killOnExit(child, { group: true });
  const tail = [];
  return new Promise((resolve, reject) => {
    let ready = false;
    let partial = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop();
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (!ready && /Bokeh app running at/.test(line)) {
          ready = true;
          resolve({ child, tail });
        }
      }
    });
    child.once("error", (error) => reject(new Error(`cannot start ${env.bokeh}: ${error.message}`)));
    child.once("exit", (code, signal) => {
      if (!ready) reject(Object.assign(new Error(`bokeh serve exited (${signal ?? code}) before its apps were running:\n  ${tail.join("\n  ")}`), { tail }));
    });
  });
}

/**
 * `port`: listen there (to restart a killed server where its clients reconnect); by default
 * a free port.
 */
export async function startRealBokeh(env, apps, { args = [], port: fixedPort } = {}) {
  let lastError;
  for (let attempt = 0; attempt < (fixedPort ? 1 : 3); attempt++) {
    const port = fixedPort ?? (await freePort()); // another process may take it before Bokeh binds: try again
    try {
      const { child, tail } = await launch(env, apps, port, args);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      return {
        url: `http://127.0.0.1:${port}`,
        port,
        pid: child.pid,
        /** The last lines Bokeh logged (for error messages). */
        log: () => tail.join("\n"),
        pause: () => process.kill(child.pid, "SIGSTOP"),
        resume: () => process.kill(child.pid, "SIGCONT"),
        exited,
        async stop(signal = "SIGTERM") {
          if (child.exitCode !== null || child.signalCode !== null) return;
          try {
            process.kill(-child.pid, "SIGCONT");
            process.kill(-child.pid, signal);
          } catch {
            // already gone
          }
          const timer = setTimeout(() => {
            try {
              process.kill(-child.pid, "SIGKILL");
            } catch {
              // already gone
            }
          }, 5000);
          await exited;
          clearTimeout(timer);
        },
      };
    } catch (error) {
      lastError = error;
      if (!/address already in use/i.test(String(error.tail ?? error.message))) break;
    }
  }
  throw lastError;
}
