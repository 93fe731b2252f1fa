/**
 * The demo: a live Bokeh app on the embedded server, two Node clients on one of
 * its sessions, and a URL to watch it in a browser. No Python needed.
 *
 *   npm run demo                  # runs until Ctrl-C
 *   npm run demo -- --open        # also opens the session in the system browser
 *   npm run demo -- --for 10      # stops after 10 seconds
 *
 * - the server app streams a sine wave into a line plot; a slider sets its amplitude;
 * - client A pulls the session and prints what it sees (the stream, the slider);
 * - client B joins the same session and moves the slider, then renames the plot;
 * - in the browser you see all of it, and moving the slider there reaches A too.
 */
import { ColumnDataSource, figure, pullSession, Slider, Title, type Figure } from "../index.js";
import { BokehServer, ListenError, type Application } from "../server/index.js";

const liveApp: Application = (doc, context) => {
  const source = new ColumnDataSource({ name: "wave", data: { t: new Float64Array(0), y: new Float64Array(0) } });
  const plot = figure({ name: "plot", title: "Live sine wave", width: 700, height: 300, tools: "pan,wheel_zoom,reset" });
  plot.line({ x: "t", y: "y", source, line_width: 2, color: "#1f77b4" });
  const amplitude = new Slider({ name: "amplitude", title: "Amplitude", start: 0, end: 5, step: 0.1, value: 1 });
  doc.addRoot(amplitude);
  doc.addRoot(plot);
  doc.title = "bokeh-client live demo";
  let t = 0;
  context.addPeriodicCallback(() => {
    t += 0.1;
    source.stream({ t: new Float64Array([t]), y: new Float64Array([(amplitude.value as number) * Math.sin(t)]) }, 300);
  }, 100);
};

function parseArgs(argv: string[]): { open: boolean; seconds: number | null; port: number } {
  const at = (flag: string) => argv.indexOf(flag);
  const value = (flag: string) => (at(flag) >= 0 ? argv[at(flag) + 1] : undefined);
  return { open: argv.includes("--open"), seconds: value("--for") !== undefined ? Number(value("--for")) : null, port: Number(value("--port") ?? 5006) };
}

async function startServer(port: number): Promise<BokehServer> {
  const options = { apps: { "/live": liveApp }, log: (level: string, message: string) => level === "error" && console.error(`[server] ${message}`) } as const;
  try {
    return await BokehServer.start({ ...options, port });
  } catch (error) {
    if (!(error instanceof ListenError) || error.systemCode !== "EADDRINUSE") throw error;
    return BokehServer.start({ ...options, port: 0 }); // 5006 is taken: any free port
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const server = await startServer(args.port);
  const appUrl = server.appUrl("/live");
  console.log(`[server] embedded Bokeh-protocol server: ${appUrl}`);

  // Client A: pulls a session and reports what arrives from the server.
  const a = await pullSession({ url: appUrl });
  const docA = a.document!;
  const wave = docA.getModelByName("wave") as ColumnDataSource;
  console.log(`[A] pulled "${docA.title}": ${docA.roots.map((r) => r.type).join(", ")} (${docA.models.length} models)`);
  let streamed = 0;
  docA.onChange((event) => {
    if (event.setter !== a) return;
    if (event.kind === "ColumnsStreamed") streamed++;
    else if (event.kind === "ModelChanged" && event.attr === "value") console.log(`[A] sees the amplitude set to ${String(event.new)}`);
    else if (event.kind === "ModelChanged" && event.attr === "text") console.log(`[A] sees the plot renamed "${String(event.new)}"`);
  });
  const report = setInterval(() => {
    console.log(`[A] received ${streamed} streamed points; the plot holds ${wave.length}`);
    streamed = 0;
  }, 2000);

  const watch = `${appUrl}/?bokeh-session-id=${a.id}`;
  console.log(`\nWatch it live: ${watch}\n`);
  if (args.open) await a.show().catch((error: Error) => console.error(`[demo] could not open a browser: ${error.message}`));

  // Client B: joins the same session and changes it.
  const b = await pullSession({ url: appUrl, sessionId: a.id });
  const slider = b.document!.getModelByName("amplitude") as Slider;
  const plot = b.document!.getModelByName("plot") as Figure;
  let step = 0;
  const changes = setInterval(() => {
    step++;
    const value = [2, 0.5, 3, 1][step % 4] as number;
    slider.value = value;
    console.log(`[B] sets the amplitude to ${value}`);
    if (step === 2 && plot.title instanceof Title) {
      plot.title.text = "Live sine wave (renamed by client B)";
      console.log("[B] renames the plot");
    }
  }, 3000);

  const stop = async (): Promise<void> => {
    clearInterval(report);
    clearInterval(changes);
    await b.close();
    await a.close();
    await server.close();
    console.log("[demo] stopped");
  };
  process.once("SIGINT", () => void stop().then(() => process.exit(0)));
  if (args.seconds !== null) {
    await new Promise((r) => setTimeout(r, args.seconds! * 1000));
    await stop();
  } else {
    console.log("(Ctrl-C to stop)");
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
