/**
 * What one stage is: which Knox data it reads, how it maps that to WORKPLACE objects (source), how it
 * reads WORKPLACE's current state (target), and how one planned item is written (apply). The generic
 * planner and the generic stage workflow do everything else: diff, order, guard, retries, pause,
 * reporting. A new stage is one file like this and one line in workflows/definitions.ts PIPELINE.
 */
import type { SyncSettings } from '../../config/index.js';
import type { KnoxEmployee, KnoxInvalidRecord, KnoxOrganization, KnoxTitle } from '../../knox/index.js';
import type { DriftReport } from '../../lib/drift.js';
import { WorkplaceError, type ListedApi, type UnmappedRecord, type WorkplaceClient, type WorkplaceListing } from '../../workplace/index.js';
import type { ItemOutcome } from '../types.js';
import type { KnoxDataset, Operation, StageName } from '../pipeline.js';
import {
  delta,
  deltaApart,
  type ApartDelta,
  type Delta,
  type DeltaOptions,
  type DesiredEntries,
  type DraftItem,
  type DraftWave,
  type MissingKeys,
  type OrderedDelta,
  type PlanItem,
} from '../plan.js';
import { shortHash } from './mapping.js';

/** The run's Knox snapshot, read once per run and shared by every stage (so all stages see one Knox). */
export interface KnoxSnapshot {
  titles(): Promise<KnoxTitle[]>;
  organizations(): Promise<KnoxOrganization[]>;
  employees(): Promise<KnoxEmployee[]>;
  /** Records Knox returned that failed validation: reported by key, and never deleted. */
  invalid(dataset: KnoxDataset): Promise<KnoxInvalidRecord[]>;
}

export interface PlanContext {
  stage: StageName;
  settings: SyncSettings;
  knox: KnoxSnapshot;
  workplace: WorkplaceClient;
  /** Keys an earlier stage of this run created: WORKPLACE has nothing else recorded for them yet (no Reports To, no values). */
  createdThisRun(stage: StageName): Promise<Set<string>>;
  /** Keys of earlier stages this run could not create (failed, skipped, unreadable in Knox): they do not exist in WORKPLACE. */
  missing: MissingKeys;
  /**
   * The state recorded by the last successful run, for targets WORKPLACE cannot list; undefined on a first run.
   * With `keep`, just the keys it keeps: the stage's own keys, or a few leavers'.
   */
  recorded<V>(stage?: StageName, keep?: (key: string) => boolean): Promise<Map<string, V> | undefined>;
  /**
   * Of these epIds, the ones Knox still returns when asked directly. A full read takes minutes, so
   * someone who moved between two departments while it ran can be missing from it; a planned
   * deletion is confirmed here first (docs/knox.md, "completeness").
   */
  stillInKnox(epIds: readonly string[]): Promise<Set<string>>;
  /** Today in Asia/Seoul, yyyy-MM-dd (WORKPLACE's hire date for new employees). */
  today: string;
  signal: AbortSignal;
  /** Keeps a long target read alive (activity heartbeat). */
  heartbeat(detail?: unknown): void;
  /** Per-key reads are kept every this many keys (see readEach). */
  readCheckpointEvery: number;
  /**
   * A piece of planning work kept in this run's store under `name`: a plan retried after a lost worker
   * or a timeout loads it instead of doing it again. `compute` must give the same answer on a retry.
   */
  checkpoint<T>(name: string, compute: () => Promise<T>): Promise<T>;
}

export interface StageDraft<B = unknown> {
  items: DraftItem<B>[];
  unchanged: number;
  /** Objects Knox defines for this stage; 0 makes the deletion guard hold. */
  sourceCount: number;
  /** Objects WORKPLACE holds for this stage. */
  targetCount: number;
  /** Knox records that could not be mapped: reported as failed items, and never deleted. */
  invalid: ItemOutcome[];
  /**
   * One wave of the main pass made in key order as the plan is written (engine/plan.ts `orderedDelta`), so
   * its drafts are never held: at 100,000 employees, the 300,000 attribute values. No draft of `items` may
   * be in that wave. Its counts add to `unchanged` and `sourceCount` once the plan is written.
   */
  made?: DraftWave<B> & { readonly unchanged: number; readonly sourceCount: number };
  /** For 'recorded' targets: the current state the plan was made against, the base of the next record. */
  current?: ReadonlyMap<string, unknown>;
  /** Where WORKPLACE's lists differ from the reference (absent, null, mistyped, undocumented fields): reported, never a failure. */
  drift?: DriftReport[];
}

