/**
 * Planning one stage of a run: give the stage's spec what it reads (the run's Knox snapshot, WORKPLACE,
 * the recorded state, what earlier stages of this run created or could not create), order its draft
 * into waves, apply the deletion guard, and write the plan to the store. The stage workflow learns only
 * the summary. Everything Temporal-specific (heartbeats, cancellation) comes in through `io`.
 */
import type { SyncSettings } from '../config/index.js';
import type { KnoxClient } from '../knox/index.js';
import { runFolder, type StagingStore } from '../store/index.js';
import type { WorkplaceClient } from '../workplace/index.js';
import { boundDrift } from '../lib/drift.js';
import { AlwaysSent } from './canary.js';
import { assertUsable, snapshotReader } from './knox-snapshot.js';
import { keepOutcomes } from './outcomes.js';
import { brokenDependency, deletionGuard, inPlanOrder, missingKeysFrom, PlanNumbering, type PlanItem } from './plan.js';
import {
  appendOutcomes,
  eachPlanChunk,
  newPlanRef,
  readPlanItems,
  readPlanMeta,
  readRunOutcomes,
  recordedStateKey,
  writePlanItems,
  writePlanMeta,
} from './plan-store.js';
import { DEFAULT_TUNING, type Pass, type StageName } from './pipeline.js';
import { STAGE_SPECS } from './stages/index.js';
import type { PlanContext, StageDraft } from './stages/spec.js';
import { reconcileWithApproved } from './review.js';
import { planRollback } from './rollback.js';
import type { ItemDescriptor, ItemOutcome, OperationCounts, PlanSummary, RollbackOf } from './types.js';

export interface EngineDeps {
  knox: KnoxClient;
  workplace: WorkplaceClient;
  store: StagingStore;
  settings: SyncSettings;
  companyCodes: readonly string[];
}

/** What the activity around the engine provides: cancellation and liveness. */
export interface EngineIo {
  signal: AbortSignal;
  heartbeat(detail?: unknown): void;
  /** Today in Asia/Seoul, yyyy-MM-dd. */
  today: string;
}

export interface PlanStageInput {
  runId: string;
  stage: StageName;
  /** Plans of the stages that already ran in this run, so this stage knows what the run created. */
  earlierPlans?: Partial<Record<StageName, string>>;
  readCheckpointEvery?: number;
  /** A reviewed run being applied: this stage's approved plan, held against the fresh one (engine/review.ts). */
  approvedPlan?: string;
  /** A rollback: undo what that run wrote in this stage (engine/rollback.ts). */
  rollback?: RollbackOf;
  /** A dry run applies nothing, so the plan's own skips are recorded as the run's outcomes here. */
  dryRun?: boolean;
}

/** A dry run shows this many of the planned writes. */
const PREVIEW = 20;

export async function planStage(deps: EngineDeps, input: PlanStageInput, io: EngineIo): Promise<PlanSummary> {
  const { store, settings } = deps;
  const spec = STAGE_SPECS[input.stage];
  const outcomes = await readRunOutcomes(store, input.runId);
  const ctx = planContext(deps, input, io, outcomes);
  let draft: StageDraft;
  if (input.rollback) draft = await planRollback(ctx, input.rollback, store);
  else {
    for (const dataset of spec.knox) await assertUsable(ctx.knox, dataset, settings.maxFailureShare);
    draft = await spec.plan(ctx);
  }
  const { made } = draft;
  let items = draft.items;
  let madeInOrder = made;
  if (input.approvedPlan) {
    // A review pairs the items of both plans, so it holds them whole (the approved one is read whole anyway).
    const approved = await readPlanMeta(store, input.approvedPlan);
    const fresh = made ? [...items, ...Array.from(made.items, (d) => Object.assign(d, { wave: made.wave }))] : items;
    items = reconcileWithApproved(await readPlanItems(store, input.approvedPlan, 0, approved.total), fresh);
    madeInOrder = undefined;
  }
  const ref = newPlanRef(input.runId, input.stage);
  const digest = new PlanDigest(input.stage);
  const total = await writePlanItems(store, ref, digest.watch(inPlanOrder(items, madeInOrder)));
  const { ops, planSkips } = digest;
  const unchanged = draft.unchanged + (made?.unchanged ?? 0);
  const sourceCount = draft.sourceCount + (made?.sourceCount ?? 0);
  const guard = deletionGuard(ops.main.delete + ops.followUp.delete, draft.targetCount, sourceCount, settings.deletionGuard);
  const waves = digest.numbering.waves;
  const alwaysSent = digest.alwaysSent.fields();
  const meta = await writePlanMeta(
    store,
    ref,
    {
      runId: input.runId,
      stage: input.stage,
      total,
      waves,
      ops,
      unchanged,
      sourceCount,
      targetCount: draft.targetCount,
      invalid: draft.invalid.length,
      guard,
      alwaysSent,
    },
    // A rollback with nothing recorded to start from records nothing: a partial record would pass for a whole one.
    spec.target === 'recorded' && (draft.current || !input.rollback) ? (draft.current ?? new Map()) : undefined,
  );
  // An approved review's records were reported when it was planned, from this same snapshot.
  if (!input.approvedPlan) await appendOutcomes(store, input.runId, input.dryRun ? [...draft.invalid, ...planSkips] : draft.invalid);
  const drift = (draft.drift ?? []).filter((d) => d.fields.length > 0).map((d) => boundDrift(d));
  const invalidSample: ItemOutcome[] = [];
  keepOutcomes(invalidSample, 0, draft.invalid);
  const planSkippedSample: ItemOutcome[] = [];
  if (input.dryRun) keepOutcomes(planSkippedSample, 0, planSkips);
  return {
    planRef: meta.ref,
    ops,
    unchanged,
    sourceCount,
    targetCount: draft.targetCount,
    invalid: draft.invalid.length,
    invalidSample,
    waves,
    guard,
    preview: digest.preview,
    ...(planSkips.length ? { planSkipped: planSkips.length } : {}),
    ...(planSkippedSample.length ? { planSkippedSample } : {}),
    alwaysSent,
    ...(drift.length ? { drift } : {}),
  };
}

