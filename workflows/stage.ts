/**
 * The one stage workflow. Every stage of every run is this code with a different spec: read Knox
 * (once per run), plan against WORKPLACE, hold for an operator if the plan deletes too much, then apply
 * the plan item by item (each write its own activity, named in the UI), a sliding window at a time,
 * wave after wave so prerequisites come first. It pauses between items, records every failure and
 * skip, and continues as new before its history grows large. Its state is a StageRun (engine/stage-run.ts).
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  metricMeter,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type * as acts from '../activities/index.js';
import { progressReportDue } from '../engine/outcomes.js';
import type { PipelineStep, StageName, StageTuning } from '../engine/pipeline.js';
import { planFailure, StageFailure, StageRun, type Carry, type DeletionVerdict } from '../engine/stage-run.js';
import type { ItemDescriptor, ItemOutcome, PlanSummary, RollbackOf, RunPolicy, StageResult } from '../engine/types.js';
import {
  deletionDecisionSignal,
  pauseSignal,
  resumeSignal,
  stageProgressQuery,
  stageProgressSignal,
  stopStageSignal,
} from './definitions.js';
import { stageMarkdown } from './details.js';
import { countDeletionHold } from './metrics.js';
import { announce, withdraw } from './notify.js';
import { awaitingDecision } from '../notify/events.js';
import { failureDetails, failureMessage, keepRepresentativeAdmin, writeItem } from './write.js';

type Activities = ReturnType<typeof acts.createActivities>;

export interface StageInput {
  runId: string;
  step: PipelineStep;
  dryRun: boolean;
  policy: RunPolicy;
  tuning: StageTuning;
  /** The run is paused: start paused. */
  paused: boolean;
  /** follow-up pass: the main pass's plan, and what the operator decided about its deletions. */
  planRef?: string;
  /** Plans of the stages that already ran in this run, so a later stage knows what this run created. */
  earlierPlans?: Partial<Record<StageName, string>>;
  deletions?: DeletionVerdict;
  /** Set by continue-as-new: where the previous run of this stage stopped. */
  carry?: Carry;
  /** A reviewed run: the plan the operator approved (its deletions included), and who approved it. */
  approved?: { planRef: string; by?: string };
  /** A rollback: undo what that run wrote in this stage. Knox is not read. */
  rollback?: RollbackOf;
}

