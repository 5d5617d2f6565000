/**
 * The invariants a generated org keeps, today and after every nextDay: what Knox itself would guarantee.
 * Returns the problems found (empty = valid); tests and the bench assert it, the sync engine may too.
 */
import { MAX_DEPTH, TITLE_BY_CODE } from './catalog.js';
import type { Department, Employee, GeneratedOrg } from './types.js';

const MAX_REPORTED = 20;

export function validateOrg(org: GeneratedOrg): string[] {
  const problems: string[] = [];
  const problem = (p: string) => problems.length < MAX_REPORTED && problems.push(p);
  const departments = org.organizations as Department[];
  const employees = org.employees as Employee[];

  const byCode = new Map<string, Department>();
  for (const d of departments) {
    if (byCode.has(d.departmentCode)) problem(`department ${d.departmentCode} listed twice`);
    byCode.set(d.departmentCode, d);
  }
  const roots = departments.filter((d) => !d.uprDepartmentCode);
  if (roots.length !== 1) problem(`expected one top department, found ${roots.length}`);
  const children = new Map<string, Department[]>();
  for (const d of departments) {
    if (!d.uprDepartmentCode) continue;
    if (!byCode.has(d.uprDepartmentCode)) problem(`department ${d.departmentCode} has unknown parent ${d.uprDepartmentCode}`);
    (children.get(d.uprDepartmentCode) ?? children.set(d.uprDepartmentCode, []).get(d.uprDepartmentCode)!).push(d);
  }
  for (const d of departments) {
    const depth = depthOf(d, byCode);
    if (depth === undefined) problem(`department ${d.departmentCode} is in a cycle`);
    else if (String(depth) !== d.departmentLevel) problem(`department ${d.departmentCode} has level ${d.departmentLevel}, depth ${depth}`);
    else if (depth > MAX_DEPTH) problem(`department ${d.departmentCode} is ${depth} deep`);
    const kids = children.get(d.departmentCode) ?? [];
    if (d.lowDepartmentYn !== (kids.length ? 'T' : 'F'))
      problem(`department ${d.departmentCode} has lowDepartmentYn ${d.lowDepartmentYn} with ${kids.length} children`);
    if (new Set(kids.map((k) => k.departmentOrder)).size !== kids.length)
      problem(`children of ${d.departmentCode} share a departmentOrder`);
    const parent = byCode.get(d.uprDepartmentCode);
    if (parent && d.uprDepartmentName !== parent.departmentName)
      problem(`department ${d.departmentCode} names its parent ${d.uprDepartmentName}, not ${parent.departmentName}`);
  }
  if (departments.length > 1 && !departments.some((d) => d.hiddenDepartmentYn === 'T')) problem('no hidden department');

  const unique = { epId: new Set<string>(), userId: new Set<string>(), emailAddress: new Set<string>(), employeeNumber: new Set<string>() };
  const members = new Map<string, Employee[]>();
  const gradeByTitle = new Map<string, string>();
  for (const e of employees) {
    for (const [attribute, seen] of Object.entries(unique) as [keyof typeof unique, Set<string>][]) {
      if (seen.has(e[attribute])) problem(`${attribute} ${e[attribute]} is not unique`);
      seen.add(e[attribute]);
    }
    if (e.epId.length !== 20) problem(`epId ${e.epId} is not 20 characters`);
    if (e.emailAddress !== e.emailAddress.toLowerCase()) problem(`emailAddress of ${e.epId} is not lower-case`);
    const d = byCode.get(e.departmentCode);
    if (!d) problem(`employee ${e.epId} is in unknown department ${e.departmentCode}`);
    else if (e.departmentName !== d.departmentName || e.subOrgCode !== d.subOrgCode)
      problem(`employee ${e.epId} carries stale department attributes`);
    (members.get(e.departmentCode) ?? members.set(e.departmentCode, []).get(e.departmentCode)!).push(e);
    const title = TITLE_BY_CODE.get(e.titleCode);
    if (!title || title.titleName !== e.titleName || String(title.sortOrder) !== e.titleSortOrder)
      problem(`employee ${e.epId} has title attributes that do not match ${e.titleCode}`);
    const grade = gradeByTitle.get(e.titleCode);
    if (grade !== undefined && grade !== e.gradeName) problem(`title ${e.titleCode} has gradeName ${grade} and ${e.gradeName}`);
    gradeByTitle.set(e.titleCode, e.gradeName);
    if ((e.employeeStatus === 'V') !== (e.withdrawDate !== ''))
      problem(`employee ${e.epId} has status ${e.employeeStatus} and withdrawDate "${e.withdrawDate}"`);
  }
  for (const d of departments) {
    const people = members.get(d.departmentCode) ?? [];
    const head = people.find((p) => p.userId === d.managerId);
    if (people.length > 0 && !head)
      problem(`department ${d.departmentCode} has ${people.length} people and head "${d.managerId}" is not one of them`);
    if (people.length === 0 && d.managerId) problem(`empty department ${d.departmentCode} has head ${d.managerId}`);
    if (head && d.managerName !== head.fullName)
      problem(`department ${d.departmentCode} names its head ${d.managerName}, not ${head.fullName}`);
  }
  const titleCodes = new Set(org.titles.map((t) => t.titleCode));
  for (const code of gradeByTitle.keys()) if (!titleCodes.has(code)) problem(`title ${code} is held but not listed`);
  return problems;
}

function depthOf(d: Department, byCode: ReadonlyMap<string, Department>): number | undefined {
  let depth = 1;
  for (let at = d; at.uprDepartmentCode; depth++) {
    const parent = byCode.get(at.uprDepartmentCode);
    if (!parent || depth > byCode.size) return parent ? undefined : depth;
    at = parent;
  }
  return depth;
}
