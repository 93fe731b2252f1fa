/** Ctrl-C (SIGINT) and SIGTERM as a promise, for commands that run until stopped. */

/** Resolves with the first SIGINT or SIGTERM; the handlers are removed then. */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(signal);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}
