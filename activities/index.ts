/**
 * orgsync's activities: thin adapters over the engine (engine/), built from their dependencies so the
 * worker injects real clients and a test injects the same clients pointed at the simulators. Each adds
 * only what Temporal needs: heartbeats, cancellation, and the failure boundary (failures.ts). Two groups,
 * on two task queues:
 * - `createActivities`: reading Knox, planning, bookkeeping (the main queue);
 * - `createWriteActivities`: one WORKPLACE request each (the write queue, whose server-side rate limit
 *   is WORKPLACE_RPS across all workers: see docs/ARCHITECTURE.md "Rate limits").
 */
import { cancellationSignal, heartbeat, log } from '@temporalio/activity';
import { applyPlanItem, verbSwitch, type WriteInput } from '../engine/apply.js';
import { employeeAttributes, takeSnapshot, type SnapshotSummary } from '../engine/knox-snapshot.js';
import { planPage, planStage, type EngineDeps, type EngineIo, type PlanStageInput } from '../engine/plan-stage.js';
import { appendOutcomes, appendWrites, pruneRuns, readPlanMeta, recordStageState, type WriteRecord } from '../engine/plan-store.js';
import type { KnoxDataset, Operation, StageName } from '../engine/pipeline.js';
import { runPolicy } from '../engine/policy.js';
import type { PlannedStage } from '../engine/stage-run.js';
import { STAGE_SPECS } from '../engine/stages/index.js';
import { planEmployee, type EmployeePlan } from '../engine/sync-employee.js';
import type { ItemDescriptor, ItemOutcome, PlanSummary, RunPolicy } from '../engine/types.js';
import { describeDrift } from '../lib/drift.js';
import { seoulDate } from '../lib/seoul-time.js';
import { toFailure } from './failures.js';

export interface ActivityDeps extends EngineDeps {
  now?: () => Date;
}

export function createActivities(deps: ActivityDeps) {
  const { store, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const io = (): EngineIo => ({ signal: cancellationSignal(), heartbeat: (detail) => heartbeat(detail), today: seoulDate(now()) });

  return {
    async describeRun(): Promise<RunPolicy> {
      return runPolicy(settings, deps.companyCodes);
    },

    /** `fullRead`: the run asked for a per-department employee read (orgsync run --full-read). */
    async snapshotKnox(input: { runId: string; dataset: KnoxDataset; fullRead?: boolean }): Promise<SnapshotSummary> {
      const summary = await boundary(() =>
        keepAlive(() =>
          takeSnapshot(deps, input.runId, input.dataset, {
            signal: cancellationSignal(),
            onProgress: (p) => heartbeat(p),
            ...(input.fullRead ? { fullRead: true } : {}),
          }),
        ),
      );
      const { drift, ...counts } = summary;
      log.info('Knox snapshot', { ...counts, attributes: input.dataset === 'employees' ? employeeAttributes(settings).length : undefined });
      if (drift) log.warn('Knox drift: its records differ from the seed (never an item failure)', { drift: drift.flatMap(describeDrift) });
      return summary;
    },

    async planStage(input: PlanStageInput): Promise<PlanSummary> {
      const summary = await boundary(() => keepAlive(() => planStage(deps, input, io())));
      log.info('planned stage', {
        stage: input.stage,
        planRef: summary.planRef,
        ...summary.ops,
        unchanged: summary.unchanged,
        invalid: summary.invalid,
        guard: summary.guard,
      });
      return summary;
    },

    readPlanPage: (input: { runId: string; planRef: string; start: number; end: number }): Promise<ItemDescriptor[]> =>
      planPage(store, input),

    /** A plan's layout, for the follow-up pass that applies the rest of it. */
    async describePlan(input: { planRef: string }): Promise<PlannedStage> {
      const meta = await readPlanMeta(store, input.planRef);
      return {
        planRef: meta.ref,
        waves: meta.waves,
        ops: meta.ops,
        unchanged: meta.unchanged,
        ...(meta.alwaysSent ? { alwaysSent: meta.alwaysSent } : {}),
      };
    },

    /** What a stage has done since it last said: failed and skipped items, and the journal of successful writes. */
    async recordItems(input: {
      runId: string;
      outcomes: ItemOutcome[];
      written?: { stage: StageName; records: WriteRecord[] };
    }): Promise<void> {
      await Promise.all([
        appendOutcomes(store, input.runId, input.outcomes),
        input.written && appendWrites(store, input.runId, input.written.stage, input.written.records),
      ]);
    },

    /** For targets WORKPLACE cannot list, the state this run leaves becomes the next run's target. */
    async finishStage(input: Parameters<typeof recordStageState>[1]): Promise<void> {
      if (STAGE_SPECS[input.stage].target === 'recorded') await recordStageState(store, input);
    },

    /** Plans the on-demand sync of one employee (the same mappings as the stages). */
    planEmployee: (input: { runId: string; epId: string }): Promise<EmployeePlan> =>
      boundary(() => planEmployee({ ...deps, ...io() }, input.runId, input.epId)),

    pruneStore: (input: { keepRuns: number; currentRunId: string }): Promise<number> => pruneRuns(store, input),
  };
}

export function createWriteActivities(deps: Pick<ActivityDeps, 'workplace' | 'store'>) {
  return {
    /** Exactly one WORKPLACE request, for one plan item, so the write queue's rate limit is a request rate. */
    async applyWrite(input: WriteInput): Promise<{ op: Operation }> {
      try {
        await applyPlanItem(deps, input, cancellationSignal());
        return { op: input.op };
      } catch (err) {
        throw toFailure(err, verbSwitch(input, err));
      }
    },

    isRepresentativeAdmin: (input: { key: string }): Promise<boolean> =>
      boundary(() => deps.workplace.isRepresentativeAdmin(input.key, { signal: cancellationSignal() })),
  };
}

/** Knox, WORKPLACE and engine errors leave an activity as ApplicationFailures with their code and retryability. */
async function boundary<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toFailure(err);
  }
}

/**
 * Heartbeats every 10 s while `work` runs, so a worker that dies mid-read is noticed within the
 * heartbeat timeout (1 min) rather than the 12-hour start-to-close timeout, and the read is retried elsewhere.
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

export type Activities = ReturnType<typeof createActivities>;
export type WriteActivities = ReturnType<typeof createWriteActivities>;
