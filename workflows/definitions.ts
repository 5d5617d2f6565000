/**
 * The vocabulary shared by workflows, activities, the worker and the CLI: stage names, the pipeline
 * order, workflow inputs and results, and the signals, queries and updates operators use.
 * Workflow-safe: no I/O, types and constants only.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** WORKPLACE's prescribed order (seed 000: 직급 → 직책 → 부서 → 사원 → Reports To → 추가정보), then 부재항목. */
export const STAGES = ['grades', 'jobTitles', 'departments', 'employees', 'reportsTo', 'additionalAttributes', 'absenceItems'] as const;
export type StageName = (typeof STAGES)[number];

export const STAGE_TITLES: Record<StageName, string> = {
  grades: '직급 grades',
  jobTitles: '직책 job titles',
  departments: '부서 departments',
  employees: '사원 employees',
  reportsTo: 'Reports To',
  additionalAttributes: '추가정보 additional attributes',
  absenceItems: '부재항목 absence items',
};

/** What one item of a stage is, for activity summaries: "create employee D1001… (김삼성)". */
export const STAGE_ENTITIES: Record<StageName, string> = {
  grades: 'grade',
  jobTitles: 'job title',
  departments: 'department',
  employees: 'employee',
  reportsTo: 'Reports To of',
  additionalAttributes: 'additional attribute',
  absenceItems: 'absence item',
};

/**
 * A stage's plan is applied in two passes. `main` runs in stage order. `followUp` holds what must wait
 * for the employee stage: department heads (the head must exist first) and the deletion of grades, job
 * titles and departments (nobody may still belong to what is deleted; workplace.md §2.4, §4).
 */
export type Pass = 'main' | 'followUp';

export interface PipelineStep {
  stage: StageName;
  pass: Pass;
}

/** The run, in order. A new stage is one spec file (activities/stages/) and one entry here. */
export const PIPELINE: readonly PipelineStep[] = [
  { stage: 'grades', pass: 'main' },
  { stage: 'jobTitles', pass: 'main' },
  { stage: 'departments', pass: 'main' },
  { stage: 'employees', pass: 'main' },
  { stage: 'departments', pass: 'followUp' },
  { stage: 'jobTitles', pass: 'followUp' },
  { stage: 'grades', pass: 'followUp' },
  { stage: 'reportsTo', pass: 'main' },
  { stage: 'additionalAttributes', pass: 'main' },
  { stage: 'absenceItems', pass: 'main' },
];

export type Operation = 'create' | 'update' | 'delete';

/** Run-level settings that travel in workflow input: no secrets, no bulk data. */
export interface RunOptions {
  /** Plan every stage and report, write nothing. */
  dryRun?: boolean;
  /** Run only these stages (their follow-up passes included); default: every stage switched on in config. */
  stages?: StageName[];
}

export interface OrgSyncInput extends RunOptions {
  /** Overrides for tests and benchmarks; production uses the defaults. */
  tuning?: Partial<StageTuning>;
}

export interface StageTuning {
  /** Writes in flight per stage (the global rate is WORKPLACE_RPS regardless). */
  writeConcurrency: number;
  /** Continue-as-new once a stage run's history passes this many events (server hard limit: 51,200). */
  maxHistoryEvents: number;
  /** Plan items fetched per page; bounds activity result size. */
  pageSize: number;
  /** At most this often (ms) a stage reports progress to the parent; see progressReportDue. */
  progressIntervalMs: number;
  /** Per-key reads of what WORKPLACE cannot list are kept in the store every this many keys, so a retried plan resumes. */
  readCheckpointEvery: number;
  /** Reading Knox and WORKPLACE's current state: first retry after this long, then doubling, this many attempts. */
  sourceRetry: { initialIntervalMs: number; maximumAttempts: number };
}

export const DEFAULT_TUNING: StageTuning = {
  writeConcurrency: 32,
  maxHistoryEvents: 8_000,
  pageSize: 200,
  progressIntervalMs: 10_000,
  readCheckpointEvery: 2_000,
  sourceRetry: { initialIntervalMs: 5_000, maximumAttempts: 5 },
};

/** Counts per stage, as operators read them. `planned` = creates + updates + deletes the plan holds. */
export interface StageCounts {
  planned: number;
  done: number;
  failed: number;
  skipped: number;
  unchanged: number;
}

export interface OperationCounts {
  create: number;
  update: number;
  delete: number;
}

/**
 * Whether a stage's next progress report to the parent is due. Reports grow sparser as a stage runs
 * long (at most one per 1/30 of its elapsed time, never more often than the interval), so the count
 * grows with the logarithm of the duration: a 14-hour stage (100,000 employees' attribute values at
 * WORKPLACE_RPS 10) reports about 170 times, not 5,000, and the parent, which never continues as new,
 * keeps a small history.
 */
export function progressReportDue(nowMs: number, lastReportMs: number, stageStartedMs: number, intervalMs: number): boolean {
  return nowMs - lastReportMs >= Math.max(intervalMs, (nowMs - stageStartedMs) / 30);
}

export const emptyCounts = (): StageCounts => ({ planned: 0, done: 0, failed: 0, skipped: 0, unchanged: 0 });
export const emptyOperationCounts = (): OperationCounts => ({ create: 0, update: 0, delete: 0 });

/** One failed or skipped item, as the report and the UI show it. */
export interface ItemOutcome {
  stage: StageName;
  key: string;
  /** e.g. the employee's name, so a report names the person and not only an id. */
  label?: string;
  op: Operation | 'read';
  outcome: 'failed' | 'skipped';
  /** A stable code: WORKPLACE_VALIDATION, KNOX_INVALID_RECORD, DEPENDENCY_FAILED, DELETION_REJECTED … */
  code: string;
  message: string;
}

