/**
 * orgsync's activities, built from their dependencies so the worker injects real clients and a test
 * injects the same clients pointed at the simulators. Two groups, on two task queues:
 * - `createActivities`: reading Knox, planning, bookkeeping (the main queue);
 * - `createWriteActivities`: one WORKPLACE request each (the write queue, whose server-side rate limit
 *   is WORKPLACE_RPS across all workers: see docs/ARCHITECTURE.md "Rate limits").
 */
import { cancellationSignal, heartbeat, log } from '@temporalio/activity';
import type { SyncSettings } from '../config/index.js';
import type { KnoxClient } from '../knox/index.js';
import { runFolder, type StagingStore } from '../store/index.js';
import { WorkplaceAlreadyExistsError, WorkplaceNotFoundError, type WorkplaceClient } from '../workplace/index.js';
import {
  DEFAULT_TUNING,
  keepOutcomes,
  STAGES,
  type ItemOutcome,
  type Operation,
  type OperationCounts,
  type Pass,
  type StageName,
} from '../workflows/definitions.js';
import { toFailure, type FailureDetails } from './failures.js';
import { employeeAttributes, snapshotReader, takeSnapshot, type SnapshotSummary } from './knox-snapshot.js';
import { brokenDependency, deletionGuard, missingKeysFrom, order, type GuardVerdict, type PlanItem } from './plan.js';
import {
  appendOutcomes,
  readPlanItem,
  readPlanItems,
  readPlanMeta,
  readRunOutcomes,
  recordedStateKey,
  writePlan,
  type PlanMeta,
} from './plan-store.js';
import { seoulDate } from '../lib/seoul-time.js';
import { planEmployee, type EmployeePlan } from './sync-employee.js';
import { STAGE_SPECS } from './stages/index.js';
import type { KnoxDataset } from './stages/spec.js';

export interface ActivityDeps {
  knox: KnoxClient;
  workplace: WorkplaceClient;
  store: StagingStore;
  settings: SyncSettings;
  companyCodes: readonly string[];
  now?: () => Date;
}

/** The parts of config a run's workflows need, captured once at the start of a run. No secrets. */
export interface RunPolicy {
  stages: StageName[];
  companyCodes: string[];
  leavers: SyncSettings['leavers'];
  maxFailureShare: number;
  decisionTimeoutMs: number;
  guard: { maxShare: number; maxCount: number };
  writeConcurrency: number;
  /** The Knox data each stage reads (from its spec), so a stage can take the run's snapshot first. */
  knoxDatasets: Record<StageName, KnoxDataset[]>;
}

/** What a stage workflow learns from planning: counts and where the plan is, never the plan itself. */
export interface PlanSummary {
  planRef: string;
  ops: Record<Pass, OperationCounts>;
  unchanged: number;
  sourceCount: number;
  targetCount: number;
  invalid: number;
  /** The first invalid Knox records, for the result; all of them are in the store. */
  invalidSample: ItemOutcome[];
  waves: PlanMeta['waves'];
  guard: GuardVerdict;
  /** A dry run's look at what would be written. */
  preview: ItemDescriptor[];
}

/** One plan item as the stage workflow sees it: enough to schedule, name and count it. */
export interface ItemDescriptor {
  i: number;
  op: Operation;
  key: string;
  label?: string;
  changes?: string[];
  check?: PlanItem['check'];
  skip?: { code: string; message: string };
}

const PREVIEW = 20;

