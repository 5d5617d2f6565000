/**
 * Commands that change a running run: pause, resume, cancel, and the deletion guard's decision. Without
 * an id they act on the latest run that is still running.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  approveDeletionsUpdate,
  approveRunUpdate,
  pauseSignal,
  rejectDeletionsUpdate,
  rejectRunUpdate,
  resumeSignal,
} from '../../workflows/definitions.js';
import type { orgSyncWorkflow } from '../../workflows/org-sync.js';
import { CliError, defineCommand, firstLine, operatorName, type Command, type Context } from '../runner.js';
import { resolveRunId, runHandle } from '../runs.js';

type RunHandle = WorkflowHandle<typeof orgSyncWorkflow>;

/** Runs `act` on the chosen run; a run that has already ended gets a plain sentence, not "not found". */
async function onRunningRun(ctx: Context, verb: string, act: (handle: RunHandle) => Promise<string>): Promise<void> {
  const id = await resolveRunId(ctx, ctx.args[0], { running: true });
  const client = await ctx.client();
  try {
    ctx.print(await act(runHandle(client, id)));
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const execution = await runHandle(client, id).describe();
    throw new CliError(`run ${id} is ${execution.status.name.toLowerCase()}; nothing to ${verb}`);
  }
}

const RUN_ID = [{ name: 'id', optional: true }] as const;

const signal = (
  name: string,
  summary: string,
  verb: string,
  send: (h: RunHandle) => Promise<void>,
  done: (id: string) => string,
): Command =>
  defineCommand({
    name,
    summary,
    args: RUN_ID,
    examples: [`orgsync ${name}`, `orgsync ${name} orgsync-20261125-020000`],
    run: (ctx) =>
      onRunningRun(ctx, verb, async (handle) => {
        await send(handle);
        return done(handle.workflowId);
      }),
  });

export const pause = signal(
  'pause',
  'pause a run: no new writes start, writes in flight finish',
  'pause',
  (h) => h.signal(pauseSignal),
  (id) => `pausing ${id}: no new writes start; writes in flight finish. Continue with: orgsync resume ${id}`,
);
export const resume = signal(
  'resume',
  'resume a paused run',
  'resume',
  (h) => h.signal(resumeSignal),
  (id) => `resuming ${id}. Follow it with: orgsync status ${id}`,
);
export const cancel = signal(
  'cancel',
  'stop a run: the running stage finishes its writes in flight, then the run ends as cancelled',
  'cancel',
  async (h) => void (await h.cancel()),
  (id) =>
    `cancelling ${id}: the running stage finishes its writes in flight, then the run ends as cancelled with what was done. See: orgsync status ${id}`,
);

const decide = (
  name: string,
  decision: 'approve' | 'reject',
  update: typeof approveDeletionsUpdate,
  what: { summary: string; description: string; object: string },
): Command =>
  defineCommand({
    name,
    summary: what.summary,
    description: what.description,
    args: RUN_ID,
    options: { by: { type: 'string', value: '<name>', description: 'who decides, for the record (default: your user name)' } },
    examples: [`orgsync ${name}`, `orgsync ${name} orgsync-20261125-020000 --by kim.samsung`],
    run: (ctx) =>
      onRunningRun(ctx, `${decision}`, async (handle) => {
        const by = ctx.flags.by ?? operatorName();
        try {
          // By name: the SDK's overloads do not accept the definition's optional argument (`[by?: string]`).
          return `${handle.workflowId}: ${await handle.executeUpdate<string, [string]>(update.name, { args: [by] })}`;
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError)
            throw new CliError(`cannot ${decision} ${what.object} of run ${handle.workflowId}: ${firstLine(err.cause ?? err)}`);
          throw err;
        }
      }),
  });

const DELETIONS = {
  description:
    'A stage that plans more deletions than the guard allows (sync.deletionGuard) waits for this decision; `orgsync status` shows what it holds.',
  object: 'deletions',
};
export const approveDeletions = decide('approve-deletions', 'approve', approveDeletionsUpdate, {
  ...DELETIONS,
  summary: "approve the deletions a run's deletion guard holds",
});
export const rejectDeletions = decide('reject-deletions', 'reject', rejectDeletionsUpdate, {
  ...DELETIONS,
  summary: "reject the deletions a run's deletion guard holds",
});

const REVIEW = {
  description: [
    'A run started with `orgsync run --review` plans every stage and waits in awaiting-review; `orgsync report` lists every',
    'planned item. Approved, it applies exactly those items (an item whose WORKPLACE state changed since is skipped and',
    'reported, never overwritten); rejected, or not decided in time (sync.deletionGuard.decisionTimeout), it writes nothing.',
  ].join('\n'),
  object: 'the plan',
};
export const approveRun = decide('approve-run', 'approve', approveRunUpdate, {
  ...REVIEW,
  summary: 'apply exactly the plan a reviewed run shows',
});
export const rejectRun = decide('reject-run', 'reject', rejectRunUpdate, { ...REVIEW, summary: 'end a reviewed run with nothing written' });
