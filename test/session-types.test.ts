// Compile-time checks of the session's public types. The `@ts-expect-error` lines are verified
// by `npx tsc -p tsconfig.json --noEmit` (part of `npm test`): each must be an error, or the
// typecheck fails. At run time, the same mistakes are harmless no-ops or typed errors.
import { expect, test } from "vitest";
import * as root from "../src/index.js";
import { ClientSession, type BokehError, type ResyncInfo } from "../src/index.js";

test("session events are a closed set: a misspelt name does not compile", () => {
  const session = new ClientSession({ websocketUrl: "ws://127.0.0.1:9/ws" });
  const seen: string[] = [];
  session.on("close", (error: BokehError | null) => seen.push(String(error)));
  session.on("resynced", (info: ResyncInfo) => seen.push(info.mode));
  // @ts-expect-error misspelt event name
  session.on("clsoe", () => {});
  // @ts-expect-error wrong listener arguments
  session.on("disconnected", (info: { attempt: string }) => seen.push(info.attempt));
  expect(seen).toEqual([]);
});

test("the root entry exports the API, not the connection underneath", () => {
  // @ts-expect-error ClientConnection is internal (src/client/connection.ts)
  expect(root.ClientConnection).toBeUndefined();
  expect(typeof root.pullSession).toBe("function");
  expect(typeof root.ChangesLostError).toBe("function");
});
