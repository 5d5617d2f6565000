/**
 * Finding and reading orgsync runs: "the latest run" when no id is given, a run's live progress (the
 * `progress` query) or its final result, and the full list of its failed and skipped items.
 */
import { WorkflowFailedError, type Client, type WorkflowExecutionDescription, type WorkflowExecutionInfo } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import { readPlanItems, readPlanMeta, readRunOutcomes } from '../engine/plan-store.js';
import type { PlanItem } from '../engine/plan.js';
import type { StoreConfig } from '../config/index.js';
import { openStore, runFolder } from '../store/index.js';
import { progressQuery } from '../workflows/definitions.js';
import { RUN_END_STATES } from '../engine/outcomes.js';
import { STAGES, type StageName } from '../engine/pipeline.js';
import { type ItemOutcome, type OrgSyncProgress, type OrgSyncResult } from '../engine/types.js';
import type { orgSyncWorkflow } from '../workflows/org-sync.js';
import { OrgSyncDryRun, OrgSyncHasFailures, OrgSyncStage, OrgSyncState } from '../workflows/search-attributes.js';
import { seoulParts } from '../lib/seoul-time.js';
import { CliError, firstLine, type Context } from './runner.js';

export const ORG_SYNC_WORKFLOW = 'orgSyncWorkflow';

/** `orgsync-20261125-020000`: the start time in Seoul, so ids sort and read as the operator's clock. */
export function newRunId(at: Date): string {
  const p = seoulParts(at);
  return `orgsync-${p.year}${p.month}${p.day}-${p.hour}${p.minute}${p.second}`;
}

/** The one line the Temporal UI shows for a run (staticSummary, ≤ 200 bytes). */
export function runSummary(at: Date, options: { dryRun?: boolean; stages?: readonly string[]; fullRead?: boolean } = {}): string {
  const p = seoulParts(at);
  const stages = options.stages?.length ? ` · ${options.stages.join(', ')}` : '';
  const fullRead = options.fullRead ? ' · full Knox read' : '';
  return `orgsync run ${p.year}-${p.month}-${p.day}${options.dryRun ? ' (dry run)' : ''}${stages}${fullRead}`.slice(0, 200);
}

const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** orgsync runs of this deployment: its workflow type on its task queue (other deployments may share the namespace). */
export const runsQuery = (taskQueue: string, extra = ''): string =>
  `WorkflowType = ${quote(ORG_SYNC_WORKFLOW)} AND TaskQueue = ${quote(taskQueue)}${extra ? ` AND ${extra}` : ''}`;

/**
 * The newest runs by start time. The dev server's SQL visibility cannot ORDER BY, and lists running
 * runs first, then closed ones by close time; so read a bounded window and sort it here.
 */
export async function recentRuns(
  client: Client,
  taskQueue: string,
  options: { limit: number; running?: boolean; query?: string },
): Promise<WorkflowExecutionInfo[]> {
  const extra = [options.running ? "ExecutionStatus = 'Running'" : '', options.query ? `(${options.query})` : '']
    .filter(Boolean)
    .join(' AND ');
  const runs: WorkflowExecutionInfo[] = [];
  for await (const run of client.workflow.list({ query: runsQuery(taskQueue, extra), pageSize: 100 })) {
    runs.push(run);
    if (runs.length >= Math.max(200, options.limit)) break;
  }
  return runs.sort((a, b) => b.startTime.getTime() - a.startTime.getTime()).slice(0, options.limit);
}

/**
 * The run a command acts on: the id given, else the latest run on this task queue (for commands that
 * change a run: the latest one still running).
 */
export async function resolveRunId(ctx: Context, id: string | undefined, options: { running?: boolean } = {}): Promise<string> {
  if (id) return id;
  const client = await ctx.client();
  const { taskQueue } = ctx.temporal();
  const [latest] = await recentRuns(client, taskQueue, { limit: 1, ...options });
  if (latest) return latest.workflowId;
  if (!options.running) throw new CliError(`no orgsync run on task queue ${taskQueue} yet; start one with \`orgsync run\``);
  const [last] = await recentRuns(client, taskQueue, { limit: 1 });
  throw new CliError(
    last
      ? `no orgsync run is running on task queue ${taskQueue} (the latest, ${last.workflowId}, is ${last.status.name.toLowerCase()}); give a run id to act on another`
      : `no orgsync run on task queue ${taskQueue} yet; start one with \`orgsync run\``,
  );
}

