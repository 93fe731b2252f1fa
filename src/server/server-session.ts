/**
 * ServerSession: one session's document and the connections viewing it.
 *
 * Every change of the document is sent, as one PATCH-DOC per event like the real
 * server, to every connection except the one whose patch caused it; a UI event a
 * connection sent goes only to those that read such events (our clients, not
 * browsers). The message is encoded once and written to all of them.
 */
import { Document } from "../document/document.js";
import type { DocumentChangedEvent } from "../document/events.js";
import { serializePatch } from "../document/patch.js";
import { UI_EVENT_MESSAGE } from "../document/ui-events.js";
import type { ServerBehaviour } from "./versions.js";
import { makeId } from "../protocol/ids.js";
import { createMessage } from "../protocol/message.js";
import type { Frame } from "../protocol/sender.js";
import { CLOSE_INTERNAL_ERROR } from "../protocol/close.js";
import { debugLog, type DebugLog } from "../util/debug.js";
import type { SessionContext, SessionRequest } from "./application.js";
import type { ServerConnection } from "./server-connection.js";

/** Where the server's log lines go (`BokehServerOptions.log`). */
export type Log = (level: "debug" | "info" | "warn" | "error", message: string) => void;

/** A session on the embedded server: its document, the connections viewing it, its callbacks (`server.getSession(id)`). */
export class ServerSession implements SessionContext {
  /** The session id. */
  readonly id: string;
  readonly appPath: string;
  /** The request that created the session. */
  readonly request: SessionRequest;
  /** The server's Bokeh release and how it writes messages. */
  readonly behaviour: ServerBehaviour;
  /** The session's document, for the server's release (its defaults and validation follow it). */
  readonly document: Document;
  /** The websockets open on the session now. */
  readonly connections = new Set<ServerConnection>();
  /** When the last connection left (or the session was created without one). */
  lastUsed = Date.now();

  private readonly log: Log;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly destroyCallbacks: (() => void)[] = [];
  private destroyed = false;
  private connectionsMade = 0;
  private readonly debug: DebugLog;

  constructor(id: string, appPath: string, request: SessionRequest, log: Log, behaviour: ServerBehaviour) {
    this.id = id;
    this.behaviour = behaviour;
    this.document = new Document({ bokehVersion: behaviour.version });
    this.appPath = appPath;
    this.request = request;
    this.log = log;
    this.debug = debugLog(`server session=${id}`);
    this.debug.log("created", { app: appPath });
    this.document.onChange((event) => this.broadcast(event));
  }

  /** @internal Numbers this session's connections (1, 2, ...) for debug lines. */
  _connectionNumber(): number {
    return ++this.connectionsMade;
  }

  /** Whether the session ended (expired unused, or the server closed). */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  addPeriodicCallback(callback: () => void, period: number): () => void {
    const timer = setInterval(() => this.run(callback), period);
    this.timers.add(timer);
    return () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
  }

  addTimeoutCallback(callback: () => void, timeout: number): () => void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(callback);
    }, timeout);
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  onSessionDestroyed(callback: () => void): void {
    this.destroyCallbacks.push(callback);
  }

  /** Adds a connection to those the document's changes go to (the server calls it when a websocket opens). */
  subscribe(connection: ServerConnection): void {
    this.connections.add(connection);
  }

  /** Removes a connection (when its websocket closed); the session's unused time starts with the last. */
  unsubscribe(connection: ServerConnection): void {
    this.connections.delete(connection);
    if (this.connections.size === 0) this.lastUsed = Date.now();
  }

  /** Ends the session: its callbacks stop and its `onSessionDestroyed` callbacks run, once. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.debug.log("destroyed");
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const callback of this.destroyCallbacks.splice(0)) this.run(callback);
  }

  private broadcast(event: DocumentChangedEvent): void {
    // A UI event from a peer (a browser's click) goes only to the connections that read such events (ServerConnection.readsUIEvents).
    const fromPeer = event.kind === "MessageSent" && event.msg_type === UI_EVENT_MESSAGE && event.setter !== undefined;
    const targets = [...this.connections].filter((c) => c !== event.setter && c.isOpen && (!fromPeer || c.readsUIEvents));
    if (targets.length === 0) return;
    const patch = serializePatch(this.document, [event]);
    if (patch.content.events.length === 0) return;
    const message = createMessage("PATCH-DOC", makeId(), patch.content, { buffers: patch.buffers, countBuffers: this.behaviour.countBuffers });
    let frames: Frame[];
    try {
      frames = this.behaviour.framing.frames(message);
    } catch (error) {
      // A change this release cannot carry (Bokeh 4: over 10,000 arrays in one event). The
      // viewers would miss it and stay out of sync without knowing: close them instead.
      this.log("error", `session ${this.id}: a change cannot be sent: ${(error as Error).message}; closing ${targets.length} connection(s)`);
      for (const connection of targets) connection.close(CLOSE_INTERNAL_ERROR, "a change could not be sent");
      return;
    }
    for (const connection of targets) connection.sendFrames(frames);
    this.document._markSynced(patch.newModels);
  }

  private run(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.log("error", `session ${this.id}: a callback threw: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
}
