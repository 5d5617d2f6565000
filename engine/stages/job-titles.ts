/**
 * 직책 job titles. Knox has no title list for them: they are the distinct 직위 (gradeName) values its
 * employees hold, or their 직무 (jobCode/jobName) with `jobTitleSource: job` (see mapping.ts for the
 * key). Order: the best (lowest) titleSortOrder among the holders, so 수석 sorts before 책임.
 * Deleted in the follow-up pass, once nobody holds them.
 */
import type { Job, JobBody } from '../../workplace/index.js';
import type { DesiredEntry } from '../plan.js';
import { byName, flagCollisions } from '../collisions.js';
import { jobTitleOf } from './mapping.js';
import { FIELDS, restoreGrade } from './grades.js';
import { defineStage, deleteInFollowUp, keyedApply, i18n, listedRollback, listedTarget, type StageDraft } from './spec.js';

/** WORKPLACE keeps 직책 names unique (§2.2): a create of a name it holds under another key, or none, collides. */
export const JOB_TITLE_IDENTITY = byName('jobTitles', 'job title (직책)');

export const jobTitles = defineStage<JobBody>(
  { stage: 'jobTitles', knox: ['employees'], target: 'listed', upsert: true },
  {
    async plan(ctx): Promise<StageDraft<JobBody>> {
      const found = new Map<string, { name: string; enName?: string; order: number }>();
      for (const employee of await ctx.knox.employees()) {
        const title = jobTitleOf(employee, ctx.settings.jobTitleSource);
        if (!title) continue;
        const order = Number.parseInt(employee.titleSortOrder ?? '', 10);
        const seen = found.get(title.key);
        found.set(title.key, {
          name: title.name,
          enName: seen?.enName ?? title.enName,
          order: Math.min(seen?.order ?? Number.MAX_SAFE_INTEGER, Number.isFinite(order) ? order : Number.MAX_SAFE_INTEGER),
        });
      }
      const desired = new Map<string, DesiredEntry<JobBody>>(
        [...found].map(([key, t]) => [
          key,
          {
            label: t.name,
            value: {
              name: t.name,
              i18nNames: i18n({ ko_KR: t.name, en_US: t.enName }),
              itemUsed: true,
              sortOrder: t.order === Number.MAX_SAFE_INTEGER ? '' : String(t.order),
            },
          },
        ]),
      );
      const target = await listedTarget('jobTitles', ctx.workplace.jobs, ctx.signal);
      const planned = target.delta(desired, { fields: FIELDS, deleteLabel: (_key, job) => job.name });
      deleteInFollowUp(planned.items);
      flagCollisions(planned.items, target, new Set(desired.keys()), JOB_TITLE_IDENTITY);
      return target.draft(planned, target.outcomes);
    },

    apply: keyedApply((client) => client.jobs),
    rollback: listedRollback({ api: (client) => client.jobs, fields: FIELDS, restore: (_key, before) => restoreGrade(before as Job) }),
  },
);
