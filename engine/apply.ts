/**
 * Writing one plan item to WORKPLACE: exactly one request, so the write queue's rate limit is a request
 * rate. When WORKPLACE answers "already exists" or "not found", `verbSwitch` says which verb to try
 * instead (workplace.md Decisions, "upsert"); the workflow makes that a second activity.
 */
import type { StagingStore } from '../store/index.js';
import { WorkplaceAlreadyExistsError, WorkplaceNotFoundError, type WorkplaceClient } from '../workplace/index.js';
import { readPlanItem } from './plan-store.js';
import type { Operation, StageName } from './pipeline.js';
import { STAGE_SPECS } from './stages/index.js';

export interface WriteInput {
  stage: StageName;
  planRef: string;
  index: number;
  key: string;
  op: Operation;
}

export async function applyPlanItem(
  deps: { store: StagingStore; workplace: WorkplaceClient },
  input: WriteInput,
  signal: AbortSignal,
): Promise<void> {
  const item = await readPlanItem(deps.store, input.planRef, input.index);
  if (item.key !== input.key) throw new Error(`plan ${input.planRef} item ${input.index} is ${item.key}, not ${input.key}`);
  await STAGE_SPECS[input.stage].apply(deps.workplace, input.op, item, signal);
}

/** "already exists" on a create means update; "not found" on an update means create, on a delete: done. */
export function verbSwitch(input: Pick<WriteInput, 'stage' | 'op'>, err: unknown): 'create' | 'update' | 'done' | undefined {
  if (err instanceof WorkplaceNotFoundError && input.op === 'delete') return 'done';
  if (!STAGE_SPECS[input.stage].upsert) return undefined;
  if (err instanceof WorkplaceAlreadyExistsError && input.op === 'create') return 'update';
  if (err instanceof WorkplaceNotFoundError && input.op === 'update') return 'create';
  return undefined;
}
