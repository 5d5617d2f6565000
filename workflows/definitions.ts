/**
 * The messages operators and workflows exchange (signals, queries, updates) and the ids that tie a run's
 * workflows together. The vocabulary they carry is the engine's (engine/types.ts, engine/pipeline.ts).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PipelineStep } from '../engine/pipeline.js';
import type { OrgSyncProgress, StageProgress } from '../engine/types.js';

/** Stop starting new writes; in-flight ones finish. Reaches the running stage. */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Run-level progress: state and per-stage counts. On a stage child it returns that stage's progress. */
export const progressQuery = defineQuery<OrgSyncProgress>('progress');
export const stageProgressQuery = defineQuery<StageProgress>('stageProgress');
/**
 * Operator decisions on a held deletion guard. Updates, so the operator hears back at once; `by` names
 * who decided (the CLI sends the login name) and is logged with the decision.
 */
export const approveDeletionsUpdate = defineUpdate<string, [by: string]>('approveDeletions');
export const rejectDeletionsUpdate = defineUpdate<string, [by: string]>('rejectDeletions');
/** The decision on a reviewed run (orgsync run --review): apply exactly the plan it showed, or write nothing. */
export const approveRunUpdate = defineUpdate<string, [by: string]>('approveRun');
export const rejectRunUpdate = defineUpdate<string, [by: string]>('rejectRun');

// Parent ↔ stage child, not for operators.
export const stageProgressSignal = defineSignal<[StageProgress]>('stageProgressReport');
export const deletionDecisionSignal = defineSignal<[{ approved: boolean; by?: string }]>('deletionDecision');
/** The parent was cancelled: finish in-flight writes, then return what was done. */
export const stopStageSignal = defineSignal('stopStage');

export const stageWorkflowId = (runId: string, step: PipelineStep): string =>
  step.pass === 'main' ? `${runId}/${step.stage}` : `${runId}/${step.stage}.${step.pass}`;

/** A reviewed run plans under `<run>/review/<stage>`; a rollback of a run is `<run>/rollback`. */
export const reviewPrefix = (runId: string): string => `${runId}/review`;
export const rollbackWorkflowId = (runId: string): string => `${runId}/rollback`;

/** The task queue whose activities are WORKPLACE writes; its server-side rate is WORKPLACE_RPS. */
export const writeTaskQueue = (taskQueue: string): string => `${taskQueue}-workplace-writes`;

export const syncEmployeeWorkflowId = (epId: string, at: Date): string =>
  `orgsync-employee-${epId}-${at.toISOString().replace(/[-:.]/g, '').slice(0, 15)}`;
