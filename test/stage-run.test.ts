import { describe, expect, it } from 'vitest';
import { planFailure, StageFailure, StageRun, stageResult } from '../engine/stage-run.js';
import type { ItemOutcome, PlanSummary } from '../engine/types.js';
import { stageResult as quietStage } from './helpers/results.js';

const step = { stage: 'employees', pass: 'main' } as const;

function summary(over: Partial<PlanSummary> = {}): PlanSummary {
  return {
    planRef: 'runs/r/plans/employees-1',
    ops: { main: { create: 60, update: 0, delete: 2 }, followUp: { create: 0, update: 1, delete: 0 } },
    unchanged: 7,
    sourceCount: 67,
    targetCount: 9,
    invalid: 1,
    invalidSample: [
      { stage: 'employees', key: 'E0', op: 'read', outcome: 'failed', code: 'KNOX_INVALID_RECORD', message: 'Knox record rejected' },
    ],
    waves: { main: [{ start: 0, end: 62 }], followUp: [{ start: 62, end: 63 }] },
    guard: { holds: false, deletions: 2, existing: 9, reason: 'within limits' },
    preview: [],
    ...over,
  };
}

const failure = (key: string, code = 'WORKPLACE_VALIDATION'): ItemOutcome => ({
  stage: 'employees',
  key,
  op: 'create',
  outcome: 'failed',
  code,
  message: `refused ${key}`,
});

function planned(maxFailureShare = 1): StageRun {
  const run = new StageRun(step, false, { maxFailureShare }, { paused: false, startedAt: 1_000 });
  run.planned(summary());
  return run;
}

describe('planFailure', () => {
  it.each([
    ['WORKPLACE_AUTH', /^WORKPLACE refused orgsync's credentials, so the run stops here .*: 401 nope\. Check /],
    ['KNOX_AUTH', /^Knox refused orgsync's credentials, so the run stops here .*: 401 nope\. Check /],
    ['KNOX_SOURCE_UNUSABLE', /^401 nope$/],
    ['WORKPLACE_SERVER', /^could not read the source or the current state: 401 nope$/],
  ])('%s stops the stage with its own message', (code, message) => {
    const failure = planFailure(code, '401 nope');
    expect(failure).toBeInstanceOf(StageFailure);
    expect(failure.message).toMatch(message);
  });
});

describe('StageRun', () => {
  it('starts counting from the plan: planned is its own pass, invalid Knox records are failed items', () => {
    const run = planned();
    expect(run.progress().counts).toEqual({ planned: 62, done: 0, failed: 1, skipped: 0, unchanged: 7 });
    expect(run.carry!.cursor).toBe(0);
  });

  it('fails the stage as a whole when its first 50 writes all failed, naming the last answer', () => {
    const run = planned();
    for (let i = 1; i <= 49; i++) run.writeFailed(failure(`E${i}`));
    expect(run.shouldStop()).toBe(false);
    run.writeFailed(failure('E50'));
    expect(run.shouldStop()).toBe(true);
    expect(() => run.checkFailurePolicy()).toThrow(new StageFailure('the first 50 writes all failed; the last: refused E50'));
  });

  it('fails when every attempted write failed, and not when one succeeded', () => {
    const all = planned();
    all.writeFailed(failure('E1'));
    all.writeFailed(failure('E2'));
    expect(() => all.checkFailurePolicy(true)).toThrow('all 2 attempted writes failed; the last: refused E2');
    const one = planned();
    one.writeFailed(failure('E1'));
    one.written(1, 'create');
    expect(() => one.checkFailurePolicy(true)).not.toThrow();
    expect(one.pendingWrites).toEqual([{ planRef: 'runs/r/plans/employees-1', i: 1, op: 'create' }]);
  });

  it('fails past maxFailureShare only', () => {
    const run = planned(0.25);
    run.written(2, 'create');
    run.written(3, 'create');
    run.written(4, 'update');
    run.writeFailed(failure('E1'));
    expect(() => run.checkFailurePolicy(true)).not.toThrow();
    run.writeFailed(failure('E2'));
    expect(() => run.checkFailurePolicy(true)).toThrow('2 of 5 writes failed, more than the allowed 25%');
  });

  it('stops at once and names the credentials when WORKPLACE refuses them', () => {
    const run = planned();
    run.writeFailed(failure('E1', 'WORKPLACE_AUTH'));
    expect(run.shouldStop()).toBe(true);
    expect(run.finishedCleanly).toBe(false);
    expect(() => run.checkFailurePolicy()).toThrow(/^WORKPLACE refused orgsync's credentials.*refused E1.*NCP_ACCESS_KEY/);
  });

  it('skips deletions the operator rejected, with the decision in the reason', () => {
    const run = planned();
    run.decided(summary({ guard: { holds: true, deletions: 2, existing: 9, reason: 'many' } }), false);
    expect(run.carry!.guard).toEqual({ deletions: 2, decision: 'timed-out' });
    expect(run.skipReason({ i: 3, op: 'delete', key: 'E3' })).toEqual({
      code: 'DELETION_REJECTED',
      message: 'not deleted: the deletion guard held and the deletions were timed-out',
    });
    expect(run.skipReason({ i: 4, op: 'create', key: 'E4' })).toBeUndefined();
  });

  it('reports a stop on request as cancelled, with what was not attempted', () => {
    const run = planned();
    run.written(5, 'create');
    run.stopping = true;
    const result = run.toResult(4_000);
    expect(result).toMatchObject({
      state: 'cancelled',
      durationMs: 3_000,
      message: 'stopped on request after 1 writes; 60 not attempted',
      followUpItems: 1,
    });
  });

  it('reports a dry run with the whole plan, follow-up included, and the guard as dry-run', () => {
    const run = new StageRun(step, true, { maxFailureShare: 1 }, { paused: false, startedAt: 0 });
    run.planned(summary({ guard: { holds: true, deletions: 2, existing: 9, reason: 'many' } }));
    const result = run.toResult(10);
    expect(result.plannedOps).toEqual({ create: 60, update: 1, delete: 2 });
    expect(result.counts.planned).toBe(63);
    expect(result.guard).toEqual({ deletions: 2, decision: 'dry-run' });
    expect(result.followUpItems).toBeUndefined();
  });

  it('builds a failed result that keeps its counts and names the reason', () => {
    const run = planned();
    run.writeFailed(failure('E1'));
    const result = run.toResult(2_000, 'all 1 attempted writes failed');
    expect(result).toMatchObject({
      state: 'failed',
      message: 'all 1 attempted writes failed',
      plannedOps: { create: 60, update: 0, delete: 2 },
    });
    expect(result.counts.failed).toBe(2);
    expect(result.outcomes.map((o) => o.key)).toEqual(['E0', 'E1']);
  });

  it('gives a stage the parent saw end abnormally empty counts unless it heard some', () => {
    expect(stageResult(step, 'failed', { message: 'terminated' })).toEqual(
      quietStage({ stage: 'employees', state: 'failed', durationMs: 0, message: 'terminated' }),
    );
  });
});
