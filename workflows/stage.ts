/**
 * The one stage workflow. Every stage of every run is this code with a different spec: read Knox
 * (once per run), plan against WORKPLACE, hold for an operator if the plan deletes too much, then apply
 * the plan item by item (each write its own activity, named in the UI), a sliding window at a time,
 * wave after wave so prerequisites come first. It pauses between items, records every failure and
 * skip, and continues as new before its history grows large.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  metricMeter,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ItemDescriptor, PlanSummary, RunPolicy } from '../engine/types.js';
import type * as acts from '../activities/index.js';
import {
  deletionDecisionSignal,
  pauseSignal,
  resumeSignal,
  stageProgressQuery,
  stageProgressSignal,
  stopStageSignal,
} from './definitions.js';
import { emptyCounts, emptyOperationCounts, keepOutcomes, progressReportDue, sumOps } from '../engine/outcomes.js';
import { STAGE_TITLES, type PipelineStep, type StageName, type StageTuning } from '../engine/pipeline.js';
import {
  type DeletionGuardHold,
  type ItemOutcome,
  type OperationCounts,
  type StageCounts,
  type StageProgress,
  type StageResult,
  type StageState,
} from '../engine/types.js';

import { failureDetails, failureMessage, writeActivities, writeItem } from './write.js';

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
  deletions?: 'approved' | 'rejected';
  /** Set by continue-as-new: where the previous run of this stage stopped. */
  carry?: Carry;
}

/** What a stage keeps of its plan: where it is and how it is laid out. */
type PlannedStage = Pick<PlanSummary, 'planRef' | 'waves' | 'ops' | 'unchanged'>;

interface Carry {
  plan: PlannedStage;
  /** Next item to schedule; every item before it has finished. */
  cursor: number;
  counts: StageCounts;
  ops: OperationCounts;
  outcomes: ItemOutcome[];
  /** Bytes of `outcomes` as JSON (see keepOutcomes). */
  outcomeBytes: number;
  startedAt: number;
  deletions: 'approved' | 'rejected';
  guard?: StageResult['guard'];
  /** Writes attempted and failed so far, for the failure policy. */
  attempted: number;
  writeFailures: number;
}

/** Bookkeeping on the plan in the staging store: pages, outcomes, the recorded state. */
const plans = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Where to look when credentials are refused. */
const CHECK_CREDENTIALS = {
  WORKPLACE: "NCP_ACCESS_KEY, NCP_SECRET_KEY (and NCP_API_KEY) and the worker's clock",
  Knox: 'KNOX_SYSTEM_ID and KNOX_HEADERS',
} as const;

/** The stage fails as a whole when this many first writes all failed: something systemic is wrong. */
const EARLY_FAILURE_WINDOW = 50;

