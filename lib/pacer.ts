/**
 * A pacer: request starts at least `windowMs / perSecond` apart, however many processes share it. It is
 * GCRA with no burst tolerance: one number, the next free slot, that every caller advances by one
 * interval (`reserveSlot`). Unlike a token bucket nothing accumulates while idle, so the first second
 * after a pause holds no more than any other; and since starts are evenly spaced, any one-second window
 * holds at most ⌈1000 / interval⌉ of them.
 *
 * The slot state lives in a `SlotSource`: this process alone (`localSlots`), or one row in PostgreSQL
 * (store/postgres.ts, `PostgresStore.rateSlots`) shared by every worker process that uses the store.
 * A source answers "wait this long, then start"; the waiting is done here, by each caller on its own.
 */
import { sleep, type RequestLimiter } from './rate-limiter.js';

/**
 * The rule, pure: a request asking at `now` gets the later of `now` and the next free slot; the next
 * free slot moves one interval past it. A slot nobody took is not kept for later.
 */
export function reserveSlot(nextFree: number | undefined, now: number, intervalMs: number): { startAt: number; nextFree: number } {
  const startAt = nextFree === undefined ? now : Math.max(nextFree, now);
  return { startAt, nextFree: startAt + intervalMs };
}

/** The interval between starts that keeps every `windowMs` window to `perSecond` (fractional rates too). */
export function paceIntervalMs(perSecond: number, windowMs = 1000): number {
  if (!(perSecond > 0)) throw new RangeError(`perSecond must be positive, got ${perSecond}`);
  if (!(windowMs >= 1000)) throw new RangeError(`windowMs must be at least 1000, got ${windowMs}`);
  return windowMs / perSecond;
}

/** Where slots are reserved: resolves to how many ms the caller must wait before it starts. */
export interface SlotSource {
  reserve(intervalMs: number): Promise<number>;
}

/** Slots for this process alone. */
export function localSlots(now: () => number = Date.now): SlotSource {
  let nextFree: number | undefined;
  return {
    reserve(intervalMs) {
      const at = now();
      const slot = reserveSlot(nextFree, at, intervalMs);
      nextFree = slot.nextFree;
      return Promise.resolve(slot.startAt - at);
    },
  };
}

export interface PacerOptions {
  perSecond: number;
  /**
   * The window `perSecond` is counted over; wider than a second absorbs jitter between the start here and
   * the arrival there (WORKPLACE: 1,050 ms, so starts are 5% further apart than 1/RPS).
   */
  windowMs?: number;
  /** Default: this process alone. */
  slots?: SlotSource;
}

export class Pacer implements RequestLimiter {
  readonly intervalMs: number;
  readonly #slots: SlotSource;
  /** Reservations go one at a time (a shared source is one row: concurrent ones would only queue there). */
  #tail: Promise<unknown> = Promise.resolve();

  constructor({ perSecond, windowMs = 1000, slots = localSlots() }: PacerOptions) {
    this.intervalMs = paceIntervalMs(perSecond, windowMs);
    this.#slots = slots;
  }

  /**
   * Resolves when the caller may start one request; rejects if `signal` aborts first. An abort while
   * waiting gives the slot up unused (the next caller does not get it: slots only move forward).
   *
   * A caller that wakes more than LATE_TOLERANCE_MS after its slot (the event loop was busy: a GC pause,
   * a workflow activation) gives that slot up and reserves another: otherwise every start delayed by the
   * stall would go out at once, bunched together with the punctual ones after them.
   */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const reserved = this.#tail.then(async () => {
        const wait = await this.#slots.reserve(this.intervalMs);
        // `wait` counts from the source's "now", which was before the answer came back: start no sooner than
        // `wait` after the answer.
        return performance.now() + wait;
      });
      this.#tail = reserved.catch(() => undefined);
      const startAt = await reserved;
      signal?.throwIfAborted();
      const waitMs = startAt - performance.now();
      if (waitMs > 0) await sleep(waitMs, signal);
      if (performance.now() - startAt <= LATE_TOLERANCE_MS) return;
    }
  }
}

/** How late a start may be and still take its slot (lib/pacer.ts `take`). */
export const LATE_TOLERANCE_MS = 10;
