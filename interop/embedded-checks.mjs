// The real Python Bokeh 3.9.2 client (interop/python_client.py, driven line by line) against
// our embedded server, in this process, started with `bokehVersion: "3.9.2"`. Used by
// `npm run interop` (interop/run.mjs).
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ColumnDataSource, Model, pullSession } from "../dist/index.js";
import { BokehServer } from "../dist/server/index.js";
import { within } from "./checklist.mjs";
import { killOnExit } from "./processes.mjs";

const WAIT = 15_000;

/** The Python client as a child process: `ask({ op, ... })` resolves with its answer. */
function pythonClient(env) {
  const script = fileURLToPath(new URL("./python_client.py", import.meta.url));
  const child = killOnExit(spawn(env.python, [script], { stdio: ["pipe", "pipe", "pipe"] }));
  let stderr = "";
  child.stderr.on("data", (c) => (stderr = (stderr + c).slice(-3000)));
  const waiting = [];
  let partial = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop();
    for (const line of lines) waiting.shift()?.resolve(JSON.parse(line));
  });
  child.once("exit", (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`the Python client exited (${code}):\n${stderr.trim()}`));
  });
  return {
    async ask(command) {
      const answer = await within(WAIT, `answer from the Python client to ${command.op}`, new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify(command)}\n`);
      }));
      if (!answer.ok) throw new Error(`Python: ${answer.error}`);
      return answer;
    },
    close() {
      child.stdin.end();
      return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", resolve)));
    },
  };
}

/** Resolves once `predicate()` holds, re-checked after each change of `doc`. */
function whenDocument(doc, what, predicate) {
  if (predicate()) return Promise.resolve();
  let off;
  return within(WAIT, what, new Promise((resolve) => {
    off = doc.onChange(() => predicate() && resolve());
  })).finally(() => off?.());
}

export async function embeddedChecks(env) {
  const server = await BokehServer.start({
    port: 0,
    bokehVersion: "3.9.2", // an option of the parallel version work; ignored where it does not exist yet
    log: () => {},
    apps: {
      "/app": (doc) => {
        doc.addRoot(new ColumnDataSource({ data: { x: new Float64Array([1, 2, 3]) }, name: "src" }));
        doc.addRoot(new Model("Div", { text: "hello", name: "div" }));
      },
      "/empty": () => {},
    },
  });
  // What our server says it is, as any client would learn it.
  const probe = await pullSession({ url: server.appUrl("/empty") });
  const speaks = (await probe.requestServerInfo()).version_info?.bokeh ?? "?";
  await probe.close();
  const python = pythonClient(env);
  let pushedId;
  let pulledId;
  const serverDoc = async (id) => (await server.getSession(id)).document;
  const named = (doc, name) => doc.getModelByName(name);

  const checks = [
    {
      name: "Python push_session of numpy columns; our server holds them",
      async run() {
        pushedId = (await python.ask({ op: "push", url: server.appUrl("/empty") })).id;
        const doc = await serverDoc(pushedId);
        const x = named(doc, "np").data.x;
        assert.deepEqual(Array.from(x), [0, 1, 2, 3, 4]);
        assert.equal(named(doc, "div").get("text"), "from python");
        return `session ${pushedId}: x = ${x.constructor.name} [0..4], Div "from python"`;
      },
    },
    {
      name: "a property change from Python (pushed session) reaches our side",
      async run() {
        const doc = await serverDoc(pushedId);
        await python.ask({ op: "set", name: "div", attr: "text", value: "set in python" });
        await whenDocument(doc, "Div change on our side", () => named(doc, "div").get("text") === "set in python");
      },
    },
    {
      name: "a stream from Python (pushed session) reaches our side",
      async run() {
        const doc = await serverDoc(pushedId);
        await python.ask({ op: "stream", name: "np", data: { x: [5, 6] } });
        await whenDocument(doc, "streamed rows on our side", () => named(doc, "np").data.x.length === 7);
        assert.deepEqual(Array.from(named(doc, "np").data.x), [0, 1, 2, 3, 4, 5, 6]);
      },
    },
    {
      name: "a property change on our side reaches Python (pushed session)",
      async run() {
        named(await serverDoc(pushedId), "div").set("text", "set in node");
        const { value } = await python.ask({ op: "wait", name: "div", attr: "text", value: "set in node" });
        assert.equal(value, "set in node", `Python reads ${JSON.stringify(value)}`);
      },
    },
    {
      name: "a stream on our side reaches Python (pushed session)",
      async run() {
        named(await serverDoc(pushedId), "np").stream({ x: new Float64Array([7, 8]) });
        const want = [0, 1, 2, 3, 4, 5, 6, 7, 8];
        const { value } = await python.ask({ op: "wait", name: "np", attr: "data", column: "x", value: want });
        assert.deepEqual(value, want, `Python reads x = ${JSON.stringify(value)}`);
      },
    },
    {
      name: "Python pull_session of /app",
      async run() {
        try {
          const answer = await python.ask({ op: "pull", url: server.appUrl("/app") });
          pulledId = answer.id;
          assert.deepEqual(answer.roots, ["div", "src"]);
          const { value } = await python.ask({ op: "wait", name: "src", attr: "data", column: "x", value: [1, 2, 3] });
          assert.deepEqual(value, [1, 2, 3]);
          return `roots ${answer.roots.join(", ")}; x = [1, 2, 3]`;
        } catch (error) {
          if (!/^3\.(8|9|1\d)\./.test(speaks)) {
            error.message += `\n(our embedded server speaks Bokeh ${speaks}, so it ignored bokehVersion: "3.9.2"; Python 3.9.2 reads only the 3.8+ document format)`;
          }
          throw error;
        }
      },
    },
    {
      name: "a property change from Python (pulled session) reaches our side",
      async run() {
        const doc = await serverDoc(pulledId);
        await python.ask({ op: "set", name: "div", attr: "text", value: "pulled, set in python" });
        await whenDocument(doc, "Div change on our side", () => named(doc, "div").get("text") === "pulled, set in python");
      },
    },
    {
      name: "a stream on our side reaches Python (pulled session)",
      async run() {
        named(await serverDoc(pulledId), "src").stream({ x: new Float64Array([4]) });
        const { value } = await python.ask({ op: "wait", name: "src", attr: "data", column: "x", value: [1, 2, 3, 4] });
        assert.deepEqual(value, [1, 2, 3, 4], `Python reads x = ${JSON.stringify(value)}`);
      },
    },
  ];
  return {
    speaks,
    checks,
    async close() {
      await python.ask({ op: "close" }).catch(() => {});
      await python.close();
      await server.close();
    },
  };
}