export async function stageWorkflow(input: StageInput): Promise<StageResult> {
  const { runId, step, tuning, policy } = input;
  const title = `${STAGE_TITLES[step.stage]}${step.pass === 'followUp' ? ' (follow-up)' : ''}`;
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
  let state: StageState = input.carry ? 'running' : 'planning';
  let paused = input.paused;
  let stopping = false;
  let decision: { approved: boolean; by?: string } | undefined;
  let hold: DeletionGuardHold | undefined;
  let carry: Carry | undefined = input.carry;
  let authFailure: ItemOutcome | undefined;
  /** WORKPLACE's answer to the latest failed write in this run of the stage, for the message of a stage that fails as a whole. */
  let lastFailure: string | undefined;
  /** …or, right after a continue-as-new, the latest one the carry kept. */
  const latestFailure = () => lastFailure ?? carry?.outcomes.findLast((o) => o.outcome === 'failed')?.message ?? 'unknown';
  let preview: StageResult['preview'];
  let inFlight = 0;
  const pending: ItemOutcome[] = [];

  const progress = (): StageProgress => ({
    stage: step.stage,
    pass: step.pass,
    state: paused && (state === 'running' || state === 'planning') ? 'paused' : state,
    counts: carry?.counts ?? emptyCounts(),
    ops: carry?.ops ?? emptyOperationCounts(),
    inFlight,
    ...(hold ? { hold } : {}),
  });

  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => void (paused = false));
  setHandler(stopStageSignal, () => void (stopping = true));
  setHandler(deletionDecisionSignal, (d) => void (decision ??= d));
  setHandler(stageProgressQuery, progress);

  // Cancelling this workflow directly (not through the parent) stops it the same clean way.
  CancellationScope.current().cancelRequested.catch(() => (stopping = true));

  const stageStartedAt = input.carry?.startedAt ?? Date.now();
  let lastReport = 0;
  const parentId = workflowInfo().parent?.workflowId;
  const report = async (force = false) => {
    const snapshot = progress();
    setCurrentDetails(detailsMarkdown(title, snapshot));
    if (!parentId || (!force && !progressReportDue(Date.now(), lastReport, stageStartedAt, tuning.progressIntervalMs))) return;
    lastReport = Date.now();
    await getExternalWorkflowHandle(parentId).signal(stageProgressSignal, snapshot);
  };

  const flush = async () => {
    if (pending.length === 0) return;
    await plans.recordOutcomes({ runId, outcomes: pending.splice(0) });
  };

  const record = (outcome: ItemOutcome) => {
    const c = carry!;
    items.add(1, { stage: step.stage, outcome: outcome.outcome, op: outcome.op });
    if (outcome.outcome === 'failed') c.counts.failed++;
    else c.counts.skipped++;
    c.outcomeBytes = keepOutcomes(c.outcomes, c.outcomeBytes, [outcome]);
    pending.push(outcome);
  };

  return CancellationScope.nonCancellable(async () => {
    if (!carry) {
      if (step.pass === 'main') carry = await planMain();
      else {
        carry = startCarry(await plans.describePlan({ planRef: input.planRef! }), input.deletions ?? 'approved');
      }
      if (input.dryRun) return finalResult();
    }
    state = 'running';
    await report(true);
    await applyPlan();
    await flush();
    if (!stopping && !authFailure)
      await plans.finishStage({ runId, stage: step.stage, planRef: carry.plan.planRef, attemptedThrough: carry.cursor });
    return finalResult();
  });

  // ---- planning (main pass) ------------------------------------------------------------------------

  async function planMain(): Promise<Carry> {
    await report(true);
    let summary: PlanSummary;
    try {
      for (const dataset of policy.knoxDatasets[step.stage]) await snapshotKnox({ runId, dataset });
      summary = await planStage({
        runId,
        stage: step.stage,
        earlierPlans: input.earlierPlans ?? {},
        readCheckpointEvery: tuning.readCheckpointEvery,
      });
    } catch (err) {
      const code = failureDetails(err).code;
      if (code === 'WORKPLACE_AUTH') throw stageFailed(credentialsMessage('WORKPLACE', failureMessage(err)));
      if (code === 'KNOX_AUTH') throw stageFailed(credentialsMessage('Knox', failureMessage(err)));
      throw stageFailed(`could not read the source or the current state: ${failureMessage(err)}`);
    }
    const c = startCarry(summary, 'approved');
    carry = c;
    c.counts.failed += summary.invalid;
    c.outcomeBytes = keepOutcomes(c.outcomes, c.outcomeBytes, summary.invalidSample);
    if (input.dryRun) {
      preview = summary.preview.map(({ op, key, label, changes }) => ({
        op,
        key,
        ...(label ? { label } : {}),
        ...(changes ? { changes } : {}),
      }));
      if (summary.guard.holds) c.guard = { deletions: summary.guard.deletions, decision: 'dry-run' };
      state = 'completed';
      return c;
    }
    if (summary.guard.holds) await awaitDecision(summary);
    return c;
  }

  async function awaitDecision(summary: PlanSummary): Promise<void> {
    const c = carry!;
    state = 'awaiting-approval';
    hold = {
      stage: step.stage,
      deletions: summary.guard.deletions,
      existing: summary.guard.existing,
      reason: summary.guard.reason,
      decideBy: new Date(Date.now() + policy.decisionTimeoutMs).toISOString(),
    };
    log.warn('deletion guard holds', { stage: step.stage, ...summary.guard });
    await report(true);
    const decided = await condition(() => decision !== undefined || stopping, policy.decisionTimeoutMs);
    hold = undefined;
    if (decision?.approved) c.deletions = 'approved';
    else c.deletions = 'rejected';
    c.guard = {
      deletions: summary.guard.deletions,
      decision: decision ? (decision.approved ? 'approved' : 'rejected') : decided ? 'rejected' : 'timed-out',
    };
    log.warn('deletion guard decided', { stage: step.stage, decision: c.guard.decision, by: decision?.by });
    state = 'running';
  }

  function startCarry(plan: PlannedStage, deletions: 'approved' | 'rejected'): Carry {
    const ops = plan.ops[step.pass];
    return {
      // Only the layout: the carry travels in every continue-as-new input.
      plan: { planRef: plan.planRef, waves: plan.waves, ops: plan.ops, unchanged: plan.unchanged },
      cursor: plan.waves[step.pass][0]?.start ?? 0,
      counts: { ...emptyCounts(), planned: ops.create + ops.update + ops.delete, unchanged: step.pass === 'main' ? plan.unchanged : 0 },
      ops: emptyOperationCounts(),
      outcomes: [],
      outcomeBytes: 0,
      startedAt: stageStartedAt,
      deletions,
      attempted: 0,
      writeFailures: 0,
    };
  }

  // ---- applying --------------------------------------------------------------------------------------

  async function applyPlan(): Promise<void> {
    const c = carry!;
    const drain = () => condition(() => inFlight === 0);

    for (const wave of c.plan.waves[step.pass]) {
      if (c.cursor >= wave.end) continue;
      while (c.cursor < wave.end) {
        if (shouldStop()) break;
        const page = await plans.readPlanPage({
          runId,
          planRef: c.plan.planRef,
          start: c.cursor,
          end: Math.min(wave.end, c.cursor + tuning.pageSize),
        });
        for (const item of page) {
          await condition(() => (!paused && inFlight < tuning.writeConcurrency) || shouldStop());
          if (shouldStop()) break;
          inFlight++;
          // Not awaited: up to writeConcurrency items are in flight; each settles inFlight itself.
          void applyItem(item).finally(() => inFlight--);
          c.cursor = item.i + 1;
          if (pending.length >= 200) await flush();
          await report();
          if (historyFull() && c.cursor < lastIndex()) await continueAsNewAfterDrain();
        }
      }
      // A wave's items must finish before the next wave, which depends on them.
      await drain();
      await flush();
      if (shouldStop()) break;
    }
    await drain();
    await flush();
    checkFailurePolicy(true);
  }

  function historyFull(): boolean {
    return workflowInfo().historyLength >= tuning.maxHistoryEvents || workflowInfo().continueAsNewSuggested;
  }

  /** In-flight writes finish and outcomes are saved first, so the next run starts from a clean cursor. */
  async function continueAsNewAfterDrain(): Promise<never> {
    await condition(() => inFlight === 0);
    await flush();
    checkFailurePolicy();
    await report(true);
    return continueAsNew<typeof stageWorkflow>({ ...input, paused, carry: carry! });
  }

  function lastIndex(): number {
    return carry!.plan.waves[step.pass].at(-1)?.end ?? 0;
  }

  function shouldStop(): boolean {
    return stopping || authFailure !== undefined || earlyFailure();
  }

  function earlyFailure(): boolean {
    const c = carry!;
    return c.attempted >= EARLY_FAILURE_WINDOW && c.writeFailures === c.attempted;
  }

  async function applyItem(item: ItemDescriptor): Promise<void> {
    const c = carry!;
    const base = { stage: step.stage, key: item.key, ...(item.label ? { label: item.label } : {}), op: item.op };
    if (item.skip) return record({ ...base, outcome: 'skipped', ...item.skip });
    if (item.op === 'delete' && c.deletions === 'rejected') {
      return record({
        ...base,
        outcome: 'skipped',
        code: 'DELETION_REJECTED',
        message: `not deleted: the deletion guard held and the deletions were ${c.guard?.decision ?? 'rejected'}`,
      });
    }
    if (item.check === 'representativeAdmin') {
      try {
        if (await writeActivities(`check representative admin ${item.key}`).isRepresentativeAdmin({ key: item.key })) {
          return record({
            ...base,
            outcome: 'skipped',
            code: 'REPRESENTATIVE_ADMIN',
            message: 'the representative administrator is never deleted',
          });
        }
      } catch (err) {
        c.attempted++;
        c.writeFailures++;
        return record({
          ...base,
          outcome: 'failed',
          code: failureDetails(err).code,
          message: `not deleted: could not check whether this is the representative administrator: ${failureMessage(err)}`,
        });
      }
    }
    const written = await writeItem(step.stage, c.plan.planRef, item);
    c.attempted++;
    if (written.ok) {
      c.counts.done++;
      c.ops[written.op]++;
      items.add(1, { stage: step.stage, outcome: 'written', op: written.op });
      return;
    }
    c.writeFailures++;
    const outcome: ItemOutcome = { ...base, op: written.op, outcome: 'failed', code: written.code, message: written.message };
    lastFailure = written.message;
    if (written.code === 'WORKPLACE_AUTH') authFailure ??= outcome;
    record(outcome);
  }

  // ---- results ----------------------------------------------------------------------------------------

  function checkFailurePolicy(final = false): void {
    const c = carry!;
    if (authFailure) {
      throw stageFailed(credentialsMessage('WORKPLACE', authFailure.message));
    }
    if (earlyFailure()) throw stageFailed(`the first ${c.attempted} writes all failed; the last: ${latestFailure()}`);
    if (!final || stopping || c.attempted === 0) return;
    if (c.writeFailures === c.attempted) throw stageFailed(`all ${c.attempted} attempted writes failed; the last: ${latestFailure()}`);
    if (policy.maxFailureShare < 1 && c.writeFailures / c.attempted > policy.maxFailureShare) {
      throw stageFailed(
        `${c.writeFailures} of ${c.attempted} writes failed, more than the allowed ${Math.round(policy.maxFailureShare * 100)}%`,
      );
    }
  }

  function finalResult(): StageResult {
    const c = carry;
    state = stopping ? 'cancelled' : 'completed';
    // A dry run reports the whole plan, follow-up included; a real pass reports its own part.
    const plannedOps = c ? (input.dryRun ? sumOps(c.plan.ops.main, c.plan.ops.followUp) : c.plan.ops[step.pass]) : emptyOperationCounts();
    const counts = c ? { ...c.counts, planned: plannedOps.create + plannedOps.update + plannedOps.delete } : emptyCounts();
    const result: StageResult = {
      stage: step.stage,
      pass: step.pass,
      state: stopping ? 'cancelled' : 'completed',
      counts,
      ops: c?.ops ?? emptyOperationCounts(),
      plannedOps,
      ...(input.dryRun && preview ? { preview } : {}),
      durationMs: Date.now() - (c?.startedAt ?? Date.now()),
      outcomes: c?.outcomes ?? [],
      ...(c ? { planRef: c.plan.planRef } : {}),
      ...(c?.guard ? { guard: c.guard } : {}),
      ...(c && step.pass === 'main' && !input.dryRun
        ? { followUpItems: c.plan.ops.followUp.create + c.plan.ops.followUp.update + c.plan.ops.followUp.delete }
        : {}),
      ...(stopping
        ? {
            message: `stopped on request after ${c?.counts.done ?? 0} writes; ${Math.max(0, (c?.counts.planned ?? 0) - (c?.counts.done ?? 0) - (c?.counts.failed ?? 0) - (c?.counts.skipped ?? 0))} not attempted`,
          }
        : {}),
    };
    setCurrentDetails(detailsMarkdown(title, { ...progress(), state: result.state }));
    return result;
  }

  function stageFailed(message: string): ApplicationFailure {
    state = 'failed';
    const c = carry;
    const result: StageResult = {
      stage: step.stage,
      pass: step.pass,
      state: 'failed',
      counts: c?.counts ?? emptyCounts(),
      ops: c?.ops ?? emptyOperationCounts(),
      plannedOps: c?.plan.ops[step.pass] ?? emptyOperationCounts(),
      durationMs: Date.now() - (c?.startedAt ?? Date.now()),
      outcomes: c?.outcomes ?? [],
      ...(c ? { planRef: c.plan.planRef } : {}),
      message,
    };
    return ApplicationFailure.create({ type: 'StageFailed', message: `${title}: ${message}`, nonRetryable: true, details: [result] });
  }
}

/** One message for credentials refused, whichever side refused them: every further call would fail too. */
function credentialsMessage(system: keyof typeof CHECK_CREDENTIALS, detail: string): string {
  return `${system} refused orgsync's credentials, so the run stops here (every further call would fail): ${detail}. Check ${CHECK_CREDENTIALS[system]}.`;
}

function detailsMarkdown(title: string, p: StageProgress): string {
  const c = p.counts;
  const lines = [
    `**${title}** · ${p.state}`,
    '',
    '| planned | done | failed | skipped | unchanged |',
    '|---|---|---|---|---|',
    `| ${c.planned} | ${c.done} | ${c.failed} | ${c.skipped} | ${c.unchanged} |`,
  ];
  if (p.hold)
    lines.push(
      '',
      `⚠ waiting for an operator: ${p.hold.deletions} deletions (${p.hold.reason}). Approve or reject before ${p.hold.decideBy}.`,
    );
  return lines.join('\n');
}
