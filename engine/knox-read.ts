/**
 * How a run reads Knox's employees. Knox has no "list all employees" (seed 001); it pages two searches that
 * cover a company:
 *  - department by department (companyCode + departmentCode): complete by construction, one call per
 *    department at least: about 10,000 calls at 100,000 employees in 10,000 departments;
 *  - title by title (companyCode + titleCode): Σ ⌈n/500⌉ calls over ~30 titles, about 220 at 100,000, but
 *    it returns only the people whose titleCode is read.
 * So the default read goes by title and is then checked (readByTitle), and a complete per-department read
 * runs every `sync.fullReadEvery` reads, when the run asks for one (`--full-read`), when there was no
 * complete read before, and whenever a check finds the title read unreliable. docs/knox.md, "Reading employees".
 *
 * What the checks compare against is kept in the store between runs (state/knox-employees.json): the
 * previous read's people (epIds) and titleCodes per company, and when the last complete read was.
 */
import type { SyncSettings } from '../config/index.js';
import {
  titleCodesOf,
  type KnoxClient,
  type KnoxEmployee,
  type KnoxInvalidRecord,
  type KnoxListing,
  type KnoxOrganization,
  type KnoxTitle,
} from '../knox/index.js';
import { mergeDrift, type DriftReport } from '../lib/drift.js';
import type { StagingStore } from '../store/index.js';
import { durationMs } from './policy.js';
import type { EmployeeReadReport } from './types.js';

export const EMPLOYEE_READ_STATE_KEY = 'state/knox-employees.json';

/** What the next run's employee read is checked against. */
export interface EmployeeReadState {
  /** The run whose read this is (recording it twice for one run changes nothing). */
  runId: string;
  readAt: string;
  mode: EmployeeReadReport['mode'];
  /** The last complete (per-department) read. */
  lastFullRead?: { runId: string; at: string };
  /** By-title reads since then. */
  readsSinceFullRead: number;
  /** Per company: everyone the read returned (valid or not), and the titleCodes they hold. */
  companies: Record<string, { epIds: string[]; titleCodes: string[] }>;
}

type CompanyState = EmployeeReadState['companies'][string];

/**
 * Unexplained misses (people the title read skipped although their title was read) are read again
 * department by department up to this many departments, or this share of the company's, whichever is
 * more; beyond it the title listing is not trusted and the whole company is read per department.
 */
export const MAX_REREAD_DEPARTMENTS = 20;
export const MAX_REREAD_SHARE = 0.01;

/** Which read this run makes, and why. */
export async function chooseEmployeeRead(
  store: StagingStore,
  settings: Pick<SyncSettings, 'fullReadEvery'>,
  companyCodes: readonly string[],
  o: { fullRead?: boolean; now?: Date } = {},
): Promise<{ mode: EmployeeReadReport['mode']; reason: string; previous?: EmployeeReadState }> {
  const previous = await store.readJson<EmployeeReadState>(EMPLOYEE_READ_STATE_KEY);
  const every = settings.fullReadEvery;
  const department = (reason: string) => ({ mode: 'department' as const, reason, ...(previous ? { previous } : {}) });
  if (o.fullRead) return department('the run asked for a complete read (--full-read)');
  if (!previous?.lastFullRead) return department('no earlier complete read to check a read by title against');
  const unknown = companyCodes.filter((c) => !previous.companies[c]);
  if (unknown.length) return department(`no earlier read of ${unknown.join(', ')}`);
  if (typeof every === 'number') {
    if (previous.readsSinceFullRead + 1 >= every)
      return department(`sync.fullReadEvery ${every}: ${previous.readsSinceFullRead} reads by title since the last complete read`);
    return {
      mode: 'title',
      reason: `read ${previous.readsSinceFullRead + 1} of ${every - 1} by title since the last complete read`,
      previous,
    };
  }
  const age = (o.now ?? new Date()).getTime() - Date.parse(previous.lastFullRead.at);
  const hours = (age / 3_600_000).toFixed(1);
  if (!(age < durationMs(every))) return department(`sync.fullReadEvery ${every}: the last complete read is ${hours} h old`);
  return { mode: 'title', reason: `the last complete read is ${hours} h old (sync.fullReadEvery ${every})`, previous };
}

