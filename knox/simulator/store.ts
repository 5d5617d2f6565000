/**
 * What the simulated Knox holds, indexed the way its searches need. Records are opaque JSON objects:
 * the simulator reads only the attributes it searches by, as Knox would.
 */
import { DEPARTMENT_NAME_MATCH } from '../assumptions.js';
import type { EmployeeKey, EmployeeSearch, OrganizationSearch } from './rules.js';

export type KnoxRecord = Readonly<Record<string, unknown>>;

/** One company's data; a GeneratedOrg is one. */
export interface SimulatedOrg {
  companyCode: string;
  titles: readonly object[];
  organizations: readonly object[];
  employees: readonly object[];
}

const text = (record: KnoxRecord, attribute: string): string => {
  const value = record[attribute];
  return typeof value === 'string' ? value : '';
};

/** Attribute each exact-match employee search reads. */
const EXACT: Partial<Record<EmployeeKey, string>> = {
  fullName: 'fullName',
  departmentCode: 'departmentCode',
  employeeNumber: 'employeeNumber',
  epIds: 'epId',
  userIds: 'userId',
  emailAddresses: 'emailAddress',
  titleCode: 'titleCode',
};

export class KnoxStore {
  readonly #titles = new Map<string, KnoxRecord[]>();
  readonly #organizations = new Map<string, KnoxRecord[]>();
  readonly #employees: KnoxRecord[] = [];
  /** attribute → value → records, for the exact-match searches. */
  readonly #index = new Map<string, Map<string, KnoxRecord[]>>();

  constructor(orgs: readonly SimulatedOrg[]) {
    for (const org of orgs) {
      this.#titles.set(org.companyCode, [...(org.titles as KnoxRecord[])]);
      this.#organizations.set(org.companyCode, [...(org.organizations as KnoxRecord[])]);
      this.#employees.push(...(org.employees as KnoxRecord[]));
    }
    for (const attribute of new Set(Object.values(EXACT))) {
      const byValue = new Map<string, KnoxRecord[]>();
      for (const e of this.#employees) {
        const value = text(e, attribute);
        (byValue.get(value) ?? byValue.set(value, []).get(value)!).push(e);
      }
      this.#index.set(attribute, byValue);
    }
  }

  titles(companyCode: string): KnoxRecord[] {
    return this.#titles.get(companyCode) ?? [];
  }

  organizations(search: OrganizationSearch): KnoxRecord[] {
    const all = this.#organizations.get(search.companyCode) ?? [];
    if (!search.by) return all;
    const { key, value } = search.by;
    if (key === 'departmentName')
      return all.filter((o) => (DEPARTMENT_NAME_MATCH === 'partial' ? text(o, key).includes(value) : text(o, key) === value));
    return all.filter((o) => text(o, key) === value);
  }

  /** Matches in the order Knox holds them (a list search does not reorder by the list). */
  employees(search: EmployeeSearch): KnoxRecord[] {
    const attribute = EXACT[search.key];
    let found: KnoxRecord[];
    if (attribute) {
      const byValue = this.#index.get(attribute)!;
      const hits = new Set(search.values.flatMap((v) => byValue.get(v) ?? []));
      found = search.values.length === 1 ? [...hits] : this.#employees.filter((e) => hits.has(e));
    } else {
      // `name`: a partial match on the Korean or English full name.
      const part = search.values[0]!;
      found = this.#employees.filter((e) => text(e, 'fullName').includes(part) || text(e, 'enFullName').includes(part));
    }
    return search.companyCode === undefined ? found : found.filter((e) => text(e, 'companyCode') === search.companyCode);
  }
}
