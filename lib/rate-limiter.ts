/**
 * A sliding-window rate limiter: at most `perSecond` starts in any window of one second, granted in
 * FIFO order. Unlike a token bucket with a burst, a caller can rely on "never more than N in a second",
 * which is how the API gateways count. `windowMs` can be widened a little to absorb network jitter.
 */
/** What a transport awaits before each request (this sliding window, or lib/pacer.ts). */
export interface RequestLimiter {
  /** Resolves when the caller may start one request; rejects if `signal` aborts first. */
  take(signal?: AbortSignal): Promise<void>;
}

export interface RateLimiterOptions {
  perSecond: number;
  windowMs?: number;
  now?: () => number;
}

export class RateLimiter implements RequestLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  /** Start times of the grants inside the current window, oldest first. */
  readonly #recent: number[] = [];
  #tail: Promise<void> = Promise.resolve();

  constructor({ perSecond, windowMs = 1000, now = Date.now }: RateLimiterOptions) {
    if (!(perSecond > 0)) throw new RangeError(`perSecond must be positive, got ${perSecond}`);
    // Fractional rates (0.5/s) become one start per 1/rate seconds.
    this.#limit = Math.max(1, Math.floor(perSecond));
    this.#windowMs = (windowMs * this.#limit) / perSecond;
    this.#now = now;
  }

  /** Resolves when the caller may start one request; rejects if `signal` aborts first. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.#tail.then(() => this.#waitForSlot(signal));
    // The next caller queues behind this one whether it succeeded or was aborted.
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  async #waitForSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#now();
      while (this.#recent.length > 0 && this.#recent[0]! <= now - this.#windowMs) this.#recent.shift();
      if (this.#recent.length < this.#limit) {
        this.#recent.push(now);
        return;
      }
      await sleep(this.#recent[0]! + this.#windowMs - now, signal);
    }
  }
}

/** Waits at least `ms` (rounded up: a timer never fires early for a limiter), or rejects with the signal's reason. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, Math.max(1, Math.ceil(ms)));
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
