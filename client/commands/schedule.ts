/**
 * The daily Schedule (TEMPORAL-NOTES §B "Schedules"): cron `0 2 * * *` in Asia/Seoul, overlap SKIP (a
 * run still going at 02:00 the next day means the new one is skipped, not raced), and an explicit
 * catch-up window (the SDK's documented default contradicts itself).
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  DAYS_OF_WEEK,
  MONTHS,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type CalendarSpecDescription,
  type ScheduleDescription,
  type ScheduleHandle,
} from '@temporalio/client';
import { formatDuration, formatTime, parseDuration } from '../format.js';
import { CliError, defineCommand, JSON_OPTION, operatorName, type Context, type Options } from '../runner.js';
import { ORG_SYNC_WORKFLOW } from '../runs.js';
import { fields } from '../views.js';

export const DEFAULT_SCHEDULE = {
  id: 'orgsync-daily',
  cron: '0 2 * * *',
  timezone: 'Asia/Seoul',
  catchupWindow: '1 hour',
  overlap: 'skip',
} as const;

const OVERLAP = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
} as const;
const overlapName = (policy: string | undefined) =>
  Object.entries(OVERLAP).find(([, p]) => p === policy)?.[0] ?? String(policy).toLowerCase();

const SCHEDULE_ID = {
  'schedule-id': { type: 'string', value: '<id>', description: `the schedule (default ${DEFAULT_SCHEDULE.id})` },
} as const satisfies Options;
const NOTE = {
  note: { type: 'string', value: '<text>', description: 'a note on the schedule, e.g. why it is paused' },
} as const satisfies Options;
const SETTINGS = {
  cron: { type: 'string', value: '<cron>', description: `when runs start (default '${DEFAULT_SCHEDULE.cron}': 02:00 daily)` },
  timezone: { type: 'string', value: '<zone>', description: `IANA time zone of the cron (default ${DEFAULT_SCHEDULE.timezone})` },
  'catchup-window': {
    type: 'string',
    value: '<duration>',
    description: `after a Temporal outage, start a missed run only this late (default '${DEFAULT_SCHEDULE.catchupWindow}')`,
  },
  overlap: {
    type: 'string',
    value: '<policy>',
    description: `a run still going when the next is due: ${Object.keys(OVERLAP).join(', ')} (default ${DEFAULT_SCHEDULE.overlap})`,
  },
} as const satisfies Options;

type Flags = { 'schedule-id'?: string; cron?: string; timezone?: string; 'catchup-window'?: string; overlap?: string };

/** The flags given, checked: a bad value is a usage error before anything reaches Temporal. */
function settings(ctx: Context, flags: Flags) {
  const { timezone, cron } = flags;
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      throw ctx.usage(`unknown time zone '${timezone}' (an IANA name such as Asia/Seoul or UTC)`);
    }
  }
  if (cron !== undefined && cron.trim().split(/\s+/).length < 5 && !cron.trim().startsWith('@'))
    throw ctx.usage(`--cron '${cron}' is not a cron expression (minute hour day-of-month month day-of-week)`);
  const window = flags['catchup-window'];
  const catchupWindow = window === undefined ? undefined : parseDuration(window);
  if (window !== undefined && (catchupWindow === undefined || catchupWindow < 10_000))
    throw ctx.usage(`--catchup-window '${window}' is not a duration of at least 10s (e.g. 30m, 1h, '1 hour')`);
  const overlapFlag = flags.overlap;
  if (overlapFlag !== undefined && !(overlapFlag in OVERLAP))
    throw ctx.usage(`--overlap is one of ${Object.keys(OVERLAP).join(', ')}, not '${overlapFlag}'`);
  return { cron, timezone, catchupWindow, overlap: overlapFlag === undefined ? undefined : OVERLAP[overlapFlag as keyof typeof OVERLAP] };
}

/** The server checks the cron; its refusal (INVALID_ARGUMENT, a TypeError in the SDK) is the operator's usage error. */
async function asUsage<T>(ctx: Context, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof TypeError) throw ctx.usage(`the schedule was refused: ${err.message}`);
    throw err;
  }
}

