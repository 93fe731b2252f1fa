import { expect, test } from "vitest";
import { serverDocument, serverSession } from "../../src/embed/index.js";

const src = (tag: string) => /xhr\.open\("GET", "([^"]+)"/.exec(tag)![1]!;
const id = (tag: string) => /<script id="([^"]+)">/.exec(tag)![1]!;

test("serverDocument: Python's autoload URL rules", () => {
  const tag = serverDocument({ url: "http://h:5006/app/", arguments: { foo: "a b&c", "bokeh-session-id": "dropped", n: 1 } });
  expect(src(tag)).toBe(`http://h:5006/app/autoload.js?bokeh-autoload-element=${id(tag)}&bokeh-app-path=/app&bokeh-absolute-url=http://h:5006/app&foo=a+b%26c&n=1`);
  expect(tag).toContain("xhr.withCredentials = false;");
  expect(tag).not.toContain("setRequestHeader");
  const root = serverDocument({ url: "http://h:5006", relativeUrls: true, resources: null });
  expect(src(root)).toBe(`http://h:5006/autoload.js?bokeh-autoload-element=${id(root)}&resources=none`);
});

test("the default URL is the default server", () => {
  const saved = process.env.BOKEH_DEFAULT_SERVER_PORT;
  process.env.BOKEH_DEFAULT_SERVER_PORT = "5007";
  try {
    expect(src(serverDocument())).toMatch(/^http:\/\/localhost:5007\/autoload\.js\?/);
  } finally {
    if (saved === undefined) delete process.env.BOKEH_DEFAULT_SERVER_PORT;
    else process.env.BOKEH_DEFAULT_SERVER_PORT = saved;
  }
});

test("serverSession: the session id travels as a Bokeh-Session-Id header, with any other headers", () => {
  const tag = serverSession({ sessionId: "abc", url: "http://h/app", headers: { Authorization: "Bearer x" } });
  expect(tag).toContain('xhr.setRequestHeader("Authorization", "Bearer x");');
  expect(tag).toContain('xhr.setRequestHeader("Bokeh-Session-Id", "abc");');
  expect(src(tag)).toContain("bokeh-app-path=/app");
});

test("the same errors as Python", () => {
  expect(() => serverSession({ sessionId: "" })).toThrow("Must supply a session_id");
  expect(() => serverDocument({ headers: { A: "b" }, withCredentials: true })).toThrow("'headers' and 'with_credentials' are mutually exclusive");
  expect(() => serverDocument({ url: "ws://h/app/ws" })).toThrow(/not the websocket URL/);
  expect(() => serverDocument({ resources: "cdn" as never })).toThrow(/must be either 'default' or None/);
  expect(serverDocument({ withCredentials: true })).toContain("xhr.withCredentials = true;");
});

test("values are safe inside the script element", () => {
  const tag = serverSession({ sessionId: "</script><b>", url: "http://h/app" });
  expect(tag.indexOf("</script>")).toBe(tag.lastIndexOf("</script>")); // only the closing tag
});
