/**
 * The Knox Portal client orgsync reads its source of truth with. Every listing is complete or an error:
 * orgsync deletes what Knox no longer returns, so a silently partial read would become mass deletion.
 */
import type { KnoxConfig } from '../config/index.js';
import { DEFAULT_PROTOCOL, FULL_RESULT_BODY, KNOX_PATHS, LIST_LIMIT, LIST_SEPARATOR, type KnoxProtocol } from './assumptions.js';
import { KnoxResponseError } from './errors.js';
import { KnoxTransport } from './http.js';
import { parseRecords, readListing, readRows, type KnoxInvalidRecord, type KnoxListing } from './listing.js';
import { forEachConcurrently } from './pool.js';
import {
  employeeSchemaFor,
  KnoxOrganizationSchema,
  KnoxTitleSchema,
  type KnoxEmployee,
  type KnoxOrganization,
  type KnoxTitle,
} from './schemas.js';

export interface KnoxClientOptions {
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Await the KNOX_RPS limiter before every request; default true. */
  rateLimit?: boolean;
  /** Departments read at once by listEmployees; default 4. KNOX_RPS still caps the rate. */
  concurrency?: number;
  /** Overrides of the protocol assumptions (paths, /employees method, error-body fields). */
  protocol?: Partial<KnoxProtocol>;
}

export interface EmployeeProgress {
  calls: number;
  rows: number;
  doneUnits: number;
  totalUnits: number;
}

export interface ListEmployeesOptions {
  /** The departments to enumerate (departmentCodesOf(listOrganizations(...))); default: read them first. */
  departmentCodes?: readonly string[];
  /** Ask Knox for only these attributes (resultType optional); epId is always added. Default: all. */
  attributes?: readonly string[];
  signal?: AbortSignal;
  /** Called after every call (activity heartbeats). */
  onProgress?: (progress: EmployeeProgress) => void;
}

export interface KnoxClient {
  listTitles(companyCode: string, o?: { signal?: AbortSignal }): Promise<KnoxListing<KnoxTitle>>;
  listOrganizations(companyCode: string, o?: { signal?: AbortSignal }): Promise<KnoxListing<KnoxOrganization>>;
  /** Every employee of a company, department by department (see ENUMERATION below). */
  listEmployees(companyCode: string, o?: ListEmployeesOptions): Promise<KnoxListing<KnoxEmployee>>;
  /** On-demand lookup; splits lists at 100 (EM0001). Unknown ids are simply absent from the result. */
  getEmployees(
    by: { epIds: string[] } | { userIds: string[] },
    o?: { attributes?: readonly string[]; signal?: AbortSignal },
  ): Promise<KnoxListing<KnoxEmployee>>;
  /** Calls made by this client since it was created. */
  stats(): { calls: number; byPath: Record<string, number> };
}

/**
 * The departments whose employees make up the company: every department Knox listed, including those
 * whose record was invalid (their people are still employees). A department record without a readable
 * departmentCode makes the enumeration incomplete, so it is an error rather than a silent gap.
 */
export function departmentCodesOf(organizations: KnoxListing<KnoxOrganization>): string[] {
  const unreadable = organizations.invalid.filter((i) => i.key === undefined);
  if (unreadable.length > 0) {
    throw new KnoxResponseError({
      method: 'GET',
      path: KNOX_PATHS.organizations,
      code: 'KNOX_BAD_RESPONSE',
      detail: `${unreadable.length} department record(s) without a departmentCode: their employees cannot be enumerated (${unreadable[0]!.issues.join('; ')})`,
    });
  }
  return [...new Set([...organizations.rows.map((o) => o.departmentCode), ...organizations.invalid.map((i) => i.key!)])];
}

