/**
 * Run-level counters emitted from workflow code, through the workflow metricMeter (replay-safe: the SDK
 * drops increments made while replaying). The worker adds namespace, taskQueue and workflowType.
 * orgsync_items_total is in stage.ts; the gauges the alerts read come from worker/metrics.ts.
 */
import { metricMeter } from '@temporalio/workflow';
import type { OrgSyncResult } from '../engine/types.js';

/** completed | completed_with_problems | failed | cancelled: what "runs per day and their outcome" counts. */
export function runOutcome(result: OrgSyncResult): 'completed' | 'completed_with_problems' | 'failed' | 'cancelled' {
  if (result.state !== 'completed') return result.state;
  return result.stages.some((s) => s.counts.failed + s.counts.skipped > 0) ? 'completed_with_problems' : 'completed';
}

/** orgsync_runs_total{outcome, dry_run}: call once, where the run's result is final. */
export function countRunEnded(result: OrgSyncResult): void {
  metricMeter
    .createCounter('orgsync_runs', 'runs', 'orgsync runs that ended, by outcome')
    .add(1, { outcome: runOutcome(result), dry_run: String(result.dryRun) });
}

/** orgsync_deletion_holds_total{stage}: call when a stage's deletion guard holds. */
export function countDeletionHold(stage: string): void {
  metricMeter.createCounter('orgsync_deletion_holds', 'holds', 'Deletion guards that held, waiting for an operator').add(1, { stage });
}
