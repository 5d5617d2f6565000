/**
 * Applying exactly the plan an operator approved (`orgsync run --review`, issue 16). When the approved
 * run applies a stage, the stage plans again against WORKPLACE as it is now, and the fresh plan is held
 * against the frozen one item by item: an approved item whose target WORKPLACE still holds as it did at
 * review time is applied with its frozen values (the same key, verb and body); one whose target changed
 * since (by hand, or by another run) is re-planned and reported, never silently overwritten; a write the
 * review did not show is not made. Pure: no I/O.
 */
import { sameValue, type DraftItem, type PlanItem } from './plan.js';

/** Items of one stage's plan, matched by what they write: the key, the pass and the verb. */
type Slot = Pick<DraftItem, 'key' | 'pass' | 'op'>;
const itemId = (item: Slot) => `${item.pass ?? 'main'}|${item.op}|${item.key}`;
const slotId = (item: Slot) => `${item.pass ?? 'main'}|${item.key}`;

export const CHANGED_SINCE_REVIEW = 'CHANGED_SINCE_REVIEW';
export const NOT_REVIEWED = 'NOT_REVIEWED';

function describeWrite(item: DraftItem): string {
  return `${item.op}${item.changes?.length ? ` (${item.changes.join(', ')})` : ''}`;
}

/**
 * The plan to apply: the approved items, each either as approved or skipped with why; plus, skipped,
 * the writes the fresh plan holds that the review never showed.
 */
export function reconcileWithApproved<B>(approved: readonly PlanItem<B>[], fresh: readonly DraftItem<B>[]): DraftItem<B>[] {
  const freshById = new Map(fresh.map((item) => [itemId(item), item]));
  const freshBySlot = new Map(fresh.map((item) => [slotId(item), item]));
  const approvedSlots = new Set(approved.map(slotId));
  const drafts: DraftItem<B>[] = [];
  for (const { i: _i, ...item } of approved) {
    if (item.skip) {
      drafts.push(item);
      continue;
    }
    const now = freshById.get(itemId(item));
    // Same verb and the same before-image: WORKPLACE holds the target as it did when it was reviewed.
    if (now && sameValue(now.before, item.before)) {
      drafts.push(item);
      continue;
    }
    const replanned = now ?? freshBySlot.get(slotId(item));
    const message = replanned
      ? `WORKPLACE changed since the review, so the approved ${describeWrite(item)} was not applied; planned now: ${describeWrite(replanned)}. Review again (orgsync run --review) or let the next run apply it`
      : `WORKPLACE changed since the review and already holds what the approved ${describeWrite(item)} would write; nothing to do`;
    drafts.push({ ...item, skip: { code: CHANGED_SINCE_REVIEW, message } });
  }
  for (const item of fresh) {
    if (approvedSlots.has(slotId(item)) || item.skip) continue;
    drafts.push({
      ...item,
      skip: {
        code: NOT_REVIEWED,
        message: `not in the approved plan (WORKPLACE changed since the review): the next run will ${describeWrite(item)} it`,
      },
    });
  }
  return drafts;
}
