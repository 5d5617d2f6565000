/**
 * orgsync's metrics on the worker's one Prometheus endpoint (Temporal's Runtime): the collector's gauges
 * read from a real server's visibility, queries and task queues, the activity-failure counter, and the
 * workflow-side run counter, scraped over HTTP as Prometheus would.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../scripts/temporal-dev-server.js';
import { writeTaskQueue } from '../workflows/definitions.js';
import { activityFailureCounter, startMetricsCollector, type MetricsCollector } from '../worker/metrics.js';
import { orgSyncWorkflow } from './fixtures/metrics-workflows.js';
import { bundleOnce, connectTestEnv, eventually, unique } from './helpers/temporal.js';

const port = await freePort();
// Before anything asks for Runtime.instance(): one endpoint, as worker/telemetry.ts installs it.
Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}`, countersTotalSuffix: true } } },
});

/** The value of the one series named `name` whose labels include `labels`, or undefined. */
async function scrape(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

describe('orgsync metrics', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let collector: MetricsCollector;
  const taskQueue = unique('metrics');
  const knoxCalls: Record<string, number> = { '/titles': 2 };
  const DAY = 86_400_000;

  beforeAll(async () => {
    env = await connectTestEnv();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleOnce(new URL('./fixtures/metrics-workflows.ts', import.meta.url)),
      activities: {
        async rateLimited() {
          throw ApplicationFailure.create({ type: 'WORKPLACE_RATE_LIMITED', message: 'HTTP 429' });
        },
      },
      interceptors: { activity: [activityFailureCounter] },
    });
    running = worker.run();
    collector = startMetricsCollector({
      client: env.client,
      meter: Runtime.instance().metricMeter,
      namespace: 'default',
      taskQueue,
      decisionTimeoutMs: DAY,
      workplaceRps: 7,
      knoxRps: 3,
      knox: { stats: () => ({ byPath: { ...knoxCalls } }) },
      workplace: { stats: () => ({ byMethod: { POST: 4 } }) },
      intervalMs: 0,
    });
  });
  afterAll(async () => {
    collector?.stop();
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  // taskQueue, as the SDK names the label it adds to workflow and activity metrics.
  const q = { taskQueue };
  const collected = async (name: string, labels: Record<string, string>, expected: (v: number | undefined) => boolean) =>
    // Visibility is eventually consistent: collect again until it has caught up.
    eventually(
      async () => {
        await collector.collect();
        const v = await scrape(name, labels);
        return expected(v) ? (v ?? 0) : undefined;
      },
      { what: `${name} ${JSON.stringify(labels)}` },
    );

  it('exports the configured rates and the clients request counts as counters', async () => {
    await collector.collect();
    expect(await scrape('orgsync_workplace_rate_limit_requests_per_second', q)).toBe(7);
    expect(await scrape('orgsync_knox_rate_limit_requests_per_second', q)).toBe(3);
    knoxCalls['/titles'] = 5;
    knoxCalls['/organizations'] = 1;
    await collector.collect();
    expect(await scrape('orgsync_knox_requests_total', { ...q, path: '/titles' })).toBe(5);
    expect(await scrape('orgsync_knox_requests_total', { ...q, path: '/organizations' })).toBe(1);
    expect(await scrape('orgsync_workplace_requests_total', { ...q, method: 'POST' })).toBe(4);
  });

  it('tells when the last successful run ended and that the last run failed, from visibility', async () => {
    const ok = await env.client.workflow.execute(orgSyncWorkflow, {
      taskQueue,
      workflowId: unique('orgsync-ok'),
      args: [{ end: 'completed' }],
    });
    expect(ok.state).toBe('completed');
    const okClose = (await env.client.workflow.getHandle(ok.runId).describe()).closeTime!.getTime() / 1000;
    await expect(
      env.client.workflow.execute(orgSyncWorkflow, { taskQueue, workflowId: unique('orgsync-bad'), args: [{ end: 'failed' }] }),
    ).rejects.toThrow();

    await collected('orgsync_last_finished_run_state', { ...q, state: 'failed' }, (v) => v === 1);
    expect(await scrape('orgsync_last_finished_run_state', { ...q, state: 'completed' })).toBe(0);
    expect(await scrape('orgsync_last_successful_run_timestamp_seconds', q)).toBeCloseTo(okClose, 0);
    expect(await scrape('orgsync_runs_total', { taskQueue, outcome: 'completed' })).toBe(1);
    expect(await scrape('orgsync_runs_total', { taskQueue, outcome: 'failed' })).toBe(1);
  });

  it('tells since when a run waits for a deletion decision: its deadline less the decision timeout', async () => {
    expect(await scrape('orgsync_awaiting_decision_since_timestamp_seconds', q)).toBe(0);
    const decideBy = '2026-11-26T02:00:00.000Z';
    const held = await env.client.workflow.start(orgSyncWorkflow, {
      taskQueue,
      workflowId: unique('orgsync-hold'),
      args: [{ end: 'hold', hold: { stage: 'departments', deletions: 130, existing: 2600, reason: 'too many', decideBy } }],
    });
    try {
      await collected('orgsync_runs_awaiting_decision', q, (v) => v === 1);
      expect(await scrape('orgsync_awaiting_decision_since_timestamp_seconds', q)).toBe((Date.parse(decideBy) - DAY) / 1000);
    } finally {
      await held.terminate('test over');
    }
    await collected('orgsync_runs_awaiting_decision', q, (v) => v === 0);
  });

  it('counts pollers per queue, so "nobody polls the write queue" can alert', async () => {
    await collected('orgsync_task_queue_pollers', { ...q, queue: 'main' }, (v) => (v ?? 0) >= 1);
    expect(await scrape('orgsync_task_queue_pollers', { ...q, queue: 'writes' })).toBe(0);
    const writes = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: writeTaskQueue(taskQueue),
      activities: { async noop() {} },
    });
    await writes.runUntil(collected('orgsync_task_queue_pollers', { ...q, queue: 'writes' }, (v) => (v ?? 0) >= 1));
  });

  it('counts failed activity attempts by failure type: 429s are WORKPLACE_RATE_LIMITED', async () => {
    await env.client.workflow.execute(orgSyncWorkflow, { taskQueue, workflowId: unique('orgsync-429'), args: [{ end: 'rate-limited' }] });
    expect(
      await eventually(
        () =>
          scrape('orgsync_activity_failures_total', {
            taskQueue,
            activityType: 'rateLimited',
            failure_type: 'WORKPLACE_RATE_LIMITED',
          }),
        {
          what: 'the 429 counter',
        },
      ),
    ).toBe(2);
  });
});
