/**
 * An app URL with a query, as a browser's address has one: pullSession and pushSession
 * connect, and the app gets the query as the new session's arguments (Python's
 * pull_session appends /ws to the whole URL and cannot connect). Our client against
 * our server, over real sockets.
 */
import { afterEach, expect, test } from "vitest";
import { ClientSession, Document, Model, pullSession, pushSession } from "../src/index.js";
import { BokehServer, type Application } from "../src/server/index.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
});

/** An app that shows the arguments its session was made with, and the server it runs on. */
async function argumentsServer(): Promise<BokehServer> {
  const app: Application = (doc, context) => {
    doc.addRoot(new Model("Div", { name: "args", text: JSON.stringify(context.request.arguments) }));
  };
  const server = await BokehServer.start({ port: 0, apps: { "/app": app }, log: () => {} });
  cleanup.push(() => server.close());
  return server;
}

function track(session: ClientSession): ClientSession {
  cleanup.push(() => session.close());
  return session;
}

const argumentsOf = (session: ClientSession) => JSON.parse(session.document!.getModelByName("args")!.get("text") as string);

test("pullSession({ url: 'http://h/app?x=1' }): the query becomes the session's arguments", async () => {
  const server = await argumentsServer();
  const session = track(await pullSession({ url: `${server.appUrl("/app")}?x=1&msg=hello+world+%26+more&x=2` }));
  expect(argumentsOf(session)).toEqual({ x: ["1", "2"], msg: ["hello world & more"] });
  expect(session.url).toBe(`${server.appUrl("/app").replace(/^http/, "ws")}/ws?x=1&msg=hello+world+%26+more&x=2`);
});

test("a slash before the query, a fragment, and the arguments option beside the URL's query", async () => {
  const server = await argumentsServer();
  const session = track(await pullSession({ url: `${server.appUrl("/app")}/?x=1#plot`, arguments: { y: "2", x: "3" } }));
  // both are sent, the URL's first: the app sees every value, as with a repeated key in a browser's address
  expect(argumentsOf(session)).toEqual({ x: ["1", "3"], y: ["2"] });
});

test("pushSession to an app URL with a query opens a session of that app", async () => {
  const server = await argumentsServer();
  const pushed = track(await pushSession(new Document({ title: "with a query", roots: [new Model("Div", { name: "d", text: "hi" })] }), { url: `${server.appUrl("/app")}?x=1` }));
  const onServer = await server.getSession(pushed.id);
  expect(onServer?.document.title).toBe("with a query");
  expect(onServer?.request.arguments).toEqual({ x: ["1"] });
});

test("a bokeh-session-id in the URL is a UrlError naming sessionId, before anything is opened", async () => {
  const server = await argumentsServer();
  await expect(pullSession({ url: `${server.appUrl("/app")}/?bokeh-session-id=abc` })).rejects.toMatchObject({
    code: "ERR_BOKEH_URL",
    message: expect.stringContaining('pass { sessionId: "abc" }'),
  });
  expect(server.sessionCount).toBe(0);
});
