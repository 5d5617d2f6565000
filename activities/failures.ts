/**
 * The activity boundary: Knox and WORKPLACE errors become ApplicationFailures whose `type` is the
 * error's stable code and whose retryability is the error's own, so Temporal retries exactly the
 * transient ones. Explicit, rather than relying on class names surviving bundling (STYLE.md).
 */
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import { KnoxError } from '../knox/index.js';
import { WorkplaceError } from '../workplace/index.js';
import { SyncError } from '../engine/errors.js';

/** What the workflow needs to decide about a failed write. */
export interface FailureDetails {
  code: string;
  status?: number;
  /** The write may succeed as another verb (workplace.md Decisions "upsert"), or is already done. */
  retryAs?: 'create' | 'update' | 'done';
}

/** Codes that stop the whole run at once: credentials or clock are wrong, every request will fail. */
export const AUTH_CODES = ['WORKPLACE_AUTH', 'KNOX_AUTH'] as const;

/**
 * A 429 waits longer than other transient errors: the gateway asked us to slow down. Exponential
 * (workplace.md §1.6): 5 s, 10 s, 20 s, 40 s, then a minute; never sooner than Retry-After.
 */
export function rateLimitDelayMs(attempt: number, retryAfterMs: number | undefined): number {
  return Math.max(retryAfterMs ?? 0, Math.min(60_000, 5_000 * 2 ** (attempt - 1)));
}

function safeAttempt(): number {
  try {
    return activityInfo().attempt;
  } catch {
    return 1;
  }
}

export function toFailure(err: unknown, retryAs?: FailureDetails['retryAs']): unknown {
  if (err instanceof WorkplaceError || err instanceof KnoxError) {
    const details: FailureDetails = { code: err.code, ...(err.status ? { status: err.status } : {}), ...(retryAs ? { retryAs } : {}) };
    const rateLimited = err.code === 'WORKPLACE_RATE_LIMITED' || err.code === 'KNOX_HTTP_429';
    return ApplicationFailure.create({
      type: err.code,
      message: err.message,
      nonRetryable: !err.retryable,
      details: [details],
      ...(rateLimited ? { nextRetryDelay: rateLimitDelayMs(safeAttempt(), err.retryAfterMs) } : {}),
    });
  }
  if (err instanceof SyncError)
    return ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: !err.retryable, details: [{ code: err.code }] });
  return err;
}
