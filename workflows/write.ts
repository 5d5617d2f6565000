/**
 * One plan item written to WORKPLACE, the way every orgsync workflow writes: one activity per request
 * on the write queue (named for the UI), and the verb switch of workplace.md's "upsert" decision
 * (create → update on "already exists", update → create on "not found", delete of a missing key = done).
 */
import { ActivityFailure, ApplicationFailure, isCancellation, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ItemDescriptor } from '../engine/types.js';
import type { FailureDetails } from '../activities/failures.js';
import type * as acts from '../activities/index.js';
import { DEFAULT_TUNING, STAGE_ENTITIES, type Operation, type StageName } from '../engine/pipeline.js';
import { writeTaskQueue } from './definitions.js';

type WriteActivities = ReturnType<typeof acts.createWriteActivities>;

export function writeActivities(summary: string, timeoutMs = DEFAULT_TUNING.writeTimeoutMs): WriteActivities {
  return proxyActivities<WriteActivities>({
    taskQueue: writeTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: timeoutMs,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
    summary,
  });
}

export type WriteOutcome = { ok: true; op: Operation } | { ok: false; op: Operation; code: string; message: string };

export async function writeItem(stage: StageName, planRef: string, item: ItemDescriptor, timeoutMs?: number): Promise<WriteOutcome> {
  let op: Operation = item.op;
  for (let switched = false; ;) {
    try {
      await writeActivities(summaryOf(op, stage, item), timeoutMs).applyWrite({ stage, planRef, index: item.i, key: item.key, op });
      return { ok: true, op };
    } catch (err) {
      const details = failureDetails(err);
      if (details.retryAs === 'done') return { ok: true, op };
      if (!switched && (details.retryAs === 'create' || details.retryAs === 'update')) {
        log.info('switching verb', { stage, key: item.key, from: op, to: details.retryAs });
        op = details.retryAs;
        switched = true;
        continue;
      }
      return { ok: false, op, code: details.code, message: failureMessage(err) };
    }
  }
}

/**
 * A delete of someone WORKPLACE may hold as its representative administrator asks first: that one is never
 * deleted (skipped), and a delete that cannot ask is not attempted (failed). Undefined: go ahead.
 */
export async function keepRepresentativeAdmin(
  key: string,
  timeoutMs?: number,
): Promise<{ outcome: 'skipped' | 'failed'; code: string; message: string } | undefined> {
  try {
    if (!(await writeActivities(`check representative admin ${key}`, timeoutMs).isRepresentativeAdmin({ key }))) return undefined;
    return { outcome: 'skipped', code: 'REPRESENTATIVE_ADMIN', message: 'the representative administrator is never deleted' };
  } catch (err) {
    const message = `not deleted: could not check whether this is the representative administrator: ${failureMessage(err)}`;
    return { outcome: 'failed', code: failureDetails(err).code, message };
  }
}

/** e.g. "update employee D1001… (김삼성): deptExternalKey, gradeCdExternalKey", what the UI lists per activity. */
export function summaryOf(op: Operation, stage: StageName, item: Pick<ItemDescriptor, 'key' | 'label' | 'changes'>): string {
  const who = item.label ? ` (${item.label})` : '';
  const what = item.changes?.length ? `: ${item.changes.join(', ')}` : '';
  return `${op} ${STAGE_ENTITIES[stage]} ${item.key}${who}${what}`.slice(0, 200);
}

export function failureDetails(err: unknown): FailureDetails {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as FailureDetails | undefined;
    return { code: details?.code ?? cause.type ?? 'ERROR', ...(details?.retryAs ? { retryAs: details.retryAs } : {}) };
  }
  if (isCancellation(cause)) return { code: 'CANCELLED' };
  return { code: cause instanceof Error ? cause.name : 'ERROR' };
}

export function failureMessage(err: unknown): string {
  let cause: unknown = err;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 500);
}
