/**
 * The Knox Portal client orgsync reads its source of truth with. Every listing is complete or an error:
 * orgsync deletes what Knox no longer returns, so a silently partial read would become mass deletion.
 */
import pMap from 'p-map';
import type { KnoxConfig } from '../config/index.js';
import type { ExchangeListener } from '../lib/http-transport.js';
import { DEFAULT_PROTOCOL, FULL_RESULT_BODY, KNOX_PATHS, LIST_LIMIT, LIST_SEPARATOR, type KnoxProtocol } from './assumptions.js';
import { KnoxResponseError } from './errors.js';
import { KnoxTransport } from './http.js';
import { parseRecords, readListing, readRows, type KnoxInvalidRecord, type KnoxListing } from './listing.js';
import {
  employeeReader,
  organizationReader,
  RECORD_KEYS,
  titleReader,
  type KnoxEmployee,
  type KnoxOrganization,
  type KnoxRecordKind,
  type KnoxTitle,
} from './schemas.js';

export interface KnoxClientOptions {
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Await the KNOX_RPS limiter before every request; default true. */
  rateLimit?: boolean;
  /** Departments (or titles) read at once by an enumeration; default 4. KNOX_RPS still caps the rate. */
  concurrency?: number;
  /** Overrides of the protocol assumptions (paths, /employees method, error-body fields). */
  protocol?: Partial<KnoxProtocol>;
  /** Sees each request/response exchange: method, path, bodies, status; never a header or a secret (orgsync doctor --capture). */
  onExchange?: ExchangeListener;
}

export interface ListOrganizationsOptions {
  signal?: AbortSignal;
  /**
   * Read only the first `pages` pages: a sample (orgsync doctor), not a listing to sync by. Pages are
   * still checked against each other; that the rows add up to totalCount only when every page was read.
   */
  pages?: number;
}

export interface EmployeeProgress {
  calls: number;
  rows: number;
  /** Departments (or titles) read completely, of totalUnits. */
  doneUnits: number;
  totalUnits: number;
}

interface EnumerationOptions {
  /** Ask Knox for only these attributes (resultType optional); epId is always added. Default: all. */
  attributes?: readonly string[];
  signal?: AbortSignal;
  /** Called after every call (activity heartbeats). */
  onProgress?: (progress: EmployeeProgress) => void;
}

export interface ListEmployeesOptions extends EnumerationOptions {
  /** The departments to enumerate (departmentCodesOf(listOrganizations(...))); default: read them first. */
  departmentCodes?: readonly string[];
}

export interface ListEmployeesByTitleOptions extends EnumerationOptions {
  /** The titles to enumerate (titleCodesOf(listTitles(...))); default: read them first. */
  titleCodes?: readonly string[];
}

/** An enumeration of a company's employees, unit by unit (department or title). */
export interface EmployeeEnumeration extends KnoxListing<KnoxEmployee> {
  /** Employees Knox listed for each unit read (its totalCount), by departmentCode or titleCode, in the order read. */
  counts: Record<string, number>;
}

export interface KnoxClient {
  listTitles(companyCode: string, o?: { signal?: AbortSignal }): Promise<KnoxListing<KnoxTitle>>;
  listOrganizations(companyCode: string, o?: ListOrganizationsOptions): Promise<KnoxListing<KnoxOrganization>>;
  /** Every employee of a company, department by department: complete by construction (see ENUMERATION below). */
  listEmployees(companyCode: string, o?: ListEmployeesOptions): Promise<EmployeeEnumeration>;
  /**
   * The employees of a company whose titleCode is one of `titleCodes`, title by title (companyCode +
   * titleCode, paged): far fewer calls, but nobody outside those titles (see ENUMERATION below).
   */
  listEmployeesByTitle(companyCode: string, o?: ListEmployeesByTitleOptions): Promise<EmployeeEnumeration>;
  /** On-demand lookup; splits lists at 100 (EM0001). Unknown ids are simply absent from the result. */
  getEmployees(
    by: { epIds: string[] } | { userIds: string[] },
    o?: { attributes?: readonly string[]; signal?: AbortSignal },
  ): Promise<KnoxListing<KnoxEmployee>>;
  /** Calls made by this client since it was created. */
  stats(): { calls: number; byPath: Record<string, number> };
}

/** What the code helpers read of a listing (its drift does not matter to them). */
type Listed<T> = Omit<KnoxListing<T>, 'drift'>;

/**
 * The departments whose employees make up the company: every department Knox listed, including those
 * whose record was invalid (their people are still employees). A department record without a readable
 * departmentCode makes the enumeration incomplete, so it is an error rather than a silent gap.
 */