/** After the run's employee snapshot is stored: what the next run checks against. Idempotent per run. */
export async function recordEmployeeRead(
  store: StagingStore,
  runId: string,
  read: {
    readAt: string;
    mode: EmployeeReadReport['mode'];
    rows: readonly Pick<KnoxEmployee, 'epId' | 'titleCode' | 'companyCode'>[];
    invalid: readonly (KnoxInvalidRecord & { company: string })[];
    companies: readonly string[];
  },
): Promise<void> {
  const previous = await store.readJson<EmployeeReadState>(EMPLOYEE_READ_STATE_KEY);
  if (previous?.runId === runId) return;
  const companies: EmployeeReadState['companies'] = {};
  const of = (company: string) => (companies[company] ??= { epIds: [], titleCodes: [] });
  for (const company of read.companies) of(company);
  const titles = new Map<string, Set<string>>();
  for (const row of read.rows) {
    const company = of(row.companyCode);
    company.epIds.push(row.epId);
    const seen = titles.get(row.companyCode) ?? titles.set(row.companyCode, new Set()).get(row.companyCode)!;
    if (row.titleCode && !seen.has(row.titleCode)) {
      seen.add(row.titleCode);
      company.titleCodes.push(row.titleCode);
    }
  }
  for (const bad of read.invalid) if (bad.key) of(bad.company).epIds.push(bad.key);
  const full = read.mode === 'department';
  const state: EmployeeReadState = {
    runId,
    readAt: read.readAt,
    mode: read.mode,
    ...(full ? { lastFullRead: { runId, at: read.readAt } } : previous?.lastFullRead ? { lastFullRead: previous.lastFullRead } : {}),
    readsSinceFullRead: full ? 0 : (previous?.readsSinceFullRead ?? 0) + 1,
    companies,
  };
  await store.writeJson(EMPLOYEE_READ_STATE_KEY, state);
}

type Listed<T> = Omit<KnoxListing<T>, 'drift'>;

export interface ByTitleRead extends KnoxListing<KnoxEmployee> {
  checks: NonNullable<EmployeeReadReport['checks']>;
}

/**
 * One company's employees, title by title, checked. The titles read are those /titles lists plus the
 * titleCodes the previous read found (a title /titles stopped listing is still read). Then:
 *  1. every department head (organizations' managerId, a userId) and everyone the previous read returned
 *     who is not in this read is looked up by id (100 per call; mostly the day's leavers, whom Knox no
 *     longer returns);
 *  2. a person Knox still returns holds a titleCode that was not read (or the read was not reliable):
 *     an unlisted titleCode is read in full, title by title; a person missed under a title that *was*
 *     read has their department read again, department by department, and when that is more than
 *     MAX_REREAD_DEPARTMENTS (or MAX_REREAD_SHARE of the departments) the title read is not trusted:
 *     `fallback` says why, and the caller reads the company per department instead.
 * Someone hired today under a titleCode nobody held yesterday and who heads no department is missed
 * until the next complete read (sync.fullReadEvery); they are not deleted, only not yet created.
 */
