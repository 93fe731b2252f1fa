// An app for `bokeh-client serve` in the consumer project (which has no tsx).
import type { Application } from "bokeh-client/server";

const app: Application = () => {};
export default app;
