/**
 * One association per meter at a time. The head-end's reader and its firmware path share the
 * invocation counters and the replay guard of a meter: two associations open at once could put
 * frames on the wire in another order than their counters (the meter refuses the lower one as a
 * replay) and take the meter's answers in another order than the meter counted them (the head-end
 * refuses those). A real meter is busy during a firmware download anyway.
 */
export class MeterLocks {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` once every earlier `run` for the same meter has settled. */
  run<T>(meterId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(meterId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.#tails.set(meterId, tail);
    void tail.then(() => {
      if (this.#tails.get(meterId) === tail) this.#tails.delete(meterId);
    });
    return next;
  }

  /** Whether something runs or waits for this meter. */
  busy(meterId: string): boolean {
    return this.#tails.has(meterId);
  }
}
