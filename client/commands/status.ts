import { defineCommand, JSON_OPTION } from '../runner.js';
import { readRun, resolveRunId, runState } from '../runs.js';
import { runLines } from '../views.js';

export const status = defineCommand({
  name: 'status',
  summary: "a run's state and per-stage counts (the latest run by default)",
  description: 'A running run answers its progress query (a worker must be up); a finished run is read from its result.',
  args: [{ name: 'id', optional: true }],
  options: { ...JSON_OPTION },
  examples: ['orgsync status', 'orgsync status orgsync-20261125-020000 --json'],
  async run(ctx) {
    const id = await resolveRunId(ctx, ctx.args[0]);
    const view = await readRun(await ctx.client(), id);
    if (ctx.flags.json) {
      const { id: runId, execution, progress, result, problem } = view;
      ctx.json({
        runId,
        state: runState(view),
        status: execution.status.name,
        startedAt: execution.startTime,
        closedAt: execution.closeTime,
        taskQueue: execution.taskQueue,
        progress,
        result,
        problem,
      });
      return;
    }
    ctx.print(runLines(view).join('\n'));
  },
});
