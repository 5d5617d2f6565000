/**
 * Planning, as pure functions: compare the mapped Knox state with WORKPLACE's, and produce the writes
 * that make them equal, ordered so that every write's prerequisites come first. Nothing here does I/O,
 * so every rule (delta, ordering, dependency skips, the deletion guard) is unit-tested directly.
 */
import type { GuardVerdict, ItemCheck, ItemOutcome, Waves } from './types.js';
import type { Operation, Pass, StageName } from './pipeline.js';

/** What Knox says one object should be, after mapping. */
export interface DesiredEntry<V> {
  value: V;
  /** Shown next to the key in the UI and reports (a person's or department's name). */
  label?: string;
  /** Objects this one needs (an employee's department, grade, job title; a department's parent). */
  dependsOn?: Dependency[];
}

export interface Dependency {
  stage: StageName;
  key: string;
  /** How the dependent names it: "department", "grade" … */
  role: string;
}

/**
 * A plan's dependencies that many items name (a department, a grade, an attribute definition), one shared
 * object each, in arrays of exactly their length. At 100,000 employees fresh objects in arrays built by
 * spreading cost ~420 bytes an employee, shared ones in exact arrays ~80: tens of MB of the worker's heap.
 * Nothing changes a dependency after planning, and JSON spells a shared one out wherever it is named.
 */
export class Dependencies {
  readonly #pool = new Map<string, Dependency>();

  of(stage: StageName, key: string, role: string): Dependency {
    const id = `${stage}\u0000${role}\u0000${key}`;
    let dependency = this.#pool.get(id);
    if (!dependency) this.#pool.set(id, (dependency = { stage, key, role }));
    return dependency;
  }

  /** A rest parameter is an array of exactly its length; a literal built by spreading is not. */
  list(...dependencies: Dependency[]): Dependency[] {
    return dependencies;
  }
}

export interface PlanItem<B = unknown> {
  /** Position in the plan; items run in index order, wave by wave. */
  i: number;
  op: Operation;
  key: string;
  label?: string;
  pass: Pass;
  wave: number;
  /** The write's payload (create/update); a delete has none. */
  body?: B;
  /** Fields that differ, for an update: shown in the UI and the report. */
  changes?: string[];
  /**
   * Objects that must exist for this write to make sense. Checked when the item's page is read, so a
   * dependency that failed earlier in the run (this stage or an earlier one) skips it, with the cause.
   */
  dependsOn?: Dependency[];
  /** Decided at plan time: the item is not attempted. */
  skip?: { code: string; message: string };
  /** A read that must pass before this write runs. */
  check?: ItemCheck;
  /**
   * The before-image: what WORKPLACE held for the key when the plan was made (an update's and a delete's
   * target as read, or as recorded for what WORKPLACE cannot list). A rollback restores it, and an
   * approved plan applies an item only while WORKPLACE still holds it. A create has none.
   */
  before?: unknown;
}

/** An item before it has a place in the plan. */
export type DraftItem<B = unknown> = Omit<PlanItem<B>, 'i' | 'wave' | 'pass'> & { wave?: number; pass?: Pass };

export interface DeltaOptions<V, C, B> {
  /** The fields compared; an update is planned when one differs. */
  fields: readonly (keyof V & string)[];
  /** The write payload for a create or update. Defaults to the desired value. */
  body?: (key: string, desired: V, current: C | undefined) => B;
  /** Keys that must not be deleted even though Knox did not return them (invalid or skipped records). */
  protect?: ReadonlySet<string>;
  /** Keys neither created, updated nor deleted this run: WORKPLACE listed them but orgsync could not read them. */
  leaveAlone?: ReadonlySet<string>;
  /** Keys WORKPLACE listed as Knox wants them, whose rows the listing did not keep (`current` has not got them): unchanged. */
  settled?: ReadonlySet<string>;
  /** Whether deleting a key absent from Knox is allowed at all (e.g. the leaver policy). */
  deletes?: boolean;
  deleteLabel?: (key: string, current: C) => string | undefined;
}

export interface Delta<B> {
  items: DraftItem<B>[];
  unchanged: number;
  /** How many keys `desired` had. */
  desiredCount: number;
}

/** Desired entries by key, each key once: a map, or entries made one at a time, so that only the changed ones are ever kept. */
export type DesiredEntries<V> = Iterable<readonly [string, DesiredEntry<V>]>;

