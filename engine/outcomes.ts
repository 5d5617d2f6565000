/**
 * Counting and keeping outcomes: the counts a stage reports, the bounded list of failed and skipped
 * items that results and memos carry, and how often a stage reports progress. Pure: workflow code and
 * tests call it alike.
 */
import type { ItemOutcome, OperationCounts, OrgSyncResult, RunEndState, StageCounts, StageProgress, StageResult } from './types.js';
import type { StageName } from './pipeline.js';

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

/** The states a run ends in. */
export const RUN_END_STATES: readonly string[] = [
  'completed',
  'completed-with-failures',
  'failed',
  'cancelled',
  'rejected',
  'rolled-back',
] satisfies RunEndState[];

/** A run that went through ends `completed`, or `completed-with-failures` when any item failed. */
/** The run's Knox employee read, from the stage that made it (the first to read employees). */
export function knoxReadOf(stages: readonly Pick<StageResult, 'knoxRead'>[]): Pick<OrgSyncResult, 'knoxRead'> {
  const knoxRead = stages.find((s) => s.knoxRead)?.knoxRead;
  return knoxRead ? { knoxRead } : {};
}

export function runEndState(stages: readonly Pick<StageResult, 'counts'>[], failed: boolean, cancelled: boolean): RunEndState {
  if (failed) return 'failed';
  if (cancelled) return 'cancelled';
  return stages.some((s) => s.counts.failed > 0) ? 'completed-with-failures' : 'completed';
}

export function sumOps(a: OperationCounts, b: OperationCounts): OperationCounts {
  return { create: a.create + b.create, update: a.update + b.update, delete: a.delete + b.delete };
}

export const totalOps = (ops: OperationCounts): number => ops.create + ops.update + ops.delete;

/** One entry per stage: the follow-up pass's counts are added to its main pass. */
export function mergeResults(results: readonly StageResult[]): StageResult[] {
  const merged = new Map<StageName, StageResult>();
  for (const r of results) {
    const prior = merged.get(r.stage);
    if (!prior) {
      merged.set(r.stage, { ...r, outcomes: [...r.outcomes] });
      continue;
    }
    prior.counts = {
      ...prior.counts,
      done: prior.counts.done + r.counts.done,
      failed: prior.counts.failed + r.counts.failed,
      skipped: prior.counts.skipped + r.counts.skipped,
      planned: prior.counts.planned + r.counts.planned,
    };
    prior.ops = sumOps(prior.ops, r.ops);
    prior.plannedOps = sumOps(prior.plannedOps, r.plannedOps);
    prior.durationMs += r.durationMs;
    keepOutcomes(
      prior.outcomes,
      prior.outcomes.reduce((bytes, o) => bytes + outcomeBytes(o), 0),
      r.outcomes,
    );
    if (r.state !== 'completed') prior.state = r.state;
    if (r.message) prior.message = r.message;
  }
  return [...merged.values()];
}

/** The same for live progress: one row per stage, the follow-up pass's counts added to the main pass's. */
export function mergeProgress(list: readonly StageProgress[]): StageProgress[] {
  const merged = new Map<StageName, StageProgress>();
  for (const p of list) {
    const prior = merged.get(p.stage);
    if (!prior) merged.set(p.stage, { ...p, counts: { ...p.counts } });
    else {
      const c = prior.counts;
      prior.counts = {
        planned: c.planned + p.counts.planned,
        done: c.done + p.counts.done,
        failed: c.failed + p.counts.failed,
        skipped: c.skipped + p.counts.skipped,
        unchanged: c.unchanged,
      };
      prior.state = p.state;
      prior.pass = p.pass;
      if (p.hold) prior.hold = p.hold;
    }
  }
  return [...merged.values()];
}