export async function readByTitle(
  knox: KnoxClient,
  company: string,
  input: {
    titles: Listed<KnoxTitle>;
    organizations: Listed<KnoxOrganization>;
    previous: CompanyState | undefined;
    attributes: readonly string[];
    signal?: AbortSignal;
    onProgress?: (detail: unknown) => void;
  },
): Promise<ByTitleRead | { fallback: string }> {
  const { attributes, signal } = input;
  let listed: string[];
  try {
    listed = titleCodesOf(input.titles);
  } catch (err) {
    return { fallback: `${company}: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (listed.length === 0) return { fallback: `${company}: /titles lists no title` };
  const units = [...new Set([...listed, ...(input.previous?.titleCodes ?? [])])];
  const progress = (phase: string) => (p: object) => input.onProgress?.({ company, phase, ...p });

  const first = await knox.listEmployeesByTitle(company, { titleCodes: units, attributes, signal, onProgress: progress('by title') });
  const drifts: DriftReport[] = [first.drift];
  let calls = first.calls;
  const rows = new Map<string, KnoxEmployee>(first.rows.map((r) => [r.epId, r]));
  const invalid = new Map<string, KnoxInvalidRecord>();
  const unidentified: KnoxInvalidRecord[] = [];
  const addInvalid = (records: readonly KnoxInvalidRecord[]) => {
    for (const r of records)
      if (!r.key) unidentified.push(r);
      else if (!rows.has(r.key)) invalid.set(r.key, r);
  };
  addInvalid(first.invalid);

  // 1. Heads and yesterday's people the read did not return, by id.
  const userIds = new Set(first.rows.map((r) => r.userId));
  const heads = [...new Set(input.organizations.rows.flatMap((o) => (o.managerId && !userIds.has(o.managerId) ? [o.managerId] : [])))];
  const yesterday = (input.previous?.epIds ?? []).filter((id) => !rows.has(id) && !invalid.has(id));
  const found: KnoxEmployee[] = [];
  const lookups: ({ userIds: string[] } | { epIds: string[] })[] = [
    ...(heads.length ? [{ userIds: heads }] : []),
    ...(yesterday.length ? [{ epIds: yesterday }] : []),
  ];
  for (const by of lookups) {
    const looked = await knox.getEmployees(by, { attributes, signal });
    calls += looked.calls;
    drifts.push(looked.drift);
    for (const r of looked.rows) if (r.companyCode === company && !rows.has(r.epId)) found.push(r);
    addInvalid(looked.invalid.filter((r) => r.key && !rows.has(r.key)));
  }
  const missed = [...new Map(found.map((r) => [r.epId, r])).values()];
  for (const r of missed) {
    rows.set(r.epId, r);
    invalid.delete(r.epId);
  }

  // 2. Why they were missed: a title that was not read, or a read that skipped them.
  const unlisted = [...new Set(missed.filter((r) => !units.includes(r.titleCode)).map((r) => r.titleCode))];
  const departments = [...new Set(missed.filter((r) => units.includes(r.titleCode)).map((r) => r.departmentCode))];
  const departmentCount = input.organizations.rows.length + input.organizations.invalid.length;
  const limit = Math.max(MAX_REREAD_DEPARTMENTS, Math.ceil(departmentCount * MAX_REREAD_SHARE));
  if (departments.length > limit)
    return {
      fallback: `${company}: the read by title missed ${missed.length - unlisted.length} people in ${departments.length} departments under titles it read (more than ${limit}), so it is not trusted`,
    };
  const more: KnoxListing<KnoxEmployee>[] = [];
  if (unlisted.length)
    more.push(
      await knox.listEmployeesByTitle(company, { titleCodes: unlisted, attributes, signal, onProgress: progress('unlisted titles') }),
    );
  if (departments.length)
    more.push(
      await knox.listEmployees(company, { departmentCodes: departments, attributes, signal, onProgress: progress('departments again') }),
    );
  for (const listing of more) {
    calls += listing.calls;
    drifts.push(listing.drift);
    // Read later, so fresher: their record wins.
    for (const r of listing.rows) {
      rows.set(r.epId, r);
      invalid.delete(r.epId);
    }
    addInvalid(listing.invalid);
  }

  return {
    rows: [...rows.values()],
    invalid: [...invalid.values(), ...unidentified],
    calls,
    drift: mergeDrift(drifts)[0] ?? first.drift,
    checks: {
      lookedUp: heads.length + yesterday.length,
      missed: missed.length,
      unlistedTitles: unlisted,
      departmentsReread: departments.length,
    },
  };
}
