/**
 * `orgsync sync-employee`: one person, now, through syncEmployeeWorkflow. Two people change in Knox; only
 * the one asked for may change in WORKPLACE.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../../generator/index.js';
import type { SyncEmployeeResult } from '../../engine/types.js';
import { unique } from '../helpers/temporal.js';
import { cliStack, cliWith, stackEnv } from './helpers.js';

const org = generateOrg({ seed: 1301, employees: 60, departments: 10 });
const local = cliStack(org);
const { cli } = local;

beforeAll(async () => {
  await local.stack.sync(unique('initial'));
});

describe('orgsync sync-employee', () => {
  it('refuses at once, exit 1, when no worker polls its task queue (it would wait out its 30-minute timeout)', async () => {
    const lonely = unique('no-worker');
    const result = await cliWith(stackEnv(local.stack, { ORGSYNC_TASK_QUEUE: lonely }))('sync-employee', org.employees[0]!.epId);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^orgsync: no worker polls task queue ${lonely} \\(namespace default\\)`, 'm'));
  });

  it("updates exactly that employee's WORKPLACE record and prints the change; --dry-run writes nothing", async () => {
    const [asked, other] = [org.employees[5]!, org.employees[6]!];
    const renamed = new Map([asked, other].map((e) => [e.epId, { ...e, fullName: `${e.fullName}변경` }]));
    local.stack.knoxSimulator.setOrg({ ...org, employees: org.employees.map((e) => renamed.get(e.epId) ?? e) });
    try {
      const before = local.stack.workplaceSimulator.dump();

      const dry = await cli('sync-employee', other.epId, '--dry-run', '--json');
      expect(dry.code, dry.stderr).toBe(0);
      const planned = JSON.parse(dry.stdout) as SyncEmployeeResult;
      expect(planned).toMatchObject({ epId: other.epId, knox: 'found' });
      expect(planned.changes).toContainEqual(
        expect.objectContaining({ what: 'employee', key: other.epId, op: 'update', outcome: 'planned' }),
      );
      expect(local.stack.workplaceSimulator.dump()).toEqual(before);

      const sync = await cli('sync-employee', asked.epId);
      expect(sync.code, sync.stderr).toBe(0);
      expect(sync.stdout).toMatch(new RegExp(`^ +done +update employee ${asked.epId}`, 'm'));

      const after = local.stack.workplaceSimulator.dump();
      expect(after.employees[asked.epId]!.name).toBe(`${asked.fullName}변경`);
      expect(after.employees[other.epId]).toEqual(before.employees[other.epId]);
      // Nothing else moved: put back the one record that changed and the rest is as it was.
      expect({ ...after, employees: { ...after.employees, [asked.epId]: before.employees[asked.epId] } }).toEqual(before);
    } finally {
      local.stack.knoxSimulator.setOrg(org);
    }
  });

  it('says so in one line and exits 1 for someone Knox does not return, and changes nothing', async () => {
    const before = local.stack.workplaceSimulator.dump();
    const result = await cli('sync-employee', 'D999999999999C999999');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /orgsync: Knox does not return D999999999999C999999; nothing was changed \(the daily run handles leavers\)\n$/,
    );
    expect(local.stack.workplaceSimulator.dump()).toEqual(before);
  });
});

describe('orgsync job-title-keys', () => {
  it('prints the keys a run gave WORKPLACE’s 직책, so a migration can map them beforehand', async () => {
    const jobs = local.stack.workplaceSimulator.dump().jobs;
    const names = [...new Set(org.employees.map((e) => e.gradeName.trim()))];
    const result = await cli('job-title-keys', names.join(','), '--json');
    expect(result.code, result.stderr).toBe(0);
    const keys = JSON.parse(result.stdout) as { name: string; key: string }[];
    expect(keys.map((k) => k.name)).toEqual(names);
    expect(keys.map(({ key }) => jobs[key]?.name)).toEqual(names);
    const text = await cli('job-title-keys', names[0]!);
    expect(text.stdout).toBe(`${names[0]}\t${keys[0]!.key}\n`);
  });
});
