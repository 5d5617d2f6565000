/**
 * `orgsync rollback <run>`: undo what a run wrote, as a run of its own (`<run>/rollback`, one child per
 * stage, the same guard, queue, rate, outcomes, pause and exit codes as a sync; engine/rollback.ts).
 */
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { rollbackWorkflowId } from '../../workflows/definitions.js';
import type { orgSyncWorkflow } from '../../workflows/org-sync.js';
import { OrgSyncDryRun } from '../../workflows/search-attributes.js';
import { seoulParts } from '../../lib/seoul-time.js';
import { formatTime } from '../format.js';
import { CliError, defineCommand, JSON_OPTION } from '../runner.js';
import { noWorkerMessage, ORG_SYNC_WORKFLOW, readRun, recentRuns, workerPolls } from '../runs.js';
import { followRun, parseStages } from './run.js';

export const rollback = defineCommand({
  name: 'rollback',
  summary: 'undo what a run wrote to WORKPLACE (--dry-run shows what it would do, per stage)',
  description: [
    'Starts <run>/rollback: what the run created is deleted, what it changed is put back as it was, what it deleted is',
    're-created (an employee with the same epId and hire date), in reverse dependency order. An item WORKPLACE no longer',
    'holds as the run left it (changed by a later run or by hand) is skipped with that reason unless --force. Deletions',
    'pass the deletion guard. Refuses when later runs followed this one, unless --force. README "Rollback" says what',
    'cannot be undone exactly.',
  ].join('\n'),
  args: [{ name: 'run' }],
  options: {
    stages: { type: 'string', value: '<s1,s2>', description: 'undo only these stages' },
    'dry-run': { type: 'boolean', description: 'plan the rollback and print what it would do; write nothing' },
    wait: { type: 'boolean', description: 'follow the rollback to its end, then print the summary' },
    force: { type: 'boolean', description: 'undo items changed since the run too, and roll back even though later runs followed' },
    ...JSON_OPTION,
  },
  examples: ['orgsync rollback orgsync-20261125-020000 --dry-run', 'orgsync rollback orgsync-20261125-020000 --stages departments --wait'],
  async run(ctx) {
    const of = ctx.args[0]!;
    const stages = parseStages(ctx, ctx.flags.stages);
    const dryRun = ctx.flags['dry-run'] ?? false;
    const force = ctx.flags.force ?? false;
    const client = await ctx.client();
    const { taskQueue, namespace } = ctx.temporal();

    const target = await readRun(client, of);
    if (target.execution.status.name === 'RUNNING')
      throw new CliError(`run ${of} is still running; cancel it first (orgsync cancel ${of})`);
    if (target.result?.dryRun) throw new CliError(`run ${of} was a dry run: it wrote nothing, so there is nothing to undo`);
    const written = target.result?.stages.reduce((n, s) => n + s.ops.create + s.ops.update + s.ops.delete, 0);
    if (written === 0) {
      ctx.print(`run ${of} wrote nothing to WORKPLACE: there is nothing to undo, and nothing was started`);
      return;
    }
    const later = (await recentRuns(client, taskQueue, { limit: 50 })).filter(
      (r) =>
        r.startTime > target.execution.startTime &&
        !r.workflowId.startsWith(`${of}/`) &&
        r.typedSearchAttributes.get(OrgSyncDryRun) !== true,
    );
    if (later.length > 0 && !force)
      throw new CliError(
        `later runs followed ${of}: ${later.map((r) => `${r.workflowId} (${formatTime(r.startTime)})`).join(', ')}. ` +
          'What they wrote on top is skipped item by item; pass --force to roll back anyway',
      );

    const p = seoulParts(new Date());
    const id = dryRun
      ? `${rollbackWorkflowId(of)}/preview-${p.year}${p.month}${p.day}-${p.hour}${p.minute}${p.second}`
      : rollbackWorkflowId(of);
    const handle = await client.workflow.start<typeof orgSyncWorkflow>(ORG_SYNC_WORKFLOW, {
      taskQueue,
      workflowId: id,
      args: [{ rollback: { of, ...(force ? { force } : {}) }, ...(dryRun ? { dryRun } : {}), ...(stages ? { stages } : {}) }],
      staticSummary: `orgsync rollback of ${of}${dryRun ? ' (dry run)' : ''}${stages ? ` · ${stages.join(', ')}` : ''}`.slice(0, 200),
      // A rollback that failed may be started again; one that completed is done.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
    if (!(await workerPolls(client, namespace, taskQueue)))
      ctx.note(`warning: ${noWorkerMessage(namespace, taskQueue)}: the rollback waits until one does`);
    const json = ctx.flags.json ?? false;
    // A dry run is only worth what it prints: it is always followed.
    if (!ctx.flags.wait && !dryRun) {
      if (json) ctx.json({ runId: id, rollbackOf: of, taskQueue, namespace });
      else ctx.print(`started ${id}, undoing ${of}${stages ? ` (${stages.join(', ')})` : ''}\nfollow it: orgsync status ${id}`);
      return;
    }
    if (!json) ctx.print(`started ${id}${dryRun ? ' (dry run: nothing is written)' : ''}, undoing ${of}; following it`);
    await followRun(ctx, handle, id, json);
    if (dryRun && !json) ctx.print(`\nDry run: nothing was written. Every planned item: orgsync report ${id}`);
  },
});
