/**
 * What the Temporal UI shows of a run and its stages: the Markdown of their current details and the
 * one-line summary in the run's memo. Pure renderers over the engine's progress and result types.
 */
import { STAGE_TITLES } from '../engine/pipeline.js';
import type { OrgSyncProgress, OrgSyncResult, StageProgress } from '../engine/types.js';
import { describeDrift, type DriftReport } from '../lib/drift.js';
import { seoulParts } from '../lib/seoul-time.js';

/** Drift as a Markdown list, under a heading, or nothing. */
function driftLines(drift: readonly DriftReport[]): string[] {
  const lines = drift.flatMap(describeDrift);
  return lines.length
    ? ['', '**Drift** (what the sources send that their references do not say; never an item failure):', ...lines.map((l) => `- ${l}`)]
    : [];
}

export function stageMarkdown(title: string, p: StageProgress, drift: readonly DriftReport[] = []): string {
  const c = p.counts;
  const lines = [
    `**${title}** · ${p.state}`,
    '',
    '| planned | done | failed | skipped | unchanged |',
    '|---|---|---|---|---|',
    `| ${c.planned} | ${c.done} | ${c.failed} | ${c.skipped} | ${c.unchanged} |`,
  ];
  if (p.hold) {
    lines.push(
      '',
      `⚠ waiting for an operator: ${p.hold.deletions} deletions (${p.hold.reason}). Approve or reject before ${p.hold.decideBy}.`,
    );
  }
  lines.push(...driftLines(drift));
  return lines.join('\n');
}

export function runMarkdown(p: OrgSyncProgress, startedAt: Date, drift: readonly DriftReport[] = []): string {
  const rows = p.stages.map(
    (s) =>
      `| ${STAGE_TITLES[s.stage]} | ${s.state} | ${s.counts.planned} | ${s.counts.done} | ${s.counts.failed} | ${s.counts.skipped} | ${s.counts.unchanged} |`,
  );
  const lines = [
    `**orgsync run** of ${seoulTime(startedAt)} · ${p.state}${p.dryRun ? ' (dry run)' : ''}`,
    '',
    '| stage | state | planned | done | failed | skipped | unchanged |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ];
  if (p.hold) {
    lines.push(
      '',
      `⚠ ${STAGE_TITLES[p.hold.stage]} waits for an operator: ${p.hold.deletions} deletions (${p.hold.reason}). \`orgsync approve-deletions\` or \`orgsync reject-deletions\` before ${p.hold.decideBy}.`,
    );
  }
  if (p.review) {
    const planned = p.review.stages.map(
      (s) => `${STAGE_TITLES[s.stage]} ${s.plannedOps.create}+/${s.plannedOps.update}~/${s.plannedOps.delete}-`,
    );
    lines.push(
      '',
      `⚠ The plan waits for review (creates+/updates~/deletes-): ${planned.join(' · ') || 'nothing to write'}.`,
      `Every item: \`orgsync report ${p.runId}\`, and each stage's child \`${p.runId}/review/<stage>\`. \`orgsync approve-run ${p.runId}\` or \`orgsync reject-run ${p.runId}\` before ${p.review.decideBy}.`,
    );
  }
  lines.push(...driftLines(drift));
  return lines.join('\n');
}

/** "2026-11-25 02:00 KST": the run as operators speak of it. */
function seoulTime(at: Date): string {
  const p = seoulParts(at);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} KST`;
}

/** The memo's summary: "completed in 61s: grades 0+/0~/0-; employees 9+/22~/9- 1 failed; …". */
export function memoLine(r: OrgSyncResult): string {
  const parts = r.stages.map(
    (s) =>
      `${s.stage} ${s.ops.create}+/${s.ops.update}~/${s.ops.delete}-${s.counts.failed ? ` ${s.counts.failed} failed` : ''}${s.counts.skipped ? ` ${s.counts.skipped} skipped` : ''}`,
  );
  const mode = r.rollbackOf
    ? ` (rollback of ${r.rollbackOf})`
    : r.review
      ? ` (reviewed: ${r.review.decision}${r.review.by ? ` by ${r.review.by}` : ''})`
      : '';
  const undone = r.rolledBack ? ` · rolled back ${r.rolledBack.stages.join(', ')} by ${r.rolledBack.runId}: ${r.rolledBack.state}` : '';
  return `${r.state}${r.dryRun ? ' (dry run)' : ''}${mode} in ${Math.round(r.durationMs / 1000)}s: ${parts.join('; ')}${undone}`.slice(
    0,
    1_500,
  );
}
