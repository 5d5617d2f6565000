/**
 * 사원 employees. Source: Knox employees of each company. Key: epId. Login id and e-mail: emailAddress.
 * Department, grade and job title by key (their stages ran before). Leavers, whom Knox stops
 * returning, follow `leavers` (workplace.md Decisions): deleted through the deletion guard, never the
 * representative admin, and never when some Knox record could not even be identified.
 */
import type { SyncSettings } from '../../config/index.js';
import type { KnoxEmployee } from '../../knox/index.js';
import type { Employee, EmployeeBody } from '../../workplace/index.js';
import type { ItemOutcome } from '../types.js';
import { Dependencies, type DesiredEntry, type DraftItem } from '../plan.js';
import { employeeIdentity, flagCollisions } from '../collisions.js';
import { departmentScope, jobTitleOf, type GoneWith } from './mapping.js';
import type { ReportsTo } from './reports-to.js';
import { valueKey, type Value } from './additional-attributes.js';
import { defineStage, keyedApply, i18n, invalidOutcomes, listedRollback, listedTarget, type PlanContext, type StageDraft } from './spec.js';

export type Desired = Omit<EmployeeBody, 'employYmd'>;

const FIELDS = [
  'loginId',
  'emailAddress',
  'name',
  'i18nNames',
  'deptExternalKey',
  'gradeCdExternalKey',
  'jobCdExternalKey',
  'telephoneNo',
  'cellphoneNo',
  'empNick',
] as const;

/** WORKPLACE keeps e-mail and login id unique (case-insensitively): a create of one it holds under another key, or none, collides. */
export const EMPLOYEE_IDENTITY = employeeIdentity();

/** employee v1 `empNick` rule (workplace.md §2.5): letters, digits, spaces and ! @ & ( ) - _ + [ ] { } , . only. */
const NICKNAME = /^[\p{L}\p{N} !@&()\-_+[\]{},.]{1,100}$/u;

/**
 * One Knox employee as WORKPLACE should hold them (README "Mapping"), or why they are not synced.
 * Shared by the nightly stage and the on-demand sync of one employee.
 */
export function mapEmployee(
  person: KnoxEmployee,
  scope: ReturnType<typeof departmentScope>,
  settings: SyncSettings,
  dependencies = new Dependencies(),
): { entry: DesiredEntry<Desired> } | { outcome: ItemOutcome } {
  const dept = person.departmentCode;
  const outcome = (failed: boolean, code: string, message: string) => ({
    outcome: {
      stage: 'employees' as const,
      key: person.epId,
      label: person.fullName,
      op: 'read' as const,
      outcome: failed ? ('failed' as const) : ('skipped' as const),
      code,
      message,
    },
  });
  if (scope.excluded.has(dept))
    return outcome(false, 'DEPARTMENT_EXCLUDED', `department ${dept} is not synced: ${scope.excluded.get(dept)}`);
  if (!scope.included.has(dept)) return outcome(true, 'KNOX_UNKNOWN_DEPARTMENT', `department ${dept} is not in Knox's organization list`);

  const email = person.emailAddress.toLowerCase();
  // A reference whose stage is switched off is WORKPLACE's own (managed by hand): not ours to set.
  const jobTitle = settings.stages.jobTitles ? jobTitleOf(person, settings.jobTitleSource) : undefined;
  const grade = settings.stages.grades ? person.titleCode : undefined;
  const nickname = person.nickName?.trim();
  const dependsOn = dependencies.list(
    dependencies.of('departments', dept, 'department'),
    ...(grade ? [dependencies.of('grades', grade, 'grade')] : []),
    ...(jobTitle ? [dependencies.of('jobTitles', jobTitle.key, 'job title')] : []),
  );
  return {
    entry: {
      label: person.fullName,
      dependsOn,
      value: {
        loginId: email,
        emailAddress: email,
        name: person.fullName,
        i18nNames: i18n({ ko_KR: person.fullName, en_US: person.enFullName }),
        deptExternalKey: dept,
        concurrentDeptExternalKeys: [],
        gradeCdExternalKey: grade,
        jobCdExternalKey: jobTitle?.key,
        telephoneNo: person.officeTelNumber?.trim() || undefined,
        cellphoneNo: person.mobile?.trim() || undefined,
        empNick: nickname && NICKNAME.test(nickname) ? nickname : undefined,
      },
    },
  };
}

/** The fields orgsync owns, given which reference stages are on. */
export function employeeFields(settings: SyncSettings): readonly (typeof FIELDS)[number][] {
  return FIELDS.filter(
    (f) => (f !== 'gradeCdExternalKey' || settings.stages.grades) && (f !== 'jobCdExternalKey' || settings.stages.jobTitles),
  );
}

/** The write payload: what orgsync owns, plus WORKPLACE's own values for what it does not (hire date, hand-kept references). */
export function employeeBody(
  desired: Desired,
  existing: Partial<EmployeeBody> | undefined,
  settings: SyncSettings,
  today: string,
): EmployeeBody {
  return {
    ...desired,
    // Knox has no hire date: the day orgsync first creates the employee, kept on every later update.
    employYmd: existing?.employYmd || today,
    ...(!settings.stages.grades && existing?.gradeCdExternalKey ? { gradeCdExternalKey: existing.gradeCdExternalKey } : {}),
    ...(!settings.stages.jobTitles && existing?.jobCdExternalKey ? { jobCdExternalKey: existing.jobCdExternalKey } : {}),
  };
}