export function createActivities(deps: ActivityDeps) {
  const { store, settings } = deps;
  const now = deps.now ?? (() => new Date());

  return {
    async describeRun(): Promise<RunPolicy> {
      return {
        stages: STAGES.filter((s) => settings.stages[s]),
        companyCodes: [...deps.companyCodes],
        leavers: settings.leavers,
        maxFailureShare: settings.maxFailureShare,
        decisionTimeoutMs: durationMs(settings.deletionGuard.decisionTimeout),
        guard: { maxShare: settings.deletionGuard.maxShare, maxCount: settings.deletionGuard.maxCount },
        writeConcurrency: settings.writeConcurrency,
        knoxDatasets: Object.fromEntries(STAGES.map((s) => [s, [...STAGE_SPECS[s].knox]])) as Record<StageName, KnoxDataset[]>,
      };
    },

    async snapshotKnox(input: { runId: string; dataset: KnoxDataset }): Promise<SnapshotSummary> {
      try {
        const summary = await keepAlive(() =>
          takeSnapshot(deps, input.runId, input.dataset, { signal: cancellationSignal(), onProgress: (p) => heartbeat(p) }),
        );
        log.info('Knox snapshot', {
          ...summary,
          attributes: input.dataset === 'employees' ? employeeAttributes(settings).length : undefined,
        });
        return summary;
      } catch (err) {
        throw toFailure(err);
      }
    },

    async planStage(input: {
      runId: string;
      stage: StageName;
      earlierPlans?: Partial<Record<StageName, string>>;
      readCheckpointEvery?: number;
    }): Promise<PlanSummary> {
      const spec = STAGE_SPECS[input.stage];
      let draft;
      try {
        const outcomes = await readRunOutcomes(store, input.runId);
        const missing = missingKeysFrom(outcomes);
        draft = await keepAlive(() =>
          spec.plan({
            stage: input.stage,
            missing,
            createdThisRun: async (stage) => {
              const ref = input.earlierPlans?.[stage];
              if (!ref) return new Set<string>();
              const meta = await readPlanMeta(store, ref);
              const unsuccessful = new Set(outcomes.filter((o) => o.stage === stage).map((o) => o.key));
              return new Set(
                (await readPlanItems(store, ref, 0, meta.total))
                  .filter((i) => i.op === 'create' && !unsuccessful.has(i.key))
                  .map((i) => i.key),
              );
            },
            settings,
            knox: snapshotReader(store, input.runId),
            workplace: deps.workplace,
            recorded: async <V>() => {
              const saved = await store.readJson<Record<string, V>>(recordedStateKey(input.stage));
              return saved ? new Map(Object.entries(saved)) : undefined;
            },
            stillInKnox: async (epIds) => {
              const found = new Set<string>();
              for (let i = 0; i < epIds.length; i += 100) {
                const listing = await deps.knox.getEmployees(
                  { epIds: epIds.slice(i, i + 100) },
                  { attributes: ['epId'], signal: cancellationSignal() },
                );
                for (const row of listing.rows) found.add(row.epId);
                for (const bad of listing.invalid) if (bad.key) found.add(bad.key);
              }
              return found;
            },
            today: seoulDate(now()),
            signal: cancellationSignal(),
            heartbeat: (detail) => heartbeat(detail),
            readCheckpointEvery: input.readCheckpointEvery ?? DEFAULT_TUNING.readCheckpointEvery,
            checkpoint: async <T>(name: string, compute: () => Promise<T>) => {
              const key = `${runFolder(input.runId)}/checkpoints/${input.stage}/${name}.json`;
              const kept = await store.readJson<T>(key);
              if (kept !== undefined) return kept;
              const value = await compute();
              await store.writeJson(key, value);
              return value;
            },
          }),
        );
      } catch (err) {
        throw toFailure(err);
      }
      const ordered = order(draft.items);
      const ops = { main: countOps(ordered.items, 'main'), followUp: countOps(ordered.items, 'followUp') };
      const deletions = ops.main.delete + ops.followUp.delete;
      const guard = deletionGuard(deletions, draft.targetCount, draft.sourceCount, settings.deletionGuard);
      const meta = await writePlan(
        store,
        {
          runId: input.runId,
          stage: input.stage,
          waves: ordered.waves,
          ops,
          unchanged: draft.unchanged,
          sourceCount: draft.sourceCount,
          targetCount: draft.targetCount,
          invalid: draft.invalid.length,
          guard,
        },
        ordered,
        spec.target === 'recorded' ? (draft.current ?? new Map()) : undefined,
      );
      await appendOutcomes(store, input.runId, draft.invalid);
      log.info('planned stage', {
        stage: input.stage,
        planRef: meta.ref,
        ...ops,
        unchanged: draft.unchanged,
        invalid: draft.invalid.length,
        guard,
      });
      const invalidSample: ItemOutcome[] = [];
      keepOutcomes(invalidSample, 0, draft.invalid);
      return {
        planRef: meta.ref,
        ops,
        unchanged: draft.unchanged,
        sourceCount: draft.sourceCount,
        targetCount: draft.targetCount,
        invalid: draft.invalid.length,
        invalidSample,
        waves: ordered.waves,
        guard,
        preview: ordered.items.slice(0, PREVIEW).map(describe),
      };
    },

    /**
     * A page of the plan. Each item's dependencies are checked against every failure recorded in the
     * run so far, so an item whose department (or parent, or manager) could not be created is skipped
     * with that reason instead of failing at WORKPLACE.
     */
    async readPlanPage(input: { runId: string; planRef: string; start: number; end: number }): Promise<ItemDescriptor[]> {
      const [items, outcomes] = await Promise.all([
        readPlanItems(store, input.planRef, input.start, input.end),
        readRunOutcomes(store, input.runId),
      ]);
      const missing = missingKeysFrom(outcomes);
      return items.map((item) => {
        const skip = item.skip ?? brokenDependency(item, missing);
        return describe(skip ? { ...item, skip } : item);
      });
    },

    /** A plan's layout, for the follow-up pass that applies the rest of it. */
    async describePlan(input: { planRef: string }): Promise<Pick<PlanSummary, 'planRef' | 'waves' | 'ops' | 'unchanged'>> {
      const meta = await readPlanMeta(store, input.planRef);
      return { planRef: meta.ref, waves: meta.waves, ops: meta.ops, unchanged: meta.unchanged };
    },

    async recordOutcomes(input: { runId: string; outcomes: ItemOutcome[] }): Promise<void> {
      await appendOutcomes(store, input.runId, input.outcomes);
    },

    /**
     * For targets WORKPLACE cannot list: the state this run leaves behind becomes the next run's
     * target. Items that failed, were skipped or were not reached keep their previous value, so the
     * next run tries them again.
     */
    async finishStage(input: { runId: string; stage: StageName; planRef: string; attemptedThrough: number }): Promise<void> {
      if (STAGE_SPECS[input.stage].target !== 'recorded') return;
      const base = (await store.readJson<Record<string, unknown>>(`${input.planRef}/target.json`)) ?? {};
      const meta = await readPlanMeta(store, input.planRef);
      const unsuccessful = new Set((await readRunOutcomes(store, input.runId)).filter((o) => o.stage === input.stage).map((o) => o.key));
      const state = new Map(Object.entries(base));
      for (const item of await readPlanItems(store, input.planRef, 0, Math.min(input.attemptedThrough, meta.total))) {
        if (unsuccessful.has(item.key)) continue;
        if (item.op === 'delete') state.delete(item.key);
        else state.set(item.key, item.body);
      }
      await store.writeJson(recordedStateKey(input.stage), Object.fromEntries(state));
    },

    /** Plans the on-demand sync of one employee (the same mappings as the stages). */
    async planEmployee(input: { runId: string; epId: string }): Promise<EmployeePlan> {
      try {
        return await planEmployee({ ...deps, today: seoulDate(now()), signal: cancellationSignal() }, input.runId, input.epId);
      } catch (err) {
        throw toFailure(err);
      }
    },

    /** Keeps the staging store from growing without bound: the newest `keepRuns` runs stay. */
    async pruneStore(input: { keepRuns: number; currentRunId: string }): Promise<number> {
      const runs = await store.list('runs');
      const current = runFolder(input.currentRunId).slice('runs/'.length);
      const aged = await Promise.all(runs.map(async (run) => ({ run, age: (await store.ageMs(`runs/${run}`)) ?? 0 })));
      const doomed = aged
        .filter((r) => r.run !== current)
        .sort((a, b) => a.age - b.age)
        .slice(Math.max(0, input.keepRuns - 1));
      await Promise.all(doomed.map((r) => store.remove(`runs/${r.run}`)));
      return doomed.length;
    },
  };
}

