/**
 * The daily Schedule through the CLI on the real dev server (the time-skipping server has no schedules).
 * Each test uses a schedule id of its own and deletes it, so nothing fires at 02:00 on a shared server.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../../generator/index.js';
import { eventually, unique } from '../helpers/temporal.js';
import { cliStack } from './helpers.js';

const org = generateOrg({ seed: 1201, employees: 60, departments: 10 });
const local = cliStack(org);
const { cli } = local;
const created: string[] = [];

// Runs before the stack's own afterAll (after-hooks run last-registered first), while the client is still connected.
afterAll(async () => {
  for (const id of created)
    await local.env.client.schedule
      .getHandle(id)
      .delete()
      .catch(() => undefined);
});

interface Described {
  cron: string[];
  spec: { timezone: string };
  policies: { overlap: string; catchupWindow: number; pauseOnFailure: boolean };
  action: { workflowType: string; taskQueue: string; workflowId: string; staticSummary: string };
  state: { paused: boolean; note?: string };
  info: { nextActionTimes: string[] };
}

const scheduleCli = () => {
  const id = unique('orgsync-daily');
  created.push(id);
  const schedule = (...args: string[]) => cli('schedule', ...args, '--schedule-id', id);
  const describe = async () => JSON.parse((await schedule('describe', '--json')).stdout) as Described;
  return { id, schedule, describe };
};

describe('orgsync schedule', () => {
  it('creates the daily schedule with its defaults, says so when it exists, and a trigger starts a run that completes and shows in list', async () => {
    const { id, schedule, describe } = scheduleCli();
    const create = await schedule('create');
    expect(create.code, create.stderr).toBe(0);
    expect(create.stdout).toMatch(
      new RegExp(
        `^created schedule ${id}: 0 2 \\* \\* \\* in Asia/Seoul, overlap skip, catch-up window 1h; next run \\d{4}-\\d\\d-\\d\\d 02:00:00 KST\\n$`,
      ),
    );

    expect(await schedule('create')).toEqual({
      code: 1,
      stdout: '',
      stderr: `orgsync: schedule ${id} already exists; change it with \`orgsync schedule update\` (see it with \`orgsync schedule describe\`)\n`,
    });

    const described = await describe();
    expect(described).toMatchObject({
      cron: ['0 2 * * *'],
      spec: { timezone: 'Asia/Seoul' },
      policies: { overlap: 'SKIP', catchupWindow: 3_600_000, pauseOnFailure: false },
      action: {
        workflowType: 'orgSyncWorkflow',
        taskQueue: local.stack.taskQueue,
        workflowId: id,
        staticSummary: `orgsync daily run (schedule ${id})`,
      },
      state: { paused: false },
    });
    // 02:00 in Seoul is 17:00 UTC the day before.
    expect(new Date(described.info.nextActionTimes[0]!).getUTCHours()).toBe(17);

    const trigger = await schedule('trigger');
    expect(trigger.code, trigger.stderr).toBe(0);
    const runId = /started (\S+)/.exec(trigger.stdout)?.[1];
    expect(runId).toMatch(new RegExp(`^${id}-`));

    await eventually(async () => (JSON.parse((await cli('status', runId!, '--json')).stdout) as { state: string }).state === 'completed', {
      timeoutMs: 90_000,
      what: 'the scheduled run to complete',
    });
    expect(Object.keys(local.stack.workplaceSimulator.dump().employees)).toHaveLength(org.employees.length);
    const listed = await eventually(
      async () => {
        const list = await cli('list');
        return new RegExp(`^${runId} +completed +.* +0 +0$`, 'm').test(list.stdout) && list;
      },
      { intervalMs: 250, what: 'list to show the scheduled run' },
    );
    expect(listed.code).toBe(0);
    expect((await schedule('describe')).stdout).toMatch(new RegExp(`^recent runs +${runId} \\(`, 'm'));
  });

  it('update changes only what is given; pause, unpause and delete do what they say', async () => {
    const { id, schedule, describe } = scheduleCli();
    expect((await schedule('create', '--paused', '--note', 'starts after go-live')).code).toBe(0);
    expect(await describe()).toMatchObject({ state: { paused: true, note: 'starts after go-live' } });

    const update = await schedule('update', '--cron', '30 3 * * 1-5', '--catchup-window', '30m');
    expect(update.code, update.stderr).toBe(0);
    expect(update.stdout).toBe(`updated schedule ${id}: 30 3 * * 1-5 in Asia/Seoul, overlap skip, catch-up window 30m; paused\n`);
    expect(await describe()).toMatchObject({
      cron: ['30 3 * * 1-5'],
      spec: { timezone: 'Asia/Seoul' },
      policies: { overlap: 'SKIP', catchupWindow: 1_800_000 },
      state: { paused: true },
    });

    expect((await schedule('update', '--overlap', 'buffer-one', '--timezone', 'UTC')).code).toBe(0);
    expect(await describe()).toMatchObject({
      cron: ['30 3 * * 1-5'],
      spec: { timezone: 'UTC' },
      policies: { overlap: 'BUFFER_ONE', catchupWindow: 1_800_000 },
    });

    const refused = await schedule('update', '--cron', '0 25 * * *');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^orgsync: the schedule was refused: .*hour/im);

    const unpause = await schedule('unpause');
    expect(unpause.stdout).toMatch(new RegExp(`^unpaused schedule ${id}; next run \\d{4}-\\d\\d-\\d\\d 12:30:00 KST\\n$`));
    expect(await describe()).toMatchObject({ state: { paused: false } });
    expect((await schedule('pause', '--note', 'WORKPLACE maintenance')).stdout).toContain(`paused schedule ${id}`);
    expect((await schedule('describe')).stdout).toMatch(/^state +paused \(WORKPLACE maintenance\)$/m);

    expect(await schedule('delete')).toMatchObject({ code: 0, stdout: `deleted schedule ${id}; runs it started are not affected\n` });
  });

  it.each([[['describe']], [['trigger']], [['update', '--note', 'x']]])(
    'after delete, schedule %j says in one line there is no schedule, exit 1',
    async (after) => {
      const { id, schedule } = scheduleCli();
      expect((await schedule('create', '--paused')).code).toBe(0);
      expect((await schedule('delete')).code).toBe(0);
      expect(await schedule(...after)).toEqual({
        code: 1,
        stdout: '',
        stderr: `orgsync: no schedule ${id}; create it with \`orgsync schedule create\`\n`,
      });
    },
  );
});
