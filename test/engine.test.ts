/**
 * The sync engine on a real Temporal dev server, against the Knox and WORKPLACE simulators over real
 * sockets. Every expectation about WORKPLACE is stated independently of the engine's own mapping code
 * (test/helpers/stack.ts), from the generator's change log, or from the simulator's request log.
 */
import { WorkflowFailedError, type ApplicationFailure } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { GeneratedOrg } from '../generator/index.js';
import { generateOrg, nextDay } from '../generator/index.js';
import type { LocalStack } from '../scripts/local-stack.js';
import {
  approveDeletionsUpdate,
  pauseSignal,
  progressQuery,
  rejectDeletionsUpdate,
  resumeSignal,
  stageProgressQuery,
  stageWorkflowId,
} from '../workflows/definitions.js';
import { type OrgSyncProgress, type OrgSyncResult } from '../engine/types.js';
import { RUN_END_STATES } from '../engine/outcomes.js';
import { EMPLOYEE_READ_STATE_KEY, type EmployeeReadState } from '../engine/knox-read.js';
import { orgSyncWorkflow } from '../workflows/org-sync.js';
import { OrgSyncState } from '../workflows/search-attributes.js';
import { syncEmployeeWorkflow } from '../workflows/sync-employee.js';
import { actualWorkplace, expectedWorkplace, FAST, localStacks, NO_GUARD, writeCount, writesByRoute } from './helpers/stack.js';
import { eventually, unique } from './helpers/temporal.js';

const WRITES = ['POST', 'PUT', 'DELETE'];
const { env, withStack } = localStacks();

/** The stages a whole run reports, in order: written out here, not read from PIPELINE, so a reordering shows. */
const EVERY_STAGE = ['grades', 'jobTitles', 'departments', 'employees', 'reportsTo', 'additionalAttributes', 'absenceItems'];
const stage = (result: OrgSyncResult, name: string) => result.stages.find((s) => s.stage === name);
const progressOf = (workflowId: string) => env().client.workflow.getHandle(workflowId).query(progressQuery);
const startRun = (stack: LocalStack, input: Parameters<typeof orgSyncWorkflow>[0] = {}) =>
  env().client.workflow.start(orgSyncWorkflow, {
    taskQueue: stack.taskQueue,
    workflowId: unique('run'),
    args: [{ tuning: FAST, ...input }],
  });

