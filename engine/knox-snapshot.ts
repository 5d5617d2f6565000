/**
 * The run's Knox snapshot. Each dataset is read from Knox at most once per run (by the first stage that
 * needs it) and kept in the staging store, so every stage of a run sees the same Knox, a retried or
 * resumed stage does not read Knox again, and workflow history carries only the counts.
 *
 * A dataset is stored as its summary (`knox/<dataset>.json`) naming chunks of SNAPSHOT_CHUNK_ROWS rows, each
 * a value of its own: no string or buffer ever holds a whole dataset (100,000 employees are ~45 MB of JSON,
 * and JSON.stringify and readFile each make a copy of about twice that beside the objects).
 */
import { randomUUID } from 'node:crypto';
import type { SyncSettings } from '../config/index.js';
import {
  departmentCodesOf,
  KNOX_USED_FIELDS,
  type KnoxClient,
  type KnoxEmployee,
  type KnoxInvalidRecord,
  type KnoxOrganization,
  type KnoxTitle,
} from '../knox/index.js';
import { boundDrift, mergeDrift, type DriftReport } from '../lib/drift.js';
import { SyncError } from './errors.js';
import { chooseEmployeeRead, readByTitle, recordEmployeeRead, type ByTitleRead } from './knox-read.js';
import type { EmployeeReadReport } from './types.js';
import { runFolder, type StagingStore } from '../store/index.js';
import type { KnoxDataset } from './pipeline.js';
import type { KnoxSnapshot } from './stages/spec.js';

type StoredInvalid = KnoxInvalidRecord & { company: string };

interface StoredDataset<T> {
  dataset: KnoxDataset;
  readAt: string;
  calls: number;
  rows: T[];
  invalid: StoredInvalid[];
  /** Rows per company: a company that answers with nothing is visible in the summary. */
  perCompany: Record<string, number>;
  /** Where Knox's records differ from the seed, over every company (never an item failure). */
  drift: DriftReport;
  /** Employees: how they were read (by title or per department, and why). Older snapshots have none. */
  read?: EmployeeReadReport;
}

/** As stored: the summary, naming the folder of its row chunks. Snapshots before chunks held `rows` inline. */
type StoredSummary = Omit<StoredDataset<unknown>, 'rows'> & ({ rows: unknown[] } | { rowsRef: string; rowCount: number; chunks: number });

/** Rows per stored chunk: ~2 MB of JSON for employees. */
export const SNAPSHOT_CHUNK_ROWS = 5_000;

export interface SnapshotSummary {
  dataset: KnoxDataset;
  rows: number;
  invalid: number;
  calls: number;
  perCompany: Record<string, number>;
  /** True when this call found the dataset already read for the run. */
  reused: boolean;
  /**
   * Drift of what this call read from Knox (a reused snapshot read nothing): the dataset's own, and the
   * organizations' too when reading employees read them first. Reported once per run and dataset.
   */
  drift?: DriftReport[];
  /** Employees, when this call read them: by title or per department, and why (once per run, as drift). */
  read?: EmployeeReadReport;
}

export function employeeAttributes(settings: SyncSettings): string[] {
  return [...new Set<string>([...KNOX_USED_FIELDS.employee, ...settings.additionalAttributes.map((a) => a.source)])];
}

const datasetKey = (runId: string, dataset: KnoxDataset) => `${runFolder(runId)}/knox/${dataset}.json`;

export interface SnapshotDeps {
  knox: KnoxClient;
  store: StagingStore;
  settings: SyncSettings;
  companyCodes: readonly string[];
}

