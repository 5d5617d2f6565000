/**
 * 직급 grades. Source: Knox /titles of each company. Key: titleCode. Deleted in the follow-up pass,
 * after employees have moved to their new grades.
 */
import type { GradeBody } from '../../workplace/index.js';
import { delta, type DesiredEntry } from '../plan.js';
import { defineStage, i18n, invalidOutcomes, unreadableTargets, type StageDraft } from './spec.js';
import type { ItemOutcome } from '../../workflows/definitions.js';

const FIELDS = ['name', 'i18nNames', 'itemUsed', 'sortOrder'] as const;

export const grades = defineStage<GradeBody>({
  stage: 'grades',
  knox: ['titles'],
  target: 'listed',
  upsert: true,

  async plan(ctx): Promise<StageDraft<GradeBody>> {
    const desired = new Map<string, DesiredEntry<GradeBody>>();
    const unreadable = await ctx.knox.invalid('titles');
    const invalid: ItemOutcome[] = invalidOutcomes('grades', unreadable);
    for (const title of await ctx.knox.titles()) {
      const value: GradeBody = {
        name: title.titleName,
        i18nNames: i18n({ ko_KR: title.titleName, en_US: title.enTitleName }),
        itemUsed: true,
        sortOrder: String(title.sortOrder ?? ''),
      };
      const seen = desired.get(title.titleCode);
      if (seen && seen.value.name !== value.name) {
        invalid.push({
          stage: 'grades',
          key: title.titleCode,
          label: value.name,
          op: 'read',
          outcome: 'failed',
          code: 'KNOX_CONFLICT',
          message: `titleCode ${title.titleCode} is "${seen.value.name}" in one company and "${value.name}" in ${title.companyCode}`,
        });
        continue;
      }
      desired.set(title.titleCode, { value, label: value.name });
    }
    const listing = await ctx.workplace.grades.list({ signal: ctx.signal });
    const current = new Map(listing.rows.map((g) => [g.externalKey, g]));
    const target = unreadableTargets('grades', listing.unreadable);
    for (const key of target.keys) desired.delete(key);
    invalid.push(...target.outcomes);
    const { items, unchanged } = delta(desired, current, {
      fields: FIELDS,
      protect: new Set(invalid.map((i) => i.key)),
      deletes: !unreadable.some((r) => !r.key) && target.deletes,
      deleteLabel: (_key, grade) => grade.name,
    });
    for (const item of items) if (item.op === 'delete') item.pass = 'followUp';
    return { items, unchanged, sourceCount: desired.size, targetCount: current.size, invalid, drift: [listing.drift] };
  },

  apply(client, op, item, signal) {
    if (op === 'delete') return client.grades.remove(item.key, { signal });
    return client.grades[op](item.key, item.body!, { signal });
  },
});
