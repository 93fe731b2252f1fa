import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Every test starts its own servers on 127.0.0.1:0, so files can run in parallel.
    pool: "forks",
  },
});
