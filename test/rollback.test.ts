/**
 * Rollback (issue 12) on a real Temporal dev server against the simulators over real sockets: a run's
 * writes undone object by object, what changed since left alone unless forced, a dry run that writes
 * nothing, and sync.onStageFailure undoing a failed stage or the whole run.
 */
import { WorkflowFailedError, type ApplicationFailure } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { generateOrg, nextDay } from '../generator/index.js';
import type { LocalStack } from '../scripts/local-stack.js';
import type { OrgSyncInput, OrgSyncResult } from '../engine/types.js';
import { rollbackWorkflowId } from '../workflows/definitions.js';
import { orgSyncWorkflow } from '../workflows/org-sync.js';
import { OrgSyncState } from '../workflows/search-attributes.js';
import type { SimState } from '../workplace/simulator/server.js';
import { actualWorkplace, FAST, localStacks, NO_GUARD, syncDay1ThenChangeTo, writeCount } from './helpers/stack.js';
import { unique } from './helpers/temporal.js';

const { env, withStack } = localStacks();

/** A run's result, whether it completed or failed (a failed run carries its result in the failure). */
const outcomeOf = (run: Promise<OrgSyncResult>) =>
  run.then(
    (r) => r,
    (e: unknown) => {
      if (e instanceof WorkflowFailedError) return (e.cause as ApplicationFailure).details?.[0] as OrgSyncResult;
      throw e;
    },
  );

const rollBack = (stack: LocalStack, of: string, options: Omit<NonNullable<OrgSyncInput['rollback']>, 'of'> & OrgSyncInput = {}) => {
  const { force, ...input } = options;
  return outcomeOf(
    env().client.workflow.execute(orgSyncWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: input.dryRun ? `${rollbackWorkflowId(of)}/${unique('preview')}` : rollbackWorkflowId(of),
      args: [{ tuning: FAST, rollback: { of, ...(force ? { force } : {}) }, ...input }],
    }),
  );
};

/** Everything a rollback must put back, per object: the projection the engine tests use, plus each hire date and job title. */
function held(state: SimState) {
  return {
    ...actualWorkplace(state),
    hireDates: Object.fromEntries(Object.entries(state.employees).map(([k, e]) => [k, e.employYmd])),
    jobs: Object.fromEntries(Object.entries(state.jobs).map(([k, j]) => [k, j.name])),
  };
}

const skipsOf = (result: OrgSyncResult, code: string) =>
  result.stages.flatMap((s) => s.outcomes.filter((o) => o.code === code).map((o) => `${s.stage}:${o.key}`));