/** What goes with a deleted employee, in its before-image, so a rollback that re-creates them puts it back too. */
async function addGoneWith(ctx: PlanContext, leavers: readonly DraftItem<EmployeeBody>[]): Promise<void> {
  const keys = leavers.map((i) => i.key);
  const attributes = ctx.settings.additionalAttributes.map((a) => a.key);
  const [reports, values] = await Promise.all([
    ctx.recorded<ReportsTo>('reportsTo', keys),
    ctx.recorded<Value>(
      'additionalAttributes',
      keys.flatMap((key) => attributes.map((a) => valueKey(key, a))),
    ),
  ]);
  for (const item of leavers) {
    const reportsTo = reports?.get(item.key);
    const goneWith: GoneWith = {
      ...(reportsTo ? { reportsTo } : {}),
      values: Object.fromEntries(
        attributes.flatMap((a) => {
          const value = values?.get(valueKey(item.key, a));
          return value ? [[a, value]] : [];
        }),
      ),
    };
    item.before = { ...(item.before as object), goneWith };
  }
}

export const employees = defineStage<EmployeeBody>(
  { stage: 'employees', knox: ['organizations', 'employees'], target: 'listed', upsert: true },
  {
    async plan(ctx): Promise<StageDraft<EmployeeBody>> {
      const [organizations, people, unreadable] = await Promise.all([
        ctx.knox.organizations(),
        ctx.knox.employees(),
        ctx.knox.invalid('employees'),
      ]);
      const { included, excluded } = departmentScope(organizations, ctx.settings);
      const invalid = invalidOutcomes('employees', unreadable);
      const skipped: ItemOutcome[] = [];
      // Who is synced, decided first; each one's entry is made again as the delta compares it, so 100,000
      // entries are never held beside WORKPLACE's 100,000 records (an unchanged one is garbage at once).
      const synced = new Map<string, KnoxEmployee>();
      const emailOwner = new Map<string, string>();
      for (const person of people) {
        const mapped = mapEmployee(person, { included, excluded }, ctx.settings);
        if ('outcome' in mapped) {
          (mapped.outcome.outcome === 'failed' ? invalid : skipped).push(mapped.outcome);
          continue;
        }
        const email = mapped.entry.value.emailAddress;
        const owner = emailOwner.get(email);
        if (owner) {
          invalid.push({
            stage: 'employees',
            key: person.epId,
            label: person.fullName,
            op: 'read',
            outcome: 'failed',
            code: 'KNOX_DUPLICATE_EMAIL',
            message: `e-mail ${email} is also ${owner}'s; WORKPLACE login ids are unique`,
          });
          continue;
        }
        emailOwner.set(email, person.epId);
        synced.set(person.epId, person);
      }
      const dependencies = new Dependencies();
      const desired = function* (): Generator<[string, DesiredEntry<Desired>]> {
        for (const [epId, person] of synced) {
          const mapped = mapEmployee(person, { included, excluded }, ctx.settings, dependencies);
          if ('entry' in mapped) yield [epId, mapped.entry];
        }
      };

      const target = await listedTarget('employees', ctx.workplace.employees, ctx.signal);
      invalid.push(...target.outcomes);
      // A record Knox returned without a readable epId could be anyone in WORKPLACE: delete no one this run.
      const unidentified = unreadable.some((r) => !r.key);
      const planned = target.delta(desired(), {
        fields: employeeFields(ctx.settings),
        body: (_key, value, existing) => employeeBody(value, existing, ctx.settings, ctx.today),
        protect: new Set([...invalid, ...skipped].map((o) => o.key)),
        deletes: ctx.settings.leavers === 'delete' && !unidentified,
        deleteLabel: (_key, e) => e.name,
      });
      const { items } = planned;
      // Confirm each leaver with Knox itself before planning to delete them.
      const leavers = items.filter((i) => i.op === 'delete');
      const stillThere = leavers.length ? await ctx.stillInKnox(leavers.map((i) => i.key)) : new Set<string>();
      for (const item of items) item.wave = item.op === 'delete' ? 0 : 1;
      if (leavers.length) await addGoneWith(ctx, leavers);
      for (const item of leavers) {
        // Leavers go first (wave 0): a hire may take the login id a leaver frees that same day.
        item.check = 'representativeAdmin';
        if (stillThere.has(item.key))
          item.skip = {
            code: 'KNOX_STILL_EMPLOYED',
            message:
              'missing from the full Knox read but Knox still returns this employee by epId (moved while the read ran?): not deleted',
          };
      }
      // After the leavers' skips: a leaver deleted first frees an e-mail, one kept does not.
      flagCollisions(
        items,
        target,
        new Set([...synced.keys(), ...invalid.map((o) => o.key), ...skipped.map((o) => o.key)]),
        EMPLOYEE_IDENTITY,
      );
      return target.draft(planned, [...invalid, ...skipped]);
    },

    apply: keyedApply((client) => client.employees),

    rollback: listedRollback({
      api: (client) => client.employees,
      fields: (_key, ctx) => employeeFields(ctx.settings),
      // Re-created as WORKPLACE held them, with the original hire date (the day orgsync first created them
      // when a list does not show it: WORKPLACE requires one).
      restore: (_key, before, ctx): EmployeeBody => {
        const e = before as Employee;
        return {
          loginId: e.loginId,
          emailAddress: e.emailAddress,
          name: e.name,
          i18nNames: e.i18nNames,
          deptExternalKey: e.deptExternalKey,
          concurrentDeptExternalKeys: e.concurrentDeptExternalKeys ?? [],
          gradeCdExternalKey: e.gradeCdExternalKey,
          jobCdExternalKey: e.jobCdExternalKey,
          telephoneNo: e.telephoneNo,
          cellphoneNo: e.cellphoneNo,
          empNick: e.empNick,
          employYmd: e.employYmd || ctx.today,
        };
      },
      // A rollback deletes nobody the representative-admin check would not let a run delete.
      place: (items) => items.map((item) => (item.op === 'delete' ? { ...item, check: 'representativeAdmin' as const } : item)),
    }),
  },
);
