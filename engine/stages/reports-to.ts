/**
 * Reports To. Each employee reports to the head of their department; a head reports to the head of the
 * nearest ancestor department with a different head. WORKPLACE cannot list Reports To, so the target
 * is what the last run recorded, or one GET per employee on a first run (endpoints: workplace.md
 * Decisions, an assumption). A "delete" clears an employee's Reports To.
 */
import type { KnoxEmployee, KnoxOrganization } from '../../knox/index.js';
import { delta, Dependencies, type DesiredEntry } from '../plan.js';
import { departmentHeads, departmentScope, employeesInScope, goneWithOf, headResolver } from './mapping.js';
import { defineStage, readEach, recordedCurrent, type StageDraft } from './spec.js';

export interface ReportsTo {
  reportsToExternalKey: string;
}

export const reportsTo = defineStage<ReportsTo>(
  { stage: 'reportsTo', knox: ['organizations', 'employees'], target: 'recorded', upsert: false },
  {
    async plan(ctx): Promise<StageDraft<ReportsTo>> {
      const [organizations, people] = await Promise.all([ctx.knox.organizations(), ctx.knox.employees()]);
      const { included } = departmentScope(organizations, ctx.settings);
      const headOf = headResolver(departmentHeads(included.values(), people));
      const inScope = employeesInScope(people, included);

      // Only employees Knox still has (a leaver's Reports To went with the employee) and WORKPLACE has
      // (one whose create failed this run has none to read; its item is skipped with that reason).
      // Employees created minutes ago by this run have no Reports To yet: nothing to read for them.
      const notCreated = ctx.missing.get('employees');
      const keys = new Set(inScope.map((p) => p.epId).filter((key) => !notCreated?.has(key)));
      const recorded = await ctx.recorded<ReportsTo>(undefined, (key) => keys.has(key));
      const justCreated = recorded ? new Set<string>() : await ctx.createdThisRun('employees');
      const { found: current, unreadable } = recorded
        ? { found: recorded, unreadable: [] }
        : await readEach(
            'reportsTo',
            [...keys].filter((key) => !justCreated.has(key)),
            async (key) => {
              const manager = await ctx.workplace.reportsTo.get(key, { signal: ctx.signal });
              return manager ? { reportsToExternalKey: manager } : undefined;
            },
            ctx,
          );
      const unreadableKeys = new Set(unreadable.map((u) => u.key));
      // Made as the delta compares them, like the employee stage's entries.
      const dependencies = new Dependencies();
      const desired = function* (): Generator<[string, DesiredEntry<ReportsTo>]> {
        for (const person of inScope) {
          const entry = unreadableKeys.has(person.epId) ? undefined : desiredReportsTo(person, included, headOf, dependencies);
          if (entry) yield [person.epId, entry];
        }
      };
      const { items, unchanged, desiredCount } = delta(desired(), current, { fields: ['reportsToExternalKey'], protect: unreadableKeys });
      return { items, unchanged, sourceCount: desiredCount, targetCount: current.size, invalid: unreadable, current };
    },

    apply(client, op, item, signal) {
      if (op === 'delete') return client.reportsTo.clear(item.key, { signal });
      return client.reportsTo.set(item.key, item.body!.reportsToExternalKey, { signal });
    },

    rollback: {
      current: (ctx, keys) =>
        recordedCurrent<ReportsTo>(ctx, keys, async (key) => {
          const manager = await ctx.workplace.reportsTo.get(key, { signal: ctx.signal });
          return manager ? { reportsToExternalKey: manager } : undefined;
        }),
      fields: () => ['reportsToExternalKey'],
      goneWith: ({ key, before }) => {
        const reports = goneWithOf(before)?.reportsTo;
        return reports ? [{ key, before: reports }] : [];
      },
      restore: (_key, before) => {
        const manager = (before as Partial<ReportsTo> | undefined)?.reportsToExternalKey;
        return manager ? { reportsToExternalKey: manager } : undefined;
      },
    },
  },
);

/** Whom one employee should report to, as a plan entry; undefined when nobody is above them. */
export function desiredReportsTo(
  person: Pick<KnoxEmployee, 'epId' | 'departmentCode' | 'fullName'>,
  departments: ReadonlyMap<string, KnoxOrganization>,
  headOf: (code: string) => string | undefined,
  dependencies = new Dependencies(),
): DesiredEntry<ReportsTo> | undefined {
  const manager = managerOf(person.epId, person.departmentCode, departments, headOf);
  if (!manager) return undefined;
  return {
    label: person.fullName,
    value: { reportsToExternalKey: manager },
    // A manager has many reports; each employee is named once.
    dependsOn: [{ stage: 'employees', key: person.epId, role: 'employee' }, dependencies.of('employees', manager, 'manager')],
  };
}

export function managerOf(
  epId: string,
  departmentCode: string,
  departments: ReadonlyMap<string, KnoxOrganization>,
  headOf: (code: string) => string | undefined,
): string | undefined {
  const seen = new Set<string>();
  for (
    let code: string | undefined = departmentCode;
    code && !seen.has(code);
    code = departments.get(code)?.uprDepartmentCode || undefined
  ) {
    seen.add(code);
    const head = headOf(code);
    if (head && head !== epId) return head;
  }
  return undefined;
}
