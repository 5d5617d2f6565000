/**
 * The CLI against a real run: one local stack (Knox and WORKPLACE simulators, workers on the shared dev
 * server) for the file. Every expectation is about what an operator sees (exit code, printed text) and
 * what really happened (the progress query, the WORKPLACE simulator). Each test starts from the same
 * place (an empty WORKPLACE, the generated org in Knox, no faults, no run still going), so they pass in
 * any order: `npx vitest run test/cli/runs.test.ts --sequence.shuffle`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { generateOrg } from '../../generator/index.js';
import { resolveTemporalCli } from '../../scripts/temporal-dev-server.js';
import { eventually, unique } from '../helpers/temporal.js';
import { cliStack, cliWith, parseCsv, progressOf, stackEnv, startedId, terminateRunning } from './helpers.js';

const org = generateOrg({ seed: 1101, employees: 100, departments: 15 });
const local = cliStack(org, { settings: { deletionGuard: { decisionTimeout: '10m' } } });
const { cli } = local;

beforeEach(() => {
  local.stack.workplaceSimulator.reset();
  local.stack.workplaceSimulator.faults.clear();
  local.stack.knoxSimulator.setOrg(org);
  local.stack.knoxSimulator.faults.clear();
});
afterEach(() => terminateRunning(local.env.client, local.stack.taskQueue));

/** How the run ended, once Temporal has closed it (`status --json`). */
const ended = (id: string) =>
  eventually(
    async () => {
      const status = await cli('status', id, '--json');
      if (status.code !== 0) throw new Error(status.stderr);
      const run = JSON.parse(status.stdout) as { state: string; status: string };
      return run.status !== 'RUNNING' && run.state;
    },
    { timeoutMs: 90_000, what: `${id} to end` },
  );

