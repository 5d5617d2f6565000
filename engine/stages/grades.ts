/**
 * 직급 grades. Source: Knox /titles of each company. Key: titleCode. Deleted in the follow-up pass,
 * after employees have moved to their new grades.
 */
import type { Grade, GradeBody } from '../../workplace/index.js';
import type { DesiredEntry } from '../plan.js';
import { defineStage, deleteInFollowUp, keyedApply, i18n, invalidOutcomes, listedRollback, listedTarget, type StageDraft } from './spec.js';
import type { ItemOutcome } from '../types.js';
import { byName, flagCollisions } from '../collisions.js';

/** The fields compared and written: 직책 (job-titles.ts) has the same body as 직급 (§2.1, §2.2). */
export const FIELDS = ['name', 'i18nNames', 'itemUsed', 'sortOrder'] as const;
/** WORKPLACE keeps grade names unique (§2.1): a create of a name it holds under another key, or none, collides. */
export const GRADE_IDENTITY = byName('grades', 'grade');

export const grades = defineStage<GradeBody>(
  { stage: 'grades', knox: ['titles'], target: 'listed', upsert: true },
  {
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
      const target = await listedTarget('grades', ctx.workplace.grades, ctx.signal);
      invalid.push(...target.outcomes);
      const planned = target.delta(desired, {
        fields: FIELDS,
        protect: new Set(invalid.map((i) => i.key)),
        deletes: !unreadable.some((r) => !r.key),
        deleteLabel: (_key, grade) => grade.name,
      });
      deleteInFollowUp(planned.items);
      flagCollisions(planned.items, target, new Set([...desired.keys(), ...invalid.map((i) => i.key)]), GRADE_IDENTITY);
      return target.draft(planned, invalid);
    },

    apply: keyedApply((client) => client.grades),
    rollback: listedRollback({ api: (client) => client.grades, fields: FIELDS, restore: (_key, before) => restoreGrade(before as Grade) }),
  },
);

/** A grade or job title as WORKPLACE listed it, as the body that puts it back. */
export function restoreGrade(before: Grade): GradeBody {
  return { name: before.name, i18nNames: before.i18nNames, itemUsed: before.itemUsed ?? true, sortOrder: before.sortOrder ?? '' };
}
