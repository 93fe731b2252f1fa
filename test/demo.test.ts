/** The README's demo command works: both clients see the live session and it stops cleanly. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "vitest";

test("npm run demo: the live app streams, client B's changes reach client A, a URL to watch is printed", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["dist/cli/demo.js", "--port", "0", "--for", "4"], { timeout: 20_000 });
  expect(stdout).toMatch(/\[A\] pulled "bokeh-client live demo": Slider, Figure/);
  expect(stdout).toMatch(/Watch it live: http:\/\/127\.0\.0\.1:\d+\/live\/\?bokeh-session-id=\w+/);
  expect(stdout).toMatch(/\[A\] received [1-9]\d* streamed points/);
  expect(stdout).toMatch(/\[B\] sets the amplitude to ([\d.]+)\n\[A\] sees the amplitude set to \1/);
  expect(stdout).toMatch(/\[demo\] stopped/);
}, 30_000);
