/**
 * The pipeline: which stages there are, how operators read them, the order a run goes through them and
 * how fast. Workflow-safe: constants only. A new stage is one spec file (engine/stages/) and one entry
 * in STAGES and PIPELINE.
 */
import type { StageName } from '../lib/stages.js';

export { STAGES, type StageName } from '../lib/stages.js';

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

const inPass =
  (pass: Pass) =>
  (...stages: StageName[]): PipelineStep[] =>
    stages.map((stage) => ({ stage, pass }));
const main = inPass('main');
const followUp = inPass('followUp');

/** The run, in order. */
export const PIPELINE: readonly PipelineStep[] = [
  ...main('grades', 'jobTitles', 'departments', 'employees'),
  ...followUp('departments', 'jobTitles', 'grades'),
  ...main('reportsTo', 'additionalAttributes', 'absenceItems'),
];

/**
 * A rollback (orgsync rollback, issue 12): what the run deleted is re-created and what it changed is
 * restored in the forward order (a re-created department must exist before its people move back into
 * it), then what it created is deleted in reverse dependency order: attribute values and definitions,
 * Reports To, employees, department heads and departments, job titles, grades.
 */
export const ROLLBACK_PIPELINE: readonly PipelineStep[] = [
  ...main('grades', 'jobTitles', 'departments', 'employees', 'reportsTo', 'additionalAttributes', 'absenceItems'),
  ...followUp('additionalAttributes', 'reportsTo', 'employees', 'departments', 'jobTitles', 'grades', 'absenceItems'),
];

export type Operation = 'create' | 'update' | 'delete';

/** The Knox data a stage reads (one snapshot each per run). */
export type KnoxDataset = 'titles' | 'organizations' | 'employees';

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
  /** One write's attempt (its pacing and its request) may take this long; a write lost with its worker is retried after it. */
  writeTimeoutMs: number;
}

export const DEFAULT_TUNING: StageTuning = {
  writeConcurrency: 32,
  maxHistoryEvents: 8_000,
  pageSize: 200,
  progressIntervalMs: 10_000,
  readCheckpointEvery: 2_000,
  sourceRetry: { initialIntervalMs: 5_000, maximumAttempts: 5 },
  writeTimeoutMs: 60_000,
};
