/** The embedded server the CLI tests talk to, started in the test process, and a port nobody listens on. */
import { createServer } from "node:net";
import { Div, Slider } from "../../src/index.js";
import { BokehServer, type Application, type BokehServerOptions } from "../../src/server/index.js";

/** An app with a slider ("amplitude", value 1) and a Div ("greeting": "hello", or "hello NAME" with the argument `?name=NAME`). */
export const sliderApp: Application = (doc, context) => {
  const name = context.request.arguments.name?.[0];
  doc.addRoot(new Slider({ name: "amplitude", title: "Amplitude", start: 0, end: 10, step: 1, value: 1 }));
  doc.addRoot(new Div({ name: "greeting", text: name === undefined ? "hello" : `hello ${name}` }));
  doc.title = "CLI test app";
};

export function startServer(options: Partial<BokehServerOptions> = {}): Promise<BokehServer> {
  return BokehServer.start({ port: 0, apps: { "/myapp": sliderApp }, log: () => {}, ...options });
}

/** A port that was free a moment ago and has nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
