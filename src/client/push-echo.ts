/**
 * The echo of a push: what of a server patch describes our own PUSH-DOC.
 *
 * A Bokeh server replacing its document with a pushed one removes its old roots, adds
 * the pushed ones and sets the title, and sends all of that back to the pusher too,
 * before its OK. Those events describe our own push: applying them would remove our
 * roots, or undo a change made meanwhile, so they are dropped. Other events in the
 * same window (an app reacting, another client) are applied. Pure functions: the
 * session decides with them what to apply and whether a patch's buffers are worth
 * reading at all.
 */
import { isPlainObject } from "../serialization/values.js";

/** What a push in flight sent: the ids of its roots, and its title. */
export interface PushEcho {
  readonly roots: ReadonlySet<string>;
  readonly title: string;
}

/** `content` (a PATCH-DOC's) without the events that echo `echo`; as it is when there is no push in flight. */
export function withoutPushEcho(content: unknown, echo: PushEcho | null): unknown {
  if (echo === null || !isPlainObject(content) || !Array.isArray(content.events)) return content;
  const events = content.events.filter((event: unknown) => !isEcho(event, echo));
  return events.length === content.events.length ? content : { ...content, events };
}

function isEcho(event: unknown, echo: PushEcho): boolean {
  if (!isPlainObject(event)) return false;
  const id = isPlainObject(event.model) ? event.model.id : undefined;
  switch (event.kind) {
    case "RootAdded":
      return typeof id === "string" && echo.roots.has(id);
    case "RootRemoved":
      return true;
    case "TitleChanged":
      return event.title === echo.title;
    default:
      return false;
  }
}

/**
 * The part of a server patch to apply, or null when nothing of it applies: no document
 * is attached yet (the document we will pull already has it), or every event is echo.
 */
export function patchToApply(content: unknown, echo: PushEcho | null, attached: boolean): unknown {
  if (!attached) return null;
  const kept = withoutPushEcho(content, echo);
  return isPlainObject(kept) && Array.isArray(kept.events) && kept.events.length === 0 ? null : kept;
}
