/**
 * WORKPLACE itself, behind the gateway: one company's organization in memory, and the rules of
 * workplace.md §4 (the simulator contract) and §2 (the documented body tables and referential rules).
 * Plain JSON state, so a test can seed a "migrated" WORKPLACE and compare what was written.
 */
import type { WorkplaceProtocol } from '../assumptions.js';
import { ENGLISH, type Messages } from './messages.js';
import { served } from './views.js';
import {
  ATTRIBUTE_DELETE_CASCADES,
  ATTRIBUTE_VALUE_FORMATS,
  CONCURRENT_DEPARTMENT_IS_MEMBERSHIP,
  DEPARTMENT_SIBLING_NAMES_UNIQUE,
  EMPLOYEE_DELETE_CASCADES,
  EMPLOYEE_UNIQUE_FIELDS,
  IN_USE_GRADE_JOB_DELETE_REFUSED,
  REPORTS_TO_EMPTY_IS_NULL,
  REPORTS_TO_SELF_REFUSED,
  REPRESENTATIVE_ADMIN_DELETE_REFUSED,
  UNIQUE_NAME_ENTITIES,
} from './rules.js';
import { bodyTables, stored, tableViolation, type BodyTables } from './fields.js';

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
  /**
   * Records a data migration left without an external key (seed 000 step 1, not yet mapped in step 2):
   * per collection, the ids under which they are kept above. The API cannot address them; lists show
   * them with `externalKey: null` and WORKPLACE's id (views.ts), and they count for every uniqueness
   * rule. Other records refer to them by that id.
   */
  unmapped?: Partial<Record<MigratedCollection, string[]>>;
}

/** The collections a data migration fills and the External Key upload maps (seed 000). */
export type MigratedCollection = 'grades' | 'jobs' | 'departments' | 'employees';

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

const KINDS: Record<Kind, { collection: 'grades' | 'jobs' | 'departments' | 'employees' | 'attributeDefinitions' | 'absences' }> = {
  grade: { collection: 'grades' },
  job: { collection: 'jobs' },
  department: { collection: 'departments' },
  employee: { collection: 'employees' },
  attributeDefinition: { collection: 'attributeDefinitions' },
  absence: { collection: 'absences' },
};

/** What WORKPLACE answers: a payload with its success status (protocol `successStatus`), or a 400 with a message (§4). */
export type Outcome = { status: number; payload: unknown } | { status: 400; refused: string };

