/**
 * `orgsync sync-employee <epId>`: one employee, now. Reads the person from Knox, plans their record,
 * Reports To and additional attribute values with the nightly mappings, and writes what differs through
 * the same write activity (so the same rate limit, retries and verb switch apply). Deletes nothing.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as acts from '../activities/index.js';
import type { EmployeeChange, SyncEmployeeInput, SyncEmployeeResult } from '../engine/types.js';
import { writeItem } from './write.js';

type Activities = ReturnType<typeof acts.createActivities>;

const { planEmployee } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function syncEmployeeWorkflow(input: SyncEmployeeInput): Promise<SyncEmployeeResult> {
  const plan = await planEmployee({ runId: workflowInfo().workflowId, epId: input.epId });
  const result: SyncEmployeeResult = {
    epId: input.epId,
    knox: plan.knox,
    changes: [],
    ...(plan.label ? { label: plan.label } : {}),
    ...(plan.message ? { message: plan.message } : {}),
  };
  let employeeFailed: string | undefined;
  for (const item of plan.items) {
    const change: EmployeeChange = {
      what: item.what,
      key: item.key,
      op: item.op,
      ...(item.changes ? { changes: item.changes } : {}),
      outcome: 'planned',
    };
    result.changes.push(change);
    if (input.dryRun) continue;
    if (employeeFailed && item.stage !== 'employees') {
      Object.assign(change, { outcome: 'skipped', message: `the employee record could not be written: ${employeeFailed}` });
      continue;
    }
    const written = await writeItem(item.stage, plan.planRef!, item);
    change.op = written.op;
    if (written.ok) change.outcome = 'done';
    else {
      Object.assign(change, { outcome: 'failed', message: written.message });
      if (item.stage === 'employees') employeeFailed = written.message;
    }
  }
  return result;
}