const scheduleId = (flags: Flags) => flags['schedule-id'] ?? DEFAULT_SCHEDULE.id;
const handleFor = async (ctx: Context, flags: Flags): Promise<ScheduleHandle> => (await ctx.client()).schedule.getHandle(scheduleId(flags));
const create = defineCommand({
  name: 'create',
  summary: 'create the daily schedule',
  options: { ...SCHEDULE_ID, ...SETTINGS, paused: { type: 'boolean', description: 'create it paused' }, ...NOTE },
  examples: [
    'orgsync schedule create',
    "orgsync schedule create --cron '30 1 * * 1-5' --catchup-window 2h --paused --note 'starts after go-live'",
  ],
  async run(ctx) {
    const s = settings(ctx, ctx.flags);
    const client = await ctx.client();
    const { taskQueue } = ctx.temporal();
    const id = scheduleId(ctx.flags);
    const cron = s.cron ?? DEFAULT_SCHEDULE.cron;
    const timezone = s.timezone ?? DEFAULT_SCHEDULE.timezone;
    const handle = await asUsage(ctx, () =>
      client.schedule
        .create({
          scheduleId: id,
          spec: { cronExpressions: [cron], timezone },
          action: {
            type: 'startWorkflow',
            workflowType: ORG_SYNC_WORKFLOW,
            taskQueue,
            args: [{}],
            // Temporal appends the scheduled time to this id for each run.
            workflowId: id,
            staticSummary: `orgsync daily run (schedule ${id})`,
          },
          policies: {
            overlap: s.overlap ?? OVERLAP[DEFAULT_SCHEDULE.overlap],
            catchupWindow: s.catchupWindow ?? DEFAULT_SCHEDULE.catchupWindow,
            pauseOnFailure: false,
          },
          state: { paused: ctx.flags.paused ?? false, ...(ctx.flags.note ? { note: ctx.flags.note } : {}) },
        })
        .catch((err: unknown) => {
          if (err instanceof ScheduleAlreadyRunning)
            throw new CliError(
              `schedule ${id} already exists; change it with \`orgsync schedule update\` (see it with \`orgsync schedule describe\`)`,
            );
          throw err;
        }),
    );
    ctx.print(`created schedule ${id}: ${oneLine(await handle.describe())}`);
  },
});

const update = defineCommand({
  name: 'update',
  summary: 'change the schedule: only the settings given change',
  options: { ...SCHEDULE_ID, ...SETTINGS, ...NOTE },
  examples: ["orgsync schedule update --cron '0 3 * * *'", 'orgsync schedule update --overlap buffer-one --catchup-window 30m'],
  async run(ctx) {
    const s = settings(ctx, ctx.flags);
    const note = ctx.flags.note;
    if (
      s.cron === undefined &&
      s.timezone === undefined &&
      s.catchupWindow === undefined &&
      s.overlap === undefined &&
      note === undefined
    ) {
      throw ctx.usage('nothing to change: give --cron, --timezone, --catchup-window, --overlap or --note');
    }
    const handle = await handleFor(ctx, ctx.flags);
    await asUsage(ctx, () =>
      handle.update((prev) => ({
        ...prev,
        spec:
          s.cron !== undefined
            ? { ...prev.spec, calendars: [], cronExpressions: [s.cron], timezone: s.timezone ?? prev.spec.timezone }
            : { ...prev.spec, ...(s.timezone !== undefined ? { timezone: s.timezone } : {}) },
        policies: {
          ...prev.policies,
          ...(s.overlap !== undefined ? { overlap: s.overlap } : {}),
          ...(s.catchupWindow !== undefined ? { catchupWindow: s.catchupWindow } : {}),
        },
        state: { ...prev.state, ...(note !== undefined ? { note } : {}) },
      })),
    );
    ctx.print(`updated schedule ${handle.scheduleId}: ${oneLine(await handle.describe())}`);
  },
});

const describe = defineCommand({
  name: 'describe',
  summary: 'show the schedule: when, policies, next and recent runs',
  options: { ...SCHEDULE_ID, ...JSON_OPTION },
  examples: ['orgsync schedule describe', 'orgsync schedule describe --json'],
  async run(ctx) {
    const d = await (await handleFor(ctx, ctx.flags)).describe();
    const cron = (d.spec.calendars ?? []).map(calendarToCron);
    if (ctx.flags.json) {
      const { raw: _raw, searchAttributes: _sa, ...rest } = d;
      return ctx.json({ ...rest, cron });
    }
    const recent = d.info.recentActions.slice(-5).reverse();
    ctx.print(
      fields([
        ['schedule', d.scheduleId],
        [
          'state',
          d.state.paused ? `paused${d.state.note ? ` (${d.state.note})` : ''}` : `active${d.state.note ? ` (${d.state.note})` : ''}`,
        ],
        ['cron', `${cron.join(' | ') || '(none)'} in ${d.spec.timezone ?? 'UTC'}`],
        ['overlap', overlapName(d.policies.overlap)],
        ['catch-up window', formatDuration(d.policies.catchupWindow)],
        ['pause on failure', d.policies.pauseOnFailure ? 'yes' : 'no'],
        ['starts', `${d.action.workflowType} on task queue ${d.action.taskQueue}, id ${d.action.workflowId}-<time>`],
        ['next runs', d.state.paused ? '(paused)' : d.info.nextActionTimes.slice(0, 3).map(formatTime).join(', ')],
        ['running now', d.info.runningActions.map((a) => a.workflow.workflowId).join(', ') || 'none'],
        ['recent runs', recent.map((a) => `${a.action.workflow.workflowId} (${formatTime(a.takenAt)})`).join('\n') || 'none'],
        [
          'actions taken',
          `${d.info.numActionsTaken}; skipped for overlap ${d.info.numActionsSkippedOverlap}; missed the catch-up window ${d.info.numActionsMissedCatchupWindow}`,
        ],
      ]).join('\n'),
    );
  },
});