describe('orgsync rollback', () => {
  it('puts WORKPLACE back as the day-1 run left it, object by object, after a day-2 run with churn; a rerun of day 1 then writes nothing', async () => {
    const day1 = generateOrg({ seed: 51, employees: 150, departments: 16 });
    const { org: day2, changes } = nextDay(day1, { seed: 52, churn: 0.08 });
    await withStack(day1, { settings: NO_GUARD }, async (stack) => {
      expect((await stack.sync(unique('day1'), { tuning: FAST })).state).toBe('completed');
      const afterDay1 = held(stack.workplaceSimulator.dump());
      const day1State = stack.workplaceSimulator.dump();

      stack.knoxSimulator.setOrg(day2);
      const day2Id = unique('day2');
      expect((await stack.sync(day2Id, { tuning: FAST })).state).toBe('completed');
      const afterDay2 = held(stack.workplaceSimulator.dump());
      // The churn touched every kind of object the rollback must undo.
      expect(changes.hired.length).toBeGreaterThan(0);
      expect(changes.resigned.length).toBeGreaterThan(0);
      expect(afterDay2).not.toEqual(afterDay1);

      const undone = await rollBack(stack, day2Id);
      expect(undone.state).toBe('completed');
      expect(undone.rollbackOf).toBe(day2Id);
      expect(held(stack.workplaceSimulator.dump())).toEqual(afterDay1);
      // Object by object, every field WORKPLACE holds.
      expect(stack.workplaceSimulator.dump()).toEqual(day1State);
      // Leavers came back with their own epId and their original hire date (held() compares both).
      for (const epId of changes.resigned) expect(stack.workplaceSimulator.dump().employees[epId]).toBeDefined();

      // The recorded Reports To and attribute values moved back too: a sync of day 1 finds nothing to do.
      stack.knoxSimulator.setOrg(day1);
      stack.workplaceSimulator.clearLog();
      const rerun = await stack.sync(unique('day1-again'), { tuning: FAST });
      expect(rerun.state).toBe('completed');
      expect(writeCount(stack.workplaceSimulator)).toBe(0);
    });
  });

  it('skips what changed since the run, names it, and undoes it with force; a dry run writes nothing', async () => {
    const day1 = generateOrg({ seed: 53, employees: 60, departments: 8 });
    const { org: day2 } = nextDay(day1, { seed: 54, churn: 0.1 });
    await withStack(day1, { settings: NO_GUARD }, async (stack) => {
      await syncDay1ThenChangeTo(stack, day2);
      const day2Id = unique('day2');
      await stack.sync(day2Id, { tuning: FAST });
      const afterDay2 = stack.workplaceSimulator.dump();

      // Someone renames, by hand, a department the day-2 run created.
      const created = Object.keys(afterDay2.departments).filter((code) => !day1.organizations.some((o) => o.departmentCode === code));
      expect(created.length).toBeGreaterThan(0);
      const edited = created[0]!;
      stack.workplaceSimulator.seed({
        departments: { ...afterDay2.departments, [edited]: { ...afterDay2.departments[edited]!, name: '손으로 고친 부서' } },
      });

      stack.workplaceSimulator.clearLog();
      const preview = await rollBack(stack, day2Id, { dryRun: true });
      expect(preview.state).toBe('completed');
      expect(preview.dryRun).toBe(true);
      expect(writeCount(stack.workplaceSimulator)).toBe(0);
      const planned = preview.stages.reduce((n, s) => n + s.plannedOps.create + s.plannedOps.update + s.plannedOps.delete, 0);
      expect(planned).toBeGreaterThan(0);

      const undone = await rollBack(stack, day2Id);
      expect(undone.state).toBe('completed');
      expect(skipsOf(undone, 'CHANGED_SINCE_RUN')).toEqual([`departments:${edited}`]);
      expect(undone.stages.find((s) => s.stage === 'departments')?.outcomes.find((o) => o.key === edited)?.message).toMatch(
        /changed since run .* \(name; by a later run or by hand\).*--force/,
      );
      expect(stack.workplaceSimulator.dump().departments[edited]?.name).toBe('손으로 고친 부서');
      // What the preview planned (the edited item already left out) is what the rollback did.
      expect(undone.stages.reduce((n, s) => n + s.counts.done, 0)).toBe(planned);

      const forced = await outcomeOf(
        env().client.workflow.execute(orgSyncWorkflow, {
          taskQueue: stack.taskQueue,
          workflowId: `${rollbackWorkflowId(day2Id)}-forced`,
          args: [{ tuning: FAST, rollback: { of: day2Id, force: true } }],
        }),
      );
      expect(forced.state).toBe('completed');
      expect(stack.workplaceSimulator.dump().departments[edited]).toBeUndefined();
    });
  });

  it('with sync.onStageFailure rollback-stage, a department stage that fails midway leaves the departments as they were before the run', async () => {
    const day1 = generateOrg({ seed: 57, employees: 40, departments: 12 });
    // A mapping change on Knox's side renames every department; WORKPLACE refuses a third of the new names.
    const renamed = { ...day1, organizations: day1.organizations.map((o) => ({ ...o, departmentName: `${o.departmentName} (신)` })) };
    const refused = day1.organizations.filter((_, i) => i % 3 === 2).map((o) => o.departmentCode);
    await withStack(day1, { settings: { ...NO_GUARD, maxFailureShare: 0.2, onStageFailure: 'rollback-stage' } }, async (stack) => {
      await stack.sync(unique('day1'), { tuning: FAST });
      const before = stack.workplaceSimulator.dump();
      stack.knoxSimulator.setOrg(renamed);
      stack.workplaceSimulator.faults.failKeys(refused, '부서명이 올바르지 않습니다');
      const runId = unique('renaming');
      const result = await stack.sync(runId, { tuning: FAST });
      expect(result.state).toBe('rolled-back');
      const departments = result.stages.find((s) => s.stage === 'departments');
      expect(departments?.counts.failed).toBe(refused.length);
      expect(departments?.counts.done).toBe(day1.organizations.length - refused.length);
      expect(result.rolledBack).toMatchObject({ stages: ['departments'], state: 'completed' });
      expect(stack.workplaceSimulator.dump()).toEqual(before);
    });
  });

  it.each([
    { policy: 'rollback-stage', kept: ['grades', 'jobs', 'departments'] },
    { policy: 'rollback-run', kept: [] },
  ] as const)(
    'with sync.onStageFailure $policy, a first run whose employee stage fails undoes its writes and ends rolled-back',
    async ({ policy, kept }) => {
      const org = generateOrg({ seed: 55, employees: 40, departments: 6 });
      const refused = org.employees.slice(1, 13).map((e) => e.epId); // 30%, more than maxFailureShare allows
      await withStack(org, { settings: { ...NO_GUARD, maxFailureShare: 0.2, onStageFailure: policy } }, async (stack) => {
        stack.workplaceSimulator.faults.failKeys(refused, '사원 정보가 올바르지 않습니다');
        const runId = unique('failing');
        const result = await stack.sync(runId, { tuning: FAST });
        expect(result.state).toBe('rolled-back');
        expect(result.rolledBack).toMatchObject({ runId: rollbackWorkflowId(runId), state: 'completed' });
        expect(result.rolledBack?.stages).toEqual(
          policy === 'rollback-stage' ? ['employees'] : ['grades', 'jobTitles', 'departments', 'employees'],
        );
        expect(result.message).toMatch(/사원 employees failed, so the run stopped before the next stage: .* were rolled back by/);
        // What the Temporal UI lists: the state, and the memo naming what was rolled back and by which run.
        const described = await env().client.workflow.getHandle(runId).describe();
        expect(described.typedSearchAttributes.get(OrgSyncState)).toBe('rolled-back');
        expect(described.memo?.summary).toMatch(
          new RegExp(`^rolled-back in \\d+s: .* · rolled back .* by ${rollbackWorkflowId(runId)}: completed$`),
        );
        const state = stack.workplaceSimulator.dump();
        expect(Object.keys(state.employees)).toEqual([]);
        const nonEmpty = (['grades', 'jobs', 'departments'] as const).filter((kind) => Object.keys(state[kind]).length > 0);
        expect(nonEmpty).toEqual(kept);
        // The rollback is a run of its own, with the failed run's id and the usual per-stage results.
        const rollback: OrgSyncResult = await env().client.workflow.getHandle<typeof orgSyncWorkflow>(rollbackWorkflowId(runId)).result();
        expect(rollback.stages.find((s) => s.stage === 'employees')?.ops.delete).toBe(org.employees.length - refused.length);
      });
    },
  );
});
