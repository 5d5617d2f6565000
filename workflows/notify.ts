/**
 * Telling operators, without ever holding up a run: `announce(event)` starts `notifyWorkflow` as an
 * abandoned child (`<workflow id>/notify-<event>`), which outlives the run and delivers to every target,
 * each with its own retries. A target that is down is retried, logged and given up on; the run neither
 * waits for it nor fails. For `awaiting-decision` the child also sends the reminder `deadlineWarning`
 * before the deadline, unless `withdraw('awaiting-decision')` cancels it first (the decision came).
 */
import {
  ActivityFailure,
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { NotifyActivities } from '../activities/notify.js';
import type { NotifyEvent, NotifyEventName } from '../notify/events.js';
import type { Notification } from '../notify/payload.js';

export interface NotifyTuning {
  /** Per target: first retry after this long, then doubling, at most this many attempts in all. */
  retry: { initialIntervalMs: number; maximumAttempts: number };
}

/** 10 s, 20 s, 40 s, 80 s: a webhook that is down for 2.5 minutes still gets the message. */
export const DEFAULT_NOTIFY_TUNING: NotifyTuning = { retry: { initialIntervalMs: 10_000, maximumAttempts: 5 } };

export interface NotifyResult {
  delivered: string[];
  undelivered: { target: string; reason: string }[];
  /** awaiting-decision: the reminder was sent, or withdrawn because the decision came. */
  reminder?: 'sent' | 'withdrawn' | 'not-needed';
}

const { prepareNotification } = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

export async function notifyWorkflow(event: NotifyEvent, tuning: Partial<NotifyTuning> = {}): Promise<NotifyResult> {
  const { retry } = { ...DEFAULT_NOTIFY_TUNING, ...tuning };
  const result: NotifyResult = { delivered: [], undelivered: [] };

  const deliverEverywhere = async (e: NotifyEvent) => {
    const prepared = await prepareNotification(e);
    // In target order, whichever answers first.
    for (const outcome of await Promise.all(prepared.targets.map((target) => deliver(prepared.notification, target)))) {
      if (outcome.reason === undefined) result.delivered.push(outcome.target);
      else result.undelivered.push({ target: outcome.target, reason: outcome.reason });
    }
    return prepared;
  };
  const deliver = async (notification: Notification, target: { id: string; name: string }) => {
    const what = `${notification.event} → ${target.name}`;
    const { deliverNotification } = proxyActivities<NotifyActivities>({
      startToCloseTimeout: '1 minute',
      retry: { initialInterval: retry.initialIntervalMs, backoffCoefficient: 2, maximumAttempts: retry.maximumAttempts },
      summary: what,
    });
    try {
      await deliverNotification({ notification, target: target.id });
      return { target: what };
    } catch (err) {
      const reason = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
      log.warn('notification given up', { event: notification.event, runId: notification.runId, target: target.name, reason });
      return { target: what, reason };
    }
  };

  // What happened is told even if the decision arrives meanwhile; only the reminder can be withdrawn.
  const prepared = await CancellationScope.nonCancellable(() => deliverEverywhere(event));
  if (event.event !== 'awaiting-decision') return result;

  const remindAt = Date.parse(event.hold.decideBy) - prepared.deadlineWarningMs;
  if (prepared.targets.length === 0 || remindAt <= Date.now()) return { ...result, reminder: 'not-needed' };
  try {
    await sleep(remindAt - Date.now(), { summary: 'until the deletion decision is due soon' });
  } catch (err) {
    if (isCancellation(err)) return { ...result, reminder: 'withdrawn' };
    throw err;
  }
  await CancellationScope.nonCancellable(() =>
    deliverEverywhere({ ...event, event: 'decision-deadline-near', at: new Date().toISOString() }),
  );
  return { ...result, reminder: 'sent' };
}

const announcementId = (event: NotifyEventName) => `${workflowInfo().workflowId}/notify-${event}`;

/**
 * Starts the notification for `event` and returns once the child has started (one workflow task): the
 * caller never waits for a target. Failing to start it (say, the same event announced twice) is logged.
 */
export async function announce(event: NotifyEvent): Promise<void> {
  try {
    await startChild(notifyWorkflow, {
      workflowId: announcementId(event.event),
      args: [event],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `${event.event} · run ${event.runId}`.slice(0, 200),
      retry: { maximumAttempts: 1 },
    });
  } catch (err) {
    log.warn('could not start the notification', { event: event.event, runId: event.runId, error: String(err) });
  }
}

/** Cancels what is still to come of an announcement (the reminder); one that has already ended is left alone. */
export async function withdraw(event: NotifyEventName): Promise<void> {
  try {
    await getExternalWorkflowHandle(announcementId(event)).cancel();
  } catch (err) {
    log.info('nothing to withdraw', { event, error: String(err) });
  }
}
