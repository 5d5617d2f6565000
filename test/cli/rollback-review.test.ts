/**
 * The CLI for undoing and reviewing runs, against real runs on one local stack: `orgsync rollback` (its
 * dry run, its refusal when later runs followed) and `orgsync run --review` with approve-run and
 * reject-run, as an operator sees them (exit codes, printed text) and as WORKPLACE does.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOrg } from '../../generator/index.js';
import { writeCount } from '../helpers/stack.js';
import { eventually, unique } from '../helpers/temporal.js';
import { cliStack, progressOf, terminateRunning } from './helpers.js';

const org = generateOrg({ seed: 1201, employees: 40, departments: 6 });
// Undoing a first run deletes everything it made: far over the default guard, which is tested elsewhere.
const local = cliStack(org, { settings: { deletionGuard: { maxShare: 1, maxCount: 1_000_000, decisionTimeout: '10m' } } });
const { cli } = local;

beforeEach(() => {
  local.stack.workplaceSimulator.reset();
  local.stack.workplaceSimulator.clearLog();
  local.stack.knoxSimulator.setOrg(org);
});
afterEach(() => terminateRunning(local.env.client, local.stack.taskQueue));

const objects = () => {
  const state = local.stack.workplaceSimulator.dump();
  return Object.keys(state.employees).length + Object.keys(state.departments).length + Object.keys(state.grades).length;
};

describe('orgsync rollback', () => {
  it('--dry-run prints what it would undo and writes nothing; a run that later runs followed needs --force; then it undoes', async () => {
    const first = unique('first');
    expect((await cli('run', '--wait', '--id', first)).code).toBe(0);
    const made = objects();
    expect(made).toBeGreaterThan(org.employees.length);

    local.stack.workplaceSimulator.clearLog();
    const preview = await cli('rollback', first, '--dry-run');
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(`started ${first}/rollback/preview-`);
    expect(preview.stdout).toMatch(/Dry run: nothing was written/);
    expect(writeCount(local.stack.workplaceSimulator)).toBe(0);
    const report = await cli('report', `${preview.stdout.match(/started (\S+)/)![1]}`, '--json');
    const planned = (JSON.parse(report.stdout) as { planned: { stage: string; op: string }[] }).planned;
    const objectStages = ['grades', 'departments', 'employees'];
    expect(planned.filter((p) => objectStages.includes(p.stage) && p.op === 'delete')).toHaveLength(made);

    const second = unique('second');
    expect((await cli('run', '--wait', '--id', second)).code).toBe(0);
    // The second run found WORKPLACE in step: it wrote nothing, and its rollback says so.
    const nothing = await cli('rollback', second);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain(`run ${second} wrote nothing to WORKPLACE: there is nothing to undo`);
    const refused = await cli('rollback', first);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`later runs followed ${first}: ${second}`);
    expect(refused.stderr).toContain('--force');

    const undone = await cli('rollback', first, '--force', '--wait');
    expect(undone.code).toBe(0);
    expect(undone.stdout).toContain(`started ${first}/rollback`);
    expect(objects()).toBe(0);
    // A dry run has nothing to undo.
    const dry = unique('dry');
    await cli('run', '--dry-run', '--wait', '--id', dry);
    expect((await cli('rollback', dry)).stderr).toMatch(/was a dry run: it wrote nothing/);
  });
});

describe('orgsync run --review', () => {
  it('parks the run with its plan in status and report; approve-run applies it', async () => {
    const id = unique('review');
    const started = await cli('run', '--review', '--id', id);
    expect(started.stdout).toContain(`started ${id} (for review)`);
    await eventually(async () => (await progressOf(local.env.client, id)).state === 'awaiting-review', { timeoutMs: 90_000 });
    expect(writeCount(local.stack.workplaceSimulator)).toBe(0);

    const status = await cli('status', id);
    expect(status.stdout).toContain('the plan waits for review');
    expect(status.stdout).toContain(`orgsync approve-run ${id}  |  orgsync reject-run ${id}`);
    const report = JSON.parse((await cli('report', id, '--json')).stdout) as { planned: { stage: string; op: string }[] };
    expect(report.planned.filter((p) => p.stage === 'employees' && p.op === 'create')).toHaveLength(org.employees.length);

    const approved = await cli('approve-run', id, '--by', 'kim.reviewer');
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('approved: the run applies exactly the reviewed plan');
    await eventually(async () => (JSON.parse((await cli('status', id, '--json')).stdout) as { state: string }).state === 'completed', {
      timeoutMs: 90_000,
    });
    expect(Object.keys(local.stack.workplaceSimulator.dump().employees)).toHaveLength(org.employees.length);
    // Decided once: a second decision is refused in one line.
    const again = await cli('reject-run', id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/nothing to reject|not waiting for a review decision/);
  });

  it('run --review --wait exits 4 when the plan is rejected, with nothing written', async () => {
    const id = unique('rejected');
    const following = cli('run', '--review', '--wait', '--id', id);
    await eventually(async () => (await progressOf(local.env.client, id).catch(() => undefined))?.state === 'awaiting-review', {
      timeoutMs: 90_000,
    });
    expect((await cli('reject-run', id, '--by', 'kim.reviewer')).code).toBe(0);
    const waited = await following;
    expect(waited.code).toBe(4);
    expect(waited.stderr).toContain(`run ${id} rejected`);
    expect(writeCount(local.stack.workplaceSimulator)).toBe(0);
  });
});
