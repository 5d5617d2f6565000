/**
 * The notification activities, on the main task queue (worker/workers.ts). `prepareNotification` turns a
 * workflow's event into the documented message (language, link, commands from config) and names the
 * targets; `deliverNotification` makes one attempt at one target, so Temporal's retries are per target
 * and a message one target already took is never sent to it twice. workflows/notify.ts drives both.
 */
import { activityInfo, ApplicationFailure, cancellationSignal, log, metricMeter } from '@temporalio/activity';
import type { NotifyConfig } from '../config/index.js';
import type { NotifyEvent } from '../notify/events.js';
import { notificationFor } from '../notify/messages.js';
import type { Notification } from '../notify/payload.js';
import { NotifyDeliveryError, notifyTargets, type NotifyTarget } from '../notify/targets.js';
import { durationMs } from '../engine/policy.js';

export interface NotifyDeps {
  notify: NotifyConfig;
  /** The Temporal namespace, for the link to the run. */
  namespace: string;
  /** Per attempt, per target. */
  timeoutMs?: number;
}

export interface PreparedNotification {
  notification: Notification;
  /** Ids and loggable names; empty when nothing is configured. */
  targets: Pick<NotifyTarget, 'id' | 'name'>[];
  /** How long before a decision's deadline the reminder goes out (notify.deadlineWarning). */
  deadlineWarningMs: number;
}

export function createNotifyActivities(deps: NotifyDeps) {
  const targets = new Map(notifyTargets(deps.notify, deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}).map((t) => [t.id, t]));
  const context = { language: deps.notify.language, namespace: deps.namespace, uiUrl: deps.notify.uiUrl };

  return {
    async prepareNotification(event: NotifyEvent): Promise<PreparedNotification> {
      return {
        notification: notificationFor(event, context),
        targets: [...targets.values()].map(({ id, name }) => ({ id, name })),
        deadlineWarningMs: durationMs(deps.notify.deadlineWarning),
      };
    },

    async deliverNotification(input: { notification: Notification; target: string }): Promise<void> {
      const { notification } = input;
      const target = targets.get(input.target);
      // The worker's config changed between prepare and deliver: nothing to send it to.
      if (!target)
        throw ApplicationFailure.create({ type: 'NOTIFY_UNKNOWN_TARGET', message: `no target ${input.target}`, nonRetryable: true });
      const about = { event: notification.event, runId: notification.runId, target: target.name, attempt: activityInfo().attempt };
      const sent = metricMeter.createCounter('orgsync_notifications', 'notifications', 'Notification attempts, by event and outcome');
      try {
        await target.send(notification, cancellationSignal());
      } catch (err) {
        sent.add(1, { event: notification.event, outcome: 'failed' });
        const retryable = !(err instanceof NotifyDeliveryError) || err.retryable;
        const message = err instanceof NotifyDeliveryError ? err.message : `${target.name}: ${String(err)}`;
        log.warn('notification not delivered', { ...about, error: message, retryable });
        throw ApplicationFailure.create({ type: 'NOTIFY_UNDELIVERED', message, nonRetryable: !retryable });
      }
      sent.add(1, { event: notification.event, outcome: 'delivered' });
      log.info('notification delivered', about);
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
