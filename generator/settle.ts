/**
 * Everything in a Knox record that follows from something else, computed in one place so generateOrg and
 * nextDay cannot disagree: department levels, lowDepartmentYn, parent names, 총괄 (subOrg) and corp from
 * the tree; heads (managerId = a member's userId) and their names; an employee's department, place and
 * title attributes. Records are replaced only where a value changes, so unchanged rows keep identity.
 */
import { CORPS, HQ_CORP, TITLE_BY_CODE, type Corp } from './catalog.js';
import type { Department, Employee } from './types.js';

const HEAD_ROLES: Record<number, readonly [string, string]> = {
  1: ['대표이사', 'CEO'],
  2: ['사업부장', 'Division Head'],
  3: ['센터장', 'Center Head'],
  4: ['팀장', 'Team Leader'],
  5: ['그룹장', 'Group Leader'],
  6: ['파트장', 'Part Leader'],
  7: ['셀장', 'Cell Leader'],
  8: ['랩장', 'Lab Leader'],
};

/** Returns `record` itself when every fact already holds, else a copy with the facts. */
export function patch<T extends object>(record: T, facts: Partial<T>): T {
  for (const key in facts) if (record[key] !== facts[key]) return { ...record, ...facts };
  return record;
}

/** An employee's 직급/직위 attributes, from the title catalog (seed attributes 38, 40, 44, 45, 62, 81–83). */
export function titleFacts(titleCode: string): Partial<Employee> {
  const t = TITLE_BY_CODE.get(titleCode);
  if (!t) throw new RangeError(`unknown title ${titleCode}`);
  return {
    titleCode: t.titleCode,
    titleName: t.titleName,
    enTitleName: t.enTitleName,
    titleSortOrder: String(t.sortOrder),
    gradeName: t.gradeName,
    enGradeName: t.enGradeName,
    gradeTitleIndiCode: t.gradeTitleIndiCode,
    securityLevel: t.securityLevel,
    executiveYn: t.executive ? 'Y' : 'N',
  };
}

export function corpOf(department: Department): Corp {
  return CORPS.get(department.corpCode) ?? HQ_CORP;
}

/** Place attributes from the department's corp; a person keeps their campus while it belongs to that corp. */
export function placeFacts(corp: Corp, companyCode: string, busiCode?: string): Partial<Employee> {
  const campus = corp.campuses.find((c) => `${companyCode}${c.busiCode}` === busiCode) ?? corp.campuses[0]!;
  return {
    busiCode: `${companyCode}${campus.busiCode}`,
    busiName: campus.busiName,
    enBusiName: campus.enBusiName,
    country: corp.country,
    regionCode: campus.regionCode,
    regionName: campus.regionName,
    enRegionName: campus.enRegionName,
    serverLocation: corp.serverLocation,
    timeZone: corp.timeZone,
    officeAddress: campus.address,
    enOfficeAddress: campus.enAddress,
    officeZipCode: campus.zip,
  };
}

/** An employee's department attributes (seed 9, 10, 13, 14, 21, 22, 37, 46, 47, 79, 80). */
export function departmentFacts(d: Department): Partial<Employee> {
  return {
    companyCode: d.companyCode,
    companyName: d.companyName,
    enCompanyName: d.enCompanyName,
    departmentCode: d.departmentCode,
    departmentName: d.departmentName,
    enDepartmentName: d.enDepartmentName,
    inDepartmentCode: d.inDepartmentCode,
    inDepartmentName: d.inDepartmentCode ? d.departmentName : '',
    subOrgCode: d.subOrgCode,
    subOrgName: d.subOrgName,
    enSubOrgName: d.enSubOrgCode,
  };
}

export interface SettleOptions {
  /** generateOrg: a newly chosen head of a top department is raised to HEAD_TITLE_BY_LEVEL. */
  raiseHead?: (head: Employee, level: number) => Employee;
}

/**
 * Settles `departments` (mutated in place; must form one tree under the department with no parent) and
 * returns the employees (new array, records replaced where changed) and the departments whose head changed.
 */
