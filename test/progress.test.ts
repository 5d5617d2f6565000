import { describe, expect, it } from 'vitest';
import { progressReportDue } from '../engine/outcomes.js';

/** The reports a stage of the given length sends, checking once a second as a busy stage would. */
function reportTimes(durationMs: number, intervalMs: number): number[] {
  const times: number[] = [];
  let last = 0;
  for (let now = 1_000; now <= durationMs; now += 1_000) {
    if (progressReportDue(now, last, 0, intervalMs)) times.push((last = now));
  }
  return times;
}

describe('a stage’s progress reports to the parent', () => {
  it('come every interval while the stage is young', () => {
    const firstFiveMinutes = reportTimes(300_000, 10_000);
    expect(firstFiveMinutes).toHaveLength(30);
    expect(firstFiveMinutes.slice(1).every((t, i) => t - firstFiveMinutes[i]! === 10_000)).toBe(true);
  });

  it('grow sparser as it runs long, so a 14-hour stage sends about 170 and never two within the interval', () => {
    const times = reportTimes(14 * 3_600_000, 10_000);
    expect(times.length).toBeGreaterThan(100);
    expect(times.length).toBeLessThan(200);
    expect(times.slice(1).every((t, i) => t - times[i]! >= 10_000)).toBe(true);
    // Never silent for longer than the interval or a thirtieth of the stage's age (plus the 1 s check).
    expect(times.slice(1).every((t, i) => t - times[i]! <= Math.max(10_000, t / 30) + 1_000)).toBe(true);
  });
});