/**
 * The writes that turn `current` into `desired`, per key. Unchanged keys produce nothing. `current` is
 * WORKPLACE's object as read back (it may carry more fields than orgsync writes; only `fields` count).
 * Given entries made as they are asked for, an unchanged one is garbage as soon as it is compared: at
 * 100,000 employees the desired state is never held whole beside WORKPLACE's.
 */
export function delta<V extends object, C extends object = V, B = V>(
  desired: DesiredEntries<V>,
  current: ReadonlyMap<string, C>,
  options: DeltaOptions<V, C, B>,
): Delta<B> {
  const items: DraftItem<B>[] = [];
  const writes = keyWrites(current, options);
  const wanted = new Set<string>();
  for (const [key, entry] of desired) {
    if (wanted.has(key)) throw new Error(`delta: desired key ${key} given twice`);
    wanted.add(key);
    const item = writes.write(key, entry);
    if (item) items.push(item);
  }
  if (options.deletes !== false) {
    for (const key of current.keys()) {
      const item = wanted.has(key) ? undefined : writes.deletion(key);
      if (item) items.push(item);
    }
  }
  return { items, unchanged: writes.unchanged, desiredCount: wanted.size };
}

/** A delta made as it is read: `items` yields each write in key order, and the counts are complete once it is done. */
export interface OrderedDelta<B> {
  items: Iterable<DraftItem<B>>;
  readonly unchanged: number;
  readonly desiredCount: number;
}

/**
 * The writes of `delta`, for desired entries given in strictly increasing key order (`compareKeys`),
 * yielded in that order with the deletions merged in, as a plan's wave holds them. Nothing is kept: at
 * 300,000 attribute values the drafts are written to the plan one chunk at a time, never held whole.
 */
export function orderedDelta<V extends object, C extends object = V, B = V>(
  desired: DesiredEntries<V>,
  current: ReadonlyMap<string, C>,
  options: DeltaOptions<V, C, B>,
): OrderedDelta<B> {
  const writes = keyWrites(current, options);
  let desiredCount = 0;
  function* items(): Generator<DraftItem<B>> {
    const existing = options.deletes === false ? [] : [...current.keys()].sort(compareKeys);
    let next = 0;
    const deletionsBefore = function* (key: string | undefined) {
      for (; next < existing.length && (key === undefined || compareKeys(existing[next]!, key) < 0); next++) {
        const item = writes.deletion(existing[next]!);
        if (item) yield item;
      }
      if (key !== undefined && existing[next] === key) next++;
    };
    let last: string | undefined;
    for (const [key, entry] of desired) {
      if (last !== undefined && compareKeys(last, key) >= 0) throw new Error(`orderedDelta: desired key ${key} given after ${last}`);
      last = key;
      desiredCount++;
      yield* deletionsBefore(key);
      const item = writes.write(key, entry);
      if (item) yield item;
    }
    yield* deletionsBefore(undefined);
  }
  return {
    items: items(),
    get unchanged() {
      return writes.unchanged;
    },
    get desiredCount() {
      return desiredCount;
    },
  };
}

/** A delta in two parts: the deletions, held, and the creates and updates, made in key order as they are read. */
export interface ApartDelta<B> {
  deletions: DraftItem<B>[];
  writes: OrderedDelta<B>;
}

/**
 * The writes of `delta` for a stage whose deletions need more work before its plan is written (the
 * employees': a Knox check, what goes with each leaver) and whose other writes are too many to hold (a
 * first run's 100,000 creates, ~1 KB each). The deletions, of the keys of `current` not in `desiredKeys`,
 * are made now, in key order; the creates and updates as `orderedDelta` makes them. `desired` must give
 * exactly `desiredKeys`: a key it gives beyond them would be both written and deleted.
 */
export function deltaApart<V extends object, C extends object = V, B = V>(
  desiredKeys: ReadonlySet<string>,
  desired: DesiredEntries<V>,
  current: ReadonlyMap<string, C>,
  options: DeltaOptions<V, C, B>,
): ApartDelta<B> {
  const writes = keyWrites(current, options);
  const deletions: DraftItem<B>[] = [];
  if (options.deletes !== false)
    for (const key of [...current.keys()].sort(compareKeys)) {
      const item = desiredKeys.has(key) ? undefined : writes.deletion(key);
      if (item) deletions.push(item);
    }
  const declared = function* () {
    for (const entry of desired) {
      if (!desiredKeys.has(entry[0])) throw new Error(`deltaApart: desired key ${entry[0]} is not among the desired keys`);
      yield entry;
    }
  };
  return { deletions, writes: orderedDelta(declared(), current, { ...options, deletes: false }) };
}

