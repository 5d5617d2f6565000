/**
 * One orgsync run: the pipeline of stages (engine/pipeline.ts PIPELINE), each a child workflow with an
 * id derived from this one (`<run id>/<stage>`), strictly one after the other. A stage that fails as a
 * whole stops the run before the next stage (seed 000), after undoing the stage's or the run's writes
 * if `sync.onStageFailure` says so. Operators pause, resume, approve or reject deletions and cancel
 * here; the parent relays to the running stage. Two more shapes of the same run:
 * - a reviewed run (`review`) first plans every stage as a dry run (`<run>/review/<stage>`), waits for
 *   an operator to approve exactly that plan, then applies it;
 * - a rollback (`rollback`, id `<run>/rollback`) undoes what another run wrote (engine/rollback.ts).
 */
import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  executeChild,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type * as acts from '../activities/index.js';
import type { RunPolicy } from '../engine/types.js';
import {
  approveDeletionsUpdate,
  approveRunUpdate,
  deletionDecisionSignal,
  pauseSignal,
  progressQuery,
  rejectDeletionsUpdate,
  rejectRunUpdate,
  resumeSignal,
  reviewPrefix,
  rollbackWorkflowId,
  stageProgressSignal,
  stageWorkflowId,
  stopStageSignal,
} from './definitions.js';
import {
  DEFAULT_TUNING,
  PIPELINE,
  ROLLBACK_PIPELINE,
  STAGES,
  STAGE_TITLES,
  type PipelineStep,
  type StageName,
} from '../engine/pipeline.js';
import { emptyCounts, emptyOperationCounts, knoxReadOf, mergeProgress, mergeResults, runEndState } from '../engine/outcomes.js';
import {
  type OrgSyncInput,
  type OrgSyncProgress,
  type OrgSyncResult,
  type ReviewHold,
  type RunEndState,
  type RunState,
  type StageProgress,
  type StageResult,
} from '../engine/types.js';
import { OrgSyncDryRun, OrgSyncHasFailures, OrgSyncStage, OrgSyncState } from './search-attributes.js';
import { stageWorkflow } from './stage.js';
import { stageResult } from '../engine/stage-run.js';
import { memoLine, runMarkdown } from './details.js';
import { countRunEnded } from './metrics.js';
import { announce } from './notify.js';
import { rollbackEnded, runEnded } from '../notify/events.js';

type Activities = ReturnType<typeof acts.createActivities>;

const { describeRun, pruneStore } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5 },
});

/** How many runs' snapshots and plans the staging store keeps. */
const KEEP_RUNS = 14;