export type StageState =
  'pending' | 'planning' | 'running' | 'paused' | 'awaiting-approval' | 'completed' | 'failed' | 'cancelled' | 'skipped';

/** Why a deletion guard holds, for the operator deciding. */
export interface DeletionGuardHold {
  stage: StageName;
  deletions: number;
  existing: number;
  reason: string;
  /** When silence becomes a rejection (ISO). */
  decideBy: string;
}

export interface StageProgress {
  stage: StageName;
  pass: Pass;
  state: StageState;
  counts: StageCounts;
  ops: OperationCounts;
  /** Writes started and not yet finished (a paused stage is quiet once this is 0). */
  inFlight?: number;
  hold?: DeletionGuardHold;
}

/** Bounded lists keep results and memos small at 100,000 employees; the full list is in the store. */
export const MAX_OUTCOMES_PER_STAGE = 100;
/**
 * …and at most this many bytes of them (JSON, UTF-8: a Korean message is three bytes a character), so the
 * run's result, seven stages of them, stays well under Temporal's 256 KB payload warning on the worst day.
 */
export const MAX_OUTCOME_BYTES_PER_STAGE = 24_000;

/** UTF-8 size of an outcome as JSON: what it adds to a result payload. */
export function outcomeBytes(outcome: ItemOutcome): number {
  let bytes = 0;
  for (const ch of JSON.stringify(outcome)) {
    const code = ch.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes + 1;
}

/**
 * Adds to a stage's kept outcomes what fits both bounds, and returns the bytes now kept. `keptBytes` is
 * the caller's running total, so a stage with 100,000 failures never measures its list again.
 */
export function keepOutcomes(kept: ItemOutcome[], keptBytes: number, more: readonly ItemOutcome[]): number {
  let bytes = keptBytes;
  for (const outcome of more) {
    if (kept.length >= MAX_OUTCOMES_PER_STAGE) break;
    const size = outcomeBytes(outcome);
    if (bytes + size > MAX_OUTCOME_BYTES_PER_STAGE) break;
    kept.push(outcome);
    bytes += size;
  }
  return bytes;
}

export interface StageResult {
  stage: StageName;
  pass: Pass;
  state: 'completed' | 'failed' | 'cancelled' | 'skipped';
  counts: StageCounts;
  /** Writes that succeeded, by operation. */
  ops: OperationCounts;
  /** Planned writes by operation (what a dry run reports). */
  plannedOps: OperationCounts;
  durationMs: number;
  /** First MAX_OUTCOMES_PER_STAGE failed/skipped items; `counts` has the totals. */
  outcomes: ItemOutcome[];
  /** Where the full plan and outcome list live in the staging store. */
  planRef?: string;
  message?: string;
  /** Set when the guard held and the operator (or the timeout) decided. */
  guard?: { deletions: number; decision: 'approved' | 'rejected' | 'timed-out' | 'dry-run' };
  /** Main pass: items its follow-up pass will apply after the employee stage (0 = no follow-up needed). */
  followUpItems?: number;
  /** Dry run: the first planned writes. */
  preview?: { op: Operation; key: string; label?: string; changes?: string[] }[];
}

export type RunState = 'running' | 'paused' | 'awaiting-approval' | 'completed' | 'failed' | 'cancelled';

export interface OrgSyncResult {
  runId: string;
  state: 'completed' | 'failed' | 'cancelled';
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  /** One entry per stage that ran (passes merged), in pipeline order. */
  stages: StageResult[];
  message?: string;
}

export interface OrgSyncProgress {
  runId: string;
  state: RunState;
  dryRun: boolean;
  startedAt: string;
  currentStage?: StageName;
  /** The running stage child, for a closer look (its own `progress` query). */
  currentChildId?: string;
  stages: StageProgress[];
  hold?: DeletionGuardHold;
}

// ---- messages -------------------------------------------------------------------------------------

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

// Parent ↔ stage child, not for operators.
export const stageProgressSignal = defineSignal<[StageProgress]>('stageProgressReport');
export const deletionDecisionSignal = defineSignal<[{ approved: boolean; by?: string }]>('deletionDecision');
/** The parent was cancelled: finish in-flight writes, then return what was done. */
export const stopStageSignal = defineSignal('stopStage');

export const stageWorkflowId = (runId: string, step: PipelineStep): string =>
  step.pass === 'main' ? `${runId}/${step.stage}` : `${runId}/${step.stage}.${step.pass}`;

/** The task queue whose activities are WORKPLACE writes; its server-side rate is WORKPLACE_RPS. */
export const writeTaskQueue = (taskQueue: string): string => `${taskQueue}-workplace-writes`;

// ---- on-demand sync of one employee -----------------------------------------------------------------

export interface SyncEmployeeInput {
  epId: string;
  /** Show what would change, write nothing. */
  dryRun?: boolean;
}

/** One write the on-demand sync made (or would make). */
export interface EmployeeChange {
  /** 'employee', 'Reports To' or 'additional attribute <key>' */
  what: string;
  key: string;
  op: Operation;
  changes?: string[];
  outcome: 'done' | 'failed' | 'skipped' | 'planned';
  message?: string;
}

export interface SyncEmployeeResult {
  epId: string;
  /** The person's name as Knox has it, when Knox returned them. */
  label?: string;
  /** found: Knox has the employee; notInKnox: Knox does not return them (nothing is deleted on demand). */
  knox: 'found' | 'notInKnox' | 'invalid';
  message?: string;
  changes: EmployeeChange[];
}

export const syncEmployeeWorkflowId = (epId: string, at: Date): string =>
  `orgsync-employee-${epId}-${at.toISOString().replace(/[-:.]/g, '').slice(0, 15)}`;