/** The write (or none) for one desired key against `current`, and the deletion of one it no longer has: both deltas' rules in one place. */
function keyWrites<V extends object, C extends object, B>(current: ReadonlyMap<string, C>, options: DeltaOptions<V, C, B>) {
  const body = (options.body ?? ((_key: string, value: V) => value)) as (key: string, d: V, c: C | undefined) => B;
  const writes = {
    unchanged: 0,
    write(key: string, entry: DesiredEntry<V>): DraftItem<B> | undefined {
      if (options.leaveAlone?.has(key)) return undefined;
      if (options.settled?.has(key)) {
        writes.unchanged++;
        return undefined;
      }
      const existing = current.get(key);
      const base = { key, label: entry.label, dependsOn: entry.dependsOn };
      if (existing === undefined) return { ...base, op: 'create', body: body(key, entry.value, undefined) };
      const changes = changedFields(entry.value, existing, options.fields);
      if (changes.length > 0) return { ...base, op: 'update', body: body(key, entry.value, existing), changes, before: existing };
      writes.unchanged++;
      return undefined;
    },
    deletion(key: string): DraftItem<B> | undefined {
      if (options.protect?.has(key) || options.leaveAlone?.has(key)) return undefined;
      const existing = current.get(key)!;
      return { key, op: 'delete', label: options.deleteLabel?.(key, existing), before: existing };
    },
  };
  return writes;
}

/** Fields whose values differ, treating absent, null and '' alike (WORKPLACE echoes optional strings either way) and "1.0" as 1. */
export function changedFields<V extends object>(desired: V, current: object, fields: readonly (keyof V & string)[]): string[] {
  return fields.filter((field) => !sameValue(desired[field], (current as Record<string, unknown>)[field]));
}

export function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(normalize(a)) === stableJson(normalize(b));
}