export async function orgSyncWorkflow(input: OrgSyncInput = {}): Promise<OrgSyncResult> {
  const runId = workflowInfo().workflowId;
  const startedAt = new Date();
  const dryRun = input.dryRun ?? false;

  let state: RunState = 'running';
  let paused = false;
  let cancelRequested = false;
  let current: { step: PipelineStep; handle: ChildWorkflowHandle<typeof stageWorkflow> } | undefined;
  const live = new Map<string, StageProgress>();
  const results: StageResult[] = [];
  /** Per stage, what its follow-up pass needs from the main pass. */
  const planned = new Map<StageName, { planRef: string; deletions: 'approved' | 'rejected'; followUp: number }>();
  /** A reviewed run waiting for its decision, then the decision. */
  let reviewHold: ReviewHold | undefined;
  let reviewDecision: { approved: boolean; by?: string } | undefined;

  const progress = (): OrgSyncProgress => {
    const hold = current ? live.get(stepKey(current.step))?.hold : undefined;
    return {
      runId,
      state: reviewHold ? 'awaiting-review' : hold ? 'awaiting-approval' : paused && state === 'running' ? 'paused' : state,
      dryRun,
      startedAt: startedAt.toISOString(),
      ...(current ? { currentStage: current.step.stage, currentChildId: current.handle.workflowId } : {}),
      stages: mergeProgress([...live.values()]),
      ...(hold ? { hold } : {}),
      ...(reviewHold ? { review: reviewHold } : {}),
    };
  };

  // Search attributes are written only when they change: each write is a history event, and progress
  // reports arrive all run long.
  let indexed = '';
  const publish = () => {
    const p = progress();
    setCurrentDetails(
      runMarkdown(
        p,
        workflowInfo().startTime,
        results.flatMap((r) => r.drift ?? []),
      ),
    );
    if (`${p.state}/${p.currentStage ?? ''}` === indexed) return;
    indexed = `${p.state}/${p.currentStage ?? ''}`;
    upsertSearchAttributes([
      { key: OrgSyncState, value: p.state },
      ...(p.currentStage ? [{ key: OrgSyncStage, value: p.currentStage }] : []),
    ]);
  };

  // The stage may end between an operator's signal and its relay (one with nothing left to write ends
  // even while paused): a relay that finds it gone has nothing to do, and must not fail the run.
  const relay = async (signal: typeof pauseSignal | typeof resumeSignal | typeof stopStageSignal) => {
    const target = current;
    if (!target) return;
    try {
      await target.handle.signal(signal);
    } catch (err) {
      if (!(err instanceof ApplicationFailure && err.type === 'ExternalWorkflowExecutionNotFound')) throw err;
      log.info('the stage had already ended; nothing to relay', { stage: target.step.stage, signal: signal.name });
    }
  };

  setHandler(progressQuery, progress);
  setHandler(pauseSignal, async () => {
    paused = true;
    publish();
    await relay(pauseSignal);
  });
  setHandler(resumeSignal, async () => {
    paused = false;
    publish();
    await relay(resumeSignal);
  });
  setHandler(stageProgressSignal, (p) => {
    live.set(stepKey(p), p);
    publish();
  });
  const decide = (approved: boolean) => async (by: string) => {
    const hold = progress().hold!;
    const step = current!.step;
    await current!.handle.signal(deletionDecisionSignal, { approved, ...(by ? { by } : {}) });
    // The stage reports again once it resumes; until then the decision is already made.
    const { hold: _decided, ...running } = live.get(stepKey(step))!;
    live.set(stepKey(step), { ...running, state: 'running' });
    publish();
    return `${approved ? 'approved' : 'rejected'} ${hold.deletions} deletions in ${STAGE_TITLES[hold.stage]}`;
  };
  const validateHold = (_by: string) => {
    if (!progress().hold) throw new Error('no stage of this run is waiting for a deletion decision');
  };
  setHandler(approveDeletionsUpdate, decide(true), { validator: validateHold });
  setHandler(rejectDeletionsUpdate, decide(false), { validator: validateHold });
  const decideReview = (approved: boolean) => (by: string) => {
    reviewDecision = { approved, ...(by ? { by } : {}) };
    return approved ? 'approved: the run applies exactly the reviewed plan' : 'rejected: nothing is written';
  };
  const validateReview = (_by: string) => {
    if (!reviewHold || reviewDecision) throw new Error('this run is not waiting for a review decision');
  };
  setHandler(approveRunUpdate, decideReview(true), { validator: validateReview });
  setHandler(rejectRunUpdate, decideReview(false), { validator: validateReview });

  // Cancelling the run stops it cleanly: the running stage finishes its in-flight writes and reports.
  // The relay runs in a non-cancellable scope: sent from the cancelled root scope it would never leave.
  CancellationScope.current().cancelRequested.catch(() => {
    cancelRequested = true;
    void CancellationScope.nonCancellable(() => relay(stopStageSignal)).catch((err: unknown) =>
      log.warn('could not stop the running stage', { error: String(err) }),
    );
  });

  upsertSearchAttributes([
    { key: OrgSyncDryRun, value: dryRun },
    { key: OrgSyncHasFailures, value: false },
  ]);
  publish();

  return CancellationScope.nonCancellable(async () => {
    const policy = { ...(await describeRun()), ...(input.fullRead ? { fullRead: true } : {}) };
    // A rollback undoes whatever stage the run wrote, switched on today or not.
    const wanted = new Set<StageName>(input.stages ?? (input.rollback ? STAGES : policy.stages));
    const tuning = { ...DEFAULT_TUNING, writeConcurrency: policy.writeConcurrency, ...input.tuning };
    const plan: RunPlan = { policy, wanted, tuning };
    let failure: StageFailed | undefined;
    let review: OrgSyncResult['review'];
    let rolledBack: OrgSyncResult['rolledBack'];

    if (input.review) {
      failure = await runPipeline(PIPELINE, { dryRun: true, childPrefix: reviewPrefix(runId) }, plan);
      const preview = mergeResults(results.splice(0));
      const plans = Object.fromEntries([...planned].map(([stage, p]) => [stage, p.planRef]));
      if (!failure && !cancelRequested) {
        reviewHold = {
          decideBy: new Date(Date.now() + policy.decisionTimeoutMs).toISOString(),
          stages: preview.map((r) => ({ stage: r.stage, plannedOps: r.ops, ...(plans[r.stage] ? { planRef: plans[r.stage] } : {}) })),
        };
        publish();
        await condition(() => reviewDecision !== undefined || cancelRequested, policy.decisionTimeoutMs);
        reviewHold = undefined;
      }
      review = {
        decision: reviewDecision ? (reviewDecision.approved ? 'approved' : 'rejected') : 'timed-out',
        ...(reviewDecision?.by ? { by: reviewDecision.by } : {}),
        plans,
        preview,
      };
      planned.clear();
      live.clear();
      if (review.decision === 'approved' && !failure && !cancelRequested) {
        log.info('review approved', { by: review.by });
        failure = await runPipeline(PIPELINE, { dryRun: false, approved: plans, ...(review.by ? { approvedBy: review.by } : {}) }, plan);
      } else results.push(...preview);
    } else {
      failure = await runPipeline(input.rollback ? ROLLBACK_PIPELINE : PIPELINE, { dryRun }, plan);
    }

    if (failure && !dryRun && !input.rollback && policy.onStageFailure !== 'stop') {
      const stages = policy.onStageFailure === 'rollback-stage' ? [failure.stage] : [...new Set(results.map((r) => r.stage))];
      rolledBack = await rollBack(stages);
    }

    const merged = mergeResults(results);
    const endState: RunEndState =
      review && review.decision !== 'approved' && !failure && !cancelRequested
        ? 'rejected'
        : rolledBack?.state === 'completed'
          ? 'rolled-back'
          : runEndState(merged, failure !== undefined, cancelRequested);
    const hasFailures = merged.some((s) => s.counts.failed + s.counts.skipped > 0);
    const result: OrgSyncResult = {
      runId,
      state: endState,
      dryRun,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      stages: merged,
      ...knoxReadOf(merged),
      ...(failure ? { message: failureMessage(failure, rolledBack) } : {}),
      ...(endState === 'cancelled' ? { message: 'cancelled by an operator; the stages below show what was done' } : {}),
      ...(endState === 'rejected'
        ? { message: `the reviewed plan was ${review!.decision === 'timed-out' ? 'not decided in time' : 'rejected'}: nothing was written` }
        : {}),
      ...(review ? { review } : {}),
      ...(input.rollback ? { rollbackOf: input.rollback.of } : {}),
      ...(rolledBack ? { rolledBack } : {}),
    };
    await pruneStore({ keepRuns: KEEP_RUNS, currentRunId: runId }).catch((err: unknown) =>
      log.warn('could not prune the staging store', { error: String(err) }),
    );
    countRunEnded(result);
    const ended = input.rollback ? rollbackEnded(result, new Date()) : runEnded(result, new Date());
    // Before the end state is published: starting the notifier takes a workflow task of its own.
    if (ended) await announce(ended);
    // The end state is published last, in the same workflow task that completes the run, so a query
    // never says "completed" while Temporal still lists the run as running.
    state = endState;
    upsertSearchAttributes([{ key: OrgSyncHasFailures, value: hasFailures }]);
    upsertMemo({ summary: memoLine(result) });
    publish();

    if (failure && endState === 'failed')
      throw ApplicationFailure.create({ type: 'RunFailed', message: result.message!, nonRetryable: true, details: [result] });
    return result;
  });

  /** The steps in order, as far as they go: the stage that fails as a whole, if one does. */
  async function runPipeline(pipeline: readonly PipelineStep[], mode: StageMode, plan: RunPlan): Promise<StageFailed | undefined> {
    const { policy, wanted, tuning } = plan;
    for (const step of pipeline) {
      if (!wanted.has(step.stage)) continue;
      const main = planned.get(step.stage);
      if (step.pass === 'followUp' && (mode.dryRun || !main || main.followUp === 0)) continue;
      await condition(() => !paused || cancelRequested);
      if (cancelRequested) return undefined;

      const result = await runStage(step, policy, tuning, mode, main);
      results.push(result);
      live.set(stepKey(step), { stage: step.stage, pass: step.pass, state: result.state, counts: result.counts, ops: result.ops });
      if (result.state === 'failed') return { stage: step.stage, message: result.message ?? 'failed' };
      if (result.state === 'cancelled') return undefined;
    }
    return undefined;
  }

  /** sync.onStageFailure: undo the stages' writes of this run, as `orgsync rollback` would, and wait for it. */
  async function rollBack(stages: StageName[]): Promise<NonNullable<OrgSyncResult['rolledBack']>> {
    const id = rollbackWorkflowId(runId);
    log.warn('a stage failed: rolling back, as sync.onStageFailure says', { stages, rollback: id });
    try {
      const undone = await executeChild(orgSyncWorkflow, {
        workflowId: id,
        args: [{ rollback: { of: runId }, stages, ...(input.tuning ? { tuning: input.tuning } : {}) }],
        staticSummary: `rollback of ${stages.join(', ')} · run ${runId}`.slice(0, 200),
        retry: { maximumAttempts: 1 },
      });
      return { stages, runId: id, state: undone.state, ...(undone.message ? { message: undone.message } : {}) };
    } catch (err) {
      const reason = err instanceof ChildWorkflowFailure && err.cause ? err.cause.message : String(err);
      return { stages, runId: id, state: 'failed', message: reason };
    }
  }

  async function runStage(
    step: PipelineStep,
    policy: RunPolicy,
    tuning: typeof DEFAULT_TUNING,
    mode: StageMode,
    main?: { planRef: string; deletions: 'approved' | 'rejected' },
  ): Promise<StageResult> {
    const approved = step.pass === 'main' ? mode.approved?.[step.stage] : undefined;
    const handle = await startChild(stageWorkflow, {
      workflowId: stageWorkflowId(mode.childPrefix ?? runId, step),
      args: [
        {
          runId,
          step,
          dryRun: mode.dryRun,
          policy,
          ...(approved ? { approved: { planRef: approved, ...(mode.approvedBy ? { by: mode.approvedBy } : {}) } } : {}),
          ...(input.rollback ? { rollback: input.rollback } : {}),
          tuning,
          paused,
          earlierPlans: Object.fromEntries([...planned].map(([stage, p]) => [stage, p.planRef])),
          ...(main ? { planRef: main.planRef, deletions: main.deletions } : {}),
        },
      ],
      staticSummary:
        `${STAGE_TITLES[step.stage]}${step.pass === 'followUp' ? ' (follow-up: heads and deletions)' : ''} · run ${runId}`.slice(0, 200),
      retry: { maximumAttempts: 1 },
    });
    const stageStartedAt = Date.now();
    current = { step, handle };
    live.set(stepKey(step), { stage: step.stage, pass: step.pass, state: 'planning', counts: emptyCounts(), ops: emptyOperationCounts() });
    // A pause or stop that arrived while the child was starting must reach it too.
    if (paused) await handle.signal(pauseSignal);
    if (cancelRequested) await handle.signal(stopStageSignal);
    publish();
    try {
      const result = await handle.result();
      current = undefined;
      if (step.pass === 'main' && result.planRef) {
        planned.set(step.stage, {
          planRef: result.planRef,
          deletions: result.guard && result.guard.decision !== 'approved' ? 'rejected' : 'approved',
          followUp: result.followUpItems ?? 0,
        });
      }
      return result;
    } catch (err) {
      current = undefined;
      if (err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'StageFailed') {
        return err.cause.details?.[0] as StageResult;
      }
      // Any other end (terminated, timed out, a bookkeeping activity out of retries) fails the stage
      // too, so the run still ends with its summary, memo and search attributes: the last counts heard.
      const last = live.get(stepKey(step));
      const reason =
        err instanceof ChildWorkflowFailure && err.cause ? err.cause.message : err instanceof Error ? err.message : String(err);
      return stageResult(step, 'failed', {
        counts: last?.counts,
        ops: last?.ops,
        durationMs: Date.now() - stageStartedAt,
        message: `the stage workflow ${handle.workflowId} ended abnormally: ${reason}`,
      });
    }
  }
}

