/**
 * Calls in flight by key: a second caller with the same key while the first call is running gets
 * that call's promise instead of starting another (Apollo Router's
 * `traffic_shaping.deduplicate_query`, Hive Gateway's default in-flight deduplication). A call is
 * forgotten the moment it settles, so nothing is cached: a later caller always starts a fresh call.
 * What makes two calls "the same" is the caller's key (trust-client.ts: trust, body and caller).
 */
export class InFlightCalls<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** The running call for `key` (`leader: false`), or a new one from `start` (`leader: true`). */
  run(key: string, start: () => Promise<T>): { promise: Promise<T>; leader: boolean } {
    const running = this.running.get(key);
    if (running) return { promise: running, leader: false };
    const promise = start();
    this.running.set(key, promise);
    const forget = () => {
      if (this.running.get(key) === promise) this.running.delete(key);
    };
    promise.then(forget, forget);
    return { promise, leader: true };
  }

  /** Calls running now. */
  get size(): number {
    return this.running.size;
  }
}
