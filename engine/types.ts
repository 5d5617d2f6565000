/**
 * The engine's vocabulary: run and stage inputs, results and progress, and what planning tells the
 * stage workflow. Types only (no I/O), shared by workflows, activities, the worker and the CLI.
 */
import type { SyncSettings } from '../config/index.js';
import type { DriftReport } from '../lib/drift.js';
import type { KnoxDataset, Operation, Pass, StageName, StageTuning } from './pipeline.js';

/** Run-level settings that travel in workflow input: no secrets, no bulk data. */
export interface RunOptions {
  /** Plan every stage and report, write nothing. */
  dryRun?: boolean;
  /** Run only these stages (their follow-up passes included); default: every stage switched on in config. */
  stages?: StageName[];
  /** Read Knox's employees department by department this run, whatever `sync.fullReadEvery` says (`--full-read`). */
  fullRead?: boolean;
  /** Plan every stage as a dry run does, then wait for an operator to approve exactly that plan (orgsync run --review). */
  review?: boolean;
  /** This run undoes what run `of` wrote (orgsync rollback); `force` also undoes items changed since. */
  rollback?: RollbackOf;
}

/** How a run read Knox's employees (docs/knox.md, "Reading employees"). */
export interface EmployeeReadReport {
  /** 'department': every department listed, complete by construction; 'title': title by title, then checked. */
  mode: 'department' | 'title';
  /** Why: forced, due by sync.fullReadEvery, no earlier complete read, or a by-title read that failed its checks. */
  reason: string;
  /** Knox calls of the employee read (lookups and re-reads included; /titles and /organizations not). */
  calls: number;
  /** A by-title read's completeness checks, over every company. */
  checks?: {
    /** Department heads and the previous read's people the title read did not return, looked up by id. */
    lookedUp: number;
    /** Of them, people Knox still has: the title read had missed them. */
    missed: number;
    /** titleCodes /titles does not list that the checks found (each then read in full). */
    unlistedTitles: string[];
    /** Departments read again department by department, for people missed under a title that was read. */
    departmentsReread: number;
  };
}

export interface RollbackOf {
  of: string;
  force?: boolean;
}

export interface OrgSyncInput extends RunOptions {
  /** Overrides for tests and benchmarks; production uses the defaults. */
  tuning?: Partial<StageTuning>;
}

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
  /** Where the sources this stage read first differ from their references (Knox datasets, WORKPLACE lists). */
  drift?: DriftReport[];
  /** Dry run: the first planned writes. */
  preview?: { op: Operation; key: string; label?: string; changes?: string[] }[];
  /** The stage that read Knox's employees for the run says how it read them. */
  knoxRead?: EmployeeReadReport;
}

/** How a run ended: `completed-with-failures` when it went through but some items failed (each has its own exit code). */
export type RunEndState = 'completed' | 'completed-with-failures' | 'failed' | 'cancelled' | 'rejected' | 'rolled-back';
export type RunState = 'running' | 'paused' | 'awaiting-approval' | 'awaiting-review' | RunEndState;

/** A reviewed run waiting for an operator to approve or reject its plan. */
export interface ReviewHold {
  /** When silence becomes a rejection (ISO). */
  decideBy: string;
  /** What each stage would write. */
  stages: { stage: StageName; plannedOps: OperationCounts; planRef?: string }[];
}

/** How a reviewed run was decided. */
export interface ReviewDecision {
  decision: 'approved' | 'rejected' | 'timed-out';
  by?: string;
  /** The approved (frozen) plan of each stage, in the staging store. */
  plans: Partial<Record<StageName, string>>;
}

export interface OrgSyncResult {
  runId: string;
  state: RunEndState;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  /** One entry per stage that ran (passes merged), in pipeline order. */
  stages: StageResult[];
  /** How this run read Knox's employees (from the stage that read them). */
  knoxRead?: EmployeeReadReport;
  message?: string;
  /** A reviewed run: the decision, and the stages as the review planned them (a dry run of each). */
  review?: ReviewDecision & { preview: StageResult[] };
  /** A rollback: the run it undid. */
  rollbackOf?: string;
  /** The run's own writes that were undone after a stage failed (sync.onStageFailure), and how that went. */
  rolledBack?: { stages: StageName[]; runId: string; state: RunEndState; message?: string };
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
  review?: ReviewHold;
}

// ---- messages -------------------------------------------------------------------------------------

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

/** The parts of config a run's workflows need, captured once at the start of a run. No secrets. */
export interface RunPolicy {
  stages: StageName[];
  companyCodes: string[];
  leavers: SyncSettings['leavers'];
  maxFailureShare: number;
  decisionTimeoutMs: number;
  guard: { maxShare: number; maxCount: number };
  writeConcurrency: number;
  onStageFailure: SyncSettings['onStageFailure'];
  /** The run's input asked for a per-department employee read (RunOptions.fullRead). */
  fullRead?: boolean;
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
  waves: Waves;
  guard: GuardVerdict;
  /** A dry run's look at what would be written (plan-time skips left out: they are `planSkipped`). */
  preview: ItemDescriptor[];
  /**
   * Items the plan itself skips (a create that collides with an existing object, a leaver Knox still has).
   * A run records each when it reaches it; a dry run reaches none, so planning records them all for it.
   */
  planSkipped?: number;
  /** The first of them, for a dry run's result. */
  planSkippedSample?: ItemOutcome[];
  /** Per operation, the fields every body in the plan carries (engine/canary.ts). */
  alwaysSent?: Partial<Record<Operation, string[]>>;
  /** Where WORKPLACE's lists differ from the reference (bounded), reported once by the stage that listed them. */
  drift?: DriftReport[];
}

/** One plan item as the stage workflow sees it: enough to schedule, name and count it. */
export interface ItemDescriptor {
  i: number;
  op: Operation;
  key: string;
  label?: string;
  changes?: string[];
  check?: ItemCheck;
  skip?: { code: string; message: string };
}

/** Index ranges [start, end) of a plan's waves, per pass, in the order they run. */
export type Waves = Record<Pass, { start: number; end: number }[]>;

/** A read that must pass before an item's write runs. */
export type ItemCheck = 'representativeAdmin';

export interface GuardVerdict {
  holds: boolean;
  deletions: number;
  existing: number;
  reason: string;
}
