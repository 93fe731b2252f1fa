// Runs named checks in order, one line each, and stops at the first failure (the rest are
// listed as not run). Used by `npm run interop`.
export async function runChecks(title, checks) {
  console.log(`\n${title}`);
  for (let i = 0; i < checks.length; i++) {
    const { name, run } = checks[i];
    try {
      const detail = await run();
      console.log(`  ✓ ${name}${detail ? `: ${detail}` : ""}`);
    } catch (error) {
      console.log(`  ✗ ${name}: ${String(error?.message ?? error).split("\n").join("\n      ")}`);
      for (const rest of checks.slice(i + 1)) console.log(`  - ${rest.name}: not run`);
      return false;
    }
  }
  return true;
}

/** Rejects with `what` if `promise` has not settled within `ms`: a check must fail, not hang. */
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
