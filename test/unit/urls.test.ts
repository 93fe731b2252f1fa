import { expect, test } from "vitest";
import {
  defaultServerUrl,
  defaultWebsocketUrl,
  resolveServerUrl,
  serverUrlForWebsocketUrl,
  websocketUrlForServerUrl,
  withQueryArguments,
} from "../../src/client/urls.js";

test("the default server URL comes from BOKEH_DEFAULT_SERVER_HOST / PORT", () => {
  expect(defaultServerUrl({})).toBe("http://localhost:5006/");
  expect(defaultServerUrl({ BOKEH_DEFAULT_SERVER_HOST: "example.org", BOKEH_DEFAULT_SERVER_PORT: "8080" })).toBe("http://example.org:8080/");
  expect(defaultWebsocketUrl({})).toBe("ws://localhost:5006/ws");
  expect(resolveServerUrl("default", {})).toBe("http://localhost:5006");
});

test("http(s) <-> ws(s) with /ws, both ways", () => {
  expect(websocketUrlForServerUrl("http://h:1/app")).toBe("ws://h:1/app/ws");
  expect(websocketUrlForServerUrl("https://h/app/")).toBe("wss://h/app/ws");
  expect(websocketUrlForServerUrl("http://h/")).toBe("ws://h/ws");
  expect(serverUrlForWebsocketUrl("ws://h:1/app/ws")).toBe("http://h:1/app/");
  expect(serverUrlForWebsocketUrl("wss://h/ws")).toBe("https://h/");
  expect(() => websocketUrlForServerUrl("ftp://h")).toThrow(expect.objectContaining({ code: "ERR_BOKEH_URL" }));
  expect(() => serverUrlForWebsocketUrl("ws://h/app")).toThrow(/does not end in \/ws/);
  expect(() => resolveServerUrl("ws://h/app/ws")).toThrow(/not the websocket URL/);
  expect(resolveServerUrl("http://h/app///")).toBe("http://h/app");
});

test("arguments become a query string, urlencoded like Python", () => {
  expect(withQueryArguments("ws://h/ws", { foo: "bar", msg: "hello world & more", period: 0 })).toBe("ws://h/ws?foo=bar&msg=hello+world+%26+more&period=0");
  expect(withQueryArguments("ws://h/ws?a=1", { b: ["1", "2"] })).toBe("ws://h/ws?a=1&b=1&b=2");
  expect(withQueryArguments("ws://h/ws", {})).toBe("ws://h/ws");
});

test("a query in the app URL stays a query of the websocket URL, after /ws", () => {
  expect(websocketUrlForServerUrl("http://h/app?x=1")).toBe("ws://h/app/ws?x=1");
  expect(websocketUrlForServerUrl("https://h:8443/app/?x=1&y=a+b")).toBe("wss://h:8443/app/ws?x=1&y=a+b");
  expect(websocketUrlForServerUrl("http://h?x=1")).toBe("ws://h/ws?x=1");
  expect(websocketUrlForServerUrl("http://h/app?next=/a/b/#top")).toBe("ws://h/app/ws?next=/a/b/");
  expect(websocketUrlForServerUrl("http://h/app#top")).toBe("ws://h/app/ws");
  expect(websocketUrlForServerUrl("http://h/app?")).toBe("ws://h/app/ws");
  expect(serverUrlForWebsocketUrl("ws://h/app/ws?x=1")).toBe("http://h/app/");
  expect(() => serverUrlForWebsocketUrl("ws://h/app?x=1/ws")).toThrow(/does not end in \/ws/);
  // slashes at the end of the path go, those in the query stay
  expect(resolveServerUrl("http://h/app/?next=/a/")).toBe("http://h/app?next=/a/");
  expect(withQueryArguments(websocketUrlForServerUrl("http://h/app?x=1"), { y: 2 })).toBe("ws://h/app/ws?x=1&y=2");
});

test("a bokeh-session-id in the app URL is refused, naming the sessionId option", () => {
  expect(() => websocketUrlForServerUrl("http://h/app/?bokeh-session-id=abc")).toThrow(
    expect.objectContaining({ code: "ERR_BOKEH_URL", message: expect.stringContaining('pass { sessionId: "abc" }') }),
  );
  expect(() => websocketUrlForServerUrl("http://h/app?x=1&bokeh-session-id=abc")).toThrow(/bokeh-session-id=abc/);
});