const stepKey = (s: Pick<PipelineStep, 'stage' | 'pass'>) => `${s.stage}.${s.pass}`;

interface StageFailed {
  stage: StageName;
  message: string;
}

/** What the stages of one pass through the pipeline are started with. */
interface StageMode {
  dryRun: boolean;
  /** Child ids under this prefix rather than the run id (a review's dry run). */
  childPrefix?: string;
  /** A reviewed run being applied: each stage's approved plan, and who approved it. */
  approved?: Partial<Record<StageName, string>>;
  approvedBy?: string;
}

interface RunPlan {
  policy: RunPolicy;
  wanted: ReadonlySet<StageName>;
  tuning: typeof DEFAULT_TUNING;
}

function failureMessage(failure: StageFailed, rolledBack: OrgSyncResult['rolledBack']): string {
  const stopped = `${STAGE_TITLES[failure.stage]} failed, so the run stopped before the next stage: ${failure.message}`;
  if (!rolledBack) return stopped;
  return rolledBack.state === 'completed'
    ? `${stopped}. Its writes (${rolledBack.stages.join(', ')}) were rolled back by ${rolledBack.runId}`
    : `${stopped}. Rolling back its writes (${rolledBack.stages.join(', ')}) ended ${rolledBack.state} (${rolledBack.runId}${rolledBack.message ? `: ${rolledBack.message}` : ''})`;
}
