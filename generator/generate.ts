/**
 * A synthetic Knox company, deterministic from a seed: a department tree up to 8 deep (at least one
 * hidden), one department of more than 500 people (and one of exactly 500) so paging is exercised,
 * titles with consistent 직위, heads who are members, and edge-case records on purpose.
 */
import type { KnoxTitleRecord } from '../knox/seed-attributes.js';
import { companyOf, HEAD_TITLE_BY_LEVEL, LEVEL_SHARES, MAX_DEPTH, OVERSEAS_CORPS, TITLE_BY_CODE, TITLES } from './catalog.js';
import { DepartmentNames, departmentCode, newDepartment, topicOf } from './departments.js';
import { EDGES, newEmployee, type EmployeeContext } from './employees.js';
import { UserIds } from './people.js';
import { Random } from './random.js';
import { corpFields, patch, settle, titleFacts } from './settle.js';
import type { Department, Employee, GeneratedOrg } from './types.js';

export interface GenerateOptions {
  seed: number;
  employees: number;
  departments: number;
  /** Default C60, the seed's company. */
  companyCode?: string;
  /** Day 0 (yyyyMMdd); default 20250102. */
  date?: string;
}

/** Size of the department that spans several pages: more than 500 (seed page size) in any org of 1,000+. */
export const bigDepartmentSize = (employees: number): number => (employees >= 1000 ? 501 + Math.floor(employees / 100) : 0);
/** One department of exactly one page, to catch off-by-one paging, in any org of 2,500+. */
export const exactPageSize = (employees: number): number => (employees >= 2500 ? 500 : 0);

export function generateOrg(o: GenerateOptions): GeneratedOrg {
  const { seed, companyCode = 'C60', date = '20250102' } = o;
  if (!Number.isInteger(o.departments) || o.departments < 1) throw new RangeError('departments must be an integer ≥ 1');
  if (!Number.isInteger(o.employees) || o.employees < 0) throw new RangeError('employees must be an integer ≥ 0');
  const random = new Random(seed);
  const departments = buildTree(random, companyCode, o.departments);
  settle(departments, []);

  const ctx: EmployeeContext = { random, userIds: new UserIds(), date };
  const placement = placeEmployees(random, departments, o.employees);
  // Edge cases land on people 1…n (person 0 is the CEO); random ones occur besides.
  const employees = placement.map((department, serial) =>
    newEmployee(ctx, serial, department, { edge: serial > 0 ? EDGES[serial - 1] : undefined }),
  );
  const settled = settle(departments, employees, { raiseHead });

  return {
    companyCode,
    titles: titlesOf(companyCode),
    organizations: departments,
    employees: settled.employees,
    meta: { date, nextEmployeeSerial: employees.length, nextDepartmentSerial: departments.length },
  };
}

export function titlesOf(companyCode: string): KnoxTitleRecord[] {
  return TITLES.map((t) => ({
    companyCode,
    titleCode: t.titleCode,
    titleName: t.titleName,
    enTitleName: t.enTitleName,
    sortOrder: String(t.sortOrder),
  }));
}

/** A new head of a top department holds at least the title that level calls for (사장, 전무, 상무). */
function raiseHead(head: Employee, level: number): Employee {
  const wanted = HEAD_TITLE_BY_LEVEL[level];
  if (!wanted || Number(head.titleSortOrder) <= TITLE_BY_CODE.get(wanted)!.sortOrder) return head;
  return patch(head, titleFacts(wanted));
}

