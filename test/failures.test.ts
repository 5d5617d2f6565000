import { describe, expect, it } from 'vitest';
import { rateLimitDelayMs } from '../activities/failures.js';

describe('a 429 backs off', () => {
  it('exponentially, doubling from 5 s up to a minute (workplace.md §1.6)', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => rateLimitDelayMs(attempt, undefined));
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('never sooner than the Retry-After the gateway sent', () => {
    expect(rateLimitDelayMs(1, 30_000)).toBe(30_000);
    expect(rateLimitDelayMs(4, 1_000)).toBe(40_000);
  });
});
