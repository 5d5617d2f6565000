/**
 * The WORKPLACE pacer (lib/pacer.ts): the slot rule on its own, the pacer over a slot source, and the
 * slots one PostgreSQL row shares between stores (processes) on one schema.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { StoreConfigSchema } from '../config/index.js';
import { LATE_TOLERANCE_MS, localSlots, paceIntervalMs, Pacer, reserveSlot, type SlotSource } from '../lib/pacer.js';
import { openStore, type PostgresStore } from '../store/index.js';
import { maxInAnySecond } from '../workplace/simulator/request-log.js';
import { unique } from './helpers/temporal.js';

describe('the slot rule', () => {
  it('gives the first caller now, and each next one a slot one interval after the last', () => {
    let next: number | undefined;
    const starts: number[] = [];
    for (const asked of [1000, 1000, 1000, 1001, 1100]) {
      const slot = reserveSlot(next, asked, 20);
      next = slot.nextFree;
      starts.push(slot.startAt);
    }
    expect(starts).toEqual([1000, 1020, 1040, 1060, 1100]);
  });

  it('keeps nothing for later while idle: after a pause the first second holds no more than any other', () => {
    const interval = paceIntervalMs(50, 1050);
    let next: number | undefined;
    const starts: number[] = [];
    // Bursts of demand (200 callers at once) with idle pauses of 1 to 10 seconds between them.
    let now = 0;
    for (const pause of [0, 1000, 5000, 10_000, 1500]) {
      now = Math.max(now, next ?? 0) + pause;
      for (let i = 0; i < 200; i++) {
        const slot = reserveSlot(next, now + i * 0.1, interval);
        next = slot.nextFree;
        starts.push(slot.startAt);
      }
    }
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(interval - 1e-9);
    expect(maxInAnySecond(starts)).toBe(Math.ceil(1000 / interval));
    expect(maxInAnySecond(starts)).toBeLessThanOrEqual(50);
  });

  it('spaces fractional rates and refuses a rate or a window that cannot be held', () => {
    expect(paceIntervalMs(0.5)).toBe(2000);
    expect(paceIntervalMs(10, 1050)).toBe(105);
    expect(() => paceIntervalMs(0)).toThrow(RangeError);
    expect(() => paceIntervalMs(10, 900)).toThrow(RangeError);
  });
});

describe('the pacer', () => {
  it('waits as long as its source says, reserving one slot at a time, in order', async () => {
    const reserved: number[] = [];
    let inFlight = 0;
    let most = 0;
    const source: SlotSource = {
      async reserve(intervalMs) {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 1));
        reserved.push(intervalMs);
        inFlight--;
        return reserved.length === 1 ? 0 : 5;
      },
    };
    const pacer = new Pacer({ perSecond: 100, windowMs: 1050, slots: source });
    expect(pacer.intervalMs).toBe(10.5);
    await Promise.all(Array.from({ length: 5 }, () => pacer.take()));
    expect(reserved).toEqual([10.5, 10.5, 10.5, 10.5, 10.5]);
    expect(most).toBe(1);
  });

  it('reserves nothing for an aborted caller, and stops waiting when the caller aborts', async () => {
    let reservations = 0;
    const pacer = new Pacer({ perSecond: 1, slots: { reserve: () => Promise.resolve(reservations++ === 0 ? 0 : 60_000) } });
    await expect(pacer.take(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
    expect(reservations).toBe(0);
    await pacer.take();
    const controller = new AbortController();
    const waiting = pacer.take(controller.signal);
    await new Promise((r) => setTimeout(r, 10));
    controller.abort(new Error('while waiting'));
    await expect(waiting).rejects.toThrow('while waiting');
    expect(reservations).toBe(2);
  });

  it('gives up a slot it woke too late for (a busy event loop) and takes a fresh one, so delayed starts do not bunch', async () => {
    let reservations = 0;
    const pacer = new Pacer({ perSecond: 10, slots: { reserve: () => Promise.resolve(reservations++ === 0 ? 20 : 0) } });
    const taken = pacer.take();
    await new Promise((r) => setImmediate(r)); // reserved, and waiting its 20 ms
    const until = performance.now() + 20 + LATE_TOLERANCE_MS + 40;
    while (performance.now() < until); // the event loop is blocked past the slot
    await taken;
    expect(reservations).toBe(2);
  });

  it('with local slots, tells callers to wait one interval more each, by its clock', async () => {
    let now = 1000;
    const slots = localSlots(() => now);
    const waits = [await slots.reserve(20), await slots.reserve(20), await slots.reserve(20)];
    now += 100; // idle: nothing accrued
    waits.push(await slots.reserve(20), await slots.reserve(20));
    expect(waits).toEqual([0, 20, 40, 0, 20]);
  });
});

describe('slots shared through PostgreSQL', () => {
  it('hands two stores on one schema (two processes) one sequence of slots, by the database clock', async () => {
    const config = StoreConfigSchema.parse({ url: inject('postgresUrl'), schema: unique('pacer').replace(/-/g, '_') });
    const stores = [await openStore(config), await openStore(config)] as PostgresStore[];
    try {
      const sources = stores.map((s) => s.rateSlots('workplace'));
      // 20 reservations at once from both, 100 ms apart: each is told how long until its slot, from when the
      // database reserved it; the answer's way back (a few ms, more on a busy machine) is the only error here.
      const asks = Array.from({ length: 20 }, async (_, i) => {
        const wait = await sources[i % 2]!.reserve(100);
        return Date.now() + wait;
      });
      const slots = (await Promise.all(asks)).sort((a, b) => a - b);
      for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThan(70);
      expect(slots.at(-1)! - slots[0]!).toBeGreaterThan(19 * 100 - 30);
      // Another name is another sequence.
      expect(await stores[0]!.rateSlots('other').reserve(50)).toBeLessThanOrEqual(0);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
