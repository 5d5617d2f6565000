/**
 * orgsync's own metrics beside the SDK's, on the one Prometheus endpoint of Temporal's Runtime
 * (worker/telemetry.ts). Two sources:
 * - a collector that asks Temporal every `intervalMs` what it knows (visibility for the latest runs, a
 *   running run's `progress` query, DescribeTaskQueue for pollers), so these gauges are right again on the
 *   first tick after a worker restart; and that turns the Knox and WORKPLACE clients' own request counts
 *   into counters;
 * - an activity interceptor that counts failed activity attempts by failure type: each WORKPLACE write
 *   and each Knox page is one request per attempt, so WORKPLACE_RATE_LIMITED and KNOX_HTTP_429 count 429s.
 * Workflow-side counters (orgsync_items_total, orgsync_runs_total) are in workflows/stage.ts and workflows/metrics.ts.
 * Names follow Prometheus conventions; telemetry.ts adds `_total` to counters. Documented in README.
 */
import type { Client } from '@temporalio/client';
import { ApplicationFailure, type MetricMeter } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { progressQuery, writeTaskQueue } from '../workflows/definitions.js';
import { OrgSyncState } from '../workflows/search-attributes.js';

const { temporal } = proto;

export const ORGSYNC_METRICS = {
  lastSuccess: 'orgsync_last_successful_run_timestamp_seconds',
  lastFinishedState: 'orgsync_last_finished_run_state',
  lastFinishedAt: 'orgsync_last_finished_run_timestamp_seconds',
  awaitingSince: 'orgsync_awaiting_decision_since_timestamp_seconds',
  awaitingRuns: 'orgsync_runs_awaiting_decision',
  pollers: 'orgsync_task_queue_pollers',
  workplaceRate: 'orgsync_workplace_rate_limit_requests_per_second',
  knoxRate: 'orgsync_knox_rate_limit_requests_per_second',
  workplaceRequests: 'orgsync_workplace_requests',
  knoxRequests: 'orgsync_knox_requests',
  collectionErrors: 'orgsync_metrics_collection_errors',
  activityFailures: 'orgsync_activity_failures',
} as const;

export const FINISHED_STATES = ['completed', 'completed-with-failures', 'failed', 'cancelled'] as const;

/** Counts every failed activity attempt by its ApplicationFailure type (the error's stable code). */
export const activityFailureCounter: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        const failureType = err instanceof ApplicationFailure && err.type ? err.type : err instanceof Error ? err.name : 'unknown';
        ctx.metricMeter
          .createCounter(
            ORGSYNC_METRICS.activityFailures,
            'attempts',
            'Failed activity attempts, by activity and failure type (429s included)',
          )
          .add(1, { failure_type: failureType });
        throw err;
      }
    },
  },
});

