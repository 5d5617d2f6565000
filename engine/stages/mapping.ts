/**
 * Mapping rules that more than one stage needs: the 직책 key (job titles and employees), which
 * departments are in scope (departments, employees, Reports To) and who heads a department
 * (department heads, Reports To). README "Mapping" documents them for users.
 */
import { createHash } from 'node:crypto';
import type { SyncSettings } from '../../config/index.js';
import type { KnoxEmployee, KnoxOrganization } from '../../knox/index.js';

/**
 * Knox has no code for 직책: by default orgsync uses 직위 (gradeName), the title Korean directories show
 * after a name ("김삼성 책임"); `jobTitleSource: job` uses 직무 (jobCode/jobName) instead. WORKPLACE keys
 * are ≤ 36 ASCII characters in a URL path, so the key is a short hash of the source value: stable
 * across runs, the same in every company, and independent of renames of other titles.
 */
export function jobTitleOf(
  employee: KnoxEmployee,
  source: SyncSettings['jobTitleSource'],
): { key: string; name: string; enName?: string } | undefined {
  if (source === 'gradeName') {
    const name = employee.gradeName?.trim();
    return name ? { key: jobTitleKey(source, name), name, enName: employee.enGradeName?.trim() || undefined } : undefined;
  }
  const code = employee.jobCode?.trim() ?? '';
  const name = employee.jobName?.trim() ?? '';
  if (!code && !name) return undefined;
  return { key: jobTitleKey(source, code || name), name: name || code, enName: undefined };
}

/**
 * A 직책's external key: Knox has none, so it is derived from the 직위 name (or the 직무 code, else its
 * name), stable across runs and ≤ 36 characters for WORKPLACE's path. `orgsync job-title-keys` prints
 * them for the data-migration Excel.
 */
export function jobTitleKey(source: SyncSettings['jobTitleSource'], nameOrCode: string): string {
  return `${source === 'gradeName' ? 'pos' : 'job'}-${shortHash(nameOrCode.trim())}`;
}

export function shortHash(value: string): string {
  return createHash('sha256').update(value.normalize('NFC')).digest('hex').slice(0, 12);
}

/**
 * The departments orgsync syncs: all of Knox's, less hidden ones (and everything under them) when
 * `hiddenDepartments: exclude`. Returns the included codes and, for the excluded, why.
 */
export function departmentScope(
  organizations: readonly KnoxOrganization[],
  settings: SyncSettings,
): { included: Map<string, KnoxOrganization>; excluded: Map<string, string> } {
  const byCode = new Map(organizations.map((o) => [o.departmentCode, o]));
  const excluded = new Map<string, string>();
  if (settings.hiddenDepartments === 'exclude') {
    const hiddenAncestor = (code: string, seen = new Set<string>()): string | undefined => {
      const org = byCode.get(code);
      if (!org || seen.has(code)) return undefined;
      seen.add(code);
      if (org.hiddenDepartmentYn === 'T') return code;
      return org.uprDepartmentCode ? hiddenAncestor(org.uprDepartmentCode, seen) : undefined;
    };
    for (const org of organizations) {
      const hidden = hiddenAncestor(org.departmentCode);
      if (hidden)
        excluded.set(
          org.departmentCode,
          hidden === org.departmentCode ? 'hidden department (hiddenDepartmentYn=T)' : `under hidden department ${hidden}`,
        );
    }
  }
  const included = new Map([...byCode].filter(([code]) => !excluded.has(code)));
  return { included, excluded };
}

/** Knox's employees in synced departments, one per epId (the last record, as a map by epId keeps it). */
export function employeesInScope(people: readonly KnoxEmployee[], included: ReadonlyMap<string, unknown>): KnoxEmployee[] {
  const byEpId = new Map<string, KnoxEmployee>();
  for (const person of people) if (included.has(person.departmentCode)) byEpId.set(person.epId, person);
  return [...byEpId.values()];
}

/** epId of each department's head: Knox names the head by userId (managerId), WORKPLACE by employee key. */
export function departmentHeads(
  organizations: Iterable<KnoxOrganization>,
  employees: readonly KnoxEmployee[],
): Map<string, { epId: string } | { unresolved: string } | undefined> {
  const epIdByUserId = new Map(employees.map((e) => [e.userId, e.epId]));
  const heads = new Map<string, { epId: string } | { unresolved: string } | undefined>();
  for (const org of organizations) {
    const userId = org.managerId?.trim();
    if (!userId) heads.set(org.departmentCode, undefined);
    else {
      const epId = epIdByUserId.get(userId);
      heads.set(org.departmentCode, epId ? { epId } : { unresolved: userId });
    }
  }
  return heads;
}

/** A department's head as an employee key, or undefined (none, or a managerId no employee has). */
export function headResolver(heads: ReturnType<typeof departmentHeads>): (code: string) => string | undefined {
  return (code) => {
    const head = heads.get(code);
    return head && 'epId' in head ? head.epId : undefined;
  };
}

/**
 * An employee's recorded Reports To and attribute values (by attribute key), kept in the before-image of
 * their deletion: deleting the employee deletes them without a write of their own stages, so a rollback
 * that re-creates the employee puts them back from here.
 */
export interface GoneWith {
  reportsTo?: { reportsToExternalKey: string };
  values: Record<string, { fieldData: string }>;
}

export const goneWithOf = (before: unknown): GoneWith | undefined => (before as { goneWith?: GoneWith } | undefined)?.goneWith;

/**
 * Names as people type them: Unicode-normalised, spaces collapsed; case counts (WORKPLACE keeps it). One
 * rule for `orgsync external-keys` and the first-run collision preview, so each flags what the other maps.
 */
export const normalName = (text: string | undefined): string => (text ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
/** Addresses compare case-insensitively (an e-mail differing only by case is the same person). */
export const normalEmail = (text: string | undefined): string => normalName(text).toLowerCase();
