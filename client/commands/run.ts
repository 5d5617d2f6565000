import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowIdReusePolicy, type WorkflowHandle } from '@temporalio/client';
import { progressQuery } from '../../workflows/definitions.js';
import { STAGE_TITLES, STAGES, type StageName } from '../../engine/pipeline.js';
import { type OrgSyncProgress, type OrgSyncResult } from '../../engine/types.js';
import type { orgSyncWorkflow } from '../../workflows/org-sync.js';
import { OrgSyncDryRun } from '../../workflows/search-attributes.js';
import { seoulParts } from '../../lib/seoul-time.js';
import { displayWidth, formatTime } from '../format.js';
import { CliError, defineCommand, JSON_OPTION, type Context, EXIT, exitCodeOf } from '../runner.js';
import {
  newRunId,
  noWorkerMessage,
  ORG_SYNC_WORKFLOW,
  readRun,
  recentRuns,
  runFailedResult,
  runHandle,
  runSummary,
  workerPolls,
} from '../runs.js';
import { holdLines, reviewLines, runLines } from '../views.js';

const POLL_MS = 1_000;

export const run = defineCommand({
  name: 'run',
  summary: 'start a sync run (--wait follows it to the end)',
  description: [
    'Starts orgSyncWorkflow with the id orgsync-<yyyyMMdd-HHmmss> (Seoul time). With --wait it prints each',
    "stage's progress as it changes and ends with the summary; it then exits 0 only if the run completed.",
    'Refuses to start while another (non-dry) run is still running: two runs would race on WORKPLACE.',
  ].join('\n'),
  options: {
    'dry-run': { type: 'boolean', description: 'plan every stage and report what would change; write nothing' },
    review: {
      type: 'boolean',
      description: 'plan every stage, wait for `orgsync approve-run` (or reject-run), then apply exactly that plan',
    },
    stages: { type: 'string', value: '<s1,s2>', description: `only these stages: ${STAGES.join(', ')}` },
    wait: { type: 'boolean', description: 'follow the run to its end, then print the summary' },
    id: { type: 'string', value: '<run id>', description: 'the workflow id (default orgsync-<yyyyMMdd-HHmmss>)' },
    'allow-overlap': { type: 'boolean', description: 'start even if another run is still running' },
    'full-read': {
      type: 'boolean',
      description: "read Knox's employees department by department (complete, ~40x the calls), whatever sync.fullReadEvery says",
    },
    ...JSON_OPTION,
  },
  examples: [
    'orgsync run --wait',
    'orgsync run --dry-run --stages grades,departments --wait',
    'orgsync run --review --wait',
    'orgsync run --full-read --wait',
  ],
  async run(ctx) {
    const stages = parseStages(ctx, ctx.flags.stages);
    const dryRun = ctx.flags['dry-run'] ?? false;
    const review = ctx.flags.review ?? false;
    if (dryRun && review) throw ctx.usage('--dry-run and --review disagree: a review plans first and then writes what is approved');
    const fullRead = ctx.flags['full-read'] ?? false;
    const client = await ctx.client();
    const { taskQueue, namespace } = ctx.temporal();

    if (!dryRun && !ctx.flags['allow-overlap']) {
      for (const other of await recentRuns(client, taskQueue, { limit: 5, running: true })) {
        // A dry run writes nothing. Visibility lags; the run's own description is current.
        if (other.typedSearchAttributes.get(OrgSyncDryRun) === true) continue;
        if ((await runHandle(client, other.workflowId).describe()).status.name !== 'RUNNING') continue;
        throw new CliError(
          `run ${other.workflowId} (started ${formatTime(other.startTime)}) is still running; two runs would race on WORKPLACE. Wait for it, \`orgsync cancel ${other.workflowId}\`, or pass --allow-overlap`,
        );
      }
    }

    const now = new Date();
    const id = ctx.flags.id ?? newRunId(now);
    const handle = await client.workflow.start<typeof orgSyncWorkflow>(ORG_SYNC_WORKFLOW, {
      taskQueue,
      workflowId: id,
      args: [
        { ...(dryRun ? { dryRun } : {}), ...(review ? { review } : {}), ...(stages ? { stages } : {}), ...(fullRead ? { fullRead } : {}) },
      ],
      staticSummary: runSummary(now, { dryRun, ...(stages ? { stages } : {}), ...(fullRead ? { fullRead } : {}) }),
      // A run id names one run: its folder in the staging store and its report.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    if (!(await workerPolls(client, namespace, taskQueue)))
      ctx.note(`warning: ${noWorkerMessage(namespace, taskQueue)}: the run waits until one does`);
    const kind = dryRun ? ' (dry run)' : review ? ' (for review)' : '';
    if (!ctx.flags.wait) {
      if (ctx.flags.json) ctx.json({ runId: id, taskQueue, namespace });
      else ctx.print(`started ${id}${kind} on task queue ${taskQueue} (namespace ${namespace})\nfollow it: orgsync status ${id}`);
      return;
    }
    if (!ctx.flags.json) ctx.print(`started ${id}${kind} on task queue ${taskQueue}; following it (Ctrl-C stops following, not the run)`);
    await followRun(ctx, handle, id, ctx.flags.json ?? false);
  },
});

/** `--stages s1,s2`: known stage names, at least one. */
export function parseStages(ctx: Pick<Context, 'usage'>, flag: string | undefined): StageName[] | undefined {
  const stages = flag
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = stages?.filter((s) => !(STAGES as readonly string[]).includes(s));
  if (unknown?.length) throw ctx.usage(`unknown stage ${unknown.join(', ')}; stages are ${STAGES.join(', ')}`);
  if (stages?.length === 0) throw ctx.usage('--stages lists no stage');
  return stages as StageName[] | undefined;
}

/** Prints the run's progress until it ends, then its summary; exits as the end state says (EXIT). */
export async function followRun(
  ctx: Context,
  handle: WorkflowHandle<typeof orgSyncWorkflow>,
  id: string,
  json: boolean,
): Promise<OrgSyncResult> {
  const client = await ctx.client();
  const outcome = handle.result().then(
    (result): OrgSyncResult | Error => result,
    (err: unknown): OrgSyncResult | Error => runFailedResult(err) ?? (err instanceof Error ? err : new Error(String(err))),
  );
  const printer = progressPrinter(ctx, id);
  let ended: OrgSyncResult | Error | undefined;
  while (!ended) {
    // Bounded: with no worker polling, a query waits for the server's timeout.
    if (!json)
      await client.connection.withDeadline(Date.now() + 5 * POLL_MS, () => handle.query(progressQuery)).then(printer, () => undefined);
    ended = await Promise.race([outcome, delay(POLL_MS).then(() => undefined)]);
  }
  if (ended instanceof Error) throw ended;
  if (json) ctx.json(ended);
  else ctx.print(`\n${runLines(await readRun(client, id)).join('\n')}`);
  const code = exitCodeOf(ended.state);
  if (code !== EXIT.ok) throw new CliError(`run ${id} ${ended.state}${ended.message ? `: ${ended.message}` : ''}`, code);
  return ended;
}

/** Prints a line per stage whenever its state or counts change, and the run's own state changes. */
function progressPrinter(ctx: Context, id: string): (progress: OrgSyncProgress) => void {
  const last = new Map<string, string>();
  const titleWidth = Math.max(...STAGES.map((s) => displayWidth(STAGE_TITLES[s])));
  return (progress) => {
    const p = seoulParts(new Date());
    const time = `${p.hour}:${p.minute}:${p.second}`;
    const runLine = progress.state;
    if (last.get('run') !== runLine) {
      last.set('run', runLine);
      if (runLine !== 'running') ctx.print(`${time}  run ${runLine}${runLine === 'paused' ? ` (orgsync resume ${id} continues it)` : ''}`);
      for (const line of [...holdLines(id, progress.hold), ...reviewLines(id, progress.review)]) ctx.print(`${time}  ${line}`);
    }
    for (const s of progress.stages) {
      const c = s.counts;
      const line = `${s.state.padEnd(17)} planned ${c.planned}  done ${c.done}  failed ${c.failed}  skipped ${c.skipped}`;
      if (last.get(s.stage) === line) continue;
      last.set(s.stage, line);
      const title = STAGE_TITLES[s.stage];
      ctx.print(`${time}  ${title}${' '.repeat(titleWidth - displayWidth(title))}  ${line}`);
    }
  };
}