/** Reads `dataset` from Knox for every configured company, unless this run already has it. */
export async function takeSnapshot(
  deps: SnapshotDeps,
  runId: string,
  dataset: KnoxDataset,
  options: {
    signal?: AbortSignal;
    onProgress?: (detail: unknown) => void;
    /** Employees: read them per department whatever sync.fullReadEvery says (the run's --full-read). */
    fullRead?: boolean;
  } = {},
): Promise<SnapshotSummary> {
  const key = datasetKey(runId, dataset);
  const existing = await readSnapshot(deps.store, runId, dataset);
  if (existing) {
    // A retry that stored the snapshot but stopped before recording the read records it now.
    if (dataset === 'employees') await recordRead(deps, runId, existing as StoredDataset<KnoxEmployee>);
    return summarize(existing, true);
  }

  const { signal } = options;
  let firstRead: SnapshotSummary[] = [];
  let stored: StoredDataset<unknown>;
  if (dataset === 'employees') {
    const read = await readEmployees(deps, runId, options);
    firstRead = read.firstRead;
    stored = read.stored;
  } else if (dataset === 'organizations') {
    stored = await readAll(dataset, deps.companyCodes, (company) => deps.knox.listOrganizations(company, { signal }));
  } else {
    stored = await readAll(dataset, deps.companyCodes, (company) => deps.knox.listTitles(company, { signal }));
  }
  await writeSnapshot(deps.store, key, stored);
  if (dataset === 'employees') await recordRead(deps, runId, stored as StoredDataset<KnoxEmployee>);
  const summary = summarize(stored, false);
  const drift = [...firstRead.flatMap((r) => r.drift ?? []), ...(summary.drift ?? [])];
  return { ...summary, ...(drift.length ? { drift } : {}) };
}

/**
 * The run's employees, by title (checked) or per department (engine/knox-read.ts decides which). The
 * organizations come first either way, from this run's snapshot: a per-department read enumerates them,
 * a by-title read checks their heads; a by-title read takes the titles snapshot too.
 */
async function readEmployees(
  deps: SnapshotDeps,
  runId: string,
  options: { signal?: AbortSignal; onProgress?: (detail: unknown) => void; fullRead?: boolean },
): Promise<{ stored: StoredDataset<KnoxEmployee>; firstRead: SnapshotSummary[] }> {
  const { signal, onProgress } = options;
  const firstRead = [await takeSnapshot(deps, runId, 'organizations', options)];
  const organizations = (await readSnapshot<KnoxOrganization>(deps.store, runId, 'organizations'))!;
  const orgsOf = (company: string) => ({
    rows: organizations.rows.filter((o) => o.companyCode === company),
    invalid: organizations.invalid.filter((i) => i.company === company),
    calls: 0,
  });
  const attributes = employeeAttributes(deps.settings);
  const choice = await chooseEmployeeRead(deps.store, deps.settings, deps.companyCodes, { fullRead: options.fullRead });

  const perDepartment = async (reason: string): Promise<StoredDataset<KnoxEmployee>> => {
    const stored = await readAll('employees', deps.companyCodes, (company) =>
      deps.knox.listEmployees(company, {
        // Departments whose record failed validation are enumerated too: their people must not look like leavers.
        departmentCodes: departmentCodesOf(orgsOf(company)),
        attributes,
        signal,
        onProgress: (p) => onProgress?.({ company, ...p }),
      }),
    );
    return { ...stored, read: { mode: 'department', reason, calls: stored.calls } };
  };
  if (choice.mode === 'department') return { stored: await perDepartment(choice.reason), firstRead };

  firstRead.push(await takeSnapshot(deps, runId, 'titles', options));
  const titles = (await readSnapshot<KnoxTitle>(deps.store, runId, 'titles'))!;
  const checks: NonNullable<EmployeeReadReport['checks']> = { lookedUp: 0, missed: 0, unlistedTitles: [], departmentsReread: 0 };
  const reads = new Map<string, ByTitleRead>();
  for (const company of deps.companyCodes) {
    const read = await readByTitle(deps.knox, company, {
      titles: {
        rows: titles.rows.filter((t) => (t.companyCode ?? company) === company),
        invalid: titles.invalid.filter((i) => i.company === company),
        calls: 0,
      },
      organizations: orgsOf(company),
      previous: choice.previous?.companies[company],
      attributes,
      signal,
      onProgress,
    });
    // One company's title read failing its checks sends the whole run to the complete read.
    if ('fallback' in read) return { stored: await perDepartment(read.fallback), firstRead };
    reads.set(company, read);
    checks.lookedUp += read.checks.lookedUp;
    checks.missed += read.checks.missed;
    checks.unlistedTitles.push(...read.checks.unlistedTitles.map((t) => (deps.companyCodes.length > 1 ? `${company}:${t}` : t)));
    checks.departmentsReread += read.checks.departmentsReread;
  }
  const stored = await readAll('employees', deps.companyCodes, async (company) => reads.get(company)!);
  return { stored: { ...stored, read: { mode: 'title', reason: choice.reason, calls: stored.calls, checks } }, firstRead };
}