export function departmentCodesOf(organizations: Listed<KnoxOrganization>): string[] {
  return codesOf(organizations, (o) => o.departmentCode, 'organization', KNOX_PATHS.organizations, 'department');
}

/** The titles to enumerate employees by: as departmentCodesOf, for /titles. */
export function titleCodesOf(titles: Listed<KnoxTitle>): string[] {
  return codesOf(titles, (t) => t.titleCode, 'title', KNOX_PATHS.titles, 'title');
}

function codesOf<T>(listing: Listed<T>, keyOf: (row: T) => string, kind: KnoxRecordKind, path: string, what: string): string[] {
  const field = RECORD_KEYS[kind];
  const unreadable = listing.invalid.filter((i) => i.key === undefined);
  if (unreadable.length > 0) {
    throw new KnoxResponseError({
      method: 'GET',
      path,
      code: 'KNOX_BAD_RESPONSE',
      detail: `${unreadable.length} ${what} record(s) without a ${field}: their employees cannot be enumerated (${unreadable[0]!.issues.join('; ')})`,
    });
  }
  return [...new Set([...listing.rows.map(keyOf), ...listing.invalid.map((i) => i.key!)])];
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
    ...(options.onExchange ? { onExchange: options.onExchange } : {}),
  });
  const { paths } = protocol;
  const employeesMethod = protocol.employeesMethod;
  /** What to send for employees and how to read what comes back: narrowed reads always ask for epId, the key. */
  const employeeRead = (attributes?: readonly string[]) => {
    if (!attributes) return { body: FULL_RESULT_BODY, reader: employeeReader() };
    const asked = [...new Set(['epId', ...attributes])];
    return { body: { resultType: 'optional', attributes: asked }, reader: employeeReader(asked) };
  };

  async function listTitles(companyCode: string, o: { signal?: AbortSignal } = {}): Promise<KnoxListing<KnoxTitle>> {
    // Seed: /titles has no paging and no counts.
    const request = { method: 'GET', path: paths.titles, query: { companyCode } };
    const rows = readRows(await transport.call({ ...request, signal: o.signal }), 'titles', request);
    const drift = titleReader.drift();
    return { ...parseRecords(titleReader, rows, drift), calls: 1, drift: drift.report() };
  }

  async function listOrganizations(companyCode: string, o: ListOrganizationsOptions = {}): Promise<KnoxListing<KnoxOrganization>> {
    // Seed: searching by companyCode alone pages (500/page); unpaged it silently stops at 2,000 rows.
    const request = { method: 'GET', path: paths.organizations, query: { companyCode } };
    const { rows, calls } = await readListing({
      kind: 'organization',
      rowsField: 'organizations',
      request,
      paged: true,
      ...(o.pages === undefined ? {} : { maxPages: o.pages }),
      fetch: (page) => transport.call({ ...request, query: { companyCode, page: String(page) }, signal: o.signal }),
    });
    const drift = organizationReader.drift();
    return { ...parseRecords(organizationReader, rows, drift), calls, drift: drift.report() };
  }

  /*
   * ENUMERATION. Knox has no "list all employees"; the seed pages two searches that cover a company:
   *  - per department (companyCode + departmentCode, paged): Σ max(1, ⌈n_d/500⌉) calls, one per department
   *    (even an empty one) plus one per further 500 people. Complete by construction: departmentCode is ★ on
   *    every employee and /organizations (paged) lists every department, so every employee is in exactly one
   *    department's listing. listEmployees.
   *  - per title (companyCode + titleCode + page): Σ max(1, ⌈n_t/500⌉) calls over ~30 titles. It returns only
   *    people whose titleCode /titles lists, and Knox has no company-wide employee count to check it against:
   *    anyone with an unlisted titleCode is silently missing. listEmployeesByTitle; engine/knox-read.ts checks
   *    its completeness and still reads per department every sync.fullReadEvery reads (docs/knox.md).
   * Measured (bench/knox-read.ts --by department|title; Knox calls of a whole read, /titles and /organizations included):
   *   10,000 employees / 1,000 departments:    per department 1,004, per title 38
   *   100,000 employees / 10,000 departments:  per department 10,024 (17 min at KNOX_RPS=10), per title 237 (24 s)
   * Each unit's pages are checked (listing.ts). Not a snapshot: someone who moves from a unit not yet read to
   * one already read is missed, so the caller should confirm a planned deletion with getEmployees({ epIds }).
   */
  async function listEmployees(companyCode: string, o: ListEmployeesOptions = {}): Promise<EmployeeEnumeration> {
    if (o.departmentCodes) return enumerate(companyCode, 'departmentCode', o.departmentCodes, o, 0);
    const organizations = await listOrganizations(companyCode, { signal: o.signal });
    return enumerate(companyCode, 'departmentCode', departmentCodesOf(organizations), o, organizations.calls);
  }

  async function listEmployeesByTitle(companyCode: string, o: ListEmployeesByTitleOptions = {}): Promise<EmployeeEnumeration> {
    if (o.titleCodes) return enumerate(companyCode, 'titleCode', o.titleCodes, o, 0);
    const titles = await listTitles(companyCode, { signal: o.signal });
    return enumerate(companyCode, 'titleCode', titleCodesOf(titles), o, titles.calls);
  }

  /** Reads each unit's employees (paged, `concurrency` units at once; the first failure stops the rest) and merges them. */
  async function enumerate(
    companyCode: string,
    by: 'departmentCode' | 'titleCode',
    codes: readonly string[],
    o: EnumerationOptions,
    callsBefore: number,
  ): Promise<EmployeeEnumeration> {
    const units = [...new Set(codes)];
    const { body, reader } = employeeRead(o.attributes);
    const drift = reader.drift();
    let calls = callsBefore;
    let rowsSeen = 0;
    let doneUnits = 0;
    // One unit failing aborts the others' calls in flight; the caller's abort does too.
    const failed = new AbortController();
    const signal = o.signal ? AbortSignal.any([o.signal, failed.signal]) : failed.signal;
    const perUnit = await pMap(
      units,
      async (code) => {
        const query = { companyCode, [by]: code };
        const request = { method: employeesMethod, path: paths.employees, query };
        try {
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
          return { ...parseRecords(reader, listing.rows, drift), count: listing.rows.length };
        } catch (error) {
          failed.abort(error);
          throw error;
        }
      },
      { concurrency, signal: o.signal },
    );
    return {
      ...mergeUnits(by, units, perUnit),
      calls,
      drift: drift.report(),
      counts: Object.fromEntries(units.map((code, i) => [code, perUnit[i]!.count])),
    };
  }

  async function getEmployees(
    by: { epIds: string[] } | { userIds: string[] },
    o: { attributes?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<KnoxListing<KnoxEmployee>> {
    const [param, ids] = 'epIds' in by ? (['epIds', by.epIds] as const) : (['userIds', by.userIds] as const);
    const unique = [...new Set(ids.map((id) => id.trim()).filter(Boolean))];
    const { body, reader } = employeeRead(o.attributes);
    const drift = reader.drift();
    const rows: KnoxEmployee[] = [];
    const invalid: KnoxInvalidRecord[] = [];
    let calls = 0;
    // EM0001: at most 100 ids per call. ≤ 100 rows never reach the unpaged 2,000 cap, and lists cannot page (EM0017).
    for (let i = 0; i < unique.length; i += LIST_LIMIT) {
      const request = {
        method: employeesMethod,
        path: paths.employees,
        query: { [param]: unique.slice(i, i + LIST_LIMIT).join(LIST_SEPARATOR) },
      };
      const listing = await readListing({
        kind: 'employee',
        rowsField: 'employees',
        request,
        paged: false,
        fetch: () => transport.call({ ...request, body, signal: o.signal }),
      });
      const parsed = parseRecords(reader, listing.rows, drift);
      rows.push(...parsed.rows);
      invalid.push(...parsed.invalid);
      calls += listing.calls;
    }
    return { rows, invalid, calls, drift: drift.report() };
  }

  return {
    listTitles,
    listOrganizations,
    listEmployees,
    listEmployeesByTitle,
    getEmployees,
    stats: () => transport.stats(),
  };
}

/**
 * One listing from the per-unit ones, in unit order. Someone returned by two units (moved or promoted
 * while the read ran, or a search that includes sub-departments) is kept once: the record whose
 * departmentCode (titleCode) is the unit that returned it, else the first.
 */
function mergeUnits(
  by: 'departmentCode' | 'titleCode',
  units: readonly string[],
  perUnit: readonly { rows: KnoxEmployee[]; invalid: KnoxInvalidRecord[] }[],
): Pick<KnoxListing<KnoxEmployee>, 'rows' | 'invalid'> {
  const byEpId = new Map<string, { row: KnoxEmployee; home: boolean }>();
  const invalid: KnoxInvalidRecord[] = [];
  for (const [index, listing] of perUnit.entries()) {
    for (const row of listing.rows) {
      const home = row[by] === units[index];
      const seen = byEpId.get(row.epId);
      if (!seen || (!seen.home && home)) byEpId.set(row.epId, { row, home });
    }
    invalid.push(...listing.invalid);
  }
  return { rows: [...byEpId.values()].map((e) => e.row), invalid };
}
