/**
 * The two workers of an orgsync process, built the same way by `npm run worker`, the tests, the demo
 * and the benchmark:
 * - the main worker: the workflows and the Knox/planning/bookkeeping activities;
 * - the write worker: WORKPLACE writes only, on their own task queue. Each write activity makes exactly one
 *   request, and every WORKPLACE request waits for the WORKPLACE client's pacer (lib/pacer.ts), whose slots
 *   all processes on a PostgreSQL store share: that is what holds WORKPLACE_RPS in every one-second window.
 *   The queue's server-side limit (maxTaskQueueActivitiesPerSecond) is set to the pacer's own rate, as a
 *   backstop (processes that do not share slots: a directory store, or a release before the pacer) and so
 *   that the server never hands out writes faster than the pacer lets them go: its burst after an idle
 *   period waits in the pacer instead of piling up there (ARCHITECTURE "Rate limits").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, createWriteActivities, type ActivityDeps } from '../activities/index.js';
import { createNotifyActivities } from '../activities/notify.js';
import { DEFAULT_PACE_MARGIN_MS, type NotifyConfig } from '../config/index.js';
import { activityFailureCounter } from './metrics.js';
import { writeTaskQueue } from '../workflows/definitions.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerSetup {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  /** Requests per second to WORKPLACE across all workers (WORKPLACE_RPS). */
  workplaceRps: number;
  /** WORKPLACE_PACE_MARGIN_MS; default DEFAULT_PACE_MARGIN_MS. */
  workplacePaceMarginMs?: number;
  deps: ActivityDeps;
  /** Where notifications go (the `notify:` section); none when absent. */
  notify?: NotifyConfig;
  /** A prebuilt bundle (tests build one per file); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkflowBundle;
}

/**
 * How the main worker loads the workflow code. The replay test (test/replay.test.ts) loads it the same
 * way, so what it replays is what a deployed worker runs.
 */
export function workflowCodeOptions(workflowBundle?: WorkflowBundle): Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'> {
  return workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH };
}

/**
 * The workflow bundle, built in a child process (worker/bundle-workflows.ts) with the same bundler and
 * options Worker.create uses for `workflowsPath`. Bundling in the worker itself took its resident set
 * to about 280 MB before any work, and V8 does not hand all of it back (issue 13 item 2).
 */
export async function bundleWorkflowsApart(): Promise<WorkflowBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'orgsync-bundle-'));
  const out = join(dir, 'workflow-bundle.js');
  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./bundle-workflows.ts', import.meta.url)), WORKFLOWS_PATH, out],
      {
        // The worker's stdout is its log; the bundler's chatter goes to stderr.
        stdio: ['ignore', process.stderr, 'inherit'],
      },
    );
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`bundling the workflow code failed (exit code ${code})`);
    return { code: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const NO_NOTIFICATIONS: NotifyConfig = { webhooks: [], language: 'ko', deadlineWarning: '2h' };

/** The write queue's server-side rate: the pacer's, WORKPLACE_RPS × 1,000 / (1,000 + WORKPLACE_PACE_MARGIN_MS). */
export function writeQueueRate(workplaceRps: number, paceMarginMs = DEFAULT_PACE_MARGIN_MS): number {
  return (workplaceRps * 1000) / (1000 + paceMarginMs);
}

export async function createWorkers(setup: WorkerSetup): Promise<Worker[]> {
  const common: Pick<WorkerOptions, 'connection' | 'namespace' | 'shutdownGraceTime' | 'interceptors'> = {
    connection: setup.connection,
    namespace: setup.namespace ?? 'default',
    shutdownGraceTime: '30 seconds',
    // orgsync_activity_failures_total{failure_type}: 429s and every other failed attempt (worker/metrics.ts).
    interceptors: { activity: [activityFailureCounter] },
  };
  const main = await Worker.create({
    ...common,
    taskQueue: setup.taskQueue,
    ...workflowCodeOptions(setup.workflowBundle),
    activities: {
      ...createActivities(setup.deps),
      ...createNotifyActivities({ notify: setup.notify ?? NO_NOTIFICATIONS, namespace: setup.namespace ?? 'default' }),
    },
  });
  const writes = await Worker.create({
    ...common,
    taskQueue: writeTaskQueue(setup.taskQueue),
    activities: createWriteActivities(setup.deps),
    maxTaskQueueActivitiesPerSecond: writeQueueRate(setup.workplaceRps, setup.workplacePaceMarginMs),
    maxConcurrentActivityTaskExecutions: 64,
  });
  return [main, writes];
}

/** Runs the workers until they are shut down (a signal, or `until` settling), then waits for both. */
export async function runWorkers(workers: readonly Worker[], until?: Promise<unknown>): Promise<void> {
  if (!until) {
    await Promise.all(workers.map((w) => w.run()));
    return;
  }
  const [first, ...rest] = workers;
  await Promise.all([first!.runUntil(until), ...rest.map((w) => w.runUntil(until))]);
}
