/**
 * Undoing a run (orgsync rollback, issue 12), one stage at a time. The run's journal says which plan
 * items it wrote and with which verb; the plan items hold what each write replaced (the before-image)
 * and what it wrote. For every key the run touched, the inverse is planned against WORKPLACE as it is
 * now: a create is undone by a delete, an update by restoring the previous values, a delete by
 * re-creating the object as it was. A key WORKPLACE no longer holds as the run left it (a later run or
 * someone by hand changed it) is skipped with that reason, unless `force`. The result is an ordinary
 * stage draft, so the rollback runs through the same guard, queue, rate, outcomes and reports as a run.
 */
import type { StagingStore } from '../store/index.js';
import { changedFields, type DraftItem } from './plan.js';
import { readPlanItem, readWrites } from './plan-store.js';
import type { Operation } from './pipeline.js';
import { STAGE_SPECS } from './stages/index.js';
import type { PlanContext, StageDraft } from './stages/spec.js';
import type { RollbackOf } from './types.js';

/** What one run did to one key of a stage, from its journal. */
export interface KeyHistory<B = unknown> {
  key: string;
  label?: string;
  /** WORKPLACE's object before the run's first write to the key; undefined when the run created it. */
  before: unknown;
  /** The run's first write was a create that WORKPLACE turned into an update: what it held before is unknown. */
  beforeUnknown: boolean;
  created: boolean;
  deleted: boolean;
  /** The body of the run's last write (undefined after a delete). */
  after: B | undefined;
}

/** The run's writes to a stage, one history per key, in the order the run first wrote them. */
export async function keyHistories(store: StagingStore, runId: string, stage: PlanContext['stage']): Promise<KeyHistory[]> {
  const histories = new Map<string, KeyHistory>();
  for (const record of await readWrites(store, runId, stage)) {
    const item = await readPlanItem(store, record.planRef, record.i);
    const seen = histories.get(item.key);
    const op: Operation = record.op;
    if (!seen) {
      histories.set(item.key, {
        key: item.key,
        ...(item.label ? { label: item.label } : {}),
        before: item.before,
        beforeUnknown: item.op === 'create' && op !== 'create',
        created: op === 'create',
        deleted: op === 'delete',
        after: op === 'delete' ? undefined : item.body,
      });
    } else {
      seen.deleted = op === 'delete';
      seen.after = op === 'delete' ? undefined : (item.body ?? seen.after);
      if (!seen.label && item.label) seen.label = item.label;
    }
  }
  return [...histories.values()];
}

export const CHANGED_SINCE_RUN = 'CHANGED_SINCE_RUN';

export async function planRollback(ctx: PlanContext, target: RollbackOf, store: StagingStore): Promise<StageDraft> {
  const hooks = STAGE_SPECS[ctx.stage].rollback;
  const histories = await keyHistories(store, target.of, ctx.stage);
  if (hooks.goneWith) {
    // Deleting an employee deleted what went with them without a write of this stage: put it back with them.
    const own = new Set(histories.map((h) => h.key));
    for (const employee of await keyHistories(store, target.of, 'employees')) {
      if (!employee.deleted || employee.created) continue;
      for (const gone of hooks.goneWith(employee))
        if (!own.has(gone.key))
          histories.push({
            key: gone.key,
            ...(employee.label ? { label: employee.label } : {}),
            before: gone.before,
            beforeUnknown: false,
            created: false,
            deleted: true,
            after: undefined,
          });
    }
  }
  if (histories.length === 0) return { items: [], unchanged: 0, sourceCount: 0, targetCount: 0, invalid: [] };
  const { now: current, record } = await hooks.current(
    ctx,
    histories.map((h) => h.key),
  );
  const items: DraftItem[] = [];
  // Skipped items stay in the plan, so the preview, the report and the UI show each with its reason.
  const skip = (h: KeyHistory, op: Operation, code: string, message: string) =>
    items.push({
      key: h.key,
      ...(h.label ? { label: h.label } : {}),
      op,
      pass: op === 'delete' ? 'followUp' : 'main',
      wave: 0,
      skip: { code, message },
    });

  for (const h of histories) {
    if (h.created && h.deleted) continue;
    const now = current.get(h.key);
    const inverse: Operation = h.created ? 'delete' : h.deleted ? 'create' : 'update';
    if (h.beforeUnknown) {
      skip(
        h,
        inverse,
        'ROLLBACK_BEFORE_UNKNOWN',
        `WORKPLACE already had it when run ${target.of} created it, so what it held before is unknown: not undone`,
      );
      continue;
    }
    const fields = hooks.fields(h.key, ctx) as never[];
    const changed = h.deleted
      ? now === undefined
        ? []
        : ['re-created since']
      : now === undefined
        ? ['deleted since']
        : changedFields(h.after as object, now as object, fields);
    if (changed.length > 0 && !target.force) {
      skip(
        h,
        inverse,
        CHANGED_SINCE_RUN,
        `WORKPLACE changed since run ${target.of} wrote it (${changed.join(', ')}; by a later run or by hand): not undone; orgsync rollback --force undoes it anyway`,
      );
      continue;
    }
    const base = { key: h.key, ...(h.label ? { label: h.label } : {}), ...(now === undefined ? {} : { before: now }) };
    if (inverse === 'delete') {
      if (now !== undefined) items.push({ ...base, op: 'delete', pass: 'followUp', wave: 0 });
      continue;
    }
    const body = hooks.restore(h.key, h.before, ctx);
    if (body === undefined) {
      skip(
        h,
        inverse,
        'ROLLBACK_NOT_RESTORABLE',
        `WORKPLACE does not let orgsync put back exactly what run ${target.of} replaced here (README "Rollback"): not undone`,
      );
      continue;
    }
    // Forced over a later change, the verb follows what WORKPLACE holds now.
    if (now === undefined) items.push({ ...base, op: 'create', pass: 'main', wave: 0, body });
    else {
      const changes = changedFields(body as object, now as object, fields);
      if (changes.length > 0) items.push({ ...base, op: 'update', pass: 'main', wave: 0, body, changes });
    }
  }
  return {
    items: hooks.place?.(items, current) ?? items,
    unchanged: 0,
    sourceCount: histories.length,
    targetCount: current.size,
    invalid: [],
    ...(record ? { current: record } : {}),
  };
}
