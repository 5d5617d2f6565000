/**
 * WORKPLACE itself, behind the gateway: one company's organization in memory, and the rules of
 * workplace.md §4 (the simulator contract) and §2 (the documented body tables and referential rules).
 * Plain JSON state, so a test can seed a "migrated" WORKPLACE and compare what was written.
 */
import { createHash } from 'node:crypto';
import {
  ATTRIBUTE_DELETE_CASCADES,
  ATTRIBUTE_LIST_SHOWS_KEYS,
  ATTRIBUTE_VALUE_FORMATS,
  ATTRIBUTE_VALUE_VERBS,
  CONCURRENT_DEPARTMENT_IS_MEMBERSHIP,
  DEPARTMENT_BODY_KEY_MUST_MATCH_PATH,
  DEPARTMENT_LEADER_FIELD,
  EMPLOYEE_BODY_IS_OPEN,
  EMPLOYEE_DELETE_CASCADES,
  EMPLOYEE_REFERENCE_FIELDS,
  EMPLOYEE_UNIQUE_FIELDS,
  IN_USE_GRADE_JOB_DELETE_REFUSED,
  MESSAGES,
  REPORTS_TO_EMPTY_IS_NULL,
  REPORTS_TO_FIELD,
  REPORTS_TO_SELF_REFUSED,
  REPRESENTATIVE_ADMIN_DELETE_REFUSED,
  ROOT_DEPARTMENT,
  SUCCESS_STATUS,
  UNIQUE_NAME_ENTITIES,
} from '../assumptions.js';
import { BODY_TABLES, stored, tableViolation } from './fields.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type SimRecord = { [field: string]: JsonValue };

/** Everything WORKPLACE holds, keyed by external key: each record is the body as written. */
export interface SimState {
  grades: Record<string, SimRecord>;
  jobs: Record<string, SimRecord>;
  departments: Record<string, SimRecord>;
  employees: Record<string, SimRecord>;
  attributeDefinitions: Record<string, SimRecord>;
  /** employee key → attribute key → fieldData. */
  attributeValues: Record<string, Record<string, string | null>>;
  /** employee key → the manager's employee key. */
  reportsTo: Record<string, string>;
  absences: Record<string, SimRecord>;
}

export const emptyState = (): SimState => ({
  grades: {},
  jobs: {},
  departments: {},
  employees: {},
  attributeDefinitions: {},
  attributeValues: {},
  reportsTo: {},
  absences: {},
});

/** The keyed entities with POST/PUT/DELETE on `…/{segment}/{externalKey}`. */
export type Kind = 'grade' | 'job' | 'department' | 'employee' | 'attributeDefinition' | 'absence';

const KINDS: Record<
  Kind,
  { collection: 'grades' | 'jobs' | 'departments' | 'employees' | 'attributeDefinitions' | 'absences'; label: string }
> = {
  grade: { collection: 'grades', label: 'grade' },
  job: { collection: 'jobs', label: 'job' },
  department: { collection: 'departments', label: 'department' },
  employee: { collection: 'employees', label: 'employee' },
  attributeDefinition: { collection: 'attributeDefinitions', label: 'additional attribute' },
  absence: { collection: 'absences', label: 'absence item' },
};

/** What WORKPLACE answers: a payload with its status, or a 400 with a message (§4). */
export type Outcome = { status: 200 | 201; payload: unknown } | { status: 400; message: string };