describe('a sync run', () => {
  it('makes WORKPLACE equal the mapped Knox org, and a rerun writes nothing', async () => {
    const org = generateOrg({ seed: 7, employees: 120, departments: 20 });
    await withStack(org, {}, async (stack) => {
      const initialId = unique('initial');
      const result = await stack.sync(initialId, { tuning: FAST });
      expect(result.state).toBe('completed');
      expect(actualWorkplace(stack.workplaceSimulator.dump())).toEqual(expectedWorkplace(org));
      // What the Temporal UI shows as the run's details: its date and the per-stage table.
      const { currentDetails } = await env()
        .client.workflow.getHandle(initialId)
        .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(currentDetails).toMatch(/^\*\*orgsync run\*\* of \d{4}-\d\d-\d\d \d\d:\d\d KST · completed\n/);
      expect(currentDetails).toContain(`| 사원 employees | completed | ${org.employees.length} | ${org.employees.length} | 0 | 0 | 0 |`);
      expect(stage(result, 'employees')?.ops.create).toBe(org.employees.length);
      expect(result.stages.every((s) => s.counts.failed === 0 && s.counts.skipped === 0)).toBe(true);
      // Everyone was created by this run, so nobody's Reports To or attribute values needed reading first.
      expect(stack.workplaceSimulator.counters().byRoute['GET reportsTo'] ?? 0).toBe(0);
      expect(stack.workplaceSimulator.counters().byRoute['GET addattrdata'] ?? 0).toBe(0);
      // The parent's history grows with its stages, not with the progress reports they send it.
      const parentEvents = (await env().client.workflow.getHandle(initialId).fetchHistory()).events!;
      const children = parentEvents.filter((e) => e.childWorkflowExecutionStartedEventAttributes).length;
      const reports = parentEvents.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'stageProgressReport').length;
      expect(reports).toBeGreaterThan(children);
      expect(parentEvents.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes).length).toBeLessThanOrEqual(2 * children + 4);

      const writesBefore = writeCount(stack.workplaceSimulator);
      const rerun = await stack.sync(unique('rerun'), { tuning: FAST });
      expect(rerun.state).toBe('completed');
      expect(
        stack.workplaceSimulator
          .log()
          .filter((e) => WRITES.includes(e.method))
          .slice(writesBefore),
      ).toEqual([]);
      expect(rerun.stages.every((s) => s.counts.planned === 0)).toBe(true);
    });
  });

  it.each([
    { emptyValues: 'null' as const, drift: 'null' },
    { emptyValues: 'omitted' as const, drift: 'absent' },
  ])(
    'reads a Knox that sends empty fields as $emptyValues exactly like the seed: the same writes, no failed item, the difference reported as drift',
    async ({ emptyValues, drift }) => {
      const org = generateOrg({ seed: 71, employees: 60, departments: 8 });
      const run = async (dialect: Parameters<LocalStack['knoxSimulator']['setDialect']>[0]) => {
        let outcome: {
          result: OrgSyncResult;
          writes: Map<string, Set<string>>;
          state: ReturnType<LocalStack['workplaceSimulator']['dump']>;
        };
        await withStack(org, {}, async (stack) => {
          stack.knoxSimulator.setDialect(dialect);
          const result = await stack.sync(unique('dialect'), { tuning: FAST });
          outcome = { result, writes: writesByRoute(stack.workplaceSimulator), state: stack.workplaceSimulator.dump() };
        });
        return outcome!;
      };
      const seed = await run({});
      const other = await run({ emptyValues });
      expect(other.writes).toEqual(seed.writes);
      expect(other.state).toEqual(seed.state);
      expect(other.result.stages.map((s) => [s.stage, s.counts.failed])).toEqual(seed.result.stages.map((s) => [s.stage, 0]));
      const knoxDrift = other.result.stages.flatMap((s) => s.drift ?? []).filter((d) => d.dataset.startsWith('Knox'));
      expect(knoxDrift.map((d) => d.dataset).sort()).toEqual(['Knox employees', 'Knox organizations']);
      expect(knoxDrift.flatMap((d) => d.fields).filter((f) => f.kind === drift).length).toBeGreaterThan(0);
      expect(seed.result.stages.flatMap((s) => s.drift ?? [])).toEqual([]);
    },
  );

  it('writes exactly the next day’s changes: hires, leavers, transfers, renames, moves and heads', async () => {
    const day1 = generateOrg({ seed: 11, employees: 150, departments: 25 });
    const { org: day2, changes } = nextDay(day1, { seed: 12, churn: 0.05 });
    await withStack(day1, { settings: NO_GUARD }, async (stack) => {
      await stack.sync(unique('day1'), { tuning: FAST });
      stack.workplaceSimulator.clearLog();
      stack.knoxSimulator.setOrg(day2);
      const result = await stack.sync(unique('day2'), { tuning: FAST });
      expect(result.state).toBe('completed');
      // Day 1 read Knox per department (no earlier complete read); day 2 by title, checked.
      expect(result.knoxRead).toMatchObject({ mode: 'title', checks: { missed: 0 } });

      const writes = writesByRoute(stack.workplaceSimulator);
      const keys = (route: string) => [...(writes.get(route) ?? [])].sort();
      expect(keys('POST employee')).toEqual([...changes.hired].sort());
      expect(keys('DELETE employee')).toEqual([...changes.resigned].sort());
      expect(keys('POST department')).toEqual([...changes.departmentsAdded].sort());
      expect(keys('DELETE department')).toEqual([...changes.departmentsDeleted].sort());

      // Updates: exactly the people and departments whose mapped Knox attributes changed…
      expect(keys('PUT employee')).toEqual(
        changedKeys(day1.employees, day2.employees, 'epId', [
          'fullName',
          'enFullName',
          'emailAddress',
          'departmentCode',
          'titleCode',
          'gradeName',
          'officeTelNumber',
          'mobile',
        ]),
      );
      // (A department created today gets its head in the follow-up pass, once the head exists: one more PUT.)
      const headed = new Set(day2.employees.map((e) => e.userId));
      const newWithHead = day2.organizations
        .filter((o) => changes.departmentsAdded.includes(o.departmentCode) && headed.has(o.managerId ?? ''))
        .map((o) => o.departmentCode);
      const deptChanges = changedKeys(day1.organizations, day2.organizations, 'departmentCode', [
        'departmentName',
        'enDepartmentName',
        'uprDepartmentCode',
        'departmentOrder',
        'managerId',
      ]);
      expect(keys('PUT department')).toEqual([...new Set([...deptChanges, ...newWithHead])].sort());
      // …which covers every transfer, promotion, rename and move the generator made.
      for (const epId of [...changes.transferred, ...changes.promoted, ...changes.renamed]) expect(keys('PUT employee')).toContain(epId);
      for (const code of [...changes.departmentsRenamed, ...changes.departmentsMoved]) expect(keys('PUT department')).toContain(code);

      const before = expectedWorkplace(day1).reportsTo;
      const after = expectedWorkplace(day2).reportsTo;
      const stillEmployed = new Set(day2.employees.map((e) => e.epId));
      expect(keys('PUT reportsTo')).toEqual(
        Object.keys(after)
          .filter((k) => after[k] !== before[k])
          .sort(),
      );
      expect(keys('DELETE reportsTo')).toEqual(
        Object.keys(before)
          .filter((k) => !(k in after) && stillEmployed.has(k))
          .sort(),
      );

      expect(actualWorkplace(stack.workplaceSimulator.dump())).toEqual(expectedWorkplace(day2));
    });
  });

  it('deletes a leaver before creating the hire who takes their freed login id the same day', async () => {
    const day1 = generateOrg({ seed: 13, employees: 30, departments: 5 });
    const leaver = day1.employees[12]!;
    const hire = { ...leaver, epId: 'D199900000001C600001', fullName: '신입사원', employeeNumber: '9999001' };
    const day2: GeneratedOrg = { ...day1, employees: [...day1.employees.filter((e) => e.epId !== leaver.epId), hire] };
    await withStack(day1, {}, async (stack) => {
      await stack.sync(unique('day1'), { tuning: FAST });
      stack.knoxSimulator.setOrg(day2);
      const result = await stack.sync(unique('day2'), { tuning: FAST });
      expect(result.stages.flatMap((s) => s.outcomes)).toEqual([]);
      const employees = stack.workplaceSimulator.dump().employees;
      expect(employees[leaver.epId]).toBeUndefined();
      expect(employees[hire.epId]).toEqual(expect.objectContaining({ loginId: leaver.emailAddress.toLowerCase(), name: '신입사원' }));
    });
  });

  it('reads day 2 by title, and a person that read misses unnoticed is not deleted: the leaver is confirmed by epId first', async () => {
    const day1 = generateOrg({ seed: 17, employees: 150, departments: 25 });
    const heads = new Set(day1.organizations.map((o) => o.managerId));
    const missed = day1.employees.find((e, i) => i > 20 && !heads.has(e.userId))!;
    await withStack(day1, { settings: NO_GUARD }, async (stack) => {
      const first = await stack.sync(unique('day1'), { tuning: FAST });
      expect(first.knoxRead).toMatchObject({ mode: 'department' });
      // The checks compare the title read with the previous read's people: take the person out of it, and
      // have Knox's title search leave them out too. Only the leaver's confirmation by epId stands between them and deletion.
      const state = (await stack.store.readJson<EmployeeReadState>(EMPLOYEE_READ_STATE_KEY))!;
      const c60 = state.companies.C60!;
      await stack.store.writeJson(EMPLOYEE_READ_STATE_KEY, {
        ...state,
        companies: { C60: { ...c60, epIds: c60.epIds.filter((id) => id !== missed.epId) } },
      });
      stack.knoxSimulator.faults.hideFromTitleSearch([missed.epId]);
      const second = await stack.sync(unique('day2'), { tuning: FAST });
      expect(second.knoxRead).toMatchObject({ mode: 'title', checks: { missed: 0 } });
      expect(stage(second, 'employees')?.outcomes).toContainEqual(
        expect.objectContaining({ key: missed.epId, op: 'delete', outcome: 'skipped', code: 'KNOX_STILL_EMPLOYED' }),
      );
      expect(stack.workplaceSimulator.dump().employees[missed.epId]).toBeDefined();
      expect(writesByRoute(stack.workplaceSimulator).get('DELETE employee')).toBeUndefined();
    });
  });

  it('after a manual data migration, updates only what differs and creates nothing', async () => {
    const org = generateOrg({ seed: 21, employees: 60, departments: 10 });
    let migrated: ReturnType<LocalStack['workplaceSimulator']['dump']> | undefined;
    await withStack(org, {}, async (source) => {
      await source.sync(unique('source'), { tuning: FAST });
      migrated = source.workplaceSimulator.dump();
    });
    // The migrated copy has three people with outdated names, and no recorded state of ours.
    const stale = Object.keys(migrated!.employees).slice(0, 3);
    for (const key of stale) migrated!.employees[key] = { ...migrated!.employees[key]!, name: 'old name' };
    await withStack(org, {}, async (stack) => {
      stack.workplaceSimulator.seed(migrated!);
      await stack.sync(unique('first-run'), { tuning: FAST });
      const writes = writesByRoute(stack.workplaceSimulator);
      expect([...writes.keys()]).toEqual(['PUT employee']);
      // With no recorded state, what WORKPLACE cannot list is read once per key (Reports To, values).
      expect(stack.workplaceSimulator.counters().byRoute['GET reportsTo']).toBe(org.employees.length);
      expect([...writes.get('PUT employee')!].sort()).toEqual([...stale].sort());
      expect(actualWorkplace(stack.workplaceSimulator.dump())).toEqual(expectedWorkplace(org));
    });
  });

  it('after a migration, a per-key read cut off midway resumes from its last checkpoint on retry', async () => {
    const org = generateOrg({ seed: 23, employees: 60, departments: 8 });
    let migrated: ReturnType<LocalStack['workplaceSimulator']['dump']> | undefined;
    await withStack(org, { settings: { stages: { additionalAttributes: false, absenceItems: false } } }, async (source) => {
      await source.sync(unique('source'), { tuning: FAST });
      migrated = source.workplaceSimulator.dump();
    });
    await withStack(org, { settings: { stages: { additionalAttributes: false, absenceItems: false } } }, async (stack) => {
      stack.workplaceSimulator.seed(migrated!);
      const every = 10;
      const before = 25; // two checkpoints kept, five reads into the third, then WORKPLACE fails once
      stack.workplaceSimulator.faults.interruptAfter('GET reportsTo', before);
      const result = await stack.sync(unique('first-run'), { tuning: { ...FAST, readCheckpointEvery: every } });
      expect(result.state).toBe('completed');
      const reads = stack.workplaceSimulator.log().filter((e) => e.route === 'GET reportsTo');
      expect(reads.filter((e) => e.status === 503)).toHaveLength(1);
      // The retry read only what no checkpoint held: the cut-off chunk again and everything after it.
      const kept = Math.floor(before / every) * every;
      expect(reads.filter((e) => e.status === 200)).toHaveLength(before + org.employees.length - kept);
      expect(writesByRoute(stack.workplaceSimulator).size).toBe(0);
      // Additional attributes are off here (their reads would be checkpointed the same way).
      expect(actualWorkplace(stack.workplaceSimulator.dump())).toEqual({ ...expectedWorkplace(org), attributeValues: {} });
    });
  });

  it('records keys WORKPLACE rejects, carries on, and skips what depends on them with the reason', async () => {
    const org = generateOrg({ seed: 31, employees: 100, departments: 16 });
    const byCode = new Map(org.organizations.map((o) => [o.departmentCode, o]));
    const depth = (code: string): number => (byCode.get(code)?.uprDepartmentCode ? 1 + depth(byCode.get(code)!.uprDepartmentCode!) : 0);
    // A department with children and members, below the top.
    const rejected = org.organizations.find(
      (o) => depth(o.departmentCode) === 1 && org.organizations.some((c) => c.uprDepartmentCode === o.departmentCode),
    )!;
    const below = new Set<string>([rejected.departmentCode]);
    for (let grew = true; grew;) {
      grew = false;
      for (const o of org.organizations)
        if (o.uprDepartmentCode && below.has(o.uprDepartmentCode) && !below.has(o.departmentCode))
          grew = below.add(o.departmentCode) !== undefined;
    }
    const members = org.employees.filter((e) => below.has(e.departmentCode)).map((e) => e.epId);

    await withStack(org, {}, async (stack) => {
      stack.workplaceSimulator.faults.failKeys([rejected.departmentCode], 'department name is not allowed');
      const runId = unique('rejects');
      const result = await stack.sync(runId, { tuning: FAST });
      expect(result.state).toBe('completed-with-failures');
      const departments = stage(result, 'departments')!;
      expect(departments.outcomes).toContainEqual(
        expect.objectContaining({
          key: rejected.departmentCode,
          outcome: 'failed',
          op: 'create',
          code: 'WORKPLACE_VALIDATION',
          message: expect.stringContaining('department name is not allowed') as unknown,
        }),
      );
      const skippedDepartments = departments.outcomes.filter((o) => o.outcome === 'skipped' && o.op === 'create').map((o) => o.key);
      expect(skippedDepartments.sort()).toEqual([...below].filter((c) => c !== rejected.departmentCode).sort());
      const employees = stage(result, 'employees')!;
      expect(employees.counts.skipped).toBe(members.length);
      expect(
        employees.outcomes
          .filter((o) => o.outcome === 'skipped')
          .every((o) => o.code === 'DEPENDENCY_FAILED' && /^department \S+ (failed|was skipped)/.test(o.message)),
      ).toBe(true);

      const state = stack.workplaceSimulator.dump();
      expect(Object.keys(state.employees).sort()).toEqual(
        org.employees
          .map((e) => e.epId)
          .filter((k) => !members.includes(k))
          .sort(),
      );
      expect(Object.keys(state.departments)).not.toContain(rejected.departmentCode);

      // In the Temporal UI: the write is an activity named for the item, and its failure carries WORKPLACE's answer.
      const history = await env()
        .client.workflow.getHandle(stageWorkflowId(runId, { stage: 'departments', pass: 'main' }))
        .fetchHistory();
      const summaryOf = (e: (typeof history.events & object)[number]) => {
        const data = e.userMetadata?.summary?.data;
        return data ? (JSON.parse(Buffer.from(data).toString()) as string) : undefined;
      };
      const scheduled = history.events!.find(
        (e) => summaryOf(e) === `create department ${rejected.departmentCode} (${rejected.departmentName})`,
      );
      expect(scheduled?.activityTaskScheduledEventAttributes?.activityType?.name).toBe('applyWrite');
      const failed = history.events!.find(
        (e) => e.activityTaskFailedEventAttributes?.scheduledEventId?.toString() === scheduled!.eventId!.toString(),
      );
      expect(
        failed?.activityTaskFailedEventAttributes?.failure?.cause?.message ?? failed?.activityTaskFailedEventAttributes?.failure?.message,
      ).toContain('department name is not allowed');
    });
  });

  it('stops the run when a whole stage fails (every department refused): no employee is written (seed 000)', async () => {
    const org = generateOrg({ seed: 33, employees: 40, departments: 8 });
    await withStack(org, {}, async (stack) => {
      stack.workplaceSimulator.faults.failKeys(
        org.organizations.map((o) => o.departmentCode),
        '부서명이 올바르지 않습니다',
      );
      const runId = unique('all-fail');
      const error = await stack.sync(runId, { tuning: FAST }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause!.message).toMatch(
        /^부서 departments failed, so the run stopped before the next stage: all \d+ attempted writes failed; the last: .*부서명이 올바르지 않습니다/,
      );
      await expect(
        env()
          .client.workflow.getHandle(stageWorkflowId(runId, { stage: 'employees', pass: 'main' }))
          .describe(),
      ).rejects.toThrow(/not found/i);
      expect(stack.workplaceSimulator.log().filter((e) => e.route.includes('employee') && e.method !== 'GET')).toEqual([]);
    });
  });

  it('stops the run at departments, before any employee write, when Knox sends no department a name (an unusable source)', async () => {
    const org = generateOrg({ seed: 34, employees: 30, departments: 6 });
    await withStack(org, {}, async (stack) => {
      const nameless = org.organizations.map(({ departmentName: _name, ...rest }) => rest);
      stack.knoxSimulator.setOrg({ ...org, organizations: nameless as unknown as typeof org.organizations });
      const runId = unique('nameless');
      const error = await stack.sync(runId, { tuning: FAST }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause!.message).toBe(
        `부서 departments failed, so the run stopped before the next stage: Knox organizations are unusable: all ${org.organizations.length} records are invalid; most common reason: departmentName: required (${org.organizations.length} of them)`,
      );
      await expect(
        env()
          .client.workflow.getHandle(stageWorkflowId(runId, { stage: 'employees', pass: 'main' }))
          .describe(),
      ).rejects.toThrow(/not found/i);
      expect(
        stack.workplaceSimulator.log().filter((e) => e.method !== 'GET' && !e.route.includes('grade') && !e.route.includes('job')),
      ).toEqual([]);
    });
  });

  it('stops a stage at its first write when WORKPLACE has no route for it (the canary), naming the config key, not after 50 failures', async () => {
    const org = generateOrg({ seed: 36, employees: 10, departments: 3 });
    const absenceItems = ['연차', '반차', '병가', '공가', '경조'].map((name, i) => ({ key: `absence-${i}`, name }));
    await withStack(org, { settings: { absenceItems }, workplaceReading: { missingRoutes: ['absence'] } }, async (stack) => {
      const runId = unique('canary');
      const error = await stack.sync(runId, { tuning: FAST, stages: ['absenceItems'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause!.message).toMatch(
        /^부재항목 absence items failed, so the run stopped before the next stage: the first create of the stage was refused in a way every create would be: .*set workplace\.protocol\.paths\.absence/,
      );
      expect(stack.workplaceSimulator.log().filter((e) => e.method === 'POST')).toHaveLength(1);
    });
  });

  it.each([
    { maxFailureShare: 0.2, state: 'failed' },
    { maxFailureShare: 0.5, state: 'completed-with-failures' },
  ] as const)(
    'with 30% of its writes refused and maxFailureShare $maxFailureShare, the run ends $state',
    async ({ maxFailureShare, state }) => {
      const org = generateOrg({ seed: 35, employees: 40, departments: 6 });
      const refused = org.employees.slice(0, 12).map((e) => e.epId); // 30% of the employees
      await withStack(org, { settings: { maxFailureShare } }, async (stack) => {
        stack.workplaceSimulator.faults.failKeys(refused, '사원 정보가 올바르지 않습니다');
        const outcome = await stack.sync(unique('share'), { tuning: FAST }).then(
          (r) => r,
          (e: unknown) => ((e as WorkflowFailedError).cause as ApplicationFailure).details?.[0] as OrgSyncResult,
        );
        expect(outcome.state).toBe(state);
        expect(stage(outcome, 'employees')?.counts.failed).toBe(refused.length);
        if (state === 'failed') expect(outcome.message).toMatch(/사원 employees failed.*12 of 40 writes failed, more than the allowed 20%/);
        else expect(outcome.stages.map((s) => s.stage)).toContain('reportsTo');
      });
    },
  );

  it('fails in the stage whose Knox source cannot be read, runs no later stage, and deletes nothing', async () => {
    const org = generateOrg({ seed: 41, employees: 40, departments: 8 });
    await withStack(org, {}, async (stack) => {
      await stack.sync(unique('before-outage'), { tuning: FAST });
      const writesBefore = writeCount(stack.workplaceSimulator);
      stack.knoxSimulator.faults.outage(true);
      const runId = unique('outage');
      const error = await stack.sync(runId, { tuning: FAST }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const failure = (error as WorkflowFailedError).cause!;
      expect(failure.message).toMatch(/^직급 grades failed, so the run stopped before the next stage: .*could not read/);
      await expect(
        env()
          .client.workflow.getHandle(stageWorkflowId(runId, { stage: 'jobTitles', pass: 'main' }))
          .describe(),
      ).rejects.toThrow(/not found/i);
      expect(writeCount(stack.workplaceSimulator)).toBe(writesBefore);
    });
  });

  it('fails where Knox goes down mid-run (the employee read), and deletes nothing it had planned to', async () => {
    const org = generateOrg({ seed: 43, employees: 120, departments: 30 });
    // No guard: only the failed read may stop these deletions.
    await withStack(org, { settings: NO_GUARD }, async (stack) => {
      await stack.sync(unique('before-outage'), { tuning: FAST });
      // Overnight two leaf departments close with their people: the next run would delete them all.
      const parents = new Set(org.organizations.map((o) => o.uprDepartmentCode));
      const closed = new Set(
        org.organizations
          .filter((o) => !parents.has(o.departmentCode))
          .slice(0, 2)
          .map((o) => o.departmentCode),
      );
      const leavers = org.employees.filter((e) => closed.has(e.departmentCode));
      expect(leavers.length).toBeGreaterThan(0);
      stack.knoxSimulator.setOrg({
        ...org,
        organizations: org.organizations.filter((o) => !closed.has(o.departmentCode)),
        employees: org.employees.filter((e) => !closed.has(e.departmentCode)),
      });
      stack.knoxSimulator.faults.latencyMs(150); // one call per department: the employee read takes seconds

      const run = await startRun(stack);
      await eventually(async () => (await progressOf(run.workflowId)).currentStage === 'employees', {
        timeoutMs: 60_000,
        what: 'the employee stage',
      });
      stack.knoxSimulator.faults.outage(true);
      const error = await run.result().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause!.message).toMatch(
        /^사원 employees failed, so the run stopped before the next stage: .*could not read/,
      );
      expect(stack.workplaceSimulator.log().filter((e) => e.method === 'DELETE')).toEqual([]);
      const after = stack.workplaceSimulator.dump();
      for (const code of closed) expect(after.departments[code]).toBeDefined();
      for (const leaver of leavers) expect(after.employees[leaver.epId]).toBeDefined();

      // Once Knox answers again, the next run applies what this one could not.
      stack.knoxSimulator.faults.clear();
      expect((await stack.sync(unique('after-outage'), { tuning: FAST })).state).toBe('completed');
      const recovered = stack.workplaceSimulator.dump();
      for (const code of closed) expect(recovered.departments[code]).toBeUndefined();
      for (const leaver of leavers) expect(recovered.employees[leaver.epId]).toBeUndefined();
    });
  });

  it('stops the run at once, with one clear message, when WORKPLACE refuses its credentials', async () => {
    const org = generateOrg({ seed: 45, employees: 20, departments: 4 });
    await withStack(org, { clientSecretKey: 'not-the-secret' }, async (stack) => {
      const runId = unique('auth');
      const error = await stack.sync(runId, { tuning: FAST }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause!.message).toMatch(
        /^직급 grades failed, so the run stopped before the next stage: WORKPLACE refused orgsync's credentials, so the run stops here .*Authentication Failed.*Check NCP_ACCESS_KEY, NCP_SECRET_KEY/,
      );
      expect((error as WorkflowFailedError).cause!.message).not.toContain('not-the-secret');
      // Refused credentials are not retried: one read, one 401, and the run is over.
      expect(stack.workplaceSimulator.log().map((e) => e.status)).toEqual([401]);
      expect(writeCount(stack.workplaceSimulator)).toBe(0);
    });
  });

  it('rejects held deletions when nobody decides before the timeout', async () => {
    const org = generateOrg({ seed: 47, employees: 30, departments: 5 });
    await withStack(org, { settings: { deletionGuard: { decisionTimeout: '2s' } } }, async (stack) => {
      await stack.sync(unique('full'), { tuning: FAST });
      stack.knoxSimulator.faults.emptyOrg(true);
      const result = await stack.sync(unique('unattended'), { tuning: FAST });
      expect(result.state).toBe('completed');
      expect(stage(result, 'employees')?.guard).toEqual({ deletions: org.employees.length, decision: 'timed-out' });
      expect(stack.workplaceSimulator.log().filter((e) => e.method === 'DELETE')).toEqual([]);
    });
  });

  it('holds deletions when Knox answers empty: rejecting deletes nothing, approving applies them but spares the representative admin', async () => {
    const org = generateOrg({ seed: 51, employees: 40, departments: 8 });
    await withStack(org, { settings: { deletionGuard: { decisionTimeout: '10m' } } }, async (stack) => {
      await stack.sync(unique('full'), { tuning: FAST });
      const admin = org.employees[0]!.epId;
      stack.workplaceSimulator.setRepresentativeAdmin(admin, true);
      stack.knoxSimulator.faults.emptyOrg(true);
      const before = stack.workplaceSimulator.dump();

      const decideAll = async (workflowId: string, decide: typeof approveDeletionsUpdate) => {
        const handle = env().client.workflow.getHandle(workflowId);
        const held: string[] = [];
        for (;;) {
          const p = await eventually<OrgSyncProgress>(
            async () => {
              const now = await progressOf(workflowId);
              return now.state === 'awaiting-approval' || RUN_END_STATES.includes(now.state) ? now : undefined;
            },
            { what: 'a held guard or the end' },
          );
          if (p.state !== 'awaiting-approval') return held;
          held.push(p.hold!.stage);
          await handle.executeUpdate(decide, { args: ['test'] });
        }
      };

      const rejectRun = await startRun(stack);
      expect(await decideAll(rejectRun.workflowId, rejectDeletionsUpdate)).toEqual(['jobTitles', 'departments', 'employees']);
      const rejected = await rejectRun.result();
      expect(rejected.state).toBe('completed');
      expect(stage(rejected, 'employees')?.guard?.decision).toBe('rejected');
      expect(stage(rejected, 'employees')?.counts.skipped).toBe(org.employees.length);
      expect(stack.workplaceSimulator.log().filter((e) => e.method === 'DELETE')).toEqual([]);
      expect(stack.workplaceSimulator.dump()).toEqual(before);
      await expect(
        env()
          .client.workflow.getHandle(rejectRun.workflowId)
          .executeUpdate(approveDeletionsUpdate, { args: ['test'] }),
      ).rejects.toThrow();

      const approveRun = await startRun(stack);
      await decideAll(approveRun.workflowId, approveDeletionsUpdate);
      const approved = await approveRun.result();
      const after = stack.workplaceSimulator.dump();
      expect(Object.keys(after.employees)).toEqual([admin]);
      expect(stage(approved, 'employees')?.outcomes).toContainEqual(
        expect.objectContaining({ key: admin, code: 'REPRESENTATIVE_ADMIN', outcome: 'skipped' }),
      );
      // The admin's department (and its ancestors) keep a member, so WORKPLACE refuses to delete them.
      expect(approved.state).toBe('completed-with-failures');
      const kept = Object.keys(after.departments);
      expect(kept).toContain(org.employees[0]!.departmentCode);
      expect(kept.length).toBeLessThan(org.organizations.length);
    });
  });
});