/**
 * The rows first, in a folder of this write's own, then the summary that names them: a reader sees a snapshot
 * only once all of it is there, and of two workers racing on one snapshot the summary written first (keys are
 * written once) names the chunks every reader sees.
 */
async function writeSnapshot(store: StagingStore, key: string, stored: StoredDataset<unknown>): Promise<void> {
  const { rows, ...summary } = stored;
  const rowsRef = `${key.replace(/\.json$/, '')}-${randomUUID().slice(0, 8)}`;
  const chunks = Math.ceil(rows.length / SNAPSHOT_CHUNK_ROWS);
  for (let n = 0; n < chunks; n++)
    await store.writeJson(`${rowsRef}/rows-${n}.json`, rows.slice(n * SNAPSHOT_CHUNK_ROWS, (n + 1) * SNAPSHOT_CHUNK_ROWS));
  await store.writeJson(key, { ...summary, rowsRef, rowCount: rows.length, chunks } satisfies StoredSummary);
}

/** A run's snapshot of `dataset` with its rows, or undefined when the run has not read it. */
export async function readSnapshot<T>(store: StagingStore, runId: string, dataset: KnoxDataset): Promise<StoredDataset<T> | undefined> {
  const stored = await store.readJson<StoredSummary>(datasetKey(runId, dataset));
  if (!stored || 'rows' in stored) return stored as StoredDataset<T> | undefined;
  const { rowsRef, rowCount, chunks, ...summary } = stored;
  const rows: T[] = [];
  for (let n = 0; n < chunks; n++) {
    const chunk = await store.readJson<T[]>(`${rowsRef}/rows-${n}.json`);
    if (!chunk) throw new Error(`run ${runId}'s Knox ${dataset} snapshot has no chunk ${n} in the staging store (${store.root})`);
    for (const row of chunk) rows.push(row);
  }
  if (rows.length !== rowCount)
    throw new Error(`run ${runId}'s Knox ${dataset} snapshot holds ${rows.length} rows, its summary says ${rowCount}`);
  return { ...summary, rows };
}

function recordRead(deps: SnapshotDeps, runId: string, stored: StoredDataset<KnoxEmployee>): Promise<void> {
  return recordEmployeeRead(deps.store, runId, {
    readAt: stored.readAt,
    mode: stored.read?.mode ?? 'department',
    rows: stored.rows,
    invalid: stored.invalid,
    companies: Object.keys(stored.perCompany),
  });
}

async function readAll<T>(
  dataset: KnoxDataset,
  companies: readonly string[],
  read: (company: string) => Promise<{ rows: T[]; invalid: KnoxInvalidRecord[]; calls: number; drift: DriftReport }>,
): Promise<StoredDataset<T>> {
  const drifts: DriftReport[] = [];
  const stored: StoredDataset<T> = {
    dataset,
    readAt: new Date().toISOString(),
    calls: 0,
    rows: [],
    invalid: [],
    perCompany: {},
    drift: { dataset: `Knox ${dataset}`, records: 0, fields: [] },
  };
  for (const company of companies) {
    const listing = await read(company);
    drifts.push(listing.drift);
    for (const row of listing.rows) stored.rows.push(row);
    stored.invalid.push(...listing.invalid.map((i) => ({ ...i, company })));
    stored.calls += listing.calls;
    stored.perCompany[company] = listing.rows.length;
  }
  stored.drift = mergeDrift(drifts)[0] ?? stored.drift;
  // One company answering empty while others answer is a partial read, not an org: synced, it would
  // delete that company's part of WORKPLACE below the deletion guard's threshold. (All empty is the
  // guard's case: it holds the deletions for an operator.)
  const empty = companies.filter((company) => stored.perCompany[company] === 0);
  if (empty.length > 0 && stored.rows.length > 0) {
    throw new SyncError(
      'KNOX_COMPANY_EMPTY',
      `Knox returned no ${dataset} for ${empty.join(', ')} but did for the other companies: refusing a partial read. If ${empty.join(', ')} really has none, remove it from KNOX_COMPANY_CODES`,
      true,
    );
  }
  return stored;
}