const ok = (payload: unknown, status: 200 | 201 = 200): Outcome => ({ status, payload });
const refused = (message: string): Outcome => ({ status: 400, message });
const invalid = (problem: string): Outcome => refused(`invalid request: ${problem}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** A stable UUID-shaped id for WORKPLACE's own keys (deptNo, empId). */
function uuidOf(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class SimulatedWorkplace {
  #state: SimState = emptyState();
  /** Employees by lower-cased login id and e-mail: the uniqueness rule without scanning 100,000 records per write. */
  #unique: Map<string, Map<string, string>> | undefined;
  readonly representativeAdmins = new Set<string>();

  constructor(readonly companyId: string) {}

  get state(): SimState {
    return this.#state;
  }

  /** Replaces or merges state from outside the API (a data migration, a reset); the indexes follow. */
  load(state: Partial<SimState>, mode: 'merge' | 'replace'): void {
    if (mode === 'replace') this.#state = emptyState();
    for (const collection of Object.keys(state) as (keyof SimState)[])
      Object.assign(this.#state[collection], structuredClone(state[collection]));
    this.#unique = undefined;
  }

  #uniqueIndex(): Map<string, Map<string, string>> {
    if (!this.#unique) {
      this.#unique = new Map(EMPLOYEE_UNIQUE_FIELDS.map((field) => [field, new Map<string, string>()]));
      for (const [key, employee] of Object.entries(this.#state.employees)) this.#index(key, employee);
    }
    return this.#unique;
  }

  #index(key: string, employee: SimRecord | undefined, remove = false): void {
    if (!employee || !this.#unique) return;
    for (const field of EMPLOYEE_UNIQUE_FIELDS) {
      const value = str(employee[field])?.toLowerCase();
      if (value === undefined) continue;
      if (remove) {
        if (this.#unique.get(field)!.get(value) === key) this.#unique.get(field)!.delete(value);
      } else this.#unique.get(field)!.set(value, key);
    }
  }

  // ── keyed entities ─────────────────────────────────────────────────────────────────────────────

  create(kind: Kind, key: string, body: unknown): Outcome {
    const { collection, label } = KINDS[kind];
    if (key in this.state[collection]) return refused(MESSAGES.alreadyExists(label, key));
    return this.#write(kind, key, body, SUCCESS_STATUS.POST);
  }

  update(kind: Kind, key: string, body: unknown): Outcome {
    const { collection, label } = KINDS[kind];
    if (!(key in this.state[collection])) return refused(MESSAGES.notFound(label, key));
    return this.#write(kind, key, body, SUCCESS_STATUS.PUT);
  }

  /** PUT replaces the whole record (§2: "full body, same fields"). */
  #write(kind: Kind, key: string, body: unknown, status: 200 | 201): Outcome {
    const problem = tableViolation(BODY_TABLES[kind], body);
    if (problem) return invalid(problem);
    const record = stored(BODY_TABLES[kind], body as Record<string, unknown>, kind === 'employee' && EMPLOYEE_BODY_IS_OPEN) as SimRecord;
    const broken = this.#ruleViolation(kind, key, record);
    if (broken) return refused(broken);
    if (kind === 'employee') {
      this.#index(key, this.state.employees[key], true);
      this.#index(key, record);
    }
    this.state[KINDS[kind].collection][key] = record;
    return ok(this.#echo(kind, key), status);
  }

  remove(kind: Kind, key: string): Outcome {
    const { collection, label } = KINDS[kind];
    if (!(key in this.state[collection])) return refused(MESSAGES.notFound(label, key));
    const blocked = this.#deleteBlocked(kind, key);
    if (blocked) return refused(blocked);
    if (kind === 'employee') this.#index(key, this.state.employees[key], true);
    delete this.state[collection][key];
    this.#cascade(kind, key);
    return ok(null);
  }

  get(kind: Kind, key: string): Outcome {
    const { collection, label } = KINDS[kind];
    if (!(key in this.state[collection])) return refused(MESSAGES.notFound(label, key));
    return ok(this.served(kind, key));
  }

  /** v2 list (§1.8.4): `{ elements, totalCount }` from `offset`, at most `limit` rows, in creation order. */
  page(kind: Kind, offset: number, limit: number): Outcome {
    const keys = Object.keys(this.state[KINDS[kind].collection]);
    return ok({
      elements: keys.slice(offset, offset + limit).map((key, i) => this.served(kind, key, offset + i)),
      totalCount: keys.length,
    });
  }

  /** Unpaged full lists (seed 003 addattrs; absences by assumption). */
  all(kind: Kind): Outcome {
    return ok(Object.keys(this.state[KINDS[kind].collection]).map((key, order) => this.served(kind, key, order)));
  }

  /** An entity as GET and the lists show it: the stored body, its key, and WORKPLACE's own fields. `order` (creation order) only shows in the attribute list. */
  served(kind: Kind, key: string, order?: number): Record<string, unknown> {
    const record = this.state[KINDS[kind].collection][key]!;
    switch (kind) {
      case 'department': {
        const parent = str(record.parentDeptExternalKey);
        const leader = str(record[DEPARTMENT_LEADER_FIELD]);
        return {
          externalKey: key,
          ...record,
          companyId: this.companyId,
          deptNo: uuidOf(`department:${key}`),
          parentDeptNo: parent === ROOT_DEPARTMENT ? ROOT_DEPARTMENT : uuidOf(`department:${parent}`),
          deptLeaderEmpId: leader ? uuidOf(`employee:${leader}`) : null,
        };
      }
      case 'employee':
        return {
          externalKey: key,
          ...record,
          companyId: this.companyId,
          empId: uuidOf(`employee:${key}`),
          deptNo: uuidOf(`department:${str(record.deptExternalKey)}`),
        };
      case 'attributeDefinition':
        return attributeListElement(key, record, order ?? Object.keys(this.state.attributeDefinitions).indexOf(key));
      default:
        return { externalKey: key, ...record, companyId: this.companyId };
    }
  }

  /** POST/PUT answers echo what was stored; addattr's echo leaves fieldUsedType out (seed 003). */
  #echo(kind: Kind, key: string): unknown {
    if (kind !== 'attributeDefinition') return this.served(kind, key);
    const { fieldUsedType: _, ...echo } = this.state.attributeDefinitions[key]!;
    return echo;
  }

  // ── rules ──────────────────────────────────────────────────────────────────────────────────────

  #ruleViolation(kind: Kind, key: string, record: SimRecord): string | undefined {
    const { collection, label } = KINDS[kind];
    if ((UNIQUE_NAME_ENTITIES as readonly string[]).includes(kind)) {
      const twin = Object.entries(this.state[collection]).find(([other, r]) => other !== key && r.name === record.name);
      if (twin) return `${label} name "${str(record.name)}" is already used by ${twin[0]}`;
    }
    if (kind === 'department') return this.#departmentViolation(key, record);
    if (kind === 'employee') return this.#employeeViolation(key, record);
    return undefined;
  }

  #departmentViolation(key: string, record: SimRecord): string | undefined {
    const parent = str(record.parentDeptExternalKey)!;
    if (DEPARTMENT_BODY_KEY_MUST_MATCH_PATH && record.deptExternalKey !== key)
      return `invalid request: deptExternalKey must equal the path key ${key}`;
    if (parent !== ROOT_DEPARTMENT) {
      if (parent === key) return 'invalid request: a department cannot be its own parent';
      if (!(parent in this.state.departments)) return MESSAGES.missingReference('parentDeptExternalKey', parent);
      // A move under one's own descendant would cut the subtree off the tree.
      for (let at: string | undefined = parent; at && at !== ROOT_DEPARTMENT; at = str(this.state.departments[at]?.parentDeptExternalKey)) {
        if (at === key) return `invalid request: ${parent} is below ${key}; a department cannot move under its own sub-department`;
      }
    }
    const leader = str(record[DEPARTMENT_LEADER_FIELD]);
    if (leader && !(leader in this.state.employees)) return MESSAGES.missingReference(DEPARTMENT_LEADER_FIELD, leader);
    return undefined;
  }

  #employeeViolation(key: string, record: SimRecord): string | undefined {
    const departments = [str(record.deptExternalKey)!, ...((record.concurrentDeptExternalKeys as string[] | undefined) ?? [])];
    const missingDepartment = departments.find((d) => !(d in this.state.departments));
    if (missingDepartment)
      return MESSAGES.missingReference(
        missingDepartment === departments[0] ? 'deptExternalKey' : 'concurrentDeptExternalKeys',
        missingDepartment,
      );
    for (const [field, collection] of [
      [EMPLOYEE_REFERENCE_FIELDS.grade, 'grades'],
      [EMPLOYEE_REFERENCE_FIELDS.job, 'jobs'],
    ] as const) {
      const ref = str(record[field]);
      if (ref && !(ref in this.state[collection])) return MESSAGES.missingReference(field, ref);
    }
    for (const field of EMPLOYEE_UNIQUE_FIELDS) {
      const value = str(record[field])!.toLowerCase();
      const twin = this.#uniqueIndex().get(field)!.get(value);
      if (twin !== undefined && twin !== key) return `${field} ${value} is already used by employee ${twin}`;
    }
    return undefined;
  }

  #deleteBlocked(kind: Kind, key: string): string | undefined {
    const employees = Object.entries(this.state.employees);
    switch (kind) {
      case 'grade':
      case 'job': {
        const field = kind === 'grade' ? EMPLOYEE_REFERENCE_FIELDS.grade : EMPLOYEE_REFERENCE_FIELDS.job;
        const holders = employees.filter(([, e]) => e[field] === key).length;
        return IN_USE_GRADE_JOB_DELETE_REFUSED && holders > 0 ? `${kind} ${key} is still held by ${holders} employee(s)` : undefined;
      }
      case 'department': {
        const children = Object.values(this.state.departments).filter((d) => d.parentDeptExternalKey === key).length;
        if (children > 0) return `department ${key} still has ${children} sub-department(s)`;
        const members = employees.filter(
          ([, e]) =>
            e.deptExternalKey === key ||
            (CONCURRENT_DEPARTMENT_IS_MEMBERSHIP && (e.concurrentDeptExternalKeys as string[] | undefined)?.includes(key)),
        ).length;
        return members > 0 ? `department ${key} still has ${members} member(s)` : undefined;
      }
      case 'employee': {
        if (REPRESENTATIVE_ADMIN_DELETE_REFUSED && this.representativeAdmins.has(key))
          return `employee ${key} is the representative administrator and cannot be deleted`;
        const referenced =
          Object.values(this.state.reportsTo).includes(key) ||
          Object.values(this.state.departments).some((d) => d[DEPARTMENT_LEADER_FIELD] === key);
        return !EMPLOYEE_DELETE_CASCADES && referenced ? `employee ${key} is still a manager or a department head` : undefined;
      }
      case 'attributeDefinition': {
        const values = Object.values(this.state.attributeValues).filter((v) => key in v).length;
        return !ATTRIBUTE_DELETE_CASCADES && values > 0 ? `additional attribute ${key} still has ${values} value(s)` : undefined;
      }
      default:
        return undefined;
    }
  }

  /** What goes with a deleted record (assumptions.ts EMPLOYEE_DELETE_CASCADES, ATTRIBUTE_DELETE_CASCADES). */
  #cascade(kind: Kind, key: string): void {
    if (kind === 'employee') {
      delete this.state.attributeValues[key];
      delete this.state.reportsTo[key];
      for (const [employee, manager] of Object.entries(this.state.reportsTo)) if (manager === key) delete this.state.reportsTo[employee];
      for (const department of Object.values(this.state.departments))
        if (department[DEPARTMENT_LEADER_FIELD] === key) delete department[DEPARTMENT_LEADER_FIELD];
    }
    if (kind === 'attributeDefinition') {
      for (const [employee, values] of Object.entries(this.state.attributeValues)) {
        delete values[key];
        if (Object.keys(values).length === 0) delete this.state.attributeValues[employee];
      }
    }
  }

  // ── per-employee attribute values (§2.8) ───────────────────────────────────────────────────────

  /** "additional attribute A1 of employee E1 not found / already exists": the value is the path's entity. */
  static #valueLabel = (attrKey: string) => `additional attribute ${attrKey} of employee`;

  #value(employeeKey: string, attrKey: string): string | null | undefined {
    return this.state.attributeValues[employeeKey]?.[attrKey];
  }

  /** create: the value must not be set yet; update: it must be (assumptions.ts ATTRIBUTE_VALUE_VERBS). */
  writeValue(op: 'create' | 'update', employeeKey: string, attrKey: string, body: unknown): Outcome {
    const exists = this.#value(employeeKey, attrKey) !== undefined;
    const label = SimulatedWorkplace.#valueLabel(attrKey);
    if (op === 'create' && exists) return refused(MESSAGES.alreadyExists(label, employeeKey));
    if (op === 'update' && !exists) return refused(MESSAGES.notFound(label, employeeKey));
    const problem = tableViolation(BODY_TABLES.attributeValue, body);
    if (problem) return invalid(problem);
    if (!(employeeKey in this.state.employees)) return refused(MESSAGES.missingReference('employee', employeeKey));
    const definition = this.state.attributeDefinitions[attrKey];
    if (!definition) return refused(MESSAGES.missingReference('additional attribute', attrKey));
    const fieldData = isObject(body) && typeof body.fieldData === 'string' ? body.fieldData : null;
    const format = valueFormatProblem(definition, fieldData);
    if (format) return invalid(`fieldData: ${format}`);
    (this.state.attributeValues[employeeKey] ??= {})[attrKey] = fieldData;
    return ok({ externalKey: employeeKey, attrExternalKey: attrKey, fieldData }, SUCCESS_STATUS[ATTRIBUTE_VALUE_VERBS[op]]);
  }

  removeValue(employeeKey: string, attrKey: string): Outcome {
    if (this.#value(employeeKey, attrKey) === undefined)
      return refused(MESSAGES.notFound(SimulatedWorkplace.#valueLabel(attrKey), employeeKey));
    delete this.state.attributeValues[employeeKey]![attrKey];
    if (Object.keys(this.state.attributeValues[employeeKey]!).length === 0) delete this.state.attributeValues[employeeKey];
    return ok(null);
  }

  getValue(employeeKey: string, attrKey: string): Outcome {
    const fieldData = this.#value(employeeKey, attrKey);
    if (fieldData === undefined) return refused(MESSAGES.notFound(SimulatedWorkplace.#valueLabel(attrKey), employeeKey));
    return ok({ externalKey: employeeKey, attrExternalKey: attrKey, fieldData });
  }

  // ── Reports To (Decisions table, an assumption) ────────────────────────────────────────────────

  setReportsTo(employeeKey: string, body: unknown): Outcome {
    if (!(employeeKey in this.state.employees)) return refused(MESSAGES.notFound('employee', employeeKey));
    const problem = tableViolation(BODY_TABLES.reportsTo, body);
    if (problem) return invalid(problem);
    const manager = (body as Record<string, string>)[REPORTS_TO_FIELD]!;
    if (REPORTS_TO_SELF_REFUSED && manager === employeeKey) return invalid(`${REPORTS_TO_FIELD}: an employee cannot report to themselves`);
    if (!(manager in this.state.employees)) return refused(MESSAGES.missingReference(REPORTS_TO_FIELD, manager));
    this.state.reportsTo[employeeKey] = manager;
    return ok({ externalKey: employeeKey, [REPORTS_TO_FIELD]: manager });
  }

  getReportsTo(employeeKey: string): Outcome {
    if (!(employeeKey in this.state.employees)) return refused(MESSAGES.notFound('employee', employeeKey));
    const manager = this.state.reportsTo[employeeKey];
    if (manager === undefined && !REPORTS_TO_EMPTY_IS_NULL) return refused(MESSAGES.notFound('Reports To of employee', employeeKey));
    return ok({ externalKey: employeeKey, [REPORTS_TO_FIELD]: manager ?? null });
  }

  clearReportsTo(employeeKey: string): Outcome {
    if (!(employeeKey in this.state.employees)) return refused(MESSAGES.notFound('employee', employeeKey));
    if (!(employeeKey in this.state.reportsTo) && !REPORTS_TO_EMPTY_IS_NULL)
      return refused(MESSAGES.notFound('Reports To of employee', employeeKey));
    delete this.state.reportsTo[employeeKey];
    return ok(null);
  }

  // ── representative admin (§2.11) ───────────────────────────────────────────────────────────────

  representativeAdmin(employeeKey: string): Outcome {
    if (!(employeeKey in this.state.employees)) return refused(MESSAGES.notFound('employee', employeeKey));
    return ok({ companyId: this.companyId, externalKey: employeeKey, reprYn: this.representativeAdmins.has(employeeKey) ? 'Y' : 'N' });
  }
}

/** §2.8 [INFER] formats: DATE yyyy-MM-dd, YESNO Y/N, SELECT one of the items' external keys. */
function valueFormatProblem(definition: SimRecord, fieldData: string | null): string | undefined {
  if (fieldData === null || fieldData === '') return undefined;
  const type = str(definition.fieldType);
  if (type === 'DATE' && !ATTRIBUTE_VALUE_FORMATS.DATE.test(fieldData)) return 'a DATE value is yyyy-MM-dd';
  if (type === 'YESNO' && !ATTRIBUTE_VALUE_FORMATS.YESNO.test(fieldData)) return 'a YESNO value is Y or N';
  if (type === 'SELECT') {
    const keys = ((definition.attrItemList as SimRecord[] | undefined) ?? [])
      .map((item) => item.externalKey)
      .filter((k): k is string => typeof k === 'string');
    if (!keys.includes(fieldData)) return `a SELECT value is one of the items' external keys (${keys.join(', ')})`;
  }
  return undefined;
}

/** Seed 003's list element: userModYn instead of userMod, a numeric dispOrd, keys only if ATTRIBUTE_LIST_SHOWS_KEYS. */
function attributeListElement(key: string, record: SimRecord, order: number): Record<string, unknown> {
  const items = (record.attrItemList as SimRecord[] | undefined) ?? [];
  return {
    ...(ATTRIBUTE_LIST_SHOWS_KEYS ? { externalKey: key } : {}),
    fieldType: record.fieldType,
    searchDispYn: record.searchDispYn,
    userModYn: record.userMod === 'CHANGE' ? 'Y' : 'N',
    dispOrd: order,
    name: record.name,
    i18nNames: record.i18nNames ?? {},
    attrItemList: items.map((item, i) => ({
      ...(ATTRIBUTE_LIST_SHOWS_KEYS && item.externalKey !== undefined ? { externalKey: item.externalKey } : {}),
      fieldTypeItemOrd: item.fieldTypeItemOrd ?? i,
      itemName: item.itemName,
      i18nItemNames: item.i18nItemNames ?? {},
    })),
  };
}
