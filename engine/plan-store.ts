/**
 * Plans and outcomes in the staging store. A plan is written once and never changed, in chunks, so a
 * write activity loads only the 1,000 items around the one it applies; the chunk cache makes the
 * next 999 free. Outcome lists (failed and skipped items) are append-only JSON lines per stage.
 */
import { randomUUID } from 'node:crypto';
import { runFolder, type StagingStore } from '../store/index.js';
import type { GuardVerdict, ItemOutcome, OperationCounts } from './types.js';
import type { Operation, Pass, StageName } from './pipeline.js';
import type { OrderedPlan, PlanItem } from './plan.js';

const CHUNK = 1_000;

export interface PlanMeta {
  ref: string;
  runId: string;
  stage: StageName;
  createdAt: string;
  total: number;
  waves: OrderedPlan<unknown>['waves'];
  ops: Record<Pass, OperationCounts>;
  unchanged: number;
  sourceCount: number;
  targetCount: number;
  invalid: number;
  guard: GuardVerdict;
  /** Per operation, the fields every body in the plan carries (the canary's "always sent"). */
  alwaysSent?: Partial<Record<Operation, string[]>>;
}

export async function writePlan(
  store: StagingStore,
  meta: Omit<PlanMeta, 'ref' | 'total' | 'createdAt'>,
  plan: OrderedPlan<unknown>,
  recordedBase: ReadonlyMap<string, unknown> | undefined,
): Promise<PlanMeta> {
  const ref = newPlanRef(meta.runId, meta.stage);
  const total = await writePlanItems(store, ref, plan.items);
  return writePlanMeta(store, ref, { ...meta, total }, recordedBase);
}

export const newPlanRef = (runId: string, stage: StageName) => `${runFolder(runId)}/plans/${stage}-${randomUUID().slice(0, 8)}`;

/** Writes a plan's items, numbered and in order, a chunk at a time as they come; returns how many there were. */
export async function writePlanItems(store: StagingStore, ref: string, items: Iterable<PlanItem>): Promise<number> {
  let chunk: PlanItem[] = [];
  let total = 0;
  for (const item of items) {
    chunk.push(item);
    if (++total % CHUNK === 0) {
      await store.writeJson(`${ref}/items-${total / CHUNK - 1}.json`, chunk);
      chunk = [];
    }
  }
  if (chunk.length) await store.writeJson(`${ref}/items-${Math.floor(total / CHUNK)}.json`, chunk);
  return total;
}

/** The plan's meta.json, last: a plan is readable only once all of it is there. */
export async function writePlanMeta(
  store: StagingStore,
  ref: string,
  meta: Omit<PlanMeta, 'ref' | 'createdAt'>,
  recordedBase: ReadonlyMap<string, unknown> | undefined,
): Promise<PlanMeta> {
  if (recordedBase) await store.writeJson(`${ref}/target.json`, Object.fromEntries(recordedBase));
  const full: PlanMeta = { ...meta, ref, createdAt: new Date().toISOString() };
  await store.writeJson(`${ref}/meta.json`, full);
  return full;
}

/**
 * Per-process cache of plan chunks (immutable, so never stale), least recently used first out. Bounded
 * by entries: a write activity needs the chunk around its index, and a worker applies a few stages at
 * once with at most 64 writes in flight each, so 16 chunks (16,000 items, about 16 MB of employee items
 * as objects) cover them. Whole-plan reads (eachPlanChunk) go around it.
 */
const chunkCache = new Map<string, Promise<PlanItem[]>>();
export const CHUNK_CACHE_LIMIT = 16;

function readChunk(store: StagingStore, ref: string, n: number): Promise<PlanItem[]> {
  return store.readJson<PlanItem[]>(`${ref}/items-${n}.json`).then((items) => {
    if (!items) throw new Error(`plan ${ref} has no chunk ${n}: the staging store was cleaned or is not shared by this worker`);
    return items;
  });
}

function chunk(store: StagingStore, ref: string, n: number): Promise<PlanItem[]> {
  const key = `${store.root}|${ref}|${n}`;
  let cached = chunkCache.get(key);
  if (cached) {
    // Most recently used last.
    chunkCache.delete(key);
    chunkCache.set(key, cached);
    return cached;
  }
  cached = readChunk(store, ref, n);
  cached.catch(() => chunkCache.delete(key));
  chunkCache.set(key, cached);
  while (chunkCache.size > CHUNK_CACHE_LIMIT) chunkCache.delete(chunkCache.keys().next().value!);
  return cached;
}

/** How many chunks the cache holds now (tests). */
export const cachedChunks = () => chunkCache.size;

export async function readPlanItems(store: StagingStore, ref: string, start: number, end: number): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  for (let n = Math.floor(start / CHUNK); n * CHUNK < end; n++) {
    for (const item of await chunk(store, ref, n)) if (item.i >= start && item.i < end) items.push(item);
  }
  return items;
}

/**
 * The plan's items [0, end) one chunk at a time, read from the store without the cache: a whole-plan
 * scan (what a run created, the state it leaves) holds one chunk, not the plan, and does not push the
 * write activities' chunks out of the cache.
 */
