import { formatDuration, formatTime, right, table } from '../format.js';
import { defineCommand, JSON_OPTION } from '../runner.js';
import { attributesOf, readRun, recentRuns, stateOf } from '../runs.js';
import { COUNT_COLUMNS, countCells, stageRows } from '../views.js';

export const list = defineCommand({
  name: 'list',
  summary: 'recent runs with their state, start time and counts',
  description: 'Runs of this task queue, newest first. The list comes from Temporal visibility, which can lag a second or two.',
  options: {
    limit: { type: 'string', value: '<n>', description: 'how many runs (default 20, at most 200)' },
    failures: { type: 'boolean', description: 'only runs with failed or skipped items' },
    ...JSON_OPTION,
  },
  examples: ['orgsync list', 'orgsync list --failures --limit 5 --json'],
  async run(ctx) {
    const limit = Number(ctx.flags.limit ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw ctx.usage(`--limit is a whole number from 1 to 200, not '${ctx.flags.limit}'`);
    const client = await ctx.client();
    const { taskQueue } = ctx.temporal();
    const runs = await recentRuns(client, taskQueue, { limit, ...(ctx.flags.failures ? { query: 'OrgSyncHasFailures = true' } : {}) });
    const rows = await Promise.all(
      runs.map(async (run) => {
        // Counts: a closed run's result (one small read), a running run's progress query (if a worker answers soon).
        const view = await readRun(client, run.workflowId, { queryTimeoutMs: 3_000 }).catch(() => undefined);
        const stages = view ? stageRows(view) : [];
        const sum = (k: 'planned' | 'done' | 'failed' | 'skipped') =>
          view && (view.result || view.progress) ? stages.reduce((n, s) => n + s.counts[k], 0) : undefined;
        const end = run.closeTime;
        return {
          runId: run.workflowId,
          state: stateOf(run),
          status: run.status.name,
          startedAt: run.startTime,
          ...(end ? { closedAt: end, durationMs: end.getTime() - run.startTime.getTime() } : {}),
          ...attributesOf(run),
          counts: { planned: sum('planned'), done: sum('done'), failed: sum('failed'), skipped: sum('skipped') },
        };
      }),
    );
    if (ctx.flags.json) return ctx.json(rows);
    if (rows.length === 0) return ctx.print(`no orgsync runs on task queue ${taskQueue}${ctx.flags.failures ? ' with failures' : ''} yet`);
    ctx.print(
      table(
        [{ header: 'RUN' }, { header: 'STATE' }, { header: 'STARTED' }, right('TOOK'), ...COUNT_COLUMNS],
        rows.map((r) => [
          r.runId,
          `${r.state}${r.dryRun ? ' (dry run)' : ''}`,
          formatTime(r.startedAt),
          r.durationMs === undefined ? '' : formatDuration(r.durationMs),
          ...countCells(r.counts),
        ]),
      ).join('\n'),
    );
  },
});
