/**
 * The worker's per-process caches stay bounded (issue 13 item 2), and the whole-plan scan sees every
 * item without filling the write activities' chunk cache.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedSnapshots, SNAPSHOT_CACHE_LIMIT, snapshotReader } from '../engine/knox-snapshot.js';
import { CHUNK_CACHE_LIMIT, cachedChunks, eachPlanChunk, readPlanItem, writePlan } from '../engine/plan-store.js';
import { order, type DraftItem } from '../engine/plan.js';
import { runFolder, DirectoryStore } from '../store/index.js';

const store = () => new DirectoryStore(mkdtempSync(join(tmpdir(), 'orgsync-caches-')));
const guard = { hold: false } as never;

async function plan(s: DirectoryStore, n: number) {
  const items: DraftItem<unknown>[] = Array.from({ length: n }, (_, k) => ({ key: `k${k}`, op: 'create', pass: 'main', body: { k } }));
  const ordered = order(items);
  const zero = { create: 0, update: 0, delete: 0 };
  return writePlan(
    s,
    {
      runId: 'r1',
      stage: 'employees',
      waves: ordered.waves,
      ops: { main: zero, followUp: zero },
      unchanged: 0,
      sourceCount: n,
      targetCount: 0,
      invalid: 0,
      guard,
    },
    ordered,
    undefined,
  );
}

describe('the chunk cache', () => {
  it('holds at most CHUNK_CACHE_LIMIT chunks, and a whole-plan scan adds none', async () => {
    const s = store();
    const meta = await plan(s, (CHUNK_CACHE_LIMIT + 4) * 1000 + 10);
    for (let n = 0; n * 1000 < meta.total; n++) expect((await readPlanItem(s, meta.ref, n * 1000)).i).toBe(n * 1000);
    expect(cachedChunks()).toBe(CHUNK_CACHE_LIMIT);
    const before = cachedChunks();
    const seen: number[] = [];
    await eachPlanChunk(s, meta.ref, meta.total - 5, (items) => void seen.push(...items.map((i) => i.i)));
    expect(seen).toEqual(Array.from({ length: meta.total - 5 }, (_, k) => k));
    expect(cachedChunks()).toBe(before);
  });
});

describe('the snapshot cache', () => {
  it('keeps one run of datasets', async () => {
    const s = store();
    const empty = { readAt: '', calls: 0, rows: [], invalid: [], perCompany: {}, drift: { dataset: 'x', records: 0, fields: [] } };
    for (const run of ['a', 'b'])
      for (const dataset of ['titles', 'organizations', 'employees'])
        await s.writeJson(`${runFolder(run)}/knox/${dataset}.json`, { ...empty, dataset });
    for (const run of ['a', 'b']) {
      const snapshot = snapshotReader(s, run);
      await Promise.all([snapshot.titles(), snapshot.organizations(), snapshot.employees()]);
    }
    expect(cachedSnapshots()).toBe(SNAPSHOT_CACHE_LIMIT);
  });
});