describe('orgsync run, status, list and report', () => {
  it('run warns at once when no worker polls its task queue, and still starts the run for one to pick up', async () => {
    const lonely = unique('no-worker');
    const run = await cliWith(stackEnv(local.stack, { ORGSYNC_TASK_QUEUE: lonely }))('run', '--id', unique('unserved'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`warning: no worker polls task queue ${lonely} (namespace default); start one with \`orgsync worker\``);
    const id = startedId(run);
    expect((await local.env.client.workflow.getHandle(id).describe()).taskQueue).toBe(lonely);
    await local.env.client.workflow.getHandle(id).terminate('test: nobody will run it');
    // With a worker on the queue, no warning.
    const served = await cli('run', '--dry-run', '--wait', '--id', unique('served'));
    expect(served.code, served.stderr).toBe(0);
    expect(served.stderr).not.toContain('no worker');
  });

  it('run --wait follows a run to its end and exits 0; status, list and report then read it', async () => {
    const run = await cli('run', '--wait');
    expect(run.code).toBe(0);
    const id = startedId(run);
    expect(id).toMatch(/^orgsync-\d{8}-\d{6}$/);
    expect(run.stdout).toMatch(/^\d\d:\d\d:\d\d {2}사원 employees +\S/m);
    expect(run.stdout).toMatch(/^state +completed$/m);
    expect(run.stdout).toMatch(/^사원 employees +completed +100 +100 +0 +0 +0 +\+100 ~0 -0/m);

    const status = await cli('status', id);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^state +completed$/m);
    expect(status.stdout).toMatch(/^부서 departments +completed +30 +30 +0 +0 +0 +\+15 ~15 -0 /m);
    const json = JSON.parse((await cli('status', id, '--json')).stdout) as {
      runId: string;
      state: string;
      result: { stages: { stage: string; counts: { done: number } }[] };
    };
    expect(json).toMatchObject({ runId: id, state: 'completed' });
    expect(json.result.stages.find((s) => s.stage === 'employees')?.counts.done).toBe(100);

    // Visibility lags the run by a moment.
    const listed = await eventually(
      async () => {
        const list = await cli('list');
        return (
          new RegExp(`^${id} +completed +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d KST +\\S+ +\\d+ +\\d+ +0 +0$`, 'm').test(list.stdout) &&
          list
        );
      },
      { intervalMs: 250, what: 'list to show the run' },
    );
    expect(listed.code).toBe(0);
    const latest = JSON.parse((await cli('status', '--json')).stdout) as { runId: string };
    expect(latest.runId).toBe(id);

    const report = await cli('report');
    expect(report.code).toBe(0);
    expect(report.stdout).toContain(`run         ${id}`);
    expect(report.stdout).toContain('No item failed or was skipped.');
  });

  it('run --full-read reads Knox per department, and the next run by title; both say so, in the summary and the result', async () => {
    const full = await cli('run', '--full-read', '--wait');
    expect(full.code, full.stderr).toBe(0);
    // One call per department (15, none above 500 people): the complete read.
    expect(full.stdout).toMatch(
      /^Knox read +employees per department \(complete\): the run asked for a complete read \(--full-read\); 15 calls$/m,
    );
    const description = await local.env.client.workflow.getHandle(startedId(full)).describe();
    expect(await description.staticSummary()).toMatch(/full Knox read/);
    const next = await cli('run', '--wait', '--json');
    expect(next.code, next.stderr).toBe(0);
    const result = JSON.parse(next.stdout) as {
      knoxRead: { mode: string; reason: string; checks: object };
      stages: { knoxRead?: unknown }[];
    };
    expect(result.knoxRead).toMatchObject({ mode: 'title', reason: /by title since the last complete read/, checks: { missed: 0 } });
    expect(result.stages.filter((s) => s.knoxRead)).toHaveLength(1);
  });

  it('report --format csv lists each failed key with its reason, and what was skipped because of it', async () => {
    await local.stack.sync(unique('baseline'));
    // Three people renamed (their update fails), three moved to a new department (whose creation fails).
    const renamed = org.employees.slice(10, 14).map((e) => ({ ...e, fullName: `${e.fullName}변경` }));
    // Employee writes must not all fail either: the fourth rename goes through.
    const failing = renamed.slice(0, 3);
    // Department writes must not all fail (that fails the stage, seed 000): one rename goes through.
    const renamedDepartment = { ...org.organizations[2]!, departmentName: `${org.organizations[2]!.departmentName}2` };
    const parent = org.organizations[1]!;
    const department = {
      ...parent,
      departmentCode: 'C60ZZ001',
      departmentName: '신설TF',
      uprDepartmentCode: parent.departmentCode,
      managerId: '',
      managerName: '',
      lowDepartmentYn: 'F',
    };
    const moved = org.employees
      .slice(20, 23)
      .map((e) => ({ ...e, departmentCode: department.departmentCode, departmentName: department.departmentName }));
    const changed = new Map([...renamed, ...moved].map((e) => [e.epId, e]));
    local.stack.knoxSimulator.setOrg({
      ...org,
      organizations: [
        ...org.organizations.map((o) => (o.departmentCode === renamedDepartment.departmentCode ? renamedDepartment : o)),
        department,
      ],
      employees: org.employees.map((e) => changed.get(e.epId) ?? e),
    });
    const reason = '입사일 형식이 올바르지 않습니다, "hireDate"';
    local.stack.workplaceSimulator.faults.failKeys([...failing.map((e) => e.epId), department.departmentCode], reason);
    const id = unique('cli-failures');
    const run = await cli('run', '--wait', '--id', id);
    // Items that fail do not fail the run (seed 000's failure policy), but the run says so: state
    // completed-with-failures, exit 3, and the summary says where to look.
    expect(run.code, run.stdout + run.stderr).toBe(3);
    expect(run.stderr).toContain(`run ${id} completed-with-failures`);
    expect(run.stdout).toContain(`items failed or were skipped: orgsync report ${id}`);

    const csv = await cli('report', id, '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFFstage,key,name,operation,outcome,code,message\r\n')).toBe(true);
    const [, ...rows] = parseCsv(csv.stdout.slice(1));
    const withReason = expect.stringContaining(reason) as string;
    expect(rows).toEqual(
      expect.arrayContaining([
        ['departments', department.departmentCode, department.departmentName, 'create', 'failed', 'WORKPLACE_VALIDATION', withReason],
        ...failing.map((e) => ['employees', e.epId, e.fullName, 'update', 'failed', 'WORKPLACE_VALIDATION', withReason]),
        ...moved.map((e) => [
          'employees',
          e.epId,
          e.fullName,
          'update',
          'skipped',
          'DEPENDENCY_FAILED',
          expect.stringContaining(department.departmentCode) as string,
        ]),
      ]),
    );

    const table = await cli('report', id);
    expect(table.stdout).toMatch(/^Failed and skipped items \(\d+\):$/m);
    expect(table.stdout.split('\n')).toEqual(
      expect.arrayContaining(
        failing.map(
          (e) =>
            expect.stringMatching(
              new RegExp(`^사원 employees +${e.epId} +${e.fullName} +update +failed +WORKPLACE_VALIDATION +.*입사일`),
            ) as string,
        ),
      ),
    );

    // From a host that cannot read the staging store: the run's own (bounded) list, here complete.
    const elsewhere = cliWith(
      stackEnv(local.stack, { ORGSYNC_STORE_URL: '', ORGSYNC_STORE_DIR: mkdtempSync(join(tmpdir(), 'orgsync-elsewhere-')) }),
    );
    const fromResult = JSON.parse((await elsewhere('report', id, '--json')).stdout) as {
      itemsFrom: string;
      items: unknown[];
      notes: string[];
    };
    expect(fromResult).toMatchObject({ itemsFrom: 'result', notes: [] });
    expect(fromResult.items).toHaveLength(rows.length);
  });
});

