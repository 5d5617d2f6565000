/**
 * Knox test fixtures: a fresh simulator on port 0 per test, a client already pointed at it, teardown
 * built in (got's with-server style). Generated orgs are built once per file and shared read-only.
 */
import { test as base } from 'vitest';
import { Secret, type KnoxConfig } from '../../config/index.js';
import { createKnoxClient, type KnoxClient, type KnoxClientOptions } from '../../knox/index.js';
import { generateOrg, type GeneratedOrg } from '../../generator/index.js';
import { startKnoxSimulator, type KnoxSimulator, type KnoxSimulatorOptions } from '../../knox/simulator/server.js';
import { PAGE_SIZE } from '../../knox/assumptions.js';

export const SYSTEM_ID = 'C60REST0001';

const orgs = new Map<string, GeneratedOrg>();

/** A generated org, memoised: 3,000 people in 300 departments has one of 530 (2 pages) and one of exactly 500. */
export function org(o: { seed?: number; employees?: number; departments?: number; companyCode?: string } = {}): GeneratedOrg {
  const options = {
    seed: o.seed ?? 7,
    employees: o.employees ?? 3000,
    departments: o.departments ?? 300,
    companyCode: o.companyCode ?? 'C60',
  };
  const key = JSON.stringify(options);
  let found = orgs.get(key);
  if (!found) orgs.set(key, (found = generateOrg(options)));
  return found;
}

export function knoxConfig(url: string, overrides: Partial<KnoxConfig> = {}): KnoxConfig {
  return { baseUrl: url, systemId: SYSTEM_ID, companyCodes: ['C60'], rps: 1000, headers: {}, ...overrides };
}

export function gatewayHeaders(value: string): KnoxConfig['headers'] {
  return { 'X-Gateway-Key': new Secret(value) };
}

/** Calls a department listing takes when paged: one per department (even empty) plus one per further 500. */
export function perDepartmentCalls(o: GeneratedOrg): number {
  const sizes = new Map(o.organizations.map((d) => [d.departmentCode, 0]));
  for (const e of o.employees) sizes.set(e.departmentCode, (sizes.get(e.departmentCode) ?? 0) + 1);
  return [...sizes.values()].reduce((calls, n) => calls + Math.max(1, Math.ceil(n / PAGE_SIZE)), 0);
}

/** The fields orgsync uses of each record (knox/schemas.ts KNOX_USED_FIELDS), listed here rather than read from the code. */
export const USED = {
  title: ['titleCode', 'titleName', 'enTitleName', 'sortOrder', 'companyCode'],
  organization: [
    'companyCode',
    'departmentCode',
    'departmentName',
    'enDepartmentName',
    'uprDepartmentCode',
    'departmentOrder',
    'managerId',
    'hiddenDepartmentYn',
    'companyName',
  ],
  employee: [
    'epId',
    'userId',
    'emailAddress',
    'fullName',
    'enFullName',
    'companyCode',
    'departmentCode',
    'titleCode',
    'titleSortOrder',
    'gradeName',
    'enGradeName',
    'jobCode',
    'jobName',
    'officeTelNumber',
    'mobile',
    'nickName',
  ],
} as const;

/** A record as the client should return it: only `fields`, the empty ones left out. */
export function projected<T extends object>(records: readonly T[], fields: readonly string[]): Record<string, unknown>[] {
  return records.map((r) =>
    Object.fromEntries(
      fields.flatMap((f) => (((r as Record<string, unknown>)[f] ?? '') !== '' ? [[f, (r as Record<string, unknown>)[f]]] : [])),
    ),
  );
}

/** How many of `records` have `field` empty ('' in the generated org). */
export const emptyIn = (records: readonly object[], field: string) =>
  records.filter((r) => (r as Record<string, unknown>)[field] === '').length;

export const byKey = <T>(rows: readonly T[], key: keyof T): T[] => [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])));

interface KnoxFixtures {
  /** Options for the simulator of this test; override with test.scoped or simulatorOptions in a describe. */
  simulatorOptions: Partial<KnoxSimulatorOptions>;
  simulator: KnoxSimulator;
  client: KnoxClient;
  /** Makes another client for this test's simulator. */
  clientWith: (config?: Partial<KnoxConfig>, options?: KnoxClientOptions) => KnoxClient;
}

export const test = base.extend<KnoxFixtures>({
  simulatorOptions: [{}, { injected: false }],
  simulator: async ({ simulatorOptions }, use) => {
    const simulator = await startKnoxSimulator({ org: org(), systemId: SYSTEM_ID, ...simulatorOptions });
    await use(simulator);
    await simulator.close();
  },
  clientWith: async ({ simulator }, use) => {
    await use((config = {}, options = {}) => createKnoxClient(knoxConfig(simulator.url, config), { rateLimit: false, ...options }));
  },
  client: async ({ clientWith }, use) => {
    await use(clientWith());
  },
});
