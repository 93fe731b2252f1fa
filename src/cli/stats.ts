/** Figures for reports: percentiles of latency samples, sizes in bytes. */

/** The `p`th percentile (0-100) of `samples`, interpolated between the nearest ranks; NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (rank - low);
}

/** p50, p95, p99 and max of `samples` (milliseconds). */
export function latencySummary(samples: readonly number[]): { count: number; p50: number; p95: number; p99: number; max: number } {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: samples.length === 0 ? Number.NaN : Math.max(...samples),
  };
}

/** `1536` -> `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** `12.345` -> `12.3 ms` (two decimals below 10 ms). */
export function formatMs(value: number): string {
  return Number.isNaN(value) ? "-" : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}