export function createWriteActivities(deps: Pick<ActivityDeps, 'workplace' | 'store'>) {
  return {
    /** Exactly one WORKPLACE request, for one plan item, so the write queue's rate limit is a request rate. */
    async applyWrite(input: { stage: StageName; planRef: string; index: number; key: string; op: Operation }): Promise<{ op: Operation }> {
      const item = await readPlanItem(deps.store, input.planRef, input.index);
      if (item.key !== input.key) throw new Error(`plan ${input.planRef} item ${input.index} is ${item.key}, not ${input.key}`);
      const spec = STAGE_SPECS[input.stage];
      try {
        await spec.apply(deps.workplace, input.op, item, cancellationSignal());
        return { op: input.op };
      } catch (err) {
        throw toFailure(err, retryAs(input.op, err, spec.upsert));
      }
    },

    async isRepresentativeAdmin(input: { key: string }): Promise<boolean> {
      try {
        return await deps.workplace.isRepresentativeAdmin(input.key, { signal: cancellationSignal() });
      } catch (err) {
        throw toFailure(err);
      }
    },
  };
}

/** workplace.md Decisions, "upsert": "already exists" / "not found" mean "use the other verb". */
function retryAs(op: Operation, err: unknown, upsert: boolean): FailureDetails['retryAs'] {
  if (err instanceof WorkplaceNotFoundError && op === 'delete') return 'done';
  if (!upsert) return undefined;
  if (err instanceof WorkplaceAlreadyExistsError && op === 'create') return 'update';
  if (err instanceof WorkplaceNotFoundError && op === 'update') return 'create';
  return undefined;
}

/**
 * Heartbeats every 10 s while `work` runs, so a worker that dies mid-read is noticed within the
 * heartbeat timeout (1 min) rather than the 3-hour start-to-close timeout, and the read is retried elsewhere.
 */
async function keepAlive<T>(work: () => Promise<T>): Promise<T> {
  heartbeat();
  const timer = setInterval(() => heartbeat(), 10_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function describe(item: PlanItem): ItemDescriptor {
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

function countOps(items: readonly PlanItem[], pass: Pass): OperationCounts {
  const counts: OperationCounts = { create: 0, update: 0, delete: 0 };
  for (const item of items) if (item.pass === pass && !item.skip) counts[item.op]++;
  return counts;
}

const UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!m) throw new Error(`not a duration: ${value}`);
  return Number(m[1]) * UNITS[m[2] as keyof typeof UNITS];
}

export type Activities = ReturnType<typeof createActivities>;
export type WriteActivities = ReturnType<typeof createWriteActivities>;