const ok = (payload: unknown, status = 200): Outcome => ({ status, payload });
const refused = (message: string): Outcome => ({ status: 400, refused: message });
const invalid = (problem: string): Outcome => refused(`invalid request: ${problem}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export class SimulatedWorkplace {
  #state: SimState = emptyState();
  /** Employees by lower-cased login id and e-mail: the uniqueness rule without scanning 100,000 records per write. */
  #unique: Map<string, Map<string, string>> | undefined;
  readonly representativeAdmins = new Set<string>();
  readonly #tables: BodyTables;

  constructor(
    readonly companyId: string,
    readonly protocol: WorkplaceProtocol,
    readonly messages: Messages = ENGLISH,
    /** Show records as real tenants do (views.ts). */
    readonly realTenant = false,
  ) {
    this.#tables = bodyTables(protocol);
  }

  get state(): SimState {
    return this.#state;
  }

  /** Replaces or merges state from outside the API (a data migration, a reset); the indexes follow. */
  load(state: Partial<SimState>, mode: 'merge' | 'replace'): void {
    if (mode === 'replace') this.#state = emptyState();
    const { unmapped, ...keyed } = state;
    for (const collection of Object.keys(keyed) as (keyof typeof keyed)[])
      Object.assign(this.#state[collection], structuredClone(keyed[collection]));
    for (const [collection, ids] of Object.entries(unmapped ?? {}) as [MigratedCollection, string[]][]) {
      const marked = ((this.#state.unmapped ??= {})[collection] ??= []);
      for (const id of ids) if (!marked.includes(id)) marked.push(id);
    }
    this.#unique = undefined;
  }

  /** Whether `key` names a record the API can address: one that is there and has an external key. */
  #has(collection: keyof Omit<SimState, 'unmapped'>, key: string): boolean {
    return key in this.#state[collection] && !this.isUnmapped(collection, key);
  }

  isUnmapped(collection: string, id: string): boolean {
    return this.#state.unmapped?.[collection as MigratedCollection]?.includes(id) ?? false;
  }

  /**
   * The External Key upload (seed 000 step 2: 다운로드 → External Key 입력 → 업로드): the record kept under
   * `from` (an unmapped record's id, or another external key) gets the key `to`, and every record that
   * refers to it follows.
   */
  mapExternalKey(collection: MigratedCollection, from: string, to: string): void {
    const state = this.#state;
    const record = state[collection][from];
    if (!record) throw new Error(`no ${collection} record ${from}`);
    if (from === to) return;
    if (this.#has(collection, to)) throw new Error(`${collection} ${to} already exists`);
    delete state[collection][from];
    state[collection][to] = collection === 'departments' && 'deptExternalKey' in record ? { ...record, deptExternalKey: to } : record;
    const marked = state.unmapped?.[collection];
    if (marked?.includes(from)) marked.splice(marked.indexOf(from), 1);
    const swap = (value: JsonValue | undefined) => (value === from ? to : value);
    const { headField } = this.protocol.departments;
    const references = this.protocol.employees.referenceFields;
    if (collection === 'departments') {
      for (const d of Object.values(state.departments)) {
        d.parentDeptExternalKey = swap(d.parentDeptExternalKey) ?? null;
      }
      for (const e of Object.values(state.employees)) {
        e.deptExternalKey = swap(e.deptExternalKey) ?? null;
        if (Array.isArray(e.concurrentDeptExternalKeys)) e.concurrentDeptExternalKeys = e.concurrentDeptExternalKeys.map((k) => swap(k)!);
      }
    }
    if (collection === 'grades' || collection === 'jobs') {
      const field = collection === 'grades' ? references.grade : references.job;
      for (const e of Object.values(state.employees)) if (field in e) e[field] = swap(e[field]) ?? null;
    }
    if (collection === 'employees') {
      for (const d of Object.values(state.departments)) if (headField in d) d[headField] = swap(d[headField]) ?? null;
      for (const [employee, manager] of Object.entries(state.reportsTo)) state.reportsTo[employee] = manager === from ? to : manager;
      if (from in state.reportsTo) {
        state.reportsTo[to] = state.reportsTo[from]!;
        delete state.reportsTo[from];
      }
      if (from in state.attributeValues) {
        state.attributeValues[to] = state.attributeValues[from]!;
        delete state.attributeValues[from];
      }
      if (this.representativeAdmins.delete(from)) this.representativeAdmins.add(to);
    }
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
    const { collection } = KINDS[kind];
    // An unmapped record's id is not a key, but a create under it would overwrite the record.
    if (key in this.state[collection]) return refused(this.messages.alreadyExists(kind, key));
    return this.#write(kind, key, body, this.protocol.successStatus.POST);
  }

  update(kind: Kind, key: string, body: unknown): Outcome {
    const { collection } = KINDS[kind];
    if (!this.#has(collection, key)) return refused(this.messages.notFound(kind, key));
    return this.#write(kind, key, body, this.protocol.successStatus.PUT);
  }

  /** PUT replaces the whole record (§2: "full body, same fields"). */
  #write(kind: Kind, key: string, body: unknown, status: number): Outcome {
    const problem = tableViolation(this.#tables[kind], body);
    if (problem) return invalid(problem);
    const open = kind === 'employee' && this.protocol.employees.bodyIsOpen;
    const record = stored(this.#tables[kind], body as Record<string, unknown>, open) as SimRecord;
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
    const { collection } = KINDS[kind];
    if (!this.#has(collection, key)) return refused(this.messages.notFound(kind, key));
    const blocked = this.#deleteBlocked(kind, key);
    if (blocked) return refused(blocked);
    if (kind === 'employee') this.#index(key, this.state.employees[key], true);
    delete this.state[collection][key];
    this.#cascade(kind, key);
    return ok(null);
  }

  get(kind: Kind, key: string): Outcome {
    const { collection } = KINDS[kind];
    if (!this.#has(collection, key)) return refused(this.messages.notFound(kind, key));
    return ok(this.served(kind, key));
  }

  /** v2 list (§1.8.4): `{ elements, totalCount }` from `offset`, at most `limit` rows, in creation order. */
  page(kind: Kind, offset: number, limit: number): Outcome {
    const keys = Object.keys(this.state[KINDS[kind].collection]);
    const { elements, totalCount } = this.protocol.listFields;
    return ok({
      [elements]: keys.slice(offset, offset + limit).map((key, i) => this.served(kind, key, offset + i)),
      [totalCount]: keys.length,
    });
  }

  /** Unpaged full lists (seed 003 addattrs; absences by assumption). */
  all(kind: Kind): Outcome {
    return ok(Object.keys(this.state[KINDS[kind].collection]).map((key, order) => this.served(kind, key, order)));
  }

  /** An entity as GET and the lists show it (views.ts). `order` (creation order) only shows in the attribute list. */
  served(kind: Kind, key: string, order?: number): Record<string, unknown> {
    const collection = this.state[KINDS[kind].collection];
    const record = collection[key]!;
    // Only the attribute list shows it, and finding it is a scan: every employee write echoing through here made 100,000 creates quadratic.
    const position = order ?? (kind === 'attributeDefinition' ? Object.keys(collection).indexOf(key) : -1);
    return served(kind, key, record, position, {
      protocol: this.protocol,
      tables: this.#tables,
      companyId: this.companyId,
      realTenant: this.realTenant,
      unmapped: (c, id) => this.isUnmapped(c, id),
    });
  }

  /** POST/PUT answers echo what was stored; addattr's echo leaves fieldUsedType out (seed 003). */
  #echo(kind: Kind, key: string): unknown {
    if (kind !== 'attributeDefinition') return this.served(kind, key);
    const { fieldUsedType: _, ...echo } = this.state.attributeDefinitions[key]!;
    return echo;
  }

  // ── rules ──────────────────────────────────────────────────────────────────────────────────────

  #ruleViolation(kind: Kind, key: string, record: SimRecord): string | undefined {
    const { collection } = KINDS[kind];
    const label = kind === 'grade' ? 'grade' : 'job';
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
    const { root, headField, bodyKeyMustMatchPath } = this.protocol.departments;
    if (bodyKeyMustMatchPath && record.deptExternalKey !== key) return `invalid request: deptExternalKey must equal the path key ${key}`;
    if (parent !== root) {
      if (parent === key) return 'invalid request: a department cannot be its own parent';
      if (!(parent in this.state.departments)) return this.messages.missingReference('parentDeptExternalKey', parent);
      // A move under one's own descendant would cut the subtree off the tree.
      for (let at: string | undefined = parent; at && at !== root; at = str(this.state.departments[at]?.parentDeptExternalKey)) {
        if (at === key) return `invalid request: ${parent} is below ${key}; a department cannot move under its own sub-department`;
      }
    }
    const leader = str(record[headField]);
    if (leader && !(leader in this.state.employees)) return this.messages.missingReference(headField, leader);
    if (DEPARTMENT_SIBLING_NAMES_UNIQUE) {
      const twin = Object.entries(this.state.departments).find(
        ([other, d]) => other !== key && d.name === record.name && d.parentDeptExternalKey === parent,
      );
      if (twin) return `department name "${str(record.name)}" is already used under ${parent} by ${twin[0]}`;
    }
    return undefined;
  }

  #employeeViolation(key: string, record: SimRecord): string | undefined {
    const references = this.protocol.employees.referenceFields;
    const departments = [str(record.deptExternalKey)!, ...((record.concurrentDeptExternalKeys as string[] | undefined) ?? [])];
    const missingDepartment = departments.find((d) => !(d in this.state.departments));
    if (missingDepartment)
      return this.messages.missingReference(
        missingDepartment === departments[0] ? 'deptExternalKey' : 'concurrentDeptExternalKeys',
        missingDepartment,
      );
    for (const [field, collection] of [
      [references.grade, 'grades'],
      [references.job, 'jobs'],
    ] as const) {
      const ref = str(record[field]);
      if (ref && !(ref in this.state[collection])) return this.messages.missingReference(field, ref);
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
        const field = this.protocol.employees.referenceFields[kind];
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
          Object.values(this.state.departments).some((d) => d[this.protocol.departments.headField] === key);
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
        if (department[this.protocol.departments.headField] === key) delete department[this.protocol.departments.headField];
    }
    if (kind === 'attributeDefinition') {
      for (const [employee, values] of Object.entries(this.state.attributeValues)) {
        delete values[key];
        if (Object.keys(values).length === 0) delete this.state.attributeValues[employee];
      }
    }
  }

  // ── per-employee attribute values (§2.8) ───────────────────────────────────────────────────────

  #value(employeeKey: string, attrKey: string): string | null | undefined {
    return this.state.attributeValues[employeeKey]?.[attrKey];
  }

  /** create: the value must not be set yet; update: it must be (assumptions.ts `attributeValues.verbs`). */
  writeValue(op: 'create' | 'update', employeeKey: string, attrKey: string, body: unknown): Outcome {
    const exists = this.#value(employeeKey, attrKey) !== undefined;
    const valueKey = this.messages.valueKey(employeeKey, attrKey);
    if (op === 'create' && exists) return refused(this.messages.alreadyExists('attributeValue', valueKey));
    if (op === 'update' && !exists) return refused(this.messages.notFound('attributeValue', valueKey));
    const problem = tableViolation(this.#tables.attributeValue, body);
    if (problem) return invalid(problem);
    if (!(employeeKey in this.state.employees)) return refused(this.messages.missingReference('employee', employeeKey));
    const definition = this.state.attributeDefinitions[attrKey];
    if (!definition) return refused(this.messages.missingReference('additional attribute', attrKey));
    const fieldData = isObject(body) && typeof body.fieldData === 'string' ? body.fieldData : null;
    const format = valueFormatProblem(definition, fieldData);
    if (format) return invalid(`fieldData: ${format}`);
    (this.state.attributeValues[employeeKey] ??= {})[attrKey] = fieldData;
    return ok(
      { externalKey: employeeKey, attrExternalKey: attrKey, fieldData },
      this.protocol.successStatus[this.protocol.attributeValues.verbs[op]],
    );
  }

  removeValue(employeeKey: string, attrKey: string): Outcome {
    if (this.#value(employeeKey, attrKey) === undefined)
      return refused(this.messages.notFound('attributeValue', this.messages.valueKey(employeeKey, attrKey)));
    delete this.state.attributeValues[employeeKey]![attrKey];
    if (Object.keys(this.state.attributeValues[employeeKey]!).length === 0) delete this.state.attributeValues[employeeKey];
    return ok(null);
  }

  getValue(employeeKey: string, attrKey: string): Outcome {
    const fieldData = this.#value(employeeKey, attrKey);
    if (fieldData === undefined) return refused(this.messages.notFound('attributeValue', this.messages.valueKey(employeeKey, attrKey)));
    return ok({ externalKey: employeeKey, attrExternalKey: attrKey, fieldData });
  }

  // ── Reports To (Decisions table, an assumption) ────────────────────────────────────────────────

  setReportsTo(employeeKey: string, body: unknown): Outcome {
    if (!(employeeKey in this.state.employees)) return refused(this.messages.notFound('employee', employeeKey));
    const problem = tableViolation(this.#tables.reportsTo, body);
    if (problem) return invalid(problem);
    const field = this.protocol.reportsTo.field;
    const manager = (body as Record<string, string>)[field]!;
    if (REPORTS_TO_SELF_REFUSED && manager === employeeKey) return invalid(`${field}: an employee cannot report to themselves`);
    if (!(manager in this.state.employees)) return refused(this.messages.missingReference(field, manager));
    this.state.reportsTo[employeeKey] = manager;
    return ok({ externalKey: employeeKey, [field]: manager });
  }

  getReportsTo(employeeKey: string): Outcome {
    if (!(employeeKey in this.state.employees)) return refused(this.messages.notFound('employee', employeeKey));
    const manager = this.state.reportsTo[employeeKey];
    if (manager === undefined && !REPORTS_TO_EMPTY_IS_NULL) return refused(this.messages.notFound('reportsTo', employeeKey));
    return ok({ externalKey: employeeKey, [this.protocol.reportsTo.field]: manager ?? null });
  }

  clearReportsTo(employeeKey: string): Outcome {
    if (!(employeeKey in this.state.employees)) return refused(this.messages.notFound('employee', employeeKey));
    if (!(employeeKey in this.state.reportsTo) && !REPORTS_TO_EMPTY_IS_NULL)
      return refused(this.messages.notFound('reportsTo', employeeKey));
    delete this.state.reportsTo[employeeKey];
    return ok(null);
  }

  // ── representative admin (§2.11) ───────────────────────────────────────────────────────────────

  representativeAdmin(employeeKey: string): Outcome {
    if (!(employeeKey in this.state.employees)) return refused(this.messages.notFound('employee', employeeKey));
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
