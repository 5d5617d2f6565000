/**
 * How a run reads in a terminal, shared by `status`, `report` and `run --wait`: a header, one row per
 * stage, the deletion guard's question when one is held, and what to do next.
 */
import { STAGE_TITLES, type StageName } from '../engine/pipeline.js';
import {
  type DeletionGuardHold,
  type EmployeeReadReport,
  type OperationCounts,
  type OrgSyncResult,
  type ReviewHold,
  type StageCounts,
} from '../engine/types.js';
import { displayWidth, formatDuration, formatTime, right, table, type Column } from './format.js';
import { runState, type RunView } from './runs.js';

export interface StageRow {
  stage: StageName;
  state: string;
  counts: StageCounts;
  /** Writes done; for a dry run, the writes planned. */
  changes: OperationCounts;
  durationMs?: number;
}

export function stageRows(view: RunView): StageRow[] {
  if (view.result) return resultRows(view.result);
  return (view.progress?.stages ?? []).map((s) => ({ stage: s.stage, state: s.state, counts: s.counts, changes: s.ops }));
}

/** A finished run's rows (also the demo's summary). */
export function resultRows(result: OrgSyncResult): StageRow[] {
  return result.stages.map((s) => ({
    stage: s.stage,
    state: s.state,
    counts: s.counts,
    changes: result.dryRun ? s.plannedOps : s.ops,
    durationMs: s.durationMs,
  }));
}

/** The item counts a run's row in `list` and a stage's row here both show: their columns and their cells. */
export const COUNT_COLUMNS: readonly Column[] = ['PLANNED', 'DONE', 'FAILED', 'SKIPPED'].map(right);
export const countCells = (c: { [K in 'planned' | 'done' | 'failed' | 'skipped']: number | undefined }) => [
  c.planned,
  c.done,
  c.failed,
  c.skipped,
];

const STAGE_COLUMNS: Column[] = [
  { header: 'STAGE' },
  { header: 'STATE' },
  ...COUNT_COLUMNS,
  right('UNCHANGED'),
  { header: 'CHANGES' },
  right('TOOK'),
];

export const changes = (c: OperationCounts) => `+${c.create} ~${c.update} -${c.delete}`;

export function stageTable(rows: readonly StageRow[]): string[] {
  return table(
    STAGE_COLUMNS,
    rows.map((r) => [
      STAGE_TITLES[r.stage],
      r.state,
      ...countCells(r.counts),
      r.counts.unchanged,
      changes(r.changes),
      r.durationMs === undefined ? '' : formatDuration(r.durationMs),
    ]),
  );
}

/** `key  value` lines with the keys aligned. */
export function fields(entries: readonly (readonly [string, string | undefined])[]): string[] {
  const shown = entries.filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '');
  const width = Math.max(...shown.map(([k]) => displayWidth(k)));
  // A value of several lines keeps its later lines under its first.
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${v.replace(/\n/g, `\n${' '.repeat(width + 2)}`)}`);
}

export function runHeader(view: RunView): string[] {
  const { execution, progress, result } = view;
  const dryRun = result?.dryRun ?? progress?.dryRun;
  const state = runState(view);
  const now = progress?.currentStage ? ` · now ${STAGE_TITLES[progress.currentStage]} (${progress.currentChildId})` : '';
  const took = execution.closeTime ? formatDuration(execution.closeTime.getTime() - execution.startTime.getTime()) : undefined;
  return fields([
    ['run', `${view.id}${dryRun ? ' (dry run: planned changes, nothing written)' : ''}`],
    ['state', `${state}${now}`],
    ['started', formatTime(execution.startTime)],
    ['took', took],
    ['running for', execution.closeTime ? undefined : formatDuration(Date.now() - execution.startTime.getTime())],
    ['task queue', execution.taskQueue],
    ['Knox read', result?.knoxRead ? knoxReadLine(result.knoxRead) : undefined],
  ]);
}

/** "by title (read 3 of 6 …); checks: 31 looked up, 1 missed, unlisted titles X99, 0 departments read again; 41 calls" */
export function knoxReadLine(read: EmployeeReadReport): string {
  const how = read.mode === 'title' ? 'employees by title' : 'employees per department (complete)';
  const c = read.checks;
  const checks = c
    ? `; checks: ${c.lookedUp} looked up, ${c.missed} missed${c.unlistedTitles.length ? `, unlisted titles ${c.unlistedTitles.join(', ')}` : ''}, ${c.departmentsReread} departments read again`
    : '';
  return `${how}: ${read.reason}${checks}; ${read.calls} calls`;
}

export function holdLines(id: string, hold: DeletionGuardHold | undefined): string[] {
  if (!hold) return [];
  return [
    `⚠ ${STAGE_TITLES[hold.stage]} waits for an operator: ${hold.deletions} deletions of ${hold.existing} (${hold.reason}).`,
    `  Decide before ${formatTime(hold.decideBy)} (silence rejects): orgsync approve-deletions ${id}  |  orgsync reject-deletions ${id}`,
  ];
}

/** A reviewed run waiting for its decision: what it would write, and the two commands. */
export function reviewLines(id: string, review: ReviewHold | undefined): string[] {
  if (!review) return [];
  const planned = review.stages.filter((s) => s.plannedOps.create + s.plannedOps.update + s.plannedOps.delete > 0);
  return [
    `⚠ the plan waits for review: ${planned.length ? planned.map((s) => `${STAGE_TITLES[s.stage]} ${opsText(s.plannedOps)}`).join('; ') : 'nothing to write'}.`,
    `  Every planned item: orgsync report ${id}. Decide before ${formatTime(review.decideBy)} (silence rejects):`,
    `  orgsync approve-run ${id}  |  orgsync reject-run ${id}`,
  ];
}

const opsText = (ops: OperationCounts) =>
  (['create', 'update', 'delete'] as const)
    .filter((op) => ops[op] > 0)
    .map((op) => `${ops[op]} ${op}`)
    .join(', ');

/** What the run said about how it ended (or why its progress could not be read). It reads above the table. */
export const runMessage = (view: RunView): string[] => {
  const message = view.result?.message ?? view.problem;
  return message ? [message] : [];
};

/** The closing lines: where to look next. */
export function nextSteps(view: RunView): string[] {
  const lines: string[] = [];
  const rows = stageRows(view);
  const unsuccessful = rows.reduce((n, r) => n + r.counts.failed + r.counts.skipped, 0);
  if (unsuccessful > 0) lines.push(`${unsuccessful} items failed or were skipped: orgsync report ${view.id}`);
  if (runState(view) === 'paused') lines.push(`paused: no new writes start. Continue with: orgsync resume ${view.id}`);
  return lines;
}

/** status and the end of `run --wait`. */
export function runLines(view: RunView): string[] {
  const rows = stageRows(view);
  return [
    ...runHeader(view),
    ...withGap(runMessage(view)),
    '',
    ...(rows.length ? stageTable(rows) : ['(no stage has started yet)']),
    ...withGap(holdLines(view.id, view.progress?.hold)),
    ...withGap(reviewLines(view.id, view.progress?.review)),
    ...withGap(nextSteps(view)),
  ];
}

export const withGap = (lines: string[]) => (lines.length ? ['', ...lines] : []);