function buildTree(random: Random, companyCode: string, count: number): Department[] {
  const company = companyOf(companyCode);
  const names = new DepartmentNames([company.name]);
  const root = newDepartment(companyCode, company, departmentCode(companyCode, 0), { ko: company.name, en: company.enName }, '', 1);
  const departments = [root];
  const byLevel: Department[][] = [[], [root]];
  const childCount = new Map<string, number>();
  const perLevel = levelCounts(count - 1);
  for (let level = 2; level <= MAX_DEPTH; level++) {
    byLevel[level] = [];
    for (let k = 0; k < perLevel[level]!; k++) {
      const parent = level === 2 ? root : random.pick(byLevel[level - 1]!);
      const order = (childCount.get(parent.departmentCode) ?? 0) + 1;
      childCount.set(parent.departmentCode, order);
      const name = names.name(random, level, level > 2 ? topicOf(parent.departmentName) : undefined);
      const department = newDepartment(
        companyCode,
        company,
        departmentCode(companyCode, departments.length),
        name,
        parent.departmentCode,
        order,
      );
      if (level > 2 && random.chance(0.1)) department.inDepartmentCode = `IN_${department.departmentCode.slice(companyCode.length)}`;
      departments.push(department);
      byLevel[level]!.push(department);
    }
  }
  // The last divisions are overseas corps when there are enough of them (serverLocation US/GB).
  const divisions = byLevel[2]!;
  if (divisions.length >= 4) OVERSEAS_CORPS.forEach((corp, i) => Object.assign(divisions[divisions.length - 1 - i]!, corpFields(corp)));
  // Seed attribute 27: hiddenDepartmentYn T = not shown. About 1%, and always at least one.
  const others = departments.slice(1);
  for (const d of others) if (random.chance(0.01)) d.hiddenDepartmentYn = 'T';
  if (others.length > 0 && !others.some((d) => d.hiddenDepartmentYn === 'T')) random.pick(others).hiddenDepartmentYn = 'T';
  return departments;
}

/**
 * Departments per level 2…8: one each first (so the tree reaches depth 8 when it can), about √n/2
 * divisions (9 for 300 departments, 50 for 10,000), the rest by share.
 */
function levelCounts(count: number): number[] {
  const counts = new Array<number>(MAX_DEPTH + 1).fill(0);
  let left = count;
  for (let level = 2; level <= MAX_DEPTH && left > 0; level++, left--) counts[level] = 1;
  const divisions = Math.min(left, Math.max(0, Math.round(Math.sqrt(count) / 2) - 1));
  counts[2]! += divisions;
  left -= divisions;
  const total = Object.values(LEVEL_SHARES).reduce((a, b) => a + b, 0);
  let given = 0;
  for (let level = 3; level <= MAX_DEPTH; level++) {
    const share = Math.floor((left * LEVEL_SHARES[level]!) / total);
    counts[level]! += share;
    given += share;
  }
  counts[5]! += left - given;
  return counts;
}

/** Which department each employee joins: the CEO at the top, the big and exact-page departments, the rest by weight. */
function placeEmployees(random: Random, departments: Department[], count: number): Department[] {
  if (count === 0) return [];
  const [root, ...rest] = departments;
  const candidates = rest.filter((d) => d.hiddenDepartmentYn === 'F' && Number(d.departmentLevel) >= 4);
  const pool = candidates.length >= 2 ? candidates : rest;
  const fixed: [Department, number][] = [];
  const big = bigDepartmentSize(count);
  const exact = exactPageSize(count);
  const [bigDepartment, exactDepartment] = random.sample(pool, 2);
  if (big && bigDepartment) fixed.push([bigDepartment, big]);
  if (exact && exactDepartment) fixed.push([exactDepartment, exact]);
  const taken = new Set(fixed.map(([d]) => d));

  // Teams and below carry most people; about 3% of them are empty (no head). Every other department
  // gets someone first, top levels first, so divisions and centers have heads.
  const others = rest.filter((d) => !taken.has(d));
  const weights = others.map((d) => {
    const level = Number(d.departmentLevel);
    return level >= 4 && random.chance(0.03) ? 0 : (level >= 4 ? 1 : 0.3) * (0.2 + 1.8 * random.next());
  });
  const staffed = others.filter((_, i) => weights[i]! > 0).sort((a, b) => Number(a.departmentLevel) - Number(b.departmentLevel));
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const totalWeight = cumulative.at(-1) ?? 0;
  const pickWeighted = (): Department => {
    if (totalWeight === 0) return root!;
    const x = random.next() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return others[lo]!;
  };

  const placement: Department[] = [];
  for (const [department, size] of fixed) for (let i = 0; i < size; i++) placement.push(department);
  placement.push(...staffed.slice(0, Math.max(0, count - 1 - placement.length)));
  while (placement.length < count - 1) placement.push(pickWeighted());
  placement.length = count - 1;
  // Interleave, so the big department's people are not one block of serials.
  for (let i = placement.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [placement[i], placement[j]] = [placement[j]!, placement[i]!];
  }
  return [root!, ...placement];
}