function planContext(deps: EngineDeps, input: PlanStageInput, io: EngineIo, outcomes: readonly ItemOutcome[]): PlanContext {
  const { store } = deps;
  return {
    stage: input.stage,
    settings: deps.settings,
    knox: snapshotReader(store, input.runId),
    workplace: deps.workplace,
    missing: missingKeysFrom(outcomes),
    createdThisRun: async (stage) => {
      const ref = input.earlierPlans?.[stage];
      if (!ref) return new Set<string>();
      const meta = await readPlanMeta(store, ref);
      const unsuccessful = new Set(outcomes.filter((o) => o.stage === stage).map((o) => o.key));
      const created = new Set<string>();
      await eachPlanChunk(store, ref, meta.total, (items) => {
        for (const i of items) if (i.op === 'create' && !unsuccessful.has(i.key)) created.add(i.key);
      });
      return created;
    },
    recorded: async <V>(stage: StageName = input.stage, keep?: (key: string) => boolean) => {
      const saved = await store.readJson<Record<string, V>>(recordedStateKey(stage));
      if (!saved) return undefined;
      // Straight from the parsed object: 300,000 values are not worth an array of entries, or a second map, between.
      const recorded = new Map<string, V>();
      for (const key in saved) if (!keep || keep(key)) recorded.set(key, saved[key]!);
      return recorded;
    },
    stillInKnox: async (epIds) => {
      const found = new Set<string>();
      for (let i = 0; i < epIds.length; i += 100) {
        const listing = await deps.knox.getEmployees({ epIds: epIds.slice(i, i + 100) }, { attributes: ['epId'], signal: io.signal });
        for (const row of listing.rows) found.add(row.epId);
        for (const bad of listing.invalid) if (bad.key) found.add(bad.key);
      }
      return found;
    },
    today: io.today,
    signal: io.signal,
    heartbeat: (detail) => io.heartbeat(detail),
    readCheckpointEvery: input.readCheckpointEvery ?? DEFAULT_TUNING.readCheckpointEvery,
    checkpoint: async <T>(name: string, compute: () => Promise<T>) => {
      const key = `${runFolder(input.runId)}/checkpoints/${input.stage}/${name}.json`;
      const kept = await store.readJson<T>(key);
      if (kept !== undefined) return kept;
      const value = await compute();
      await store.writeJson(key, value);
      return value;
    },
  };
}

/**
 * A page of the plan. Each item's dependencies are checked against every failure recorded in the run
 * so far, so an item whose department (or parent, or manager) could not be created is skipped with that
 * reason instead of failing at WORKPLACE.
 */
export async function planPage(
  store: StagingStore,
  input: { runId: string; planRef: string; start: number; end: number },
): Promise<ItemDescriptor[]> {
  const [items, outcomes] = await Promise.all([
    readPlanItems(store, input.planRef, input.start, input.end),
    readRunOutcomes(store, input.runId),
  ]);
  const missing = missingKeysFrom(outcomes);
  return items.map((item) => {
    const skip = item.skip ?? brokenDependency(item, missing);
    return describeItem(skip ? { ...item, skip } : item);
  });
}

export function describeItem(item: PlanItem): ItemDescriptor {
  return {
    i: item.i,
    op: item.op,
    key: item.key,
    ...(item.label ? { label: item.label } : {}),
    ...(item.changes ? { changes: item.changes } : {}),
    ...(item.check ? { check: item.check } : {}),
    ...(item.skip ? { skip: item.skip } : {}),
  };
}

/** What the summary tells of a plan, gathered as its items go by to the store: numbers, counts, the canary's fields, skips, a preview. */
class PlanDigest {
  readonly numbering = new PlanNumbering();
  readonly ops: Record<Pass, OperationCounts> = { main: noOps(), followUp: noOps() };
  readonly alwaysSent = new AlwaysSent();
  readonly planSkips: ItemOutcome[] = [];
  readonly preview: ItemDescriptor[] = [];

  constructor(readonly stage: StageName) {}

  *watch(items: Iterable<PlanItem>): Generator<PlanItem> {
    for (const item of items) {
      this.numbering.add(item);
      this.alwaysSent.add(item);
      if (item.skip) {
        const { key, label, op, skip } = item;
        this.planSkips.push({ stage: this.stage, key, ...(label ? { label } : {}), op, outcome: 'skipped', ...skip });
      } else {
        this.ops[item.pass][item.op]++;
        if (this.preview.length < PREVIEW) this.preview.push(describeItem(item));
      }
      yield item;
    }
  }
}

const noOps = (): OperationCounts => ({ create: 0, update: 0, delete: 0 });
