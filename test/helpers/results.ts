/**
 * Run and stage results as the engine reports them (engine/types.ts), for the notification tests and
 * the stage-run test: a quiet default that each test overrides with what it is about.
 */
import type { ItemOutcome, OrgSyncResult, StageResult } from '../../engine/types.js';

export const RUN_ID = 'orgsync-20261125-020000';

/** A main pass of `stage` that completed with nothing to do, in a second; `over` says what did happen. */
export function stageResult(over: Partial<StageResult> & Pick<StageResult, 'stage'>): StageResult {
  return {
    pass: 'main',
    state: 'completed',
    counts: { planned: 0, done: 0, failed: 0, skipped: 0, unchanged: 0 },
    ops: { create: 0, update: 0, delete: 0 },
    plannedOps: { create: 0, update: 0, delete: 0 },
    durationMs: 1000,
    outcomes: [],
    ...over,
  };
}

/** A real (not dry) run that completed in a minute with no stages; `over` says what did happen. */
export function runResult(over: Partial<OrgSyncResult>): OrgSyncResult {
  return {
    runId: RUN_ID,
    state: 'completed',
    dryRun: false,
    startedAt: '2026-11-24T17:00:00.000Z',
    durationMs: 60_000,
    stages: [],
    ...over,
  };
}

/** The sample failure: WORKPLACE refused to create department D100 (인사팀), saying `message`. */
export function refusedDepartment(message: string): ItemOutcome {
  return { stage: 'departments', key: 'D100', label: '인사팀', op: 'create', outcome: 'failed', code: 'WORKPLACE_VALIDATION', message };
}