/** Bookkeeping on the plan in the staging store: pages, outcomes, the recorded state. */
const plans = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function stageWorkflow(input: StageInput): Promise<StageResult> {
  const { runId, step, tuning, policy } = input;
  /**
   * Knox reads and planning may take long: a first run after a migration reads 100,000 employees'
   * Reports To and attribute values one by one (hours at WORKPLACE_RPS), checkpointed in the store.
   * Heartbeats, not this bound, notice a dead worker.
   */
  const { snapshotKnox, planStage } = proxyActivities<Activities>({
    startToCloseTimeout: '12 hours',
    heartbeatTimeout: '1 minute',
    retry: {
      initialInterval: tuning.sourceRetry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: '2 minutes',
      maximumAttempts: tuning.sourceRetry.maximumAttempts,
    },
  });
  // Prometheus: orgsync_items_total{stage, outcome=written|failed|skipped, op}. Replay-safe (the SDK drops replayed increments).
  const items = metricMeter.createCounter('orgsync_items', 'items', 'WORKPLACE items handled, by stage, outcome and operation');
  const run = new StageRun(step, input.dryRun, policy, { paused: input.paused, carry: input.carry, startedAt: Date.now() });

  setHandler(pauseSignal, () => void (run.paused = true));
  setHandler(resumeSignal, () => void (run.paused = false));
  setHandler(stopStageSignal, () => void (run.stopping = true));
  setHandler(deletionDecisionSignal, (d) => void (run.decision ??= d));
  setHandler(stageProgressQuery, () => run.progress());
  // Cancelling this workflow directly (not through the parent) stops it the same clean way.
  CancellationScope.current().cancelRequested.catch(() => (run.stopping = true));

  let lastReport = 0;
  const parentId = workflowInfo().parent?.workflowId;
  const report = async (force = false) => {
    const snapshot = run.progress();
    setCurrentDetails(stageMarkdown(run.title, snapshot, run.drift));
    if (!parentId || (!force && !progressReportDue(Date.now(), lastReport, run.startedAt, tuning.progressIntervalMs))) return;
    lastReport = Date.now();
    await getExternalWorkflowHandle(parentId).signal(stageProgressSignal, snapshot);
  };
  const flush = async () => {
    if (run.pending.length === 0 && run.pendingWrites.length === 0) return;
    const records = run.pendingWrites.splice(0);
    await plans.recordItems({
      runId,
      outcomes: run.pending.splice(0),
      ...(records.length ? { written: { stage: step.stage, records } } : {}),
    });
  };
  const record = (outcome: ItemOutcome, failedWrite = false) => {
    items.add(1, { stage: step.stage, outcome: outcome.outcome, op: outcome.op });
    if (failedWrite) run.writeFailed(outcome);
    else run.record(outcome);
  };
  const finish = (failure?: string) => {
    const result = run.toResult(Date.now(), failure);
    setCurrentDetails(stageMarkdown(run.title, { ...run.progress(), state: result.state }, run.drift));
    return result;
  };

  return CancellationScope.nonCancellable(async () => {
    try {
      if (!run.carry) {
        if (step.pass === 'main') await plan();
        else run.start(await plans.describePlan({ planRef: input.planRef! }), input.deletions ?? 'approved');
        if (input.dryRun) return finish();
      }
      run.state = 'running';
      await report(true);
      await apply();
      await flush();
      const c = run.carry!;
      if (run.finishedCleanly) await plans.finishStage({ runId, stage: step.stage, planRef: c.plan.planRef, attemptedThrough: c.cursor });
      return finish();
    } catch (err) {
      if (!(err instanceof StageFailure)) throw err;
      const result = finish(err.message);
      throw ApplicationFailure.create({
        type: 'StageFailed',
        message: `${run.title}: ${err.message}`,
        nonRetryable: true,
        details: [result],
      });
    }
  });

  /** Main pass: take the run's Knox snapshot, plan, and hold for an operator when the plan deletes too much. */
  async function plan(): Promise<void> {
    await report(true);
    let summary: PlanSummary;
    try {
      for (const dataset of input.rollback ? [] : policy.knoxDatasets[step.stage]) {
        const snapshot = await snapshotKnox({ runId, dataset, ...(policy.fullRead ? { fullRead: true } : {}) });
        run.drift.push(...(snapshot.drift ?? []));
        if (snapshot.read) run.knoxRead = snapshot.read;
      }
      summary = await planStage({
        runId,
        stage: step.stage,
        earlierPlans: input.earlierPlans ?? {},
        readCheckpointEvery: tuning.readCheckpointEvery,
        ...(input.approved ? { approvedPlan: input.approved.planRef } : {}),
        ...(input.rollback ? { rollback: input.rollback } : {}),
        ...(input.dryRun ? { dryRun: true } : {}),
      });
    } catch (err) {
      throw planFailure(failureDetails(err).code, failureMessage(err));
    }
    run.planned(summary);
    if (input.dryRun || !summary.guard.holds) return;
    if (input.approved) {
      // The operator saw these deletions in the review and approved the plan that holds them.
      run.decision = { approved: true, ...(input.approved.by ? { by: input.approved.by } : {}) };
      run.decided(summary, true);
      return;
    }
    run.holdFor(summary, new Date(Date.now() + policy.decisionTimeoutMs).toISOString());
    log.warn('deletion guard holds', { stage: step.stage, ...summary.guard });
    await report(true);
    countDeletionHold(step.stage);
    await announce(awaitingDecision(runId, run.hold!, new Date()));
    const decided = await condition(() => run.decision !== undefined || run.stopping, policy.decisionTimeoutMs);
    await withdraw('awaiting-decision');
    run.decided(summary, decided);
    log.warn('deletion guard decided', { stage: step.stage, decision: run.carry!.guard?.decision, by: run.decision?.by });
  }

  /** The plan's waves in order, up to writeConcurrency writes in flight, continuing as new when history grows. */
  async function apply(): Promise<void> {
    const c = run.carry!;
    const drain = () => condition(() => run.inFlight === 0);
    for (const wave of c.plan.waves[step.pass]) {
      while (c.cursor < wave.end && !run.shouldStop()) {
        const end = Math.min(wave.end, c.cursor + tuning.pageSize);
        for (const item of await plans.readPlanPage({ runId, planRef: c.plan.planRef, start: c.cursor, end })) {
          // The first write of each kind goes alone, and is answered before any other starts (engine/canary.ts).
          // Writes of kinds already answered may still be in flight beside it: waiting for them too cost
          // every canary after a stage's first about one write's round trip of slots.
          const alone = run.isCanary(item);
          const drainFirst = alone && !patched('canary-beside-writes');
          const free = () => (drainFirst ? run.inFlight === 0 : run.inFlight < tuning.writeConcurrency);
          await condition(() => (!run.paused && free()) || run.shouldStop());
          if (run.shouldStop()) break;
          run.inFlight++;
          // Not awaited: up to writeConcurrency items are in flight; each settles inFlight itself.
          const written = applyItem(item).finally(() => run.inFlight--);
          if (alone) await written;
          c.cursor = item.i + 1;
          if (run.pending.length + run.pendingWrites.length >= 200) await flush();
          await report();
          if (historyFull() && c.cursor < run.lastIndex()) await continueAsNewAfterDrain();
        }
      }
      // A wave's items must finish before the next wave, which depends on them.
      await drain();
      await flush();
      if (run.shouldStop()) break;
    }
    run.checkFailurePolicy(true);
  }

  function historyFull(): boolean {
    return workflowInfo().historyLength >= tuning.maxHistoryEvents || workflowInfo().continueAsNewSuggested;
  }

  /** In-flight writes finish and outcomes are saved first, so the next run starts from a clean cursor. */
  async function continueAsNewAfterDrain(): Promise<never> {
    await condition(() => run.inFlight === 0);
    await flush();
    run.checkFailurePolicy();
    await report(true);
    return continueAsNew<typeof stageWorkflow>({ ...input, paused: run.paused, carry: run.carry! });
  }

  async function applyItem(item: ItemDescriptor): Promise<void> {
    const base = { stage: step.stage, key: item.key, ...(item.label ? { label: item.label } : {}), op: item.op };
    const skip = run.skipReason(item);
    if (skip) return record({ ...base, outcome: 'skipped', ...skip });
    const kept = item.check === 'representativeAdmin' ? await keepRepresentativeAdmin(item.key, tuning.writeTimeoutMs) : undefined;
    if (kept) return record({ ...base, ...kept }, kept.outcome === 'failed');
    const written = await writeItem(step.stage, run.carry!.plan.planRef, item, tuning.writeTimeoutMs);
    run.canaryAnswered(item.op, written.ok ? undefined : written);
    if (written.ok) {
      run.written(item.i, written.op);
      items.add(1, { stage: step.stage, outcome: 'written', op: written.op });
      return;
    }
    record({ ...base, op: written.op, outcome: 'failed', code: written.code, message: written.message }, true);
  }
}
