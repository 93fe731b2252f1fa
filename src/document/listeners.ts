/**
 * Listeners by name, as a model keeps them for its attributes (`onChange`) and its UI events
 * (`onEvent`). Running them follows the document's rule for listeners: every one runs, and the
 * first error is rethrown to whoever caused the run (docs/decisions.md, "Listener errors").
 */
export class NamedListeners<F extends (...args: never[]) => void> {
  private readonly byName = new Map<string, Set<F>>();

  /** Adds `listener` for each of `names`; returns a function that removes it again. */
  add(names: readonly string[], listener: F): () => void {
    for (const name of names) {
      let set = this.byName.get(name);
      if (set === undefined) this.byName.set(name, (set = new Set()));
      set.add(listener);
    }
    return () => {
      for (const name of names) this.byName.get(name)?.delete(listener);
    };
  }

  /** Calls every listener of `name` with `args` (those added meanwhile wait for the next run). */
  run(name: string, ...args: Parameters<F>): void {
    const listeners = this.byName.get(name);
    if (listeners === undefined || listeners.size === 0) return;
    let failure: { error: unknown } | null = null;
    for (const listener of [...listeners]) {
      try {
        listener(...args);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== null) throw failure.error;
  }
}
