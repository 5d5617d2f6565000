/**
 * One day of churn on a generated org: people resign (Knox stops returning them), are hired, transfer,
 * are promoted, change name, go on leave and come back; departments are added, renamed, moved under
 * another parent and deleted (their children and people move to the parent first). settle() then
 * re-derives every dependent attribute, and re-chooses the head of a department whose head left.
 */
import { FOREIGN_GIVEN, MAX_DEPTH, TITLE_BY_CODE } from './catalog.js';
import { DepartmentNames, departmentCode, newDepartment, topicOf } from './departments.js';
import { addDays, newEmployee } from './employees.js';
import { koreanName, UserIds } from './people.js';
import { Random } from './random.js';
import { patch, settle, titleFacts } from './settle.js';
import type { Department, Employee, GeneratedOrg, OrgChanges } from './types.js';

/** Share of the churn each kind of change gets; every kind happens at least once when churn > 0. */
const PEOPLE = { resigned: 0.3, hired: 0.3, transferred: 0.2, promoted: 0.1, renamed: 0.02, wentOnLeave: 0.05, returnedFromLeave: 0.05 };
const DEPARTMENTS = { deleted: 0.1, moved: 0.1, renamed: 0.2, added: 0.2 };

export function nextDay(org: GeneratedOrg, o: { seed: number; churn: number }): { org: GeneratedOrg; changes: OrgChanges } {
  if (!(o.churn >= 0 && o.churn <= 1)) throw new RangeError('churn must be between 0 and 1');
  const random = new Random(o.seed, Number(org.meta.date));
  const date = addDays(org.meta.date, 1);
  const day = new Day(org, random, o.churn);

  day.resign();
  day.deleteDepartments();
  day.moveDepartments();
  day.renameDepartments();
  day.addDepartments();
  day.transfer();
  day.promote();
  day.renamePeople();
  day.leaveAndReturn(date);
  day.hire(date);
  return day.finish(date);
}

class Day {
  readonly #org: GeneratedOrg;
  readonly #random: Random;
  readonly #churn: number;
  readonly #companyCode: string;
  departments: Department[];
  employees: Employee[];
  readonly #names: DepartmentNames;
  #nextDepartmentSerial: number;
  #nextEmployeeSerial: number;
  readonly changes = {
    hired: new Set<string>(),
    resigned: new Set<string>(),
    transferred: new Set<string>(),
    promoted: new Set<string>(),
    renamed: new Set<string>(),
    wentOnLeave: new Set<string>(),
    returnedFromLeave: new Set<string>(),
    departmentsAdded: new Set<string>(),
    departmentsRenamed: new Set<string>(),
    departmentsMoved: new Set<string>(),
    departmentsDeleted: new Set<string>(),
  };

  constructor(org: GeneratedOrg, random: Random, churn: number) {
    this.#org = org;
    this.#random = random;
    this.#churn = churn;
    this.#companyCode = org.companyCode;
    // Departments are small and few: copy them all; employee records are replaced only when they change.
    this.departments = (org.organizations as Department[]).map((d) => ({ ...d }));
    this.employees = [...(org.employees as Employee[])];
    this.#names = new DepartmentNames(this.departments.map((d) => d.departmentName));
    this.#nextDepartmentSerial = org.meta.nextDepartmentSerial;
    this.#nextEmployeeSerial = org.meta.nextEmployeeSerial;
  }

