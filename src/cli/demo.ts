/**
 * The demo: an embedded Bokeh-protocol server, one client that pushes a
 * document, a second client on the same session that changes it, and what
 * each side sees. No Python needed.
 *
 *   npm run demo
 */
import { ColumnDataSource, Document, Model, pullSession, pushSession, type DocumentChangedEvent } from "../index.js";
import { BokehServer } from "../server/index.js";

function describe(event: DocumentChangedEvent): string {
  switch (event.kind) {
    case "ModelChanged":
      return `${event.model.type}.${event.attr} = ${JSON.stringify(event.new)}`;
    case "ColumnsStreamed":
      return `${event.model.type} streamed rows (rollover ${String(event.rollover)})`;
    case "ColumnsPatched":
      return `${event.model.type} patched ${Object.keys(event.patches).join(", ")}`;
    case "ColumnDataChanged":
      return `${event.model.type}.data replaced${event.cols ? ` (${event.cols.join(", ")})` : ""}`;
    case "RootAdded":
    case "RootRemoved":
      return `${event.kind} ${event.model.type}`;
    case "TitleChanged":
      return `title = ${JSON.stringify(event.title)}`;
    case "MessageSent":
      return `event ${JSON.stringify((event.msg_data as { name?: string }).name)}`;
  }
}

async function main(): Promise<void> {
  const server = await BokehServer.start({
    port: 0,
    apps: { "/": () => {} },
    log: (level, message) => level !== "debug" && console.log(`[server] ${message}`),
  });
  console.log(`[server] Bokeh protocol server listening on ${server.url}`);

  // Client A builds a document and pushes it into a new session.
  const source = new ColumnDataSource({ name: "prices", data: { t: new Float64Array([0, 1, 2]), price: new Float64Array([10, 10.5, 10.2]) } });
  const label = new Model("Div", { name: "status", text: "waiting for B" });
  const document = new Document({ title: "bokeh-client demo", roots: [source, label] });
  const a = await pushSession(document, { url: server.url });
  console.log(`[A] pushed session ${a.id.slice(0, 8)}…: ${document.roots.length} roots, ${source.length} rows`);
  const seenByA = new Promise<void>((resolve) => {
    let count = 0;
    document.onChange((event) => {
      if (event.setter !== a) return; // only what came from the server
      console.log(`[A] sees: ${describe(event)}`);
      if (++count === 3) resolve();
    });
  });

  // Client B joins the same session and changes it.
  const b = await pullSession({ url: server.url, sessionId: a.id });
  const bDoc = b.document!;
  console.log(`[B] pulled "${bDoc.title}": ${bDoc.roots.map((r) => r.type).join(", ")}`);
  const bSource = bDoc.getModelByName("prices") as ColumnDataSource;
  bSource.stream({ t: new Float64Array([3, 4]), price: new Float64Array([10.7, 11.1]) }, 4);
  (bDoc.getModelByName("status") as Model).set("text", "B streamed two prices");
  bDoc.title = "changed by B";
  await b.flush();
  console.log(`[B] server confirmed 3 changes`);
  await seenByA;
  console.log(`[A] now has ${source.length} rows, last price ${String((source.data.price as Float64Array).at(-1))}, title "${document.title}"`);

  // And back: A changes, B sees it.
  const seenByB = new Promise<void>((resolve) =>
    bDoc.onChange((event) => {
      if (event.setter === b) {
        console.log(`[B] sees: ${describe(event)}`);
        resolve();
      }
    }),
  );
  source.patch({ price: [[0, 9.9]] });
  await seenByB;

  await a.close();
  await b.close();
  await server.close();
  console.log("[demo] done: both sides ended with the same document");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