/** What the CLI knows about one run: its execution, and its progress (running) or result (closed). */
export interface RunView {
  id: string;
  execution: WorkflowExecutionDescription;
  progress?: OrgSyncProgress;
  result?: OrgSyncResult;
  /** Why neither is available, e.g. no worker answered, or the run was terminated. */
  problem?: string;
}

export const runHandle = (client: Client, id: string) => client.workflow.getHandle<typeof orgSyncWorkflow>(id);

/**
 * A running run answers the `progress` query (a worker must be polling; we wait `queryTimeoutMs`).
 * A closed run is read from its result, which needs no worker and holds the same per-stage counts; a
 * failed run carries its result in the RunFailed failure's details.
 */
export async function readRun(client: Client, id: string, options: { queryTimeoutMs?: number } = {}): Promise<RunView> {
  const handle = runHandle(client, id);
  const timeoutMs = options.queryTimeoutMs ?? 10_000;
  let execution = await handle.describe();
  if (execution.type !== ORG_SYNC_WORKFLOW) throw new CliError(`${id} is a ${execution.type}, not an orgsync run`);
  if (execution.status.name === 'RUNNING') {
    let progress: OrgSyncProgress;
    try {
      progress = await client.connection.withDeadline(Date.now() + timeoutMs, () => handle.query(progressQuery));
    } catch (err) {
      const problem = /deadline/i.test(firstLine(err))
        ? `no worker answered within ${Math.round(timeoutMs / 1000)}s: is a worker polling task queue ${execution.taskQueue}? (\`orgsync worker\`)`
        : `could not read its progress: ${firstLine(err)}`;
      return { id, execution, problem };
    }
    if (!RUN_END_STATES.includes(progress.state)) return { id, execution, progress };
    // The run has decided how it ends and is tidying up (pruning the store): its result is a moment away.
    const closed = await client.connection
      .withDeadline(Date.now() + timeoutMs, () => handle.result())
      .then(
        () => true,
        (err: unknown) => runFailedResult(err) !== undefined,
      );
    if (!closed) return { id, execution, progress };
    execution = await handle.describe();
  }
  const view: RunView = { id, execution };
  try {
    view.result = await handle.result();
  } catch (err) {
    const result = runFailedResult(err);
    if (result) view.result = result;
    else
      view.problem = `the run ${ENDED[execution.status.name] ?? `ended ${execution.status.name.toLowerCase()}`}: ${firstLine(err instanceof WorkflowFailedError && err.cause ? err.cause : err)}`;
  }
  return view;
}

const ENDED: Partial<Record<string, string>> = {
  TERMINATED: 'was terminated',
  TIMED_OUT: 'timed out',
  CANCELLED: 'was cancelled',
  FAILED: 'failed',
};

/** A failed run's result travels in its RunFailed failure (org-sync.ts). */
export function runFailedResult(err: unknown): OrgSyncResult | undefined {
  if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure && err.cause.type === 'RunFailed') {
    return err.cause.details?.[0] as OrgSyncResult | undefined;
  }
  return undefined;
}

/** running | paused | awaiting-approval | completed | failed | cancelled, or Temporal's word when the run ended otherwise. */
export function runState(view: Pick<RunView, 'execution' | 'progress' | 'result'>): string {
  if (view.result) return view.result.state;
  if (view.progress) return view.progress.state;
  return stateOf(view.execution);
}

/** A run's state from its listing: the OrgSyncState search attribute while it runs, else how it ended. */
export function stateOf(run: Pick<WorkflowExecutionInfo, 'status' | 'typedSearchAttributes'>): string {
  const attribute = run.typedSearchAttributes.get(OrgSyncState);
  switch (run.status.name) {
    case 'RUNNING':
      return attribute ?? 'running';
    case 'COMPLETED':
      return attribute === 'cancelled' || attribute === 'completed-with-failures' ? attribute : 'completed';
    case 'FAILED':
      return 'failed';
    default:
      return run.status.name.toLowerCase().replace('_', ' ');
  }
}