function summarize(stored: StoredDataset<unknown>, reused: boolean): SnapshotSummary {
  return {
    dataset: stored.dataset,
    rows: stored.rows.length,
    invalid: stored.invalid.length,
    calls: stored.calls,
    perCompany: stored.perCompany,
    reused,
    // Older snapshots (before drift was kept) have none.
    ...(!reused && stored.drift?.fields.length ? { drift: [boundDrift(stored.drift)] } : {}),
    ...(!reused && stored.read ? { read: stored.read } : {}),
  };
}

/**
 * Per-process cache: a run's snapshot never changes, and five stages read the employees one. Least
 * recently used first out, and three entries: one run's datasets. A worker that planned yesterday's run
 * no longer holds its employees (about 150 MB as objects at 100,000) beside today's; a worker serving
 * two runs at once reads a snapshot again now and then, and still sees the same one.
 */
const cache = new Map<string, Promise<StoredDataset<unknown> | undefined>>();
export const SNAPSHOT_CACHE_LIMIT = 3;

function load<T>(store: StagingStore, runId: string, dataset: KnoxDataset): Promise<StoredDataset<T>> {
  const key = `${store.root}|${datasetKey(runId, dataset)}`;
  let loaded = cache.get(key);
  if (loaded) cache.delete(key);
  else loaded = readSnapshot<unknown>(store, runId, dataset);
  // Most recently used last.
  cache.set(key, loaded);
  while (cache.size > SNAPSHOT_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return loaded.then((found) => {
    if (!found) {
      cache.delete(key);
      throw new Error(`run ${runId} has no Knox ${dataset} snapshot in the staging store (${store.root})`);
    }
    return found as StoredDataset<T>;
  });
}

/** How many snapshots the cache holds now (tests). */
export const cachedSnapshots = () => cache.size;

export function snapshotReader(store: StagingStore, runId: string): KnoxSnapshot {
  return {
    titles: async () => (await load<KnoxTitle>(store, runId, 'titles')).rows,
    organizations: async () => (await load<KnoxOrganization>(store, runId, 'organizations')).rows,
    employees: async () => (await load<KnoxEmployee>(store, runId, 'employees')).rows,
    invalid: async (dataset) => (await load<unknown>(store, runId, dataset)).invalid,
  };
}

/**
 * Seed 000: a stage whose whole source fails stops the batch. A dataset where every record, or more
 * than `maxFailureShare` of them, failed validation is not an org with a few bad records but a Knox that
 * answers differently from what orgsync reads: planning on it would write nothing right (or delete what
 * the invalid records hid), so the stage fails, naming the dataset, the count and the most common reason.
 */
export async function assertUsable(snapshot: KnoxSnapshot, dataset: KnoxDataset, maxFailureShare: number): Promise<void> {
  const invalid = await snapshot.invalid(dataset);
  if (invalid.length === 0) return;
  const valid = (await snapshot[dataset]()).length;
  const total = valid + invalid.length;
  if (valid > 0 && invalid.length / total <= maxFailureShare) return;
  const reasons = new Map<string, number>();
  for (const record of invalid) for (const issue of new Set(record.issues)) reasons.set(issue, (reasons.get(issue) ?? 0) + 1);
  const [reason, count] = [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? ['unknown', 0];
  const which =
    valid === 0
      ? `all ${total} records are invalid`
      : `${invalid.length} of ${total} records are invalid, more than the allowed ${Math.round(maxFailureShare * 100)}%`;
  throw new SyncError(
    'KNOX_SOURCE_UNUSABLE',
    `Knox ${dataset} are unusable: ${which}; most common reason: ${reason} (${count} of them)`,
    false,
  );
}