  #count(base: number, share: number): number {
    return this.#churn > 0 ? Math.max(1, Math.round(base * this.#churn * share)) : 0;
  }

  /** Indexes of k random employees matching `filter`. */
  #pickPeople(share: number, filter: (e: Employee) => boolean = () => true): number[] {
    const candidates: number[] = [];
    this.employees.forEach((e, i) => filter(e) && candidates.push(i));
    return this.#random.sample(candidates, this.#count(this.#org.employees.length, share));
  }

  #update(index: number, facts: Partial<Employee>, list?: Set<string>): void {
    this.employees[index] = patch(this.employees[index]!, facts);
    list?.add(this.employees[index].epId);
  }

  #byCode(): Map<string, Department> {
    return new Map(this.departments.map((d) => [d.departmentCode, d]));
  }

  #depth(d: Department, byCode: ReadonlyMap<string, Department>): number {
    let depth = 1;
    for (let at = d; at.uprDepartmentCode; depth++) at = byCode.get(at.uprDepartmentCode)!;
    return depth;
  }

  #lastOrder(parentCode: string): number {
    return Math.max(0, ...this.departments.filter((d) => d.uprDepartmentCode === parentCode).map((d) => Number(d.departmentOrder)));
  }

  /** Indexes of everyone but the people of the top department (the CEO does not transfer). */
  #staff(): number[] {
    const top = this.departments.find((d) => !d.uprDepartmentCode)!.departmentCode;
    return [...this.employees.keys()].filter((i) => this.employees[i]!.departmentCode !== top);
  }

  #notTop(): Department[] {
    return this.departments.filter((d) => d.uprDepartmentCode);
  }

  resign(): void {
    const leaving = new Set(this.#pickPeople(PEOPLE.resigned).map((i) => this.employees[i]!.epId));
    this.employees = this.employees.filter((e) => !leaving.has(e.epId));
    for (const epId of leaving) this.changes.resigned.add(epId);
  }

  /** The hidden department stays (the org keeps at least one); children and people move up first. */
  deleteDepartments(): void {
    const base = this.#org.organizations.length;
    for (let k = 0; k < this.#count(base, DEPARTMENTS.deleted); k++) {
      const candidates = this.#notTop().filter((d) => d.hiddenDepartmentYn !== 'T');
      if (candidates.length === 0) return;
      const gone = this.#random.pick(candidates);
      const parent = gone.uprDepartmentCode;
      for (const child of this.departments.filter((d) => d.uprDepartmentCode === gone.departmentCode)) {
        Object.assign(child, { uprDepartmentCode: parent, departmentOrder: String(this.#lastOrder(parent) + 1) });
        this.changes.departmentsMoved.add(child.departmentCode);
      }
      this.employees.forEach(
        (e, i) => e.departmentCode === gone.departmentCode && this.#update(i, { departmentCode: parent }, this.changes.transferred),
      );
      this.departments = this.departments.filter((d) => d !== gone);
      this.#names.release(gone.departmentName);
      this.changes.departmentsDeleted.add(gone.departmentCode);
    }
  }

  /** A department moves under a parent outside its own subtree, keeping the tree within 8 levels. */
  moveDepartments(): void {
    for (let k = 0; k < this.#count(this.#org.organizations.length, DEPARTMENTS.moved); k++) {
      const byCode = this.#byCode();
      const moving = this.#random.pick(this.#notTop());
      const subtree = this.#subtree(moving);
      const height = Math.max(...[...subtree].map((code) => this.#depth(byCode.get(code)!, byCode))) - this.#depth(moving, byCode) + 1;
      const target = this.#random
        .sample(this.departments, 20)
        .find(
          (p) =>
            !subtree.has(p.departmentCode) && p.departmentCode !== moving.uprDepartmentCode && this.#depth(p, byCode) + height <= MAX_DEPTH,
        );
      if (!target) continue;
      Object.assign(moving, {
        uprDepartmentCode: target.departmentCode,
        departmentOrder: String(this.#lastOrder(target.departmentCode) + 1),
      });
      this.changes.departmentsMoved.add(moving.departmentCode);
    }
  }

  #subtree(root: Department): Set<string> {
    const codes = new Set([root.departmentCode]);
    for (let grew = true; grew;) {
      grew = false;
      for (const d of this.departments) {
        if (!codes.has(d.departmentCode) && codes.has(d.uprDepartmentCode)) {
          codes.add(d.departmentCode);
          grew = true;
        }
      }
    }
    return codes;
  }

  renameDepartments(): void {
    const byCode = this.#byCode();
    for (const d of this.#random.sample(this.#notTop(), this.#count(this.#org.organizations.length, DEPARTMENTS.renamed))) {
      const parent = byCode.get(d.uprDepartmentCode);
      this.#names.release(d.departmentName);
      const name = this.#names.name(this.#random, this.#depth(d, byCode), parent ? topicOf(parent.departmentName) : undefined);
      Object.assign(d, { departmentName: name.ko, enDepartmentName: name.en });
      this.changes.departmentsRenamed.add(d.departmentCode);
    }
  }

  /** A new department is staffed by a few transfers, so it has a head from day one. */
  addDepartments(): void {
    const company = { name: this.departments[0]!.companyName, enName: this.departments[0]!.enCompanyName };
    for (let k = 0; k < this.#count(this.#org.organizations.length, DEPARTMENTS.added); k++) {
      const byCode = this.#byCode();
      const parent = this.#random.pick(this.departments.filter((d) => this.#depth(d, byCode) < MAX_DEPTH));
      const level = this.#depth(parent, byCode) + 1;
      const code = departmentCode(this.#companyCode, this.#nextDepartmentSerial++);
      const name = this.#names.name(this.#random, level, topicOf(parent.departmentName));
      this.departments.push(
        newDepartment(this.#companyCode, company, code, name, parent.departmentCode, this.#lastOrder(parent.departmentCode) + 1),
      );
      this.changes.departmentsAdded.add(code);
      for (const i of this.#random.sample(this.#staff(), 1 + this.#random.int(3)))
        this.#update(i, { departmentCode: code }, this.changes.transferred);
    }
  }

  transfer(): void {
    const codes = this.#notTop().map((d) => d.departmentCode);
    for (const i of this.#random.sample(this.#staff(), this.#count(this.#org.employees.length, PEOPLE.transferred))) {
      const to = this.#random.pick(codes);
      if (to !== this.employees[i]!.departmentCode) this.#update(i, { departmentCode: to }, this.changes.transferred);
    }
  }

  /** One step up the ladder (사원 → 선임 → 책임 → 수석); executives are made by heads, not by promotion. */
  promote(): void {
    const next = (e: Employee) => {
      const to = TITLE_BY_CODE.get(e.titleCode)?.next;
      return to && !TITLE_BY_CODE.get(to)!.executive ? to : undefined;
    };
    for (const i of this.#pickPeople(PEOPLE.promoted, (e) => next(e) !== undefined))
      this.#update(i, titleFacts(next(this.employees[i]!)!), this.changes.promoted);
  }

  /** A new given name (개명), or an English name where there was none; login id and mail stay. */
  renamePeople(): void {
    for (const i of this.#pickPeople(PEOPLE.renamed)) {
      const e = this.employees[i]!;
      const foreign = e.localStaffYn === 'Y';
      const fresh = koreanName(this.#random);
      const given = foreign ? this.#random.pick(FOREIGN_GIVEN) : fresh.givenName;
      const enGiven = foreign ? given : fresh.enGivenName;
      const enSir = e.enSirName || fresh.enSirName;
      this.#update(
        i,
        {
          givenName: given,
          fullName: foreign ? `${given} ${e.sirName}` : e.sirName + given,
          enGivenName: enGiven,
          enSirName: enSir,
          enFullName: `${enGiven} ${enSir}`,
        },
        this.changes.renamed,
      );
    }
  }

  leaveAndReturn(date: string): void {
    const returning = this.#pickPeople(PEOPLE.returnedFromLeave, (e) => e.employeeStatus === 'V');
    for (const i of this.#pickPeople(PEOPLE.wentOnLeave, (e) => e.employeeStatus === 'B'))
      this.#update(i, { employeeStatus: 'V', withdrawDate: date }, this.changes.wentOnLeave);
    for (const i of returning) this.#update(i, { employeeStatus: 'B', withdrawDate: '' }, this.changes.returnedFromLeave);
  }

  /** Last, so that no hire is also in another list of the day. */
  hire(date: string): void {
    const ctx = { random: this.#random, userIds: new UserIds(this.employees.map((e) => e.userId)), date };
    const byCode = this.#byCode();
    const teams = this.#notTop();
    for (let k = 0; k < this.#count(this.#org.employees.length, PEOPLE.hired); k++) {
      const e = newEmployee(ctx, this.#nextEmployeeSerial++, byCode.get(this.#random.pick(teams).departmentCode)!, { hire: true });
      this.employees.push(e);
      this.changes.hired.add(e.epId);
    }
  }

  finish(date: string): { org: GeneratedOrg; changes: OrgChanges } {
    const { employees, headsChanged } = settle(this.departments, this.employees);
    const c = this.changes;
    // A department moved or renamed and then deleted the same day is reported as deleted only.
    for (const code of c.departmentsDeleted) for (const list of [c.departmentsMoved, c.departmentsRenamed]) list.delete(code);
    const changes: OrgChanges = {
      ...(Object.fromEntries(Object.entries(c).map(([k, set]) => [k, [...set]])) as Omit<OrgChanges, 'headsChanged'>),
      headsChanged: headsChanged.filter((code) => !c.departmentsAdded.has(code)),
    };
    return {
      org: {
        companyCode: this.#companyCode,
        titles: this.#org.titles,
        organizations: this.departments,
        employees,
        meta: { date, nextEmployeeSerial: this.#nextEmployeeSerial, nextDepartmentSerial: this.#nextDepartmentSerial },
      },
      changes,
    };
  }
}