/**
 * `pause` and `unpause`: the same flags, the same note (the operator's own, or who did it with orgsync), and
 * then `told(handle)`, what the operator reads.
 */
function pausing(action: 'pause' | 'unpause', summary: string, example: string, told: (handle: ScheduleHandle) => Promise<string>) {
  return defineCommand({
    name: action,
    summary,
    options: { ...SCHEDULE_ID, ...NOTE },
    examples: [example],
    async run(ctx) {
      const handle = await handleFor(ctx, ctx.flags);
      await handle[action](ctx.flags.note ?? `${action}d by ${operatorName()} with orgsync`);
      ctx.print(await told(handle));
    },
  });
}

const pause = pausing(
  'pause',
  'pause the schedule: no run starts until unpause',
  "orgsync schedule pause --note 'WORKPLACE maintenance until Friday'",
  async (handle) => `paused schedule ${handle.scheduleId}; no run starts until \`orgsync schedule unpause\` (a run in progress goes on)`,
);

const unpause = pausing('unpause', 'unpause the schedule', 'orgsync schedule unpause', async (handle) => {
  const next = (await handle.describe()).info.nextActionTimes[0];
  return `unpaused schedule ${handle.scheduleId}; next run ${formatTime(next)}`;
});

const trigger = defineCommand({
  name: 'trigger',
  summary: "start the schedule's run now",
  description: 'The overlap policy applies: with skip, nothing starts while a run of this schedule is still going.',
  options: { ...SCHEDULE_ID },
  examples: ['orgsync schedule trigger'],
  async run(ctx) {
    const handle = await handleFor(ctx, ctx.flags);
    const before = new Set((await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId));
    await handle.trigger();
    const started = await startedRun(handle, before);
    if (started) ctx.print(`triggered schedule ${handle.scheduleId}: started ${started}\nfollow it: orgsync status ${started}`);
    else
      ctx.print(
        `triggered schedule ${handle.scheduleId}; no run has started yet (with overlap skip, none starts while one is going): see \`orgsync schedule describe\``,
      );
  },
});

/** The schedule starts the run asynchronously; its description names it within a moment. */
async function startedRun(handle: ScheduleHandle, before: Set<string>): Promise<string | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const found = (await handle.describe()).info.recentActions.find((a) => !before.has(a.action.workflow.workflowId));
    if (found) return found.action.workflow.workflowId;
    await delay(250);
  }
  return undefined;
}

const remove = defineCommand({
  name: 'delete',
  summary: 'delete the schedule (runs it started are not affected)',
  options: { ...SCHEDULE_ID },
  examples: ['orgsync schedule delete'],
  async run(ctx) {
    const handle = await handleFor(ctx, ctx.flags);
    await handle.delete();
    ctx.print(`deleted schedule ${handle.scheduleId}; runs it started are not affected`);
  },
});

export const schedule = defineCommand({
  name: 'schedule',
  summary: `the daily Temporal Schedule (${DEFAULT_SCHEDULE.cron} ${DEFAULT_SCHEDULE.timezone}): create, update, describe, pause, unpause, trigger, delete`,
  examples: ['orgsync schedule create', 'orgsync schedule describe', 'orgsync schedule trigger'],
  subcommands: [create, update, describe, pause, unpause, trigger, remove],
});

function oneLine(d: ScheduleDescription): string {
  const cron = (d.spec.calendars ?? []).map(calendarToCron).join(' | ');
  const next = d.info.nextActionTimes[0];
  return `${cron} in ${d.spec.timezone ?? 'UTC'}, overlap ${overlapName(d.policies.overlap)}, catch-up window ${formatDuration(d.policies.catchupWindow)}; ${d.state.paused ? 'paused' : `next run ${formatTime(next)}`}`;
}

/** The server keeps a cron as calendar ranges; read them back as cron so describe shows what create took. */
export function calendarToCron(c: CalendarSpecDescription): string {
  const field = <U>(ranges: readonly { start: U; end: U; step: number }[], min: number, max: number, index: (u: U) => number = Number) =>
    ranges.length === 0
      ? '*'
      : ranges
          .map(({ start, end, step }) => {
            const [a, b] = [index(start), index(end)];
            const span = a === min && b === max ? '*' : a === b ? String(a) : `${a}-${b}`;
            return step > 1 && a !== b ? `${span}/${step}` : span;
          })
          .join(',');
  const parts = [
    field(c.minute, 0, 59),
    field(c.hour, 0, 23),
    field(c.dayOfMonth, 1, 31),
    field(c.month, 1, 12, (m) => MONTHS.indexOf(m) + 1),
    field(c.dayOfWeek, 0, 6, (d) => DAYS_OF_WEEK.indexOf(d)),
  ];
  const second = field(c.second, 0, 59);
  return `${second === '0' ? '' : `${second} `}${parts.join(' ')}${c.year.length ? ` (years ${field(c.year, 0, 9999)})` : ''}${c.comment ? ` # ${c.comment}` : ''}`;
}
