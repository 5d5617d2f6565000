import { describe, expect, it } from 'vitest';
import { KnoxEmployeeSchema, KnoxOrganizationSchema, KnoxTitleSchema } from '../../knox/index.js';
import {
  bigDepartmentSize,
  generateOrg,
  nextDay,
  SPARSE_OMITS,
  validateOrg,
  type GeneratedOrg,
  type OrgChanges,
} from '../../generator/index.js';
import { org } from './support.js';

const sizesOf = (o: GeneratedOrg) => {
  const sizes = new Map<string, number>();
  for (const e of o.employees) sizes.set(e.departmentCode, (sizes.get(e.departmentCode) ?? 0) + 1);
  return sizes;
};

describe('generateOrg', () => {
  it('is deterministic: the same seed gives the same org, another seed another one', () => {
    const a = generateOrg({ seed: 11, employees: 400, departments: 40 });
    const b = generateOrg({ seed: 11, employees: 400, departments: 40 });
    const c = generateOrg({ seed: 12, employees: 400, departments: 40 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(c.employees.map((e) => e.epId)).not.toEqual(a.employees.map((e) => e.epId));
  });

  it('builds a valid org whose every record passes the Knox schemas', () => {
    const o = org();
    expect(validateOrg(o)).toEqual([]);
    expect(o.employees).toHaveLength(3000);
    expect(o.organizations).toHaveLength(300);
    expect(o.employees.filter((e) => !KnoxEmployeeSchema.safeParse(e).success)).toEqual([]);
    expect(o.organizations.filter((d) => !KnoxOrganizationSchema.safeParse(d).success)).toEqual([]);
    expect(o.titles.filter((t) => !KnoxTitleSchema.safeParse(t).success)).toEqual([]);
  });

  it('shapes the tree like a company: one top, depth 8, hidden departments, a department over 500 and one of exactly 500', () => {
    const o = org();
    const levels = o.organizations.map((d) => Number(d.departmentLevel));
    expect(o.organizations.filter((d) => d.uprDepartmentCode === '')).toHaveLength(1);
    expect(Math.max(...levels)).toBe(8);
    expect(o.organizations.some((d) => d.hiddenDepartmentYn === 'T')).toBe(true);
    const sizes = [...sizesOf(o).values()];
    expect(sizes.filter((n) => n > 500)).toEqual([bigDepartmentSize(3000)]);
    expect(sizes.filter((n) => n === 500)).toHaveLength(1);
    // Heads are members, named by userId (managerId); validateOrg checks each, here one sample.
    const top = o.organizations.find((d) => d.departmentLevel === '1')!;
    expect(o.employees.find((e) => e.userId === top.managerId)).toMatchObject({ departmentCode: top.departmentCode, titleName: '사장' });
  });

  it('gives ids the shapes the seed shows and keeps them unique', () => {
    const { employees, organizations } = org();
    expect(employees.every((e) => /^D10\d{10}C60\d{4}$/.test(e.epId))).toBe(true);
    expect(organizations.every((d) => /^C60[A-Z]{2}\d{3}$/.test(d.departmentCode))).toBe(true);
    for (const attribute of ['epId', 'userId', 'emailAddress', 'employeeNumber'] as const)
      expect(new Set(employees.map((e) => e[attribute])).size).toBe(employees.length);
    expect(employees.every((e) => e.emailAddress === e.emailAddress.toLowerCase())).toBe(true);
  });

  it('keeps 직위 (gradeName) consistent per title and uses the documented codes', () => {
    const { employees } = org();
    const grades = new Map<string, Set<string>>();
    for (const e of employees) (grades.get(e.titleCode) ?? grades.set(e.titleCode, new Set()).get(e.titleCode)!).add(e.gradeName);
    expect([...grades.values()].every((g) => g.size === 1)).toBe(true);
    expect(new Set(employees.map((e) => e.employeeType))).toEqual(new Set(['N', 'U', 'X', 'C', 'Y', 'T', 'Z']));
    expect(new Set(employees.map((e) => e.employeeStatus))).toEqual(new Set(['B', 'V']));
    expect(new Set(employees.map((e) => e.serverLocation))).toEqual(new Set(['KR', 'US', 'GB']));
  });

  it('includes the edge cases on purpose: no English name, empty mobile, punctuation, aliases, sparse records', () => {
    const { employees } = org();
    expect(employees.some((e) => e.enFullName === '' && e.enSirName === '' && e.fullName !== '')).toBe(true);
    expect(employees.some((e) => e.mobile === '')).toBe(true);
    expect(employees.some((e) => e.enFullName.includes("'"))).toBe(true);
    expect(employees.some((e) => /[A-Za-z]-[A-Za-z]/.test(e.enFullName))).toBe(true);
    expect(employees.some((e) => e.realNameYn === 'V')).toBe(true);
    expect(employees.some((e) => SPARSE_OMITS.every((a) => !(a in e)))).toBe(true);
    expect(employees.some((e) => e.defaultCompanyCode === 'S' && e.sendCompanyCode === 'C10')).toBe(true);
  });
});

describe('nextDay', () => {
  /** What the diff between two days says happened, to hold the reported changes against. */
  function observed(before: GeneratedOrg, after: GeneratedOrg) {
    const old = new Map(before.employees.map((e) => [e.epId, e]));
    const now = new Map(after.employees.map((e) => [e.epId, e]));
    const oldDepartments = new Map(before.organizations.map((d) => [d.departmentCode, d]));
    const newDepartments = new Map(after.organizations.map((d) => [d.departmentCode, d]));
    return { old, now, oldDepartments, newDepartments };
  }

  it('keeps the org valid day after day and reports exactly what changed', () => {
    let today = org();
    for (let day = 1; day <= 5; day++) {
      const { org: tomorrow, changes } = nextDay(today, { seed: day, churn: 0.02 });
      expect(validateOrg(tomorrow), `day ${day}`).toEqual([]);
      const { old, now, oldDepartments, newDepartments } = observed(today, tomorrow);

      expect(new Set(changes.hired)).toEqual(new Set([...now.keys()].filter((id) => !old.has(id))));
      expect(new Set(changes.resigned)).toEqual(new Set([...old.keys()].filter((id) => !now.has(id))));
      expect(changes.transferred.every((id) => old.get(id)!.departmentCode !== now.get(id)!.departmentCode)).toBe(true);
      expect(changes.promoted.every((id) => Number(now.get(id)!.titleSortOrder) < Number(old.get(id)!.titleSortOrder))).toBe(true);
      expect(
        changes.renamed.every(
          (id) => now.get(id)!.fullName !== old.get(id)!.fullName || now.get(id)!.enFullName !== old.get(id)!.enFullName,
        ),
      ).toBe(true);
      expect(changes.wentOnLeave.every((id) => old.get(id)!.employeeStatus === 'B' && now.get(id)!.employeeStatus === 'V')).toBe(true);
      expect(changes.returnedFromLeave.every((id) => old.get(id)!.employeeStatus === 'V' && now.get(id)!.employeeStatus === 'B')).toBe(
        true,
      );
      expect(new Set(changes.departmentsAdded)).toEqual(new Set([...newDepartments.keys()].filter((c) => !oldDepartments.has(c))));
      expect(new Set(changes.departmentsDeleted)).toEqual(new Set([...oldDepartments.keys()].filter((c) => !newDepartments.has(c))));
      expect(
        changes.departmentsMoved.every((c) => newDepartments.get(c)!.uprDepartmentCode !== oldDepartments.get(c)!.uprDepartmentCode),
      ).toBe(true);
      expect(changes.departmentsRenamed.every((c) => newDepartments.get(c)!.departmentName !== oldDepartments.get(c)!.departmentName)).toBe(
        true,
      );
      expect(changes.headsChanged.every((c) => newDepartments.get(c)!.managerId !== oldDepartments.get(c)!.managerId)).toBe(true);

      // Every kind happens, each id once per list, and a hire is in no other people list.
      for (const [kind, ids] of Object.entries(changes) as [keyof OrgChanges, string[]][]) {
        expect(ids.length, kind).toBeGreaterThan(0);
        expect(new Set(ids).size, kind).toBe(ids.length);
      }
      const hired = new Set(changes.hired);
      for (const kind of ['resigned', 'transferred', 'promoted', 'renamed', 'wentOnLeave', 'returnedFromLeave'] as const)
        expect(
          changes[kind].filter((id) => hired.has(id)),
          kind,
        ).toEqual([]);
      today = tomorrow;
    }
  });

  it('moves the people and children of a deleted department to its parent first', () => {
    const today = org();
    const { org: tomorrow, changes } = nextDay(today, { seed: 3, churn: 0.05 });
    const deleted = new Set(changes.departmentsDeleted);
    expect(deleted.size).toBeGreaterThan(0);
    const resigned = new Set(changes.resigned);
    const moved = new Set(changes.transferred);
    for (const e of today.employees.filter((e) => deleted.has(e.departmentCode) && !resigned.has(e.epId)))
      expect(moved.has(e.epId)).toBe(true);
    for (const d of today.organizations.filter((d) => deleted.has(d.uprDepartmentCode ?? '') && !deleted.has(d.departmentCode))) {
      expect(changes.departmentsMoved).toContain(d.departmentCode);
      const parent = tomorrow.organizations.find((x) => x.departmentCode === d.departmentCode)!.uprDepartmentCode;
      expect(parent).not.toBe(d.uprDepartmentCode);
      expect(tomorrow.organizations.some((x) => x.departmentCode === parent)).toBe(true);
    }
  });

  it('is pure and deterministic, and churn 0 changes nothing', () => {
    const today = org();
    const snapshot = JSON.stringify(today);
    const a = nextDay(today, { seed: 5, churn: 0.01 });
    const b = nextDay(today, { seed: 5, churn: 0.01 });
    expect(JSON.stringify(today)).toBe(snapshot);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const quiet = nextDay(today, { seed: 5, churn: 0 });
    expect(Object.values(quiet.changes).flat()).toEqual([]);
    expect(JSON.stringify(quiet.org.employees)).toBe(JSON.stringify(today.employees));
    expect(quiet.org.meta.date).toBe('20250103');
  });
});
