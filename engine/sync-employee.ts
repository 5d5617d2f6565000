/**
 * Planning the on-demand sync of one employee (`orgsync sync-employee <epId>`): the same mappings as the
 * nightly stages (employee record, Reports To, additional attribute values), applied to one person read
 * from Knox by epId. The plan goes to the store like any other, so the same write activity applies it.
 * Nothing is deleted on demand: a person Knox does not return is the nightly run's business, behind the
 * deletion guard.
 */
import type { SyncSettings } from '../config/index.js';
import type { KnoxClient, KnoxEmployee } from '../knox/index.js';
import type { StagingStore } from '../store/index.js';
import type { Employee, WorkplaceClient } from '../workplace/index.js';
import type { StageName } from './pipeline.js';
import { employeeAttributes } from './knox-snapshot.js';
import { delta, order, type DraftItem } from './plan.js';
import { writePlan } from './plan-store.js';
import { desiredValuesOf, valueKey, type Value } from './stages/additional-attributes.js';
import { employeeBody, employeeFields, mapEmployee } from './stages/employees.js';
import { departmentHeads, departmentScope, headResolver } from './stages/mapping.js';
import { desiredReportsTo } from './stages/reports-to.js';

export interface EmployeePlan {
  knox: 'found' | 'notInKnox' | 'invalid';
  label?: string;
  message?: string;
  planRef?: string;
  /** In the order they must run: the employee record first. */
  items: { i: number; stage: StageName; what: string; op: DraftItem['op']; key: string; label?: string; changes?: string[] }[];
}

interface Deps {
  knox: KnoxClient;
  workplace: WorkplaceClient;
  store: StagingStore;
  settings: SyncSettings;
  today: string;
  signal: AbortSignal;
}

export async function planEmployee(deps: Deps, runId: string, epId: string): Promise<EmployeePlan> {
  const { knox, workplace, settings, signal } = deps;
  const found = await knox.getEmployees({ epIds: [epId] }, { attributes: employeeAttributes(settings), signal });
  const person = found.rows[0];
  if (!person) {
    const bad = found.invalid[0];
    return bad
      ? { knox: 'invalid', message: `Knox returned a record that fails validation: ${bad.issues.join('; ')}`, items: [] }
      : {
          knox: 'notInKnox',
          message: 'Knox does not return this employee; on-demand sync never deletes (the nightly run handles leavers)',
          items: [],
        };
  }

  const organizations = (await knox.listOrganizations(person.companyCode, { signal })).rows;
  const scope = departmentScope(organizations, settings);
  const mapped = mapEmployee(person, scope, settings);
  if ('outcome' in mapped) return { knox: 'found', label: person.fullName, message: mapped.outcome.message, items: [] };

  const tagged = (stage: StageName, what: (key: string) => string, wave: number, items: DraftItem[]) =>
    items.map((item) => ({ ...item, stage, what: what(item.key), wave }));
  const drafts: (DraftItem & { stage: StageName; what: string })[] = [];

  // The same entries and the same delta as the nightly stages, over one person.
  const current = await workplace.employees.get(epId, { signal });
  const employee = delta(new Map([[epId, mapped.entry]]), current ? new Map([[epId, current]]) : new Map<string, Employee>(), {
    fields: employeeFields(settings),
    body: (_key, value, existing) => employeeBody(value, existing, settings, deps.today),
    deletes: false,
  });
  drafts.push(...tagged('employees', () => 'employee', 0, employee.items));

  if (settings.stages.reportsTo) {
    // The heads along the department chain, looked up by the userIds Knox names them by.
    const managerIds = [...new Set(organizations.map((o) => o.managerId?.trim()).filter((id): id is string => !!id))];
    const heads: KnoxEmployee[] = [];
    for (let i = 0; i < managerIds.length; i += 100) {
      const ids = managerIds.slice(i, i + 100);
      heads.push(...(await knox.getEmployees({ userIds: ids }, { attributes: ['epId', 'userId'], signal })).rows);
    }
    const wanted = desiredReportsTo(person, scope.included, headResolver(departmentHeads(scope.included.values(), heads)));
    const existing = await workplace.reportsTo.get(epId, { signal });
    const reports = delta(
      wanted ? new Map([[epId, wanted]]) : new Map(),
      existing ? new Map([[epId, { reportsToExternalKey: existing }]]) : new Map(),
      {
        fields: ['reportsToExternalKey'],
      },
    );
    drafts.push(...tagged('reportsTo', () => 'Reports To', 1, reports.items));
  }

  if (settings.stages.additionalAttributes) {
    const wanted = desiredValuesOf(person, settings.additionalAttributes);
    const existing = new Map<string, Value>();
    for (const attribute of settings.additionalAttributes) {
      const fieldData = (await workplace.attributeValues.get(epId, attribute.key, { signal }))?.fieldData;
      if (fieldData) existing.set(valueKey(epId, attribute.key), { fieldData });
    }
    const values = delta(new Map(wanted.flatMap(({ key, entry }) => (entry ? [[key, entry] as const] : []))), existing, {
      fields: ['fieldData'],
    });
    drafts.push(...tagged('additionalAttributes', (key) => `additional attribute ${key.slice(epId.length + 1)}`, 1, values.items));
  }

  if (drafts.length === 0) return { knox: 'found', label: person.fullName, items: [] };
  const ordered = order<unknown, (typeof drafts)[number]>(drafts);
  const meta = await writePlan(
    deps.store,
    {
      runId,
      stage: 'employees',
      waves: ordered.waves,
      ops: { main: { create: 0, update: 0, delete: 0 }, followUp: { create: 0, update: 0, delete: 0 } },
      unchanged: 0,
      sourceCount: 1,
      targetCount: current ? 1 : 0,
      invalid: 0,
      guard: { holds: false, deletions: 0, existing: 0, reason: 'on demand' },
    },
    ordered,
    undefined,
  );
  return {
    knox: 'found',
    label: person.fullName,
    planRef: meta.ref,
    items: ordered.items.map(({ i, stage, what, op, key, label, changes }) => ({
      i,
      stage,
      what,
      op,
      key,
      ...(label ? { label } : {}),
      ...(changes ? { changes } : {}),
    })),
  };
}