/** A stage's made wave from an `orderedDelta`'s writes, its counts read once the plan is written; `each` may mark an item on the way. */
export function madeWave<B>(
  wave: number,
  writes: OrderedDelta<B>,
  each?: (item: DraftItem<B>) => void,
): NonNullable<StageDraft<B>['made']> {
  return {
    wave,
    items: each
      ? (function* () {
          for (const item of writes.items) {
            each(item);
            yield item;
          }
        })()
      : writes.items,
    get unchanged() {
      return writes.unchanged;
    },
    get sourceCount() {
      return writes.desiredCount;
    },
  };
}

/** What a stage reads and writes, on one line of its file. */
export interface StageAbout {
  stage: StageName;
  knox: readonly KnoxDataset[];
  /**
   * 'listed': the target is read back from WORKPLACE each run. 'recorded': WORKPLACE cannot list it,
   * so the target is what the last run wrote (state/<stage>.json), or per-key reads on a first run.
   */
  target: 'listed' | 'recorded';
  /**
   * Whether a create that finds the key existing may become an update (and an update of a missing key a
   * create). True for WORKPLACE's keyed entities (workplace.md Decisions: "upsert").
   */
  upsert: boolean;
}

/** How a stage plans, writes and is rolled back. */
export interface StageBehaviour<B = unknown> {
  plan(ctx: PlanContext): Promise<StageDraft<B>>;
  /** One WORKPLACE request for one item. `op` may differ from item.op when the engine switches verbs. */
  apply(client: WorkplaceClient, op: Operation, item: PlanItem<B>, signal: AbortSignal): Promise<unknown>;
  /** How a rollback undoes this stage's writes (engine/rollback.ts). */
  rollback: RollbackHooks<B>;
}

export type StageSpec<B = unknown> = StageAbout & StageBehaviour<B>;

/** What a rollback needs to know of a stage beyond its writes. */
export interface RollbackHooks<B = unknown> {
  /**
   * WORKPLACE's objects for these keys as they are now, shaped as the plan compares them; for a recorded
   * target also the whole record the rollback's writes then change (undefined: nothing is recorded).
   */
  current(ctx: PlanContext, keys: readonly string[]): Promise<{ now: ReadonlyMap<string, unknown>; record?: ReadonlyMap<string, unknown> }>;
  /** The fields that tell whether WORKPLACE still holds what the run wrote to `key`. */
  fields(key: string, ctx: PlanContext): readonly string[];
  /** The body that puts `before` back; undefined where WORKPLACE does not let orgsync put it back exactly. */
  restore(key: string, before: unknown, ctx: PlanContext): B | undefined;
  /**
   * What of this stage went with an employee the run deleted (their Reports To, their attribute values),
   * from the employee's before-image: put back when the rollback re-creates them.
   */
  goneWith?(employee: { key: string; before: unknown }): { key: string; before: unknown }[];
  /** Passes, waves and checks of the inverse writes; by default restores in the main pass and deletions in the follow-up. */
  place?(items: DraftItem<B>[], now: ReadonlyMap<string, unknown>): DraftItem<B>[];
}

/** The rollback's view of a listed entity: one listing, restored from the before-image's own fields. */
export function listedRollback<B, T extends { externalKey?: string | undefined }>(hooks: {
  api: (client: WorkplaceClient) => { list(o: { signal: AbortSignal }): Promise<WorkplaceListing<T>> };
  fields: readonly string[] | ((key: string, ctx: PlanContext) => readonly string[]);
  restore: RollbackHooks<B>['restore'];
  place?: RollbackHooks<B>['place'];
}): RollbackHooks<B> {
  const { api, fields, ...rest } = hooks;
  return {
    ...rest,
    current: async (ctx) => ({ now: (await listedTarget(ctx.stage, api(ctx.workplace), ctx.signal)).current }),
    fields: typeof fields === 'function' ? fields : () => fields,
  };
}

/**
 * Current values of a target WORKPLACE cannot list: as the last run recorded them (the rollback's writes
 * then update that record), or, with no record, one read per key (and nothing is recorded).
 */
export async function recordedCurrent<V>(
  ctx: PlanContext,
  keys: readonly string[],
  read: (key: string) => Promise<V | undefined>,
): Promise<{ now: ReadonlyMap<string, unknown>; record?: ReadonlyMap<string, unknown> }> {
  const recorded = await ctx.recorded<V>();
  if (recorded)
    return { now: new Map(keys.flatMap((key) => (recorded.has(key) ? [[key, recorded.get(key)] as const] : []))), record: recorded };
  return { now: (await readEach(ctx.stage, keys, read, ctx)).found };
}