export interface CollectorOptions {
  client: Client;
  meter: MetricMeter;
  namespace: string;
  taskQueue: string;
  /** sync.deletionGuard.decisionTimeout: a hold's start is its deadline less this. */
  decisionTimeoutMs: number;
  workplaceRps: number;
  knoxRps: number;
  /** The clients' own counters (KnoxClient.stats(), WorkplaceClient.stats()). */
  knox?: { stats(): { byPath: Record<string, number> } };
  workplace?: { stats(): { byMethod: Record<string, number> } };
  /** Default 30 s; 0: no timer, the caller calls collect() (tests). */
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

export interface MetricsCollector {
  /** One pass; resolves when every gauge is set (tests, and the first tick). */
  collect(): Promise<void>;
  stop(): void;
}

export function startMetricsCollector(options: CollectorOptions): MetricsCollector {
  const { client, namespace, taskQueue } = options;
  // namespace and taskQueue: the labels the SDK itself adds to workflow and activity metrics (orgsync_items_total …).
  const meter = options.meter.withTags({ namespace, taskQueue });
  const gauge = (name: string, unit: string, description: string) => meter.createGauge(name, 'float', unit, description);
  const lastSuccess = gauge(ORGSYNC_METRICS.lastSuccess, 's', 'When the latest successful (not dry) run ended; 0 when visibility has none');
  const lastState = gauge(ORGSYNC_METRICS.lastFinishedState, '', '1 for the state of the latest finished (not dry) run, 0 for the others');
  const lastAt = gauge(ORGSYNC_METRICS.lastFinishedAt, 's', 'When the latest finished (not dry) run ended');
  const awaitingSince = gauge(ORGSYNC_METRICS.awaitingSince, 's', 'Since when the oldest held deletion decision waits; 0 when none does');
  const awaitingRuns = gauge(ORGSYNC_METRICS.awaitingRuns, '', 'Runs waiting for a deletion decision');
  const pollers = gauge(ORGSYNC_METRICS.pollers, '', 'Pollers Temporal saw recently on a task queue (queue: main or writes)');
  const errors = meter.createCounter(ORGSYNC_METRICS.collectionErrors, 'errors', 'Collector passes that failed (Temporal unreachable)');
  gauge(ORGSYNC_METRICS.workplaceRate, 'requests/s', 'WORKPLACE_RPS, the configured WORKPLACE rate').set(options.workplaceRps);
  gauge(ORGSYNC_METRICS.knoxRate, 'requests/s', 'KNOX_RPS, the configured Knox rate').set(options.knoxRps);

  const requestCounters = [
    options.knox && {
      counter: meter.createCounter(ORGSYNC_METRICS.knoxRequests, 'requests', 'Knox requests made by this worker, by path'),
      label: 'path',
      read: () => options.knox!.stats().byPath,
    },
    options.workplace && {
      counter: meter.createCounter(ORGSYNC_METRICS.workplaceRequests, 'requests', 'WORKPLACE requests made by this worker, by method'),
      label: 'method',
      read: () => options.workplace!.stats().byMethod,
    },
  ].flatMap((c) => (c ? [{ ...c, seen: new Map<string, number>() }] : []));

  const runs = `WorkflowType = 'orgSyncWorkflow' AND TaskQueue = '${taskQueue}'`;
  const latestClosed = async (query: string) => {
    let latest: { closeTime: Date; status: string; state: unknown } | undefined;
    // Visibility lists the newest first; a page of 10 is enough to find the latest close.
    let seen = 0;
    for await (const run of client.workflow.list({ query, pageSize: 10 })) {
      if (run.closeTime && (!latest || run.closeTime > latest.closeTime))
        latest = { closeTime: run.closeTime, status: run.status.name, state: run.typedSearchAttributes.get(OrgSyncState) };
      if (++seen >= 10) break;
    }
    return latest;
  };

  async function collect(): Promise<void> {
    for (const c of requestCounters) {
      for (const [value, total] of Object.entries(c.read())) {
        const delta = total - (c.seen.get(value) ?? 0);
        if (delta > 0) c.counter.add(delta, { [c.label]: value });
        c.seen.set(value, total);
      }
    }

    const success = await latestClosed(
      // A run with some failed items still went through: it is a successful run; its failures are another alert.
      `${runs} AND ExecutionStatus = 'Completed' AND OrgSyncState IN ('completed', 'completed-with-failures') AND OrgSyncDryRun = false`,
    );
    lastSuccess.set(success ? success.closeTime.getTime() / 1000 : 0);

    const finished = await latestClosed(`${runs} AND ExecutionStatus != 'Running' AND OrgSyncDryRun = false`);
    const state = finished ? finishedState(finished.status, finished.state) : undefined;
    for (const s of FINISHED_STATES) lastState.set(s === state ? 1 : 0, { state: s });
    if (finished) lastAt.set(finished.closeTime.getTime() / 1000);

    let oldest = 0;
    let waiting = 0;
    for await (const run of client.workflow.list({
      query: `${runs} AND ExecutionStatus = 'Running' AND OrgSyncState = 'awaiting-approval'`,
    })) {
      const hold = (await client.workflow.getHandle(run.workflowId).query(progressQuery)).hold;
      if (!hold) continue;
      waiting++;
      const since = (Date.parse(hold.decideBy) - options.decisionTimeoutMs) / 1000;
      oldest = oldest === 0 ? since : Math.min(oldest, since);
    }
    awaitingRuns.set(waiting);
    awaitingSince.set(oldest);

    const { TASK_QUEUE_TYPE_ACTIVITY: ACTIVITY, TASK_QUEUE_TYPE_WORKFLOW: WORKFLOW } = temporal.api.enums.v1.TaskQueueType;
    for (const [queue, name, type] of [
      ['main', taskQueue, WORKFLOW],
      ['writes', writeTaskQueue(taskQueue), ACTIVITY],
    ] as const) {
      const described = await client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: type,
      });
      pollers.set(described.pollers?.length ?? 0, { queue });
    }
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    collect()
      .catch((err: unknown) => {
        errors.add(1);
        options.onError?.(err);
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs ?? 30_000).unref();
      });
  };
  if (options.intervalMs !== 0) tick();
  return {
    collect,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** A run's end as operators count it: terminated and timed out are failures too. */
function finishedState(status: string, state: unknown): (typeof FINISHED_STATES)[number] {
  if (status === 'COMPLETED') return state === 'cancelled' || state === 'completed-with-failures' ? state : 'completed';
  if (status === 'CANCELLED') return 'cancelled';
  return 'failed';
}