function normalize(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(normalize);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, normalize(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  if (typeof value === 'number') return String(value);
  // WORKPLACE may echo a number as "1.0" (a third-party client saw dispOrd so): compare numbers as numbers.
  if (typeof value === 'string' && /^-?\d+\.\d+$/.test(value)) return String(Number(value));
  return value;
}

function stableJson(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Depth of each key in a parent tree: roots 0. Used to create parents before children (ascending)
 * and delete children before parents (descending). A key on a cycle gets depth -1.
 */
export function treeDepths(parents: ReadonlyMap<string, string | undefined>): Map<string, number> {
  const depths = new Map<string, number>();
  const depthOf = (key: string, seen: Set<string>): number => {
    const known = depths.get(key);
    if (known !== undefined) return known;
    if (seen.has(key)) return -1;
    seen.add(key);
    const parent = parents.get(key);
    const depth = parent === undefined || !parents.has(parent) ? 0 : depthOf(parent, seen);
    const mine = depth < 0 ? -1 : parent === undefined || !parents.has(parent) ? 0 : depth + 1;
    depths.set(key, mine);
    return mine;
  };
  for (const key of parents.keys()) depthOf(key, new Set());
  return depths;
}

/** Keys of earlier stages that do not exist in WORKPLACE because their create failed or was skipped. */
export type MissingKeys = ReadonlyMap<StageName, ReadonlyMap<string, ItemOutcome>>;

export function missingKeysFrom(outcomes: readonly ItemOutcome[]): Map<StageName, Map<string, ItemOutcome>> {
  const missing = new Map<StageName, Map<string, ItemOutcome>>();
  for (const outcome of outcomes) {
    if (outcome.op !== 'create' && outcome.op !== 'read') continue;
    let forStage = missing.get(outcome.stage);
    if (!forStage) missing.set(outcome.stage, (forStage = new Map<string, ItemOutcome>()));
    if (!forStage.has(outcome.key)) forStage.set(outcome.key, outcome);
  }
  return missing;
}

/** Why a create or update cannot run because something it needs does not exist, or undefined. */
export function brokenDependency(
  item: Pick<PlanItem, 'op' | 'dependsOn'>,
  missing: MissingKeys,
): { code: string; message: string } | undefined {
  if (item.op === 'delete') return undefined;
  for (const dependency of item.dependsOn ?? []) {
    const cause = missing.get(dependency.stage)?.get(dependency.key);
    if (!cause) continue;
    return {
      code: 'DEPENDENCY_FAILED',
      message: `${dependency.role} ${dependency.key} ${cause.outcome === 'failed' ? 'failed' : 'was skipped'}: ${cause.message}`,
    };
  }
  return undefined;
}

export interface GuardSettings {
  maxShare: number;
  maxCount: number;
}

/**
 * The deletion guard. Holds when the plan deletes more than maxCount objects or more than maxShare of
 * what exists, and always when Knox returned nothing for a stage that has objects in WORKPLACE:
 * an empty read never deletes anything without an operator.
 */
export function deletionGuard(deletions: number, existing: number, sourceCount: number, settings: GuardSettings): GuardVerdict {
  const base = { deletions, existing };
  if (deletions === 0) return { ...base, holds: false, reason: 'no deletions' };
  if (sourceCount === 0) return { ...base, holds: true, reason: `Knox returned nothing, which would delete all ${existing}` };
  if (deletions > settings.maxCount) return { ...base, holds: true, reason: `${deletions} deletions is more than ${settings.maxCount}` };
  if (deletions > settings.maxShare * existing) {
    return {
      ...base,
      holds: true,
      reason: `${deletions} of ${existing} (${percent(deletions / existing)}) is more than ${percent(settings.maxShare)}`,
    };
  }
  return { ...base, holds: false, reason: 'within limits' };
}

const percent = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;

export interface OrderedPlan<B, I extends PlanItem<B> = PlanItem<B>> {
  items: I[];
  /** Index ranges [start, end) of each wave, per pass, in the order they run. */
  waves: Waves;
}

const PASS_ORDER: Record<Pass, number> = { main: 0, followUp: 1 };

/**
 * Gives each item its place: by pass, then wave, then key (stable, so reruns produce the same plan).
 * The drafts become the items, numbered in place rather than copied: at 300,000 attribute values a copy
 * is ~25 MB at the stage's peak. The caller hands them over and keeps using only the result.
 */
export function order<B, D extends DraftItem<B> = DraftItem<B>>(drafts: readonly D[]): OrderedPlan<B, D & PlanItem<B>> {
  const items = drafts
    .map((d) => place(d, d.pass ?? 'main', d.wave ?? 0))
    .sort((a, b) => PASS_ORDER[a.pass] - PASS_ORDER[b.pass] || a.wave - b.wave || compareKeys(a.key, b.key) || a.op.localeCompare(b.op));
  const numbering = new PlanNumbering();
  for (const item of items) numbering.add(item);
  return { items, waves: numbering.waves };
}

const place = <D extends DraftItem>(d: D, pass: Pass, wave: number) => Object.assign(d, { pass, wave, i: 0 });

/** Numbers items given in plan order (`i`) and records where each wave starts and ends. */
export class PlanNumbering {
  readonly waves: Waves = { main: [], followUp: [] };
  #next = 0;
  #lastWave: Partial<Record<Pass, number>> = {};

  add(item: PlanItem<unknown>): void {
    item.i = this.#next++;
    const list = this.waves[item.pass];
    const last = list.at(-1);
    if (last && this.#lastWave[item.pass] === item.wave) last.end = item.i + 1;
    else list.push({ start: item.i, end: item.i + 1 });
    this.#lastWave[item.pass] = item.wave;
  }

  get total(): number {
    return this.#next;
  }
}

/** One wave of the main pass whose drafts are made in key order as the plan is written (`orderedDelta`), never held. */
export interface DraftWave<B> {
  wave: number;
  items: Iterable<DraftItem<B>>;
}

/**
 * A stage's drafts in plan order: those it holds, placed by `order`, with a wave made in order merged in
 * at its place. The drafts become the items, as in `order`; the caller numbers them (`PlanNumbering`).
 */
export function* inPlanOrder<B>(drafts: readonly DraftItem<B>[], made?: DraftWave<B>): Generator<PlanItem<B>> {
  const held = order<B>(drafts).items;
  if (!made) return yield* held;
  const atOrBefore = (item: PlanItem<B>) => item.pass === 'main' && item.wave <= made.wave;
  if (held.some((item) => item.pass === 'main' && item.wave === made.wave))
    throw new Error(`inPlanOrder: wave ${made.wave} is made in order, so no held draft may be in it`);
  let k = 0;
  for (; k < held.length && atOrBefore(held[k]!); k++) yield held[k]!;
  for (const draft of made.items) yield place(draft, 'main', made.wave);
  for (; k < held.length; k++) yield held[k]!;
}

/** Keys compare by UTF-16 code units, not locale: the same order on every worker. */
export const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