/** Picks the named fields of a before-image that are set (a listed record carries orgsync's own names). */
export function pick<K extends string>(from: unknown, fields: readonly K[]): Partial<Record<K, unknown>> {
  const record = (from ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.flatMap((f) => (record[f] === undefined || record[f] === null ? [] : [[f, record[f]]]))) as Partial<
    Record<K, unknown>
  >;
}

/** Knox records that failed validation, as failed items of `stage`. A record without a key is "(unidentified)". */
export function invalidOutcomes(stage: StageName, records: readonly KnoxInvalidRecord[]): ItemOutcome[] {
  return records.map((r) => ({
    stage,
    key: r.key ?? UNIDENTIFIED,
    op: 'read',
    outcome: 'failed',
    code: 'KNOX_INVALID_RECORD',
    message: `Knox record rejected: ${r.issues.join('; ')}`,
  }));
}

export const UNIDENTIFIED = '(unidentified)';

/**
 * The write of an entity WORKPLACE keys by external key (grades, 직책, departments, employees, absence
 * items): the item's verb on that entity's API, the body from the plan.
 */
export function keyedApply<B>(
  api: (client: WorkplaceClient) => Pick<ListedApi<B, unknown>, 'create' | 'update' | 'remove'>,
): StageSpec<B>['apply'] {
  return (client, op, item, signal) =>
    op === 'delete' ? api(client).remove(item.key, { signal }) : api(client)[op](item.key, item.body!, { signal });
}

/** Deletions wait for the follow-up pass, after employees: nobody may still hold what is deleted (workplace.md §4). */
export function deleteInFollowUp<B>(items: DraftItem<B>[]): DraftItem<B>[] {
  for (const item of items) if (item.op === 'delete') item.pass = 'followUp';
  return items;
}

/** WORKPLACE's current objects of a listable entity, as a stage plans against them. */
export interface ListedTarget<T extends object> {
  current: Map<string, T>;
  /** Objects WORKPLACE holds without an external key (migrated, unmapped): never written, only not duplicated (engine/collisions.ts). */
  unmapped: UnmappedRecord<T>[];
  /** Keyed departments under a parent without a key: key → that parent's WORKPLACE id. */
  unmappedParents: ReadonlyMap<string, string>;
  /** Keys WORKPLACE listed in records orgsync cannot read: neither created, updated nor deleted this run. */
  leaveAlone: Set<string>;
  /** Keys listed as Knox wants them, their rows not kept (`listedTarget`'s `settled`): unchanged, and not in `current`. */
  settled: ReadonlySet<string>;
  /** False when a record had no readable key: it could be any of WORKPLACE's, so the stage deletes nothing. */
  deletes: boolean;
  /** The unreadable records, as failed items of the stage. */
  outcomes: ItemOutcome[];
  drift: DriftReport;
  /**
   * The delta against these objects, with the listing's rule in one place: a record orgsync cannot read
   * is left alone, and when one had no readable key nothing is deleted (a stage's `deletes` only narrows that).
   */
  delta<V extends object, B = V>(desired: DesiredEntries<V>, options: Omit<DeltaOptions<V, T, B>, 'leaveAlone' | 'settled'>): Delta<B>;
  /** The same rule for `deltaApart`: deletions held, the other writes made as the plan is written. */
  deltaApart<V extends object, B = V>(
    desiredKeys: ReadonlySet<string>,
    desired: DesiredEntries<V>,
    options: Omit<DeltaOptions<V, T, B>, 'leaveAlone' | 'settled'>,
  ): ApartDelta<B>;
  /** The stage's draft: counted from what Knox defines (the delta's desired keys) and what WORKPLACE lists, with the listing's drift. */
  draft<B>(planned: Delta<B>, invalid: ItemOutcome[]): StageDraft<B>;
}

/**
 * Lists an entity's objects by external key; a malformed record never fails the listing (issue 10). With
 * `settled` (a row already as Knox wants it, by its external key) those rows are kept by key only.
 */
