// A plain JavaScript consumer (ESM import): pull a session, push a document, read it back.
import { Div, Document, pullSession, pushSession } from "bokeh-client";

const url = process.argv[2];
const pulled = await pullSession({ url });
const value = pulled.document.getModelByName("s").get("value");
await pulled.close();
const pushed = await pushSession(new Document({ roots: [new Div({ text: "a" }), new Div({ text: "b" })] }), { url });
const again = await pullSession({ url, sessionId: pushed.id });
console.log(`pulled Slider value ${value}; pushed and read back ${again.document.roots.length} roots`);
await again.close();
await pushed.close();
