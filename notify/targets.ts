/**
 * Where notifications go: each webhook (a JSON POST through got) and, when configured, mail through SMTP
 * (nodemailer). One `send` is one attempt; Temporal retries it (workflows/notify.ts), so each attempt is
 * visible in history. A target is named by its host only: a chat webhook's URL carries its token, and
 * the SMTP password never leaves the transport.
 */
import got, { RequestError, TimeoutError } from 'got';
import nodemailer from 'nodemailer';
import type { NotifyConfig } from '../config/index.js';
import type { Notification } from './payload.js';

export interface NotifyTarget {
  /** Stable within one config: `webhook-1`, `mail`. */
  id: string;
  /** Safe to log and to show in the Temporal UI: no path, no query, no credentials. */
  name: string;
  send(notification: Notification, signal?: AbortSignal): Promise<void>;
}

/** A target refused or did not answer; `retryable` says whether another attempt can succeed. */
export class NotifyDeliveryError extends Error {
  override readonly name = 'NotifyDeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export function notifyTargets(config: NotifyConfig, options: { timeoutMs?: number } = {}): NotifyTarget[] {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const webhooks = config.webhooks.map((url, i) => webhookTarget(`webhook-${i + 1}`, url.reveal(), timeoutMs));
  return config.smtp ? [...webhooks, mailTarget(config.smtp, timeoutMs)] : webhooks;
}

function webhookTarget(id: string, url: string, timeoutMs: number): NotifyTarget {
  const name = `${id} (${new URL(url).host})`;
  return {
    id,
    name,
    async send(notification, signal) {
      let response;
      try {
        // got directly, not lib/http-client's prefixUrl base: a webhook URL must be sent exactly as given.
        response = await got.post(url, {
          json: notification,
          retry: { limit: 0 },
          timeout: { request: timeoutMs },
          throwHttpErrors: false,
          responseType: 'text',
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        signal?.throwIfAborted();
        // got's messages can name the URL: say only what happened.
        const what =
          error instanceof TimeoutError
            ? `no answer within ${timeoutMs} ms`
            : error instanceof RequestError
              ? (error.code ?? 'network error')
              : 'error';
        throw new NotifyDeliveryError(`${name}: ${what}`, true);
      }
      const status = response.statusCode;
      if (status >= 200 && status < 300) return;
      // 408 and 429 ask us to come back; other 4xx answers will not change (a wrong URL, a refused body).
      const retryable = status >= 500 || status === 408 || status === 429;
      throw new NotifyDeliveryError(`${name} answered HTTP ${status}`, retryable);
    },
  };
}

function mailTarget(smtp: NonNullable<NotifyConfig['smtp']>, timeoutMs: number): NotifyTarget {
  const name = `mail (${smtp.host}:${smtp.port}, ${smtp.to.length} recipient${smtp.to.length === 1 ? '' : 's'})`;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password?.reveal() ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    id: 'mail',
    name,
    async send(notification) {
      try {
        await transport.sendMail({ from: smtp.from, to: smtp.to, subject: notification.title, text: mailBody(notification) });
      } catch (error) {
        const { code, responseCode } = error as { code?: string; responseCode?: number };
        // SMTP 5xx and a refused login or address are permanent; 4xx and connection trouble are not.
        const permanent = (responseCode !== undefined && responseCode >= 500) || code === 'EAUTH' || code === 'EENVELOPE';
        const what = responseCode ? `SMTP ${responseCode}` : (code ?? 'error');
        throw new NotifyDeliveryError(`${name}: ${what}`, !permanent);
      }
    },
  };
}

/** The text, then each command and the link on a line of its own, so a mail reader can copy them. */
export function mailBody(n: Notification): string {
  return [n.text, '', ...Object.values(n.commands), ...(n.link ? ['', n.link] : []), '', `-- orgsync (${n.event}, ${n.runId})`].join('\n');
}