export async function eachPlanChunk(
  store: StagingStore,
  ref: string,
  end: number,
  visit: (items: readonly PlanItem[]) => void | Promise<void>,
): Promise<void> {
  for (let n = 0; n * CHUNK < end; n++) {
    const items = await readChunk(store, ref, n);
    await visit(n * CHUNK + items.length > end ? items.filter((item) => item.i < end) : items);
  }
}

export async function readPlanItem(store: StagingStore, ref: string, index: number): Promise<PlanItem> {
  const item = (await chunk(store, ref, Math.floor(index / CHUNK)))[index % CHUNK];
  if (!item || item.i !== index) throw new Error(`plan ${ref} has no item ${index}`);
  return item;
}

export async function readPlanMeta(store: StagingStore, ref: string): Promise<PlanMeta> {
  const meta = await store.readJson<PlanMeta>(`${ref}/meta.json`);
  if (!meta) throw new Error(`plan ${ref} is not in the staging store at ${store.root}`);
  return meta;
}

export const outcomesKey = (runId: string, stage: StageName) => `${runFolder(runId)}/outcomes/${stage}.jsonl`;

export function appendOutcomes(store: StagingStore, runId: string, outcomes: readonly ItemOutcome[]): Promise<void[]> {
  const byStage = new Map<StageName, ItemOutcome[]>();
  for (const outcome of outcomes) {
    const list = byStage.get(outcome.stage);
    if (list) list.push(outcome);
    else byStage.set(outcome.stage, [outcome]);
  }
  return Promise.all([...byStage].map(([stage, list]) => store.appendLines(outcomesKey(runId, stage), list)));
}

/** Every failed or skipped item of a run so far, all stages. */
export async function readRunOutcomes(store: StagingStore, runId: string): Promise<ItemOutcome[]> {
  const files = await store.list(`${runFolder(runId)}/outcomes`);
  const lists = await Promise.all(files.map((f) => store.readLines<ItemOutcome>(`${runFolder(runId)}/outcomes/${f}`)));
  return lists.flat();
}

export const recordedStateKey = (stage: StageName) => `state/${stage}.json`;

/**
 * The run's journal of successful writes: which plan item was written, and with which verb (after any
 * verb switch). With the plan items' before-images it says what each write replaced, so a rollback can
 * undo exactly what the run did. Lines are small; the bodies stay in the plan.
 */
export interface WriteRecord {
  planRef: string;
  i: number;
  op: Operation;
}

export const writesKey = (runId: string, stage: StageName) => `${runFolder(runId)}/writes/${stage}.jsonl`;

export async function appendWrites(store: StagingStore, runId: string, stage: StageName, records: readonly WriteRecord[]): Promise<void> {
  await store.appendLines(writesKey(runId, stage), records);
}

export function readWrites(store: StagingStore, runId: string, stage: StageName): Promise<WriteRecord[]> {
  return store.readLines<WriteRecord>(writesKey(runId, stage));
}

/**
 * For targets WORKPLACE cannot list: the state this run leaves behind becomes the next run's target.
 * Items that failed, were skipped or were not reached keep their previous value, so the next run tries
 * them again.
 */
export async function recordStageState(
  store: StagingStore,
  input: { runId: string; stage: StageName; planRef: string; attemptedThrough: number },
): Promise<void> {
  // Changed in place: at 300,000 values a map and a second object beside it are ~60 MB at the stage's end.
  const state = await store.readJson<Record<string, unknown>>(`${input.planRef}/target.json`);
  if (!state) return;
  const meta = await readPlanMeta(store, input.planRef);
  const unsuccessful = new Set((await readRunOutcomes(store, input.runId)).filter((o) => o.stage === input.stage).map((o) => o.key));
  await eachPlanChunk(store, input.planRef, Math.min(input.attemptedThrough, meta.total), (items) => {
    for (const item of items) {
      if (unsuccessful.has(item.key)) continue;
      if (item.op === 'delete') delete state[item.key];
      // Defined, not assigned: no key can reach the object's prototype.
      else Object.defineProperty(state, item.key, { value: item.body, enumerable: true, writable: true, configurable: true });
    }
  });
  await store.writeJson(recordedStateKey(input.stage), state);
}

/** Keeps the staging store from growing without bound: the newest `keepRuns` runs stay (the current one always). */
export async function pruneRuns(store: StagingStore, input: { keepRuns: number; currentRunId: string }): Promise<number> {
  const runs = await store.list('runs');
  const current = runFolder(input.currentRunId).slice('runs/'.length);
  const aged = await Promise.all(runs.map(async (run) => ({ run, age: (await store.ageMs(`runs/${run}`)) ?? 0 })));
  const doomed = aged
    .filter((r) => r.run !== current)
    .sort((a, b) => a.age - b.age)
    .slice(Math.max(0, input.keepRuns - 1));
  await Promise.all(doomed.map((r) => store.remove(`runs/${r.run}`)));
  return doomed.length;
}