describe('the deletion guard through the CLI', () => {
  const extras = Object.fromEntries(
    Array.from({ length: 130 }, (_, i) => [
      `OLD-G${String(i).padStart(3, '0')}`,
      { name: `폐지 직급 ${i}`, itemUsed: true, sortOrder: String(900 + i) },
    ]),
  );
  const heldRun = async () => {
    local.stack.workplaceSimulator.seed({ grades: extras });
    const id = unique('cli-guard');
    expect((await cli('run', '--stages', 'grades', '--id', id)).code).toBe(0);
    const status = await eventually(
      async () => {
        const s = await cli('status', id);
        return /^state +awaiting-approval/m.test(s.stdout) && s;
      },
      { what: 'the guard to hold' },
    );
    return { id, status };
  };

  it('status shows what is held; reject-deletions keeps them, and report lists all 130 from the store or 100 with a pointer', async () => {
    const { id, status } = await heldRun();
    expect(status.stdout).toContain('⚠ 직급 grades waits for an operator: 130 deletions');
    expect(status.stdout).toContain(`orgsync approve-deletions ${id}  |  orgsync reject-deletions ${id}`);

    const rejected = await cli('reject-deletions', id, '--by', 'tester');
    expect(rejected).toMatchObject({ code: 0, stdout: `${id}: rejected 130 deletions in 직급 grades\n` });
    expect(await ended(id)).toBe('completed');
    expect(Object.keys(local.stack.workplaceSimulator.dump().grades)).toEqual(expect.arrayContaining(Object.keys(extras)));

    const full = JSON.parse((await cli('report', id, '--json')).stdout) as {
      itemsFrom: string;
      totalItems: number;
      items: { key: string; code: string; outcome: string }[];
    };
    expect(full.itemsFrom).toBe('store');
    expect(
      full.items
        .filter((i) => i.code === 'DELETION_REJECTED' && i.outcome === 'skipped')
        .map((i) => i.key)
        .sort(),
    ).toEqual(Object.keys(extras).sort());

    const elsewhere = cliWith(
      stackEnv(local.stack, { ORGSYNC_STORE_URL: '', ORGSYNC_STORE_DIR: mkdtempSync(join(tmpdir(), 'orgsync-elsewhere-')) }),
    );
    const bounded = await elsewhere('report', id);
    expect(bounded.code).toBe(0);
    expect(bounded.stdout).toMatch(new RegExp(`showing 100 of 130; the full list is in the staging store at .*/runs/${id}/outcomes`));
    const csv = await elsewhere('report', id, '--format', 'csv');
    expect(parseCsv(csv.stdout.slice(1))).toHaveLength(101);
    expect(csv.stderr).toContain('showing 100 of 130');
  });

  it('approve-deletions applies them; a decision on a run that ended is refused in one line', async () => {
    const { id } = await heldRun();
    const approved = await cli('approve-deletions', id, '--by', 'tester');
    expect(approved).toMatchObject({ code: 0, stdout: `${id}: approved 130 deletions in 직급 grades\n` });
    expect(await ended(id)).toBe('completed');
    expect(Object.keys(local.stack.workplaceSimulator.dump().grades).filter((k) => k in extras)).toEqual([]);

    const late = await cli('reject-deletions', id);
    expect(late).toEqual({ code: 1, stdout: '', stderr: `orgsync: run ${id} is completed; nothing to reject\n` });
  });
});

