// A TypeScript consumer, compiled in strict mode with skipLibCheck false (node16 and bundler resolution).
import { ColumnDataSource, Document, figure, pullSession, pushSession, Slider, type ClientSession } from "bokeh-client";
import type { Application } from "bokeh-client/server";

const url = process.argv[2] as string;
const session: ClientSession = await pullSession({ url });
const slider = session.document!.selectOne({ type: Slider }) as Slider;
const before: number = slider.value as number;
slider.value = 5;
await session.flush();
// Never called: it only has to fail to compile where the types know better.
export function typos(): void {
  // @ts-expect-error: a typo in a property name does not compile
  new Slider({ valeu: 3 });
}
const source = new ColumnDataSource({ data: { x: new Float64Array([1, 2]), y: new Float64Array([3, 4]) } });
const p = figure({ title: "typed", width: 300, height: 200 });
p.line({ x: "x", y: "y", source });
p.scatter({ x: "x", y: "y", source, size: 5 });
const pushed = await pushSession(new Document({ roots: [p] }), { url });
const app: Application = (doc) => doc.addRoot(new Slider({ start: 0, end: 1, value: 0, step: 0.1 }));
void app;
console.log(`typed: slider ${before} -> ${slider.value}; figure pushed with ${p.renderers.length} renderers`);
await pushed.close();
await session.close();