export function createKnoxClient(config: KnoxConfig, options: KnoxClientOptions = {}): KnoxClient {
  // Defaults (knox/assumptions.ts), then the config file's knox.protocol, then the caller's.
  const fromConfig = config.protocol ?? {};
  const given = options.protocol ?? {};
  const protocol: KnoxProtocol = {
    employeesMethod: given.employeesMethod ?? fromConfig.employeesMethod ?? DEFAULT_PROTOCOL.employeesMethod,
    paths: { ...DEFAULT_PROTOCOL.paths, ...fromConfig.paths, ...given.paths },
    errorFields: { ...DEFAULT_PROTOCOL.errorFields, ...fromConfig.errorFields, ...given.errorFields },
  };
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const transport = new KnoxTransport(config, {
    timeoutMs: options.timeoutMs ?? 30_000,
    rateLimit: options.rateLimit ?? true,
    maxSockets: concurrency,
    protocol,
  });
  const { paths } = protocol;
  const employeesMethod = protocol.employeesMethod;
  /** What to send for employees and how to check what comes back: narrowed reads always ask for epId, the key. */
  const employeeRead = (attributes?: readonly string[]) => {
    if (!attributes) return { body: FULL_RESULT_BODY, schema: employeeSchemaFor() };
    const asked = [...new Set(['epId', ...attributes])];
    return { body: { resultType: 'optional', attributes: asked }, schema: employeeSchemaFor(asked) };
  };

  async function listOrganizations(companyCode: string, o: { signal?: AbortSignal } = {}): Promise<KnoxListing<KnoxOrganization>> {
    // Seed: searching by companyCode alone pages (500/page); unpaged it silently stops at 2,000 rows.
    const request = { method: 'GET', path: paths.organizations, query: { companyCode } };
    const { rows, calls } = await readListing({
      kind: 'organization',
      rowsField: 'organizations',
      request,
      paged: true,
      fetch: (page) => transport.call({ ...request, query: { companyCode, page: String(page) }, signal: o.signal }),
    });
    return { ...parseRecords('organization', KnoxOrganizationSchema, rows), calls };
  }

  /*
   * ENUMERATION: per department (companyCode + departmentCode, paged), not per title.
   * Knox has no "list all employees". Two enumerations cover a company:
   *  - per title (companyCode + titleCode + page): Σ⌈n_t/500⌉ calls, 216 for 100,000 employees in 27 titles
   *    (~240 with ~40 titles). But it returns only people whose titleCode /titles lists, and Knox has no company-wide
   *    employee count to check it against: anyone with an unlisted or empty titleCode is silently missing.
   *    The only check available (per-department counts) costs the per-department read itself.
   *  - per department: Σ max(1, ⌈n_d/500⌉) calls, one per department (even an empty one) plus one per
   *    further 500 people: 10,003 calls for 100,000 employees in 10,000 departments (bench/knox-read.ts),
   *    plus 20 pages of /organizations and 1 of /titles, ≈ 10,024 in all: about 17 minutes at KNOX_RPS=10.
   *    It is complete by construction: departmentCode is ★ on every employee and /organizations (paged)
   *    lists every department, so every employee is in exactly one department's listing.
   * Completeness wins: orgsync deletes employees Knox stops returning, so a silent gap is a mass deletion,
   * while 17 minutes in a daily batch is affordable. Each department's pages are checked (listing.ts).
   * Not a snapshot: someone who moves from a department not yet read to one already read is missed, so
   * the caller should confirm a planned deletion with getEmployees({ epIds }) before acting on it.
   */
  async function listEmployees(companyCode: string, o: ListEmployeesOptions = {}): Promise<KnoxListing<KnoxEmployee>> {
    let calls = 0;
    let codes = o.departmentCodes;
    if (!codes) {
      const organizations = await listOrganizations(companyCode, { signal: o.signal });
      calls += organizations.calls;
      codes = departmentCodesOf(organizations);
    }
    const units = [...new Set(codes)];
    const { body, schema } = employeeRead(o.attributes);
    const perUnit: KnoxListing<KnoxEmployee>[] = new Array<KnoxListing<KnoxEmployee>>(units.length);
    let rowsSeen = 0;
    let doneUnits = 0;
    await forEachConcurrently(units, concurrency, o.signal, async (departmentCode, index, signal) => {
      const query = { companyCode, departmentCode };
      const request = { method: employeesMethod, path: paths.employees, query };
      const listing = await readListing({
        kind: 'employee',
        rowsField: 'employees',
        request,
        paged: true,
        fetch: (page) => transport.call({ ...request, query: { ...query, page: String(page) }, body, signal }),
        onAnswer: (rows, last) => {
          calls++;
          rowsSeen += rows;
          if (last) doneUnits++;
          o.onProgress?.({ calls, rows: rowsSeen, doneUnits, totalUnits: units.length });
        },
      });
      perUnit[index] = { ...parseRecords('employee', schema, listing.rows), calls: listing.calls };
    });
    return { ...mergeDepartments(units, perUnit), calls };
  }

  async function getEmployees(
    by: { epIds: string[] } | { userIds: string[] },
    o: { attributes?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<KnoxListing<KnoxEmployee>> {
    const [param, ids] = 'epIds' in by ? (['epIds', by.epIds] as const) : (['userIds', by.userIds] as const);
    const unique = [...new Set(ids.map((id) => id.trim()).filter(Boolean))];
    const { body, schema } = employeeRead(o.attributes);
    const result: KnoxListing<KnoxEmployee> = { rows: [], invalid: [], calls: 0 };
    // EM0001: at most 100 ids per call. ≤ 100 rows never reach the unpaged 2,000 cap, and lists cannot page (EM0017).
    for (let i = 0; i < unique.length; i += LIST_LIMIT) {
      const request = {
        method: employeesMethod,
        path: paths.employees,
        query: { [param]: unique.slice(i, i + LIST_LIMIT).join(LIST_SEPARATOR) },
      };
      const { rows, calls } = await readListing({
        kind: 'employee',
        rowsField: 'employees',
        request,
        paged: false,
        fetch: () => transport.call({ ...request, body, signal: o.signal }),
      });
      const parsed = parseRecords('employee', schema, rows);
      result.rows.push(...parsed.rows);
      result.invalid.push(...parsed.invalid);
      result.calls += calls;
    }
    return result;
  }

  return {
    async listTitles(companyCode, o = {}) {
      // Seed: /titles has no paging and no counts.
      const request = { method: 'GET', path: paths.titles, query: { companyCode } };
      const rows = readRows(await transport.call({ ...request, signal: o.signal }), 'titles', request);
      return { ...parseRecords('title', KnoxTitleSchema, rows), calls: 1 };
    },
    listOrganizations,
    listEmployees,
    getEmployees,
    stats: () => transport.stats(),
  };
}

/**
 * One listing from the per-department ones, in department order. Someone returned by two departments
 * (moved while the read ran, or a search that includes sub-departments) is kept once: the record whose
 * departmentCode is the department that returned it, else the first.
 */
function mergeDepartments(
  units: readonly string[],
  perUnit: readonly KnoxListing<KnoxEmployee>[],
): Omit<KnoxListing<KnoxEmployee>, 'calls'> {
  const byEpId = new Map<string, { row: KnoxEmployee; home: boolean }>();
  const invalid: KnoxInvalidRecord[] = [];
  for (const [index, listing] of perUnit.entries()) {
    for (const row of listing.rows) {
      const home = row.departmentCode === units[index];
      const seen = byEpId.get(row.epId);
      if (!seen || (!seen.home && home)) byEpId.set(row.epId, { row, home });
    }
    invalid.push(...listing.invalid);
  }
  return { rows: [...byEpId.values()].map((e) => e.row), invalid };
}
