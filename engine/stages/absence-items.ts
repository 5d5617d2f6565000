/**
 * 부재항목 absence items. Knox has no attendance categories, so they come from `sync.absenceItems`
 * in the config file; endpoints are workplace.md's assumption. With none configured the stage does
 * nothing at all: an empty list is "not set up", never "delete every absence item".
 */
import type { Absence, AbsenceBody } from '../../workplace/index.js';
import type { DesiredEntry } from '../plan.js';
import { defineStage, keyedApply, i18n, listedRollback, listedTarget, type StageDraft } from './spec.js';

const FIELDS = ['name', 'i18nNames', 'halfDayYn', 'sortOrder'] as const;

export const absenceItems = defineStage<AbsenceBody>(
  { stage: 'absenceItems', knox: [], target: 'listed', upsert: true },
  {
    async plan(ctx): Promise<StageDraft<AbsenceBody>> {
      const configured = ctx.settings.absenceItems;
      if (configured.length === 0) return { items: [], unchanged: 0, sourceCount: 0, targetCount: 0, invalid: [] };
      const desired = new Map<string, DesiredEntry<AbsenceBody>>(
        configured.map((a) => [
          a.key,
          {
            label: a.name,
            value: { name: a.name, i18nNames: a.i18nNames ?? i18n({ ko_KR: a.name }), halfDayYn: a.halfDayYn, sortOrder: a.sortOrder },
          },
        ]),
      );
      const target = await listedTarget('absenceItems', ctx.workplace.absences, ctx.signal);
      return target.draft(target.delta(desired, { fields: FIELDS, deleteLabel: (_key, a) => a.name }), target.outcomes);
    },

    apply: keyedApply((client) => client.absences),
    rollback: listedRollback({
      api: (client) => client.absences,
      fields: FIELDS,
      restore: (_key, before) => {
        const a = before as Absence;
        return { name: a.name, i18nNames: a.i18nNames, halfDayYn: a.halfDayYn === 'Y' ? 'Y' : 'N', sortOrder: a.sortOrder ?? 0 };
      },
    }),
  },
);
