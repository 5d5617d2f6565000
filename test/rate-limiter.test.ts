import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../lib/rate-limiter.js';

/** Largest number of timestamps inside any half-open window (t - windowMs, t]. */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j]! <= times[i]! - windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('RateLimiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never grants more than perSecond starts in any one-second window', async () => {
    // Fake timers: the grant times are the limiter's, not a loaded machine's scheduling delays.
    vi.useFakeTimers();
    const limiter = new RateLimiter({ perSecond: 20 });
    const starts: number[] = [];
    const all = Promise.all(Array.from({ length: 50 }, () => limiter.take().then(() => starts.push(Date.now()))));
    await vi.advanceTimersByTimeAsync(5_000);
    await all;
    starts.sort((a, b) => a - b);
    expect(starts).toHaveLength(50);
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(20);
    // 50 grants at 20/s need at least two full windows after the first burst.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(2000);
  });

  it('spreads fractional rates: 0.5 per second is one start every two seconds', async () => {
    let clock = 0;
    const limiter = new RateLimiter({ perSecond: 0.5, now: () => clock });
    await limiter.take();
    let second = false;
    const pending = limiter.take().then(() => (second = true));
    clock = 1999;
    await new Promise((r) => setTimeout(r, 20));
    expect(second).toBe(false);
    clock = 2000;
    await pending;
    expect(second).toBe(true);
    expect(() => new RateLimiter({ perSecond: 0 })).toThrow(RangeError);
  });

  it('lets an aborted waiter leave the queue without blocking the next one', async () => {
    let clock = 0;
    const limiter = new RateLimiter({ perSecond: 1, now: () => clock });
    await limiter.take();
    const controller = new AbortController();
    const aborted = limiter.take(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    clock = 1000;
    await expect(limiter.take()).resolves.toBeUndefined();
  });
});
