/**
 * The states of a ClientSession, and the only transitions between them.
 *
 *                connect()              ACK
 *     idle ─────────────────► connecting ─────────────► open ◄──────────────┐
 *      ▲                          │                      │                   │ resynced
 *      └──── failed to connect ───┘                      │ lost, and         │
 *                                                        │ `reconnect` on ──► reconnecting
 *                                                        │                   │
 *      close(), from any state;   lost, no `reconnect` ──┤                   │ gave up
 *      or as the arrows say   ──────────────────────────►└──────► closed ◄───┘
 *
 * A state is a value carrying what exists only in it (the connection of `open`, the
 * loop of `reconnecting`), so nothing can be read in a state where it means nothing,
 * and a second reconnect loop cannot start: `reconnecting` is entered only from
 * `open`, and the loop leaves it itself.
 */
import type { BokehError } from "../util/errors.js";
import type { ClientConnection } from "./connection.js";

export type SessionState =
  | { readonly name: "idle" }
  | { readonly name: "connecting"; readonly connection: ClientConnection; readonly opened: Promise<void> }
  | { readonly name: "open"; readonly connection: ClientConnection }
  | { readonly name: "reconnecting"; readonly done: Promise<void>; readonly abort: AbortController }
  /** `error`: why the session ended (null when closed by `close()`); `byUser`: `close()` was called. */
  | { readonly name: "closed"; readonly error: BokehError | null; readonly byUser: boolean };

export type SessionStateName = SessionState["name"];

const TRANSITIONS: { readonly [From in SessionStateName]: readonly SessionStateName[] } = {
  idle: ["connecting", "closed"],
  connecting: ["open", "idle", "closed"],
  open: ["reconnecting", "closed"],
  reconnecting: ["open", "closed"],
  closed: ["closed"], // close() on a session that ended records that it was closed
};

/** Whether a session may go from `from` to `to`. */
export function canTransition(from: SessionStateName, to: SessionStateName): boolean {
  return TRANSITIONS[from].includes(to);
}
