/**
 * A minimal typed event emitter that works in Node and browsers.
 *
 * Unlike Node's EventEmitter, an event named "error" is not special: emitting
 * it with no listener does nothing, so a library event can never crash the host.
 * A listener that throws does not unwind the emitter: the exception is handed
 * to `onListenerError` and the remaining listeners still run.
 */
/** A listener of an event, called with the event's arguments. */
export type Listener<Args extends unknown[]> = (...args: Args) => void;

/**
 * `Events` maps each event name to its arguments. Its keys are the only names `on`,
 * `once`, `off` and `emit` accept: an interface without an index signature is a closed
 * set, so a misspelt event name does not compile.
 */
export class Emitter<Events extends { [E in keyof Events]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<unknown>>();

  /** Called when a listener throws; by default the error is logged to the console. */
  onListenerError: (error: unknown, event: keyof Events) => void = (error, event) => {
    console.error(`bokeh-client: a listener for "${String(event)}" threw`, error);
  };

  /** Calls `listener` on each `event`; returns a function that unsubscribes it. */
  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Calls `listener` on the next `event` only; returns a function that unsubscribes it. */
  once<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    const off = this.on(event, ((...args: Events[E]) => {
      off();
      listener(...args);
    }) as Listener<Events[E]>);
    return off;
  }

  /** Unsubscribes `listener` from `event`. */
  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener of `event` with `args` (a listener that throws goes to `onListenerError`). */
  protected emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[E]>)(...args);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