export async function listedTarget<T extends { externalKey?: string | undefined }>(
  stage: StageName,
  api: { list(o: { signal: AbortSignal; settled?: (row: T) => boolean }): Promise<WorkplaceListing<T>> },
  signal: AbortSignal,
  keyOf: (row: T) => string | undefined = (row) => row.externalKey,
  settledRow?: (row: T) => boolean,
): Promise<ListedTarget<T>> {
  const listing = await api.list({ signal, ...(settledRow ? { settled: settledRow } : {}) });
  const current = new Map<string, T>();
  for (const row of listing.rows) {
    const key = keyOf(row);
    if (key) current.set(key, row);
  }
  const leaveAlone = new Set(listing.unreadable.flatMap((r) => (r.key ? [r.key] : [])));
  const settled = new Set(listing.settled);
  const deletes = listing.unreadable.every((r) => r.key);
  return {
    current,
    unmapped: listing.unmapped ?? [],
    unmappedParents: listing.unmappedParents ?? new Map(),
    leaveAlone,
    settled,
    deletes,
    outcomes: listing.unreadable.map((r) => ({
      stage,
      key: r.key ?? UNIDENTIFIED,
      op: 'read',
      outcome: 'failed',
      code: 'WORKPLACE_UNREADABLE_RECORD',
      message: `WORKPLACE's record (element ${r.index} of its list) is unreadable, so it is left alone: ${r.issues.join('; ')}`,
    })),
    drift: listing.drift,
    delta: (desired, options) =>
      delta(desired, current, { ...options, leaveAlone, settled, deletes: (options.deletes ?? true) && deletes }),
    deltaApart: (desiredKeys, desired, options) =>
      deltaApart(desiredKeys, desired, current, { ...options, leaveAlone, settled, deletes: (options.deletes ?? true) && deletes }),
    draft: ({ items, unchanged, desiredCount }, invalid) => ({
      items,
      unchanged,
      sourceCount: desiredCount,
      targetCount: current.size + settled.size,
      invalid,
      drift: [listing.drift],
    }),
  };
}

/** A stage's spec from its one-line description and its behaviour, typed without repeating the generic parameter. */
export const defineStage = <B>(about: StageAbout, behaviour: StageBehaviour<B>): StageSpec<B> => ({ ...about, ...behaviour });

/** Locale map with empty names dropped (WORKPLACE stores what we send; an empty en_US is noise). */
export function i18n(names: Partial<Record<'ko_KR' | 'en_US', string | undefined>>): Record<string, string> | undefined {
  const entries = Object.entries(names).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '');
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, v.trim()])) : undefined;
}

/**
 * Reads every key of a non-listable target one GET at a time (a run with no recorded state, such as the
 * first after a migration), with heartbeats. Every `readCheckpointEvery` keys the answers are kept in
 * the store, so a retry resumes where the last attempt got to: at 100,000 employees this is hours of
 * reads. A key WORKPLACE refuses to read (a permanent error) is that item's failure, not the stage's:
 * it is returned in `unreadable` and the caller leaves it alone. Transient errors still fail the read,
 * so Temporal retries it.
 */
export async function readEach<V>(
  stage: StageName,
  keys: Iterable<string>,
  read: (key: string) => Promise<V | undefined>,
  ctx: Pick<PlanContext, 'heartbeat' | 'signal' | 'checkpoint' | 'readCheckpointEvery'>,
): Promise<{ found: Map<string, V>; unreadable: ItemOutcome[] }> {
  const all = [...keys];
  const found = new Map<string, V>();
  const unreadable: ItemOutcome[] = [];
  for (let start = 0; start < all.length; start += ctx.readCheckpointEvery) {
    const chunk = all.slice(start, start + ctx.readCheckpointEvery);
    // Named by its keys: should a retried plan read other keys, it finds no checkpoint, never a wrong one.
    const answers = await ctx.checkpoint(`read-${start}-${shortHash(chunk.join('\n'))}`, async () => {
      const chunkFound: [string, V][] = [];
      const chunkUnreadable: ItemOutcome[] = [];
      for (const key of chunk) {
        ctx.signal.throwIfAborted();
        try {
          const value = await read(key);
          if (value !== undefined) chunkFound.push([key, value]);
        } catch (err) {
          // A missing route is the stage's problem (wrong protocol path), not this key's.
          if (!(err instanceof WorkplaceError) || err.retryable || err.code === 'WORKPLACE_NO_ROUTE') throw err;
          chunkUnreadable.push({
            stage,
            key,
            op: 'read',
            outcome: 'failed',
            code: err.code,
            message: `could not read WORKPLACE's current value: ${err.message}`,
          });
        }
        ctx.heartbeat({ read: start + chunkFound.length + chunkUnreadable.length, of: all.length });
      }
      return { found: chunkFound, unreadable: chunkUnreadable };
    });
    for (const [key, value] of answers.found) found.set(key, value);
    unreadable.push(...answers.unreadable);
  }
  return { found, unreadable };
}
