import { syncEmployeeWorkflowId } from '../../workflows/definitions.js';
import { type EmployeeChange, type SyncEmployeeInput, type SyncEmployeeResult } from '../../engine/types.js';
import { CliError, defineCommand, JSON_OPTION } from '../runner.js';
import { noWorkerMessage, workerPolls } from '../runs.js';

/** syncEmployeeWorkflow (workflows/), called by name: the same Knox read, mapping and write activities as a run. */
type SyncEmployeeWorkflow = (input: SyncEmployeeInput) => Promise<SyncEmployeeResult>;

export const syncEmployee = defineCommand({
  name: 'sync-employee',
  summary: 'sync one employee now (Knox → WORKPLACE) and print what changed',
  description: 'Reads the employee from Knox and writes their WORKPLACE record, Reports To and additional attributes. Never deletes.',
  args: [{ name: 'epId' }],
  options: { 'dry-run': { type: 'boolean', description: 'show what would change; write nothing' }, ...JSON_OPTION },
  examples: ['orgsync sync-employee E1234567', 'orgsync sync-employee E1234567 --dry-run --json'],
  async run(ctx) {
    const epId = ctx.args[0]!;
    const dryRun = ctx.flags['dry-run'] ?? false;
    const client = await ctx.client();
    const { namespace, taskQueue } = ctx.temporal();
    // Someone waits at the terminal: without a worker this would sit out its 30-minute timeout.
    if (!(await workerPolls(client, namespace, taskQueue))) throw new CliError(noWorkerMessage(namespace, taskQueue));
    const workflowId = syncEmployeeWorkflowId(epId, new Date());
    if (!ctx.flags.json) ctx.note(`syncing ${epId}${dryRun ? ' (dry run)' : ''} as ${workflowId}…`);
    const result = await client.workflow.execute<SyncEmployeeWorkflow>('syncEmployeeWorkflow', {
      taskQueue,
      workflowId,
      args: [{ epId, ...(dryRun ? { dryRun } : {}) }],
      staticSummary: `orgsync sync-employee ${epId}${dryRun ? ' (dry run)' : ''}`,
      // One person: minutes at most, even behind a nightly run's writes. A worker without this workflow must not hang the CLI.
      workflowExecutionTimeout: '30 minutes',
    });
    const failed = result.changes.filter((c) => c.outcome === 'failed');
    if (ctx.flags.json) ctx.json(result);
    else ctx.print(describe(result).join('\n'));
    if (result.knox !== 'found')
      throw new CliError(
        result.knox === 'notInKnox'
          ? `Knox does not return ${epId}; nothing was changed (the daily run handles leavers)`
          : `Knox's record of ${epId} is invalid: ${result.message ?? 'see above'}`,
      );
    if (failed.length) throw new CliError(`${failed.length} of ${result.changes.length} changes to ${epId} failed`);
  },
});

function describe(result: SyncEmployeeResult): string[] {
  const who = `${result.epId}${result.label ? ` ${result.label}` : ''}`;
  if (result.changes.length === 0) return [`${who}: already in step; nothing to change${result.message ? ` (${result.message})` : ''}`];
  return [`${who}:`, ...result.changes.map(changeLine), ...(result.message ? [result.message] : [])];
}

const changeLine = (c: EmployeeChange) =>
  `  ${c.outcome.padEnd(7)} ${c.op} ${c.what} ${c.key}${c.changes?.length ? `: ${c.changes.join(', ')}` : ''}${c.message ? ` (${c.message})` : ''}`;