describe('pause, resume and cancel', () => {
  /** A run with work to do, slow enough to act on while it goes. */
  const slowRun = async (prefix: string) => {
    local.stack.workplaceSimulator.faults.latencyMs(100);
    const id = unique(prefix);
    expect((await cli('run', '--id', id)).code).toBe(0);
    return id;
  };
  const progressState = (id: string, state: string) =>
    eventually(async () => (await progressOf(local.env.client, id)).state === state, { what: `${id} to be ${state}` });
  /** Sends the command, sees it acknowledged and the run reach `state`; the status the CLI then shows. */
  const signalled = async (command: string, saying: string, id: string, state: string) => {
    expect(await cli(command, id)).toMatchObject({ code: 0, stdout: expect.stringContaining(`${saying} ${id}`) as string });
    await progressState(id, state);
    return (await cli('status', id)).stdout;
  };

  it('pause and resume change the run as its progress query shows; meanwhile nothing is held and no second run starts', async () => {
    const id = await slowRun('cli-pause');
    const status = await signalled('pause', 'pausing', id, 'paused');
    expect(status).toMatch(/^state +paused/m);
    expect(status).toContain(`Continue with: orgsync resume ${id}`);

    const approve = await cli('approve-deletions', id);
    expect(approve).toEqual({
      code: 1,
      stdout: '',
      stderr: `orgsync: cannot approve deletions of run ${id}: no stage of this run is waiting for a deletion decision\n`,
    });

    await eventually(async () => (await cli('list')).stdout.includes(id), { intervalMs: 250, what: 'visibility to list the run' });
    const second = await cli('run');
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^orgsync: run ${id} \\(started .*\\) is still running; two runs would race on WORKPLACE`));

    expect(await cli('resume', id)).toMatchObject({ code: 0, stdout: `resuming ${id}. Follow it with: orgsync status ${id}\n` });
    expect((await progressOf(local.env.client, id)).state).not.toBe('paused');
    local.stack.workplaceSimulator.faults.latencyMs(0);
    expect(await ended(id)).toBe('completed');
    expect(Object.keys(local.stack.workplaceSimulator.dump().employees)).toHaveLength(org.employees.length);
  });

  it('cancel ends the run as cancelled with what was done; pausing it afterwards is refused in one line', async () => {
    const id = await slowRun('cli-cancel');
    const status = await signalled('cancel', 'cancelling', id, 'cancelled');
    expect(status).toMatch(/^state +cancelled$/m);
    expect(status).toContain('cancelled by an operator');
    expect(Object.keys(local.stack.workplaceSimulator.dump().employees).length).toBeLessThan(org.employees.length);
    expect(await cli('pause', id)).toEqual({ code: 1, stdout: '', stderr: `orgsync: run ${id} is completed; nothing to pause\n` });
  });

  it('the raw Temporal CLI pauses, queries, describes and resumes a run the same way (README "Day-2 operations")', async () => {
    const id = await slowRun('cli-raw');
    const cliPath = resolveTemporalCli();
    // Asynchronously: this process runs the worker that answers the query.
    const temporal = (...args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(cliPath, [...args, '--address', inject('temporalAddress'), '--namespace', 'default'], (err, stdout, stderr) =>
          resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });

    const signal = await temporal('workflow', 'signal', '--workflow-id', id, '--name', 'pause');
    expect(signal.status, signal.stderr).toBe(0);
    await progressState(id, 'paused');
    const query = await temporal('workflow', 'query', '--workflow-id', id, '--name', 'progress', '--output', 'json');
    expect(query.status, query.stderr).toBe(0);
    expect(query.stdout).toContain('"state": "paused"');
    const describe = await temporal('workflow', 'describe', '--workflow-id', id, '--output', 'json');
    expect(describe.status, describe.stderr).toBe(0);
    expect(JSON.parse(describe.stdout)).toMatchObject({
      workflowExecutionInfo: { status: 'WORKFLOW_EXECUTION_STATUS_RUNNING' },
      executionConfig: { userMetadata: { summary: expect.stringMatching(/^orgsync run \d{4}-\d\d-\d\d$/) as string } },
    });
    const update = await temporal(
      'workflow',
      'update',
      'execute',
      '--workflow-id',
      id,
      '--name',
      'approveDeletions',
      '--input',
      '"tester"',
    );
    expect(update.status).not.toBe(0);
    expect(update.stderr).toContain('no stage of this run is waiting for a deletion decision');

    const resume = await temporal('workflow', 'signal', '--workflow-id', id, '--name', 'resume');
    expect(resume.status, resume.stderr).toBe(0);
    await eventually(async () => (await progressOf(local.env.client, id)).state !== 'paused', { what: `${id} to resume` });
    local.stack.workplaceSimulator.faults.latencyMs(0);
    expect(await ended(id)).toBe('completed');
  });

  it('cancel stops a paused run mid-stage: it ends as cancelled', async () => {
    const id = await slowRun('cli-cancel-paused');
    await eventually(async () => (await progressOf(local.env.client, id)).currentStage === 'departments', {
      what: `${id} to reach departments`,
    });
    expect((await cli('pause', id)).code).toBe(0);
    await progressState(id, 'paused');
    expect((await cli('cancel', id)).code).toBe(0);
    expect(await ended(id)).toBe('cancelled');
    expect(await cli('status', id)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^부서 departments +cancelled/m) as string });
  });
});
