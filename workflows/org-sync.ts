/**
 * One orgsync run: the pipeline of stages (definitions.ts PIPELINE), each a child workflow with an id
 * derived from this one (`<run id>/<stage>`), strictly one after the other. A stage that fails as a
 * whole stops the run before the next stage (seed 000). Operators pause, resume, approve or reject
 * deletions and cancel here; the parent relays to the running stage.
 */
import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
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
  deletionDecisionSignal,
  pauseSignal,
  progressQuery,
  rejectDeletionsUpdate,
  resumeSignal,
  stageProgressSignal,
  stageWorkflowId,
  stopStageSignal,
} from './definitions.js';
import { DEFAULT_TUNING, PIPELINE, STAGE_TITLES, type PipelineStep, type StageName } from '../engine/pipeline.js';
import { emptyCounts, emptyOperationCounts, knoxReadOf, mergeProgress, mergeResults, runEndState } from '../engine/outcomes.js';
import {
  type OrgSyncInput,
  type OrgSyncProgress,
  type OrgSyncResult,
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
import { runEnded } from '../notify/events.js';

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

  const progress = (): OrgSyncProgress => {
    const hold = current ? live.get(stepKey(current.step))?.hold : undefined;
    return {
      runId,
      state: hold ? 'awaiting-approval' : paused && state === 'running' ? 'paused' : state,
      dryRun,
      startedAt: startedAt.toISOString(),
      ...(current ? { currentStage: current.step.stage, currentChildId: current.handle.workflowId } : {}),
      stages: mergeProgress([...live.values()]),
      ...(hold ? { hold } : {}),
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
    const wanted = new Set<StageName>(input.stages ?? policy.stages);
    const tuning = { ...DEFAULT_TUNING, writeConcurrency: policy.writeConcurrency, ...input.tuning };
    let failure: { stage: StageName; message: string } | undefined;

    for (const step of PIPELINE) {
      if (!wanted.has(step.stage)) continue;
      const main = planned.get(step.stage);
      if (step.pass === 'followUp' && (dryRun || !main || main.followUp === 0)) continue;
      await condition(() => !paused || cancelRequested);
      if (cancelRequested) break;

      const result = await runStage(step, policy, tuning, main);
      results.push(result);
      live.set(stepKey(step), { stage: step.stage, pass: step.pass, state: result.state, counts: result.counts, ops: result.ops });
      if (result.state === 'failed') {
        failure = { stage: step.stage, message: result.message ?? 'failed' };
        break;
      }
      if (result.state === 'cancelled') break;
    }

    const merged = mergeResults(results);
    const endState = runEndState(merged, failure !== undefined, cancelRequested);
    const hasFailures = merged.some((s) => s.counts.failed + s.counts.skipped > 0);
    const result: OrgSyncResult = {
      runId,
      state: endState,
      dryRun,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      stages: merged,
      ...knoxReadOf(merged),
      ...(failure
        ? { message: `${STAGE_TITLES[failure.stage]} failed, so the run stopped before the next stage: ${failure.message}` }
        : {}),
      ...(endState === 'cancelled' ? { message: 'cancelled by an operator; the stages below show what was done' } : {}),
    };
    await pruneStore({ keepRuns: KEEP_RUNS, currentRunId: runId }).catch((err: unknown) =>
      log.warn('could not prune the staging store', { error: String(err) }),
    );
    countRunEnded(result);
    const ended = runEnded(result, new Date());
    // Before the end state is published: starting the notifier takes a workflow task of its own.
    if (ended) await announce(ended);
    // The end state is published last, in the same workflow task that completes the run, so a query
    // never says "completed" while Temporal still lists the run as running.
    state = endState;
    upsertSearchAttributes([{ key: OrgSyncHasFailures, value: hasFailures }]);
    upsertMemo({ summary: memoLine(result) });
    publish();

    if (failure) throw ApplicationFailure.create({ type: 'RunFailed', message: result.message!, nonRetryable: true, details: [result] });
    return result;
  });

  async function runStage(
    step: PipelineStep,
    policy: RunPolicy,
    tuning: typeof DEFAULT_TUNING,
    main?: { planRef: string; deletions: 'approved' | 'rejected' },
  ): Promise<StageResult> {
    const handle = await startChild(stageWorkflow, {
      workflowId: stageWorkflowId(runId, step),
      args: [
        {
          runId,
          step,
          dryRun,
          policy,
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