export function attributesOf(run: WorkflowExecutionInfo): { stage?: string; hasFailures?: boolean; dryRun?: boolean; summary?: string } {
  const summary = run.memo?.summary;
  const stage = run.typedSearchAttributes.get(OrgSyncStage);
  const hasFailures = run.typedSearchAttributes.get(OrgSyncHasFailures);
  const dryRun = run.typedSearchAttributes.get(OrgSyncDryRun);
  return {
    ...(stage !== undefined ? { stage } : {}),
    ...(hasFailures !== undefined ? { hasFailures } : {}),
    ...(dryRun !== undefined ? { dryRun } : {}),
    ...(typeof summary === 'string' ? { summary } : {}),
  };
}

export interface RunItems {
  items: ItemOutcome[];
  /** Failed + skipped items by the run's counts. */
  total: number;
  source: 'store' | 'result';
  /** Where the full list lives (or would). */
  location: string;
}

/**
 * Every failed and skipped item of a run: from the staging store when this host can read it, else the
 * first MAX_OUTCOMES_PER_STAGE per stage that the run's result carries.
 */
export async function runItems(view: RunView, storeConfig: StoreConfig): Promise<RunItems> {
  const folder = runFolder(view.id);
  const stages = view.result?.stages ?? view.progress?.stages ?? [];
  const total = stages.reduce((sum, s) => sum + s.counts.failed + s.counts.skipped, 0);
  // A database this host cannot reach is a store it cannot read, like a directory it does not have.
  const store = await openStore(storeConfig).catch(() => undefined);
  const location = `${store?.root ?? storeConfig.dir}/${folder}/outcomes`;
  try {
    if (store && (await store.exists(folder).catch(() => false))) {
      // An append retried after a lost reply can repeat lines; an item counts once.
      const seen = new Set<string>();
      const items = (await readRunOutcomes(store, view.id)).filter((o) => {
        const key = JSON.stringify([o.stage, o.key, o.op, o.outcome, o.code, o.message]);
        return seen.has(key) ? false : (seen.add(key), true);
      });
      return { items: inPipelineOrder(items), total: Math.max(total, items.length), source: 'store', location };
    }
  } finally {
    await store?.close();
  }
  const items = view.result?.stages.flatMap((s) => s.outcomes) ?? [];
  return { items: inPipelineOrder(items), total: Math.max(total, items.length), source: 'result', location };
}

/**
 * Every planned item of a reviewed run (its reviewed plan) or of a dry run, from the staging store;
 * undefined for other runs, or when this host cannot read the store.
 */
export async function plannedItems(view: RunView, storeConfig: StoreConfig): Promise<(PlanItem & { stage: StageName })[] | undefined> {
  const refs: (readonly [StageName, string])[] =
    view.progress?.review?.stages.flatMap((s) => (s.planRef ? [[s.stage, s.planRef] as const] : [])) ??
    (view.result?.review
      ? (Object.entries(view.result.review.plans) as [StageName, string][])
      : view.result?.dryRun
        ? view.result.stages.flatMap((s) => (s.planRef ? [[s.stage, s.planRef] as const] : []))
        : []);
  if (refs.length === 0) return undefined;
  const store = await openStore(storeConfig).catch(() => undefined);
  if (!store) return undefined;
  try {
    const items: (PlanItem & { stage: StageName })[] = [];
    for (const [stage, ref] of refs) {
      const meta = await readPlanMeta(store, ref);
      for (const item of await readPlanItems(store, ref, 0, meta.total)) items.push({ ...item, stage });
    }
    return items;
  } catch {
    return undefined;
  } finally {
    await store.close();
  }
}

const stageIndex = (stage: StageName) => STAGES.indexOf(stage);
const inPipelineOrder = (items: ItemOutcome[]) =>
  items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => stageIndex(a.item.stage) - stageIndex(b.item.stage) || a.i - b.i)
    .map(({ item }) => item);

/**
 * Whether any worker polls the task queue for workflow tasks (Temporal remembers pollers for a few
 * minutes). Without one a run waits, silently, until one starts; an operator should hear that at once.
 * A server that will not say (permissions) counts as yes: the check only ever warns, never blocks.
 */
export async function workerPolls(client: Client, namespace: string, taskQueue: string): Promise<boolean> {
  try {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (pollers?.length ?? 0) > 0;
  } catch {
    return true;
  }
}

export const noWorkerMessage = (namespace: string, taskQueue: string) =>
  `no worker polls task queue ${taskQueue} (namespace ${namespace}); start one with \`orgsync worker\` (or check ORGSYNC_TASK_QUEUE)`;
