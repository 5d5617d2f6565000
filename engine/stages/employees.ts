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
import { changedFields, compareKeys, Dependencies, type DesiredEntry, type DraftItem } from '../plan.js';
import { employeeIdentity, flagCollisions } from '../collisions.js';
import { departmentScope, jobTitleOf, type GoneWith } from './mapping.js';
import type { ReportsTo } from './reports-to.js';
import { valueKey, type Value } from './additional-attributes.js';
import {
  defineStage,
  keyedApply,
  i18n,
  invalidOutcomes,
  listedRollback,
  listedTarget,
  madeWave,
  type ListedTarget,
  type PlanContext,
  type StageDraft,
} from './spec.js';

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

/**
 * The creates whose e-mail or login id WORKPLACE already holds under another key or none (engine/collisions.ts),
 * with their skips. Only the creates' identities are held, and only when WORKPLACE lists something they
 * could collide with: on a first run into an empty WORKPLACE, nothing.
 */
function collidingCreates(
  leavers: DraftItem<EmployeeBody>[],
  target: ListedTarget<Employee>,
  synced: ReadonlyMap<string, KnoxEmployee>,
  notSynced: readonly ItemOutcome[],
  map: (person: KnoxEmployee) => ReturnType<typeof mapEmployee>,
): Map<string, NonNullable<DraftItem['skip']>> {
  const knoxKeys = new Set([...synced.keys(), ...notSynced.map((o) => o.key)]);
  const held = target.unmapped.length > 0 || [...target.current.keys()].some((key) => !knoxKeys.has(key));
  if (!held) return new Map();
  const creates: DraftItem<Desired>[] = [];
  for (const [epId, person] of synced) {
    if (target.current.has(epId) || target.settled.has(epId) || target.leaveAlone.has(epId)) continue;
    const mapped = map(person);
    if ('entry' in mapped) creates.push({ key: epId, op: 'create', wave: 1, body: mapped.entry.value });
  }
  flagCollisions([...leavers, ...creates], target, knoxKeys, EMPLOYEE_IDENTITY);
  return new Map(creates.flatMap((c) => (c.skip ? [[c.key, c.skip] as const] : [])));
}

/** What goes with a deleted employee, in its before-image, so a rollback that re-creates them puts it back too. */
async function addGoneWith(ctx: PlanContext, leavers: readonly DraftItem<EmployeeBody>[]): Promise<void> {
  const keys = new Set(leavers.map((i) => i.key));
  const attributes = ctx.settings.additionalAttributes.map((a) => a.key);
  const values = new Set([...keys].flatMap((key) => attributes.map((a) => valueKey(key, a))));
  const [reports, valuesOf] = await Promise.all([
    ctx.recorded<ReportsTo>('reportsTo', (key) => keys.has(key)),
    ctx.recorded<Value>('additionalAttributes', (key) => values.has(key)),
  ]);
  for (const item of leavers) {
    const reportsTo = reports?.get(item.key);
    const goneWith: GoneWith = {
      ...(reportsTo ? { reportsTo } : {}),
      values: Object.fromEntries(
        attributes.flatMap((a) => {
          const value = valuesOf?.get(valueKey(item.key, a));
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
      const scope = departmentScope(organizations, ctx.settings);
      const map = (person: KnoxEmployee, dependencies?: Dependencies) => mapEmployee(person, scope, ctx.settings, dependencies);
      const invalid = invalidOutcomes('employees', unreadable);
      const skipped: ItemOutcome[] = [];
      // Who is synced, decided first; each one's entry is made again as the delta compares it, so 100,000
      // entries are never held beside WORKPLACE's 100,000 records (an unchanged one is garbage at once).
      const synced = new Map<string, KnoxEmployee>();
      const emailOwner = new Map<string, string>();
      for (const person of people) {
        const mapped = map(person);
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
      const desired = function* (epIds: readonly string[]): Generator<[string, DesiredEntry<Desired>]> {
        for (const epId of epIds) {
          const mapped = map(synced.get(epId)!, dependencies);
          if ('entry' in mapped) yield [epId, mapped.entry];
        }
      };

      // An employee WORKPLACE already holds as Knox has them is kept by key alone as the listing is read:
      // on a churn night that is 99% of them, and their rows are never held beside Knox's.
      const fields = employeeFields(ctx.settings);
      const asKnoxHasThem = (row: Employee) => {
        const person = synced.get(row.externalKey);
        const mapped = person && map(person);
        return !!mapped && 'entry' in mapped && changedFields(mapped.entry.value, row, fields).length === 0;
      };
      const target = await listedTarget('employees', ctx.workplace.employees, ctx.signal, undefined, asKnoxHasThem);
      invalid.push(...target.outcomes);
      // A record Knox returned without a readable epId could be anyone in WORKPLACE: delete no one this run.
      const unidentified = unreadable.some((r) => !r.key);
      // The creates and updates are made in key order as the plan is written: a first run's 100,000
      // creates are never held. The leavers are, to be checked first.
      const inKeyOrder = [...synced.keys()].sort(compareKeys);
      const planned = target.deltaApart(new Set(inKeyOrder), desired(inKeyOrder), {
        fields,
        body: (_key, value, existing) => employeeBody(value, existing, ctx.settings, ctx.today),
        protect: new Set([...invalid, ...skipped].map((o) => o.key)),
        deletes: ctx.settings.leavers === 'delete' && !unidentified,
        deleteLabel: (_key, e) => e.name,
      });
      // Confirm each leaver with Knox itself before planning to delete them.
      const leavers = planned.deletions;
      const stillThere = leavers.length ? await ctx.stillInKnox(leavers.map((i) => i.key)) : new Set<string>();
      if (leavers.length) await addGoneWith(ctx, leavers);
      for (const item of leavers) {
        // Leavers go first (wave 0): a hire may take the login id a leaver frees that same day.
        item.wave = 0;
        item.check = 'representativeAdmin';
        if (stillThere.has(item.key))
          item.skip = {
            code: 'KNOX_STILL_EMPLOYED',
            message:
              'missing from the full Knox read but Knox still returns this employee by epId (moved while the read ran?): not deleted',
          };
      }
      // After the leavers' skips: a leaver deleted first frees an e-mail, one kept does not.
      const collided = collidingCreates(leavers, target, synced, [...invalid, ...skipped], map);
      const made = madeWave(1, planned.writes, (item) => {
        const skip = item.op === 'create' ? collided.get(item.key) : undefined;
        if (skip) item.skip = skip;
      });
      return { ...target.draft({ items: leavers, unchanged: 0, desiredCount: 0 }, [...invalid, ...skipped]), made };
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
