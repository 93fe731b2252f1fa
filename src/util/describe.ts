/**
 * A value from a peer, for an error message. Never calls anything on the value
 * (a peer chooses its toString) and never walks it (it may be nested arbitrarily deep).
 * Strings are quoted as JSON and cut at 80 characters.
 */
export function describePeerValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? "a list" : `a value of type ${typeof value}`;
}