describe('operating a run', () => {
  const employeesRunning = (workflowId: string, minimumDone = 5) =>
    eventually(
      async () => {
        const p = await progressOf(workflowId);
        const employees = p.stages.find((s) => s.stage === 'employees');
        return p.currentStage === 'employees' && employees && employees.counts.done >= minimumDone ? p : undefined;
      },
      { timeoutMs: 60_000, what: 'the employee stage to be writing' },
    );
  /** A run slow enough to act on mid-stage (every WORKPLACE answer waits), caught writing employees. */
  const caughtInEmployees = async (stack: LocalStack, input: Parameters<typeof startRun>[1] = {}, minimumDone = 5) => {
    stack.workplaceSimulator.faults.latencyMs(40);
    const run = await startRun(stack, input);
    return { run, running: await employeesRunning(run.workflowId, minimumDone) };
  };

  it('pauses between items: no new writes start while paused, and resume finishes the run', async () => {
    const org = generateOrg({ seed: 61, employees: 120, departments: 12 });
    await withStack(org, { settings: { writeConcurrency: 4 } }, async (stack) => {
      const { run } = await caughtInEmployees(stack, { stages: ['grades', 'jobTitles', 'departments', 'employees'] });
      await run.signal(pauseSignal);
      const paused = await eventually(
        async () => {
          const p = await progressOf(run.workflowId);
          return p.state === 'paused' ? p : undefined;
        },
        { what: 'paused' },
      );
      // In-flight writes finish (the stage itself says when)…
      const stage = env().client.workflow.getHandle(paused.currentChildId!);
      await eventually(async () => (await stage.query(stageProgressQuery)).inFlight === 0, { what: 'in-flight writes to finish' });
      // …and after that nothing new starts: a second pause makes the stage run another workflow task,
      // and neither that task nor any since the first pause was handled schedules a write.
      const settled = writeCount(stack.workplaceSimulator);
      await stage.signal(pauseSignal);
      const events = await eventually(
        async () => {
          const history = (await stage.fetchHistory()).events ?? [];
          const nudged = history.findLastIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'pause');
          return history.slice(nudged).some((e) => e.workflowTaskCompletedEventAttributes) ? history : undefined;
        },
        { what: 'the second pause to be handled' },
      );
      const paused1 = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'pause');
      const handled = events.findIndex((e, i) => i > paused1 && e.workflowTaskCompletedEventAttributes);
      const scheduled = events
        .slice(handled + 1)
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'applyWrite');
      expect(scheduled).toEqual([]);
      expect(writeCount(stack.workplaceSimulator)).toBe(settled);
      expect((await stage.query(stageProgressQuery)).state).toBe('paused');
      expect((await stage.query(stageProgressQuery)).counts.done).toBeLessThan(org.employees.length);

      await run.signal(resumeSignal);
      const result = await run.result();
      expect(result.state).toBe('completed');
      expect(Object.keys(stack.workplaceSimulator.dump().employees)).toHaveLength(org.employees.length);
    });
  });

  it('pauses between stages: a stage with nothing to write ends, the next waits, and resume goes on', async () => {
    const org = generateOrg({ seed: 63, employees: 40, departments: 6 });
    await withStack(org, {}, async (stack) => {
      await stack.sync(unique('initial'), { tuning: FAST });
      // A rerun: every stage has nothing to write, so each ends even while the run is paused. Slow reads
      // keep a stage running long enough to pause it once it has started.
      stack.workplaceSimulator.faults.latencyMs(150);
      const run = await startRun(stack);
      await eventually(async () => (await progressOf(run.workflowId)).currentStage, { what: 'a stage to start' });
      await run.signal(pauseSignal);
      const between = await eventually(
        async () => {
          const p = await progressOf(run.workflowId);
          return p.state === 'paused' && p.stages.length > 0 && p.stages.every((s) => s.state === 'completed') ? p : undefined;
        },
        { what: 'the run to wait between stages' },
      );
      expect(between.stages.length).toBeLessThan(7);
      expect(between.currentStage).toBeUndefined();

      // Resuming must not reach for the stage that already ended.
      await run.signal(resumeSignal);
      const result = await run.result();
      expect(result.state).toBe('completed');
      expect(result.stages.map((s) => s.stage)).toEqual(EVERY_STAGE);
    });
  });

  it('cancels cleanly: in-flight writes finish, no later stage starts, and the result says what was done', async () => {
    const org = generateOrg({ seed: 71, employees: 120, departments: 12 });
    await withStack(org, { settings: { writeConcurrency: 4 } }, async (stack) => {
      const { run } = await caughtInEmployees(stack);
      await run.cancel();
      const result = await run.result();
      expect(result.state).toBe('cancelled');
      const employees = stage(result, 'employees')!;
      expect(employees.state).toBe('cancelled');
      expect(employees.counts.done).toBe(Object.keys(stack.workplaceSimulator.dump().employees).length);
      expect(employees.counts.done).toBeLessThan(org.employees.length);
      expect(result.stages.map((s) => s.stage)).toEqual(['grades', 'jobTitles', 'departments', 'employees']);
    });
  });

  it('fails with its summary when a stage ends abnormally (terminated), and starts no later stage', async () => {
    const org = generateOrg({ seed: 73, employees: 120, departments: 12 });
    await withStack(org, { settings: { writeConcurrency: 4 } }, async (stack) => {
      const { run, running } = await caughtInEmployees(stack);
      await env().client.workflow.getHandle(running.currentChildId!).terminate('operator pulled the plug');
      const error = await run.result().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const failure = (error as WorkflowFailedError).cause as ApplicationFailure;
      expect(failure.message).toMatch(
        /^사원 employees failed, so the run stopped before the next stage: the stage workflow \S+\/employees ended abnormally: .*terminated/i,
      );
      const result = failure.details?.[0] as OrgSyncResult;
      expect(result.stages.map((s) => [s.stage, s.state])).toEqual([
        ['grades', 'completed'],
        ['jobTitles', 'completed'],
        ['departments', 'completed'],
        ['employees', 'failed'],
      ]);
      const described = await run.describe();
      expect(described.typedSearchAttributes.get(OrgSyncState)).toBe('failed');
      expect(described.memo?.summary).toMatch(/^failed in \d+s: grades/);
    });
  });

  it('dry run plans every stage and writes nothing', async () => {
    const org = generateOrg({ seed: 81, employees: 50, departments: 8 });
    await withStack(org, {}, async (stack) => {
      const result = await stack.sync(unique('dry'), { dryRun: true, tuning: FAST });
      expect(result.dryRun).toBe(true);
      expect(writeCount(stack.workplaceSimulator)).toBe(0);
      expect(stage(result, 'employees')?.plannedOps.create).toBe(org.employees.length);
      expect(stage(result, 'departments')?.plannedOps).toEqual({
        create: org.organizations.length,
        update: org.organizations.filter((o) => o.managerId).length,
        delete: 0,
      });
      expect(stage(result, 'employees')?.preview?.length).toBeGreaterThan(0);
      expect(result.stages.map((s) => s.stage)).toEqual(EVERY_STAGE);
    });
  });

  it('survives its worker stopping mid-run: a new worker finishes it with no duplicate creates', async () => {
    const org = generateOrg({ seed: 91, employees: 120, departments: 12 });
    await withStack(org, { settings: { writeConcurrency: 8 } }, async (stack) => {
      const { run } = await caughtInEmployees(stack, {}, 20);
      await stack.stopWorkers();
      const doneWhileStopped = writeCount(stack.workplaceSimulator);
      await stack.startWorkers();
      stack.workplaceSimulator.faults.latencyMs(0);
      const result = await run.result();
      expect(result.state).toBe('completed');
      expect(writeCount(stack.workplaceSimulator)).toBeGreaterThan(doneWhileStopped);
      // Each object was created exactly once: never created, deleted and created again, never left twice.
      const created = (route: string) => stack.workplaceSimulator.log().filter((e) => e.route === route && e.status === 201).length;
      const after = stack.workplaceSimulator.dump();
      expect(created('POST employee')).toBe(Object.keys(after.employees).length);
      expect(created('POST department')).toBe(Object.keys(after.departments).length);
      expect(stack.workplaceSimulator.log().filter((e) => e.method === 'DELETE')).toEqual([]);
      expect(actualWorkplace(after)).toEqual(expectedWorkplace(org));
    });
  });

  it('never exceeds WORKPLACE_RPS from a worker, and the server holds several workers to it on average', async () => {
    const org = generateOrg({ seed: 101, employees: 30, departments: 5 });
    const settings = { stages: { reportsTo: false, additionalAttributes: false, jobTitles: false } };
    // As deployed: the client's per-process limit and the write queue's server-side limit are both WORKPLACE_RPS.
    await withStack(org, { workplaceRps: 5, settings }, async (stack) => {
      await stack.sync(unique('rps'), { tuning: FAST });
      expect(writeCount(stack.workplaceSimulator)).toBeGreaterThan(40);
      expect(stack.workplaceSimulator.maxRequestsPerSecond({ methods: WRITES })).toBeLessThanOrEqual(5);
    });
    // As if many worker processes shared the queue (no per-process limit): the server-side limit alone
    // holds the average to WORKPLACE_RPS; after an idle period it lets one burst of about RPS through.
    await withStack(org, { workplaceRps: 5, clientRps: 1000, settings }, async (stack) => {
      await stack.sync(unique('rps-server'), { tuning: FAST });
      const writes = stack.workplaceSimulator.log().filter((e) => WRITES.includes(e.method));
      const span = writes.at(-1)!.at - writes[0]!.at;
      expect(span).toBeGreaterThanOrEqual(((writes.length - 2 * 6) / 5) * 1000);
    });
  });

  it('continues a long stage as new before its history grows large, and finishes the same', async () => {
    const org = generateOrg({ seed: 111, employees: 120, departments: 10 });
    await withStack(org, {}, async (stack) => {
      const runId = unique('can');
      // Once history is full the stage waits for its in-flight writes, each at most an activity's three events
      // and a workflow task's three, then saves and continues. With eight in flight that is well below the 360+
      // events 120 employees would leave in one history.
      const writeConcurrency = 8;
      const bound = 150 + writeConcurrency * 6 + 30;
      const result = await stack.sync(runId, { tuning: { ...FAST, maxHistoryEvents: 150, writeConcurrency } });
      expect(result.state).toBe('completed');
      expect(actualWorkplace(stack.workplaceSimulator.dump())).toEqual(expectedWorkplace(org));
      const employees = env().client.workflow.getHandle(stageWorkflowId(runId, { stage: 'employees', pass: 'main' }));
      const latest = await employees.fetchHistory();
      expect(latest.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
      expect(latest.events!.length).toBeLessThan(bound);
    });
  });

  it('syncs one employee on demand and nobody else', async () => {
    const org = generateOrg({ seed: 121, employees: 40, departments: 8 });
    await withStack(org, {}, async (stack) => {
      await stack.sync(unique('full'), { tuning: FAST });
      const person = org.employees[5]!;
      const other = org.organizations.find((o) => o.departmentCode !== person.departmentCode)!;
      const changed: GeneratedOrg = {
        ...org,
        employees: org.employees.map((e) =>
          e.epId === person.epId ? { ...e, fullName: '홍길동', departmentCode: other.departmentCode } : e,
        ),
      };
      stack.knoxSimulator.setOrg(changed);
      const before = stack.workplaceSimulator.dump();
      stack.workplaceSimulator.clearLog();

      const result = await env().client.workflow.execute(syncEmployeeWorkflow, {
        taskQueue: stack.taskQueue,
        workflowId: unique('one'),
        args: [{ epId: person.epId }],
      });
      expect(result.knox).toBe('found');
      expect(result.changes[0]).toEqual(
        expect.objectContaining({ what: 'employee', op: 'update', outcome: 'done', changes: ['name', 'i18nNames', 'deptExternalKey'] }),
      );
      const after = stack.workplaceSimulator.dump();
      expect(after.employees[person.epId]).toEqual(expect.objectContaining({ name: '홍길동', deptExternalKey: other.departmentCode }));
      const { [person.epId]: _a, ...othersAfter } = after.employees;
      const { [person.epId]: _b, ...othersBefore } = before.employees;
      expect(othersAfter).toEqual(othersBefore);
      expect(
        new Set(
          stack.workplaceSimulator
            .log()
            .filter((e) => WRITES.includes(e.method))
            .map((e) => e.externalKey),
        ),
      ).toEqual(new Set([person.epId]));
    });
  });
});

/** Keys present on both days whose listed attributes differ. */
function changedKeys<T extends object>(before: readonly T[], after: readonly T[], key: keyof T, fields: readonly string[]): string[] {
  const old = new Map(before.map((r) => [r[key] as string, r as Record<string, unknown>]));
  return after
    .filter((r) => {
      const prior = old.get(r[key] as string);
      return prior && fields.some((f) => (prior[f] ?? '') !== ((r as Record<string, unknown>)[f] ?? ''));
    })
    .map((r) => r[key] as string)
    .sort();
}