export function settle(
  departments: Department[],
  employees: readonly Employee[],
  options: SettleOptions = {},
): { employees: Employee[]; headsChanged: string[] } {
  const byCode = new Map(departments.map((d) => [d.departmentCode, d]));
  const children = new Map<string, Department[]>();
  let root: Department | undefined;
  for (const d of departments) {
    if (!d.uprDepartmentCode) root = d;
    else (children.get(d.uprDepartmentCode) ?? children.set(d.uprDepartmentCode, []).get(d.uprDepartmentCode)!).push(d);
  }
  if (!root) throw new Error('settle: no top department');

  // The tree, top down: level, parent names, 총괄 (the level-2 ancestor), corp (a level-2 division's own, inherited below).
  const queue: Department[] = [root];
  root.departmentLevel = '1';
  root.uprDepartmentName = root.enUprDepartmentName = '';
  root.subOrgCode = root.subOrgName = root.enSubOrgCode = '';
  for (let i = 0; i < queue.length; i++) {
    const parent = queue[i]!;
    const kids = children.get(parent.departmentCode) ?? [];
    parent.lowDepartmentYn = kids.length > 0 ? 'T' : 'F';
    const level = Number(parent.departmentLevel) + 1;
    for (const child of kids) {
      child.departmentLevel = String(level);
      child.uprDepartmentName = parent.departmentName;
      child.enUprDepartmentName = parent.enDepartmentName;
      const division = level === 2 ? child : parent;
      child.subOrgCode = division.departmentCode;
      child.subOrgName = division.departmentName;
      child.enSubOrgCode = division.enDepartmentName;
      if (level > 2) Object.assign(child, corpFields(corpOf(parent)));
      else if (level === 2 && !CORPS.has(child.corpCode)) Object.assign(child, corpFields(HQ_CORP));
      queue.push(child);
    }
  }
  if (queue.length !== departments.length)
    throw new Error(`settle: ${departments.length - queue.length} department(s) not under the top one`);

  // Facts per department and campus, computed once: 100,000 people share 10,000 departments.
  const facts = new Map<string, Partial<Employee>>();
  const result = employees.map((e) => {
    const cacheKey = `${e.departmentCode}|${e.busiCode}`;
    let fact = facts.get(cacheKey);
    if (!fact) {
      const d = byCode.get(e.departmentCode);
      if (!d) throw new Error(`settle: employee ${e.epId} in unknown department ${e.departmentCode}`);
      fact = { ...departmentFacts(d), ...placeFacts(corpOf(d), d.companyCode, e.busiCode) };
      facts.set(cacheKey, fact);
    }
    return patch(e, fact);
  });

  const members = new Map<string, number[]>();
  result.forEach((e, i) => (members.get(e.departmentCode) ?? members.set(e.departmentCode, []).get(e.departmentCode)!).push(i));
  const headsChanged: string[] = [];
  for (const d of queue) {
    const indexes = members.get(d.departmentCode) ?? [];
    let head = indexes.find((i) => result[i]!.userId === d.managerId);
    if (head === undefined && indexes.length > 0) {
      head = bestRanked(result, indexes);
      if (options.raiseHead) result[head] = options.raiseHead(result[head]!, Number(d.departmentLevel));
    }
    const managerId = head === undefined ? '' : result[head]!.userId;
    if (managerId !== d.managerId) headsChanged.push(d.departmentCode);
    const [role, enRole] = HEAD_ROLES[Number(d.departmentLevel)]!;
    const h = head === undefined ? undefined : result[head]!;
    d.managerId = managerId;
    d.managerName = h?.fullName ?? '';
    d.managerTitle = h ? `${h.titleName}/${role}` : '';
    d.enManagerTitle = h ? `${h.enTitleName}/${enRole}` : '';
  }
  return { employees: result, headsChanged };
}

/** The member who heads a department: the best (lowest) titleSortOrder, regular staff at work first. */
function bestRanked(employees: readonly Employee[], indexes: readonly number[]): number {
  const rank = (e: Employee) => Number(e.titleSortOrder) + (e.employeeStatus === 'B' ? 0 : 10_000) + (e.employeeType === 'N' ? 0 : 1_000);
  return indexes.reduce((best, i) => (rank(employees[i]!) < rank(employees[best]!) ? i : best));
}

export function corpFields(corp: Corp): Pick<Department, 'corpCode' | 'corpName' | 'enCorpName' | 'preferredLanguage'> {
  return { corpCode: corp.corpCode, corpName: corp.corpName, enCorpName: corp.enCorpName, preferredLanguage: corp.preferredLanguage };
}
