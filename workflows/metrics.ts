/**
 * Run-level counters emitted from workflow code, through the workflow metricMeter (replay-safe: the SDK
 * drops increments made while replaying). The worker adds namespace, taskQueue and workflowType.
 * orgsync_items_total is in stage.ts; the gauges the alerts read come from worker/metrics.ts.
 */
import { metricMeter } from '@temporalio/workflow';
import type { OrgSyncResult } from '../engine/types.js';

/** orgsync_runs_total{outcome, dry_run}, outcome = the run's end state with underscores: call once, where the result is final. */
export function countRunEnded(result: OrgSyncResult): void {
  metricMeter
    .createCounter('orgsync_runs', 'runs', 'orgsync runs that ended, by outcome')
    .add(1, { outcome: result.state.replaceAll('-', '_'), dry_run: String(result.dryRun) });
}

/** orgsync_deletion_holds_total{stage}: call when a stage's deletion guard holds. */
export function countDeletionHold(stage: string): void {
  metricMeter.createCounter('orgsync_deletion_holds', 'holds', 'Deletion guards that held, waiting for an operator').add(1, { stage });
}
