import { randomBytes } from "node:crypto";

/**
 * Ids for models, messages and buffers.
 *
 * Python numbers them "p1001", "p1002", ... per process, so two processes editing
 * the same document can create models with the same id. Ours start with a random
 * per-process prefix (48 bits), then count: unique across processes, still short.
 */
const PREFIX = `p${randomBytes(6).toString("base64url")}`;
let counter = 0;

export function makeId(): string {
  counter += 1;
  return `${PREFIX}${counter.toString(36)}`;
}
