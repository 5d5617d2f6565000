/**
 * A reviewed run (issue 16): `orgsync run --review` plans every stage and waits; approved, it writes
 * exactly the items it showed, compared here with the WORKPLACE simulator's own request log; rejected or
 * undecided, it writes nothing; an item WORKPLACE changed in between is re-planned, not overwritten.
 */
import { describe, expect, it } from 'vitest';
import { generateOrg, nextDay } from '../generator/index.js';
import type { LocalStack } from '../scripts/local-stack.js';
import { readPlanItems, readPlanMeta } from '../engine/plan-store.js';
import type { PlanItem } from '../engine/plan.js';
import type { StageName } from '../engine/pipeline.js';
import { approveRunUpdate, progressQuery, rejectRunUpdate, reviewPrefix, stageWorkflowId } from '../workflows/definitions.js';
import { orgSyncWorkflow } from '../workflows/org-sync.js';
import { FAST, localStacks, NO_GUARD, syncDay1ThenChangeTo, writeCount } from './helpers/stack.js';
import { eventually, unique } from './helpers/temporal.js';

const { env, withStack } = localStacks();

/** Starts a reviewed run and waits until it is parked for the decision; returns its handle and the reviewed plans. */
async function parkedForReview(stack: LocalStack) {
  const handle = await env().client.workflow.start(orgSyncWorkflow, {
    taskQueue: stack.taskQueue,
    workflowId: unique('review'),
    args: [{ tuning: FAST, review: true }],
  });
  const progress = await eventually(
    async () => {
      const p = await handle.query(progressQuery);
      return p.state === 'awaiting-review' && p;
    },
    { timeoutMs: 90_000, what: 'the run to wait for its review' },
  );
  return { handle, review: progress.review! };
}

/** The WORKPLACE request each planned item makes, in the simulator's log terms (workplace/assumptions.ts defaults). */
const NOUN: Record<StageName, string> = {
  grades: 'grade',
  jobTitles: 'job',
  departments: 'department',
  employees: 'employee',
  reportsTo: 'reportsTo',
  additionalAttributes: 'addattr',
  absenceItems: 'absence',
};
const METHOD = { create: 'POST', update: 'PUT', delete: 'DELETE' } as const;
function requestOf(stage: StageName, item: PlanItem): string {
  if (stage === 'reportsTo') return `${item.op === 'delete' ? 'DELETE' : 'PUT'} reportsTo ${item.key}`;
  const [employee, attribute] = item.key.split('/');
  if (stage === 'additionalAttributes' && attribute) return `${METHOD[item.op]} addattrdata ${employee}`;
  return `${METHOD[item.op]} ${NOUN[stage]} ${item.key}`;
}

describe('a reviewed run', () => {
  it('writes nothing until approved, then exactly the items the review planned, each once', async () => {
    const day1 = generateOrg({ seed: 61, employees: 80, departments: 10 });
    const { org: day2 } = nextDay(day1, { seed: 62, churn: 0.1 });
    await withStack(day1, { settings: NO_GUARD }, async (stack) => {
      await syncDay1ThenChangeTo(stack, day2);
      stack.workplaceSimulator.clearLog();

      const { handle, review } = await parkedForReview(stack);
      expect(writeCount(stack.workplaceSimulator)).toBe(0);
      const { currentDetails } = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(currentDetails).toContain(`The plan waits for review`);
      expect(currentDetails).toContain(`orgsync approve-run ${handle.workflowId}`);
      // Its stages planned as their own children, under <run>/review/.
      await env()
        .client.workflow.getHandle(stageWorkflowId(reviewPrefix(handle.workflowId), { stage: 'employees', pass: 'main' }))
        .describe();

      const planned: string[] = [];
      for (const { stage, planRef } of review.stages) {
        if (!planRef) continue;
        const meta = await readPlanMeta(stack.store, planRef);
        for (const item of await readPlanItems(stack.store, planRef, 0, meta.total)) if (!item.skip) planned.push(requestOf(stage, item));
      }
      expect(planned.length).toBeGreaterThan(20);

      await handle.executeUpdate(approveRunUpdate, { args: ['kim.reviewer'] });
      const result = await handle.result();
      expect(result.state).toBe('completed');
      expect(result.review).toMatchObject({ decision: 'approved', by: 'kim.reviewer' });
      const written = stack.workplaceSimulator
        .log()
        .filter((e) => e.method !== 'GET')
        .map((e) => `${e.route} ${e.externalKey ?? ''}`);
      expect(written.sort()).toEqual(planned.sort());
    });
  });

  it('writes nothing when rejected, or when nobody decides in time', async () => {
    const day1 = generateOrg({ seed: 63, employees: 30, departments: 5 });
    await withStack(
      day1,
      { settings: { ...NO_GUARD, deletionGuard: { ...NO_GUARD.deletionGuard, decisionTimeout: '3s' } } },
      async (stack) => {
        const rejected = await parkedForReview(stack);
        expect(await rejected.handle.executeUpdate(rejectRunUpdate, { args: ['kim.reviewer'] })).toMatch(/nothing is written/);
        const result = await rejected.handle.result();
        expect(result.state).toBe('rejected');
        expect(result.review).toMatchObject({ decision: 'rejected', by: 'kim.reviewer' });
        expect(result.message).toMatch(/rejected: nothing was written/);

        const silent = await parkedForReview(stack);
        const timedOut = await silent.handle.result();
        expect(timedOut.state).toBe('rejected');
        expect(timedOut.review?.decision).toBe('timed-out');
        expect(writeCount(stack.workplaceSimulator)).toBe(0);
        // A decision on a run that is not waiting for one is refused.
        await expect(silent.handle.executeUpdate(approveRunUpdate, { args: ['late'] })).rejects.toThrow();
      },
    );
  });

  it('re-plans an item whose WORKPLACE state changed since the review, instead of overwriting it', async () => {
    const day1 = generateOrg({ seed: 65, employees: 60, departments: 8 });
    const { org: day2, changes } = nextDay(day1, { seed: 66, churn: 0.1 });
    const renamed = [...changes.departmentsRenamed][0];
    expect(renamed).toBeDefined();
    await withStack(day1, { settings: NO_GUARD }, async (stack) => {
      await syncDay1ThenChangeTo(stack, day2);
      const { handle } = await parkedForReview(stack);

      // Between the review and the approval someone renames that department by hand.
      const departments = stack.workplaceSimulator.dump().departments;
      stack.workplaceSimulator.seed({ departments: { [renamed!]: { ...departments[renamed!]!, name: '검토 후 바뀐 이름' } } });
      stack.workplaceSimulator.clearLog();

      await handle.executeUpdate(approveRunUpdate, { args: ['kim.reviewer'] });
      const result = await handle.result();
      const skip = result.stages.find((s) => s.stage === 'departments')?.outcomes.find((o) => o.key === renamed);
      expect(skip).toMatchObject({ outcome: 'skipped', code: 'CHANGED_SINCE_REVIEW' });
      expect(skip?.message).toMatch(/changed since the review/);
      expect(stack.workplaceSimulator.dump().departments[renamed!]?.name).toBe('검토 후 바뀐 이름');
      expect(
        stack.workplaceSimulator.log().some((e) => e.method === 'PUT' && e.route === 'PUT department' && e.externalKey === renamed),
      ).toBe(false);
    });
  });
});
