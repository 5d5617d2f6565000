/**
 * Planning the on-demand sync of one employee (`orgsync sync-employee <epId>`): the same mappings as the
 * nightly stages (employee record, Reports To, additional attribute values), applied to one person read
 * from Knox by epId. The plan goes to the store like any other, so the same write activity applies it.
 * Nothing is deleted on demand: a person Knox does not return is the nightly run's business, behind the
 * deletion guard.
 */
import type { SyncSettings } from '../config/index.js';
import type { KnoxClient } from '../knox/index.js';
import type { StagingStore } from '../store/index.js';
import type { WorkplaceClient } from '../workplace/index.js';
import type { StageName } from './pipeline.js';
import { employeeAttributes } from './knox-snapshot.js';
import { changedFields, order, type DraftItem } from './plan.js';
import { writePlan } from './plan-store.js';
import { valueOf } from './stages/additional-attributes.js';
import { employeeBody, employeeFields, mapEmployee } from './stages/employees.js';
import { departmentScope } from './stages/mapping.js';
import { managerOf } from './stages/reports-to.js';

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

  const drafts: (DraftItem & { stage: StageName; what: string })[] = [];
  const current = await workplace.employees.get(epId, { signal });
  const desired = mapped.entry.value;
  const changes = current ? changedFields(desired, current, employeeFields(settings)) : [];
  if (!current || changes.length) {
    drafts.push({
      stage: 'employees',
      what: 'employee',
      key: epId,
      label: person.fullName,
      op: current ? 'update' : 'create',
      body: employeeBody(desired, current, settings, deps.today),
      ...(current ? { changes } : {}),
      wave: 0,
    });
  }

  if (settings.stages.reportsTo) {
    // Heads along the department chain, resolved from Knox userIds to epIds in one lookup.
    const chain = new Map(scope.included);
    const managerIds = [...new Set(organizations.map((o) => o.managerId?.trim()).filter((id): id is string => !!id))];
    const heads = new Map<string, string>();
    for (let i = 0; i < managerIds.length; i += 100) {
      for (const head of (await knox.getEmployees({ userIds: managerIds.slice(i, i + 100) }, { attributes: ['epId', 'userId'], signal }))
        .rows)
        heads.set(head.userId, head.epId);
    }
    const headOf = (code: string) => heads.get(chain.get(code)?.managerId?.trim() ?? '');
    const manager = managerOf(epId, person.departmentCode, chain, headOf);
    const existing = await workplace.reportsTo.get(epId, { signal });
    if (manager !== existing) {
      drafts.push(
        manager
          ? {
              stage: 'reportsTo',
              what: 'Reports To',
              key: epId,
              label: person.fullName,
              op: existing ? 'update' : 'create',
              body: { reportsToExternalKey: manager },
              changes: ['reportsToExternalKey'],
              wave: 1,
            }
          : { stage: 'reportsTo', what: 'Reports To', key: epId, label: person.fullName, op: 'delete', wave: 1 },
      );
    }
  }

  if (settings.stages.additionalAttributes) {
    for (const attribute of settings.additionalAttributes) {
      const wanted = valueOf(person, attribute);
      const existing = (await workplace.attributeValues.get(epId, attribute.key, { signal }))?.fieldData || undefined;
      if (wanted === existing) continue;
      const key = `${epId}/${attribute.key}`;
      const what = `additional attribute ${attribute.key}`;
      drafts.push(
        wanted === undefined
          ? { stage: 'additionalAttributes', what, key, label: `${person.fullName} · ${attribute.name}`, op: 'delete', wave: 1 }
          : {
              stage: 'additionalAttributes',
              what,
              key,
              label: `${person.fullName} · ${attribute.name}`,
              op: existing ? 'update' : 'create',
              body: { fieldData: wanted },
              changes: ['fieldData'],
              wave: 1,
            },
      );
    }
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
