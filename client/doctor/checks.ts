/**
 * `orgsync doctor`'s checks: the calls a preflight makes, over the real clients (injected, so a test
 * points them at the simulators), each outcome read by verdicts.ts into one line. Reads only, except
 * `writeProbe`, which the command runs only with --write-probe.
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { KnoxConfig, SyncSettings, TemporalConfig } from '../../config/index.js';
import type { ExchangeListener } from '../../lib/http-transport.js';
import type { DriftReport } from '../../lib/drift.js';
import type { StageName } from '../../lib/stages.js';
import type { KnoxClient, KnoxListing } from '../../knox/index.js';
import {
  routeConfigKey,
  WorkplaceAlreadyExistsError,
  WorkplaceAuthError,
  WorkplaceError,
  WorkplaceNetworkError,
  WorkplaceNotFoundError,
  type RouteName,
  type WorkplaceClient,
  type WorkplaceListing,
  type WorkplaceProtocol,
} from '../../workplace/index.js';
import { writeTaskQueue } from '../../workflows/definitions.js';
import type { CapturedExchange, CapturedSystem } from './capture.js';
import {
  clockSkewMs,
  clockVerdict,
  driftVerdict,
  knoxReading,
  listingVerdict,
  oneLine,
  paceVerdict,
  workplaceReading,
  type Check,
  type ClockSample,
  whatWentWrong,
} from './verdicts.js';

/** Every exchange the doctor made, in order: for --capture, for the clock check, and for evidence. */
export class ExchangeLog {
  readonly exchanges: CapturedExchange[] = [];
  readonly clock: ClockSample[] = [];

  constructor(private readonly onExchange?: (exchange: CapturedExchange) => void) {}

  listener(system: CapturedSystem): ExchangeListener {
    return (exchange) => {
      const captured: CapturedExchange = { ...exchange, system, seq: this.exchanges.length + 1 };
      this.exchanges.push(captured);
      if (system === 'workplace' && exchange.date)
        this.clock.push({ date: exchange.date, receivedAt: Date.now(), durationMs: exchange.durationMs });
      this.onExchange?.(captured);
    };
  }

  /** How many exchanges so far: a mark for `answeredSince`. */
  mark(): number {
    return this.exchanges.length;
  }

  /** `HTTP 200` (or `HTTP 200, 400`) for the answers since `mark`. */
  answeredSince(mark: number): string {
    const statuses = [...new Set(this.exchanges.slice(mark).flatMap((e) => (e.status === undefined ? [] : [e.status])))];
    return statuses.length ? `HTTP ${statuses.join(', ')}` : 'no answer';
  }
}

const skipped = (id: string, title: string, because: string): Check => ({
  id,
  status: 'skipped',
  title,
  evidence: `not tried: ${because}`,
});

// ── Temporal ──────────────────────────────────────────────────────────────────────────────────────

const { TaskQueueType } = proto.temporal.api.enums.v1;

/** The server answers, the namespace exists, and workers poll both task queues (the main one, and WORKPLACE's writes). */
export async function temporalChecks(connect: () => Promise<Client>, temporal: TemporalConfig): Promise<Check[]> {
  const reach = { id: 'temporal.reachable', title: 'Temporal reachable' };
  const workers = { id: 'temporal.workers', title: 'workers poll both task queues' };
  let client: Client;
  let version = '';
  try {
    client = await connect();
    const info = await client.workflowService.getSystemInfo({});
    version = info.serverVersion ? `, server ${info.serverVersion}` : '';
  } catch (error) {
    return [
      { ...reach, status: 'failed', evidence: `${temporal.address}: ${oneLine(error)}`, configKey: 'TEMPORAL_ADDRESS' },
      skipped(workers.id, workers.title, 'Temporal is not reachable'),
    ];
  }
  try {
    await client.workflowService.describeNamespace({ namespace: temporal.namespace });
  } catch (error) {
    return [
      {
        ...reach,
        status: 'failed',
        evidence: `namespace ${temporal.namespace} at ${temporal.address}: ${oneLine(error)}`,
        configKey: 'TEMPORAL_NAMESPACE',
      },
      skipped(workers.id, workers.title, 'the namespace cannot be read'),
    ];
  }
  const reachable: Check = { ...reach, status: 'ok', evidence: `${temporal.address}, namespace ${temporal.namespace}${version}` };

  // The main worker runs workflows and the Knox/planning activities; the write worker runs WORKPLACE writes on its own queue.
  const queues = [
    { name: temporal.taskQueue, type: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, what: 'workflow' },
    { name: temporal.taskQueue, type: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, what: 'activity' },
    { name: writeTaskQueue(temporal.taskQueue), type: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, what: 'activity' },
  ];
  const counts: { queue: string; what: string; pollers: number }[] = [];
  try {
    for (const q of queues) {
      const described = await client.workflowService.describeTaskQueue({
        namespace: temporal.namespace,
        taskQueue: { name: q.name, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: q.type,
      });
      counts.push({ queue: q.name, what: q.what, pollers: described.pollers?.length ?? 0 });
    }
  } catch (error) {
    return [reachable, { ...workers, status: 'failed', evidence: `DescribeTaskQueue: ${oneLine(error)}` }];
  }
  const evidence = counts.map((c) => `${c.queue} ${c.pollers} ${c.what} poller(s)`).join(', ');
  const idle = counts.filter((c) => c.pollers === 0);
  if (idle.length === 0) return [reachable, { ...workers, status: 'ok', evidence }];
  return [
    reachable,
    {
      ...workers,
      status: 'failed',
      evidence: `${evidence}: nobody polls ${[...new Set(idle.map((c) => c.queue))].join(' and ')}`,
      configKey: 'ORGSYNC_TASK_QUEUE',
      hint: 'start a worker (`orgsync worker`), or set ORGSYNC_TASK_QUEUE to the queue the workers poll',
    },
  ];
}

// ── Knox ──────────────────────────────────────────────────────────────────────────────────────────

/** Departments tried, at most, to find one with employees. */
const DEPARTMENTS_TRIED = 3;

/**
 * The System-ID and extra headers are accepted; titles, the first page of organizations and one
 * department's employees parse; the drift summary over what was read. The first company only.
 */
export async function knoxChecks(knox: KnoxClient, config: KnoxConfig): Promise<Check[]> {
  const company = config.companyCodes[0]!;
  const headerNames = Object.keys(config.headers);
  const auth = {
    id: 'knox.auth',
    title: `Knox accepts the System-ID${headerNames.length ? ` and headers (${headerNames.join(', ')})` : ''}`,
  };
  const titlesId = { id: 'knox.titles', title: `Knox titles of ${company} parse` };
  const orgsId = { id: 'knox.organizations', title: `Knox organizations of ${company} (first page) parse` };
  const empsId = { id: 'knox.employees', title: 'Knox employees of one department parse' };
  const driftId = { id: 'knox.drift', title: 'Knox drift' };
  const checks: Check[] = [];
  const drift: DriftReport[] = [];

  let titles: KnoxListing<unknown>;
  try {
    titles = await knox.listTitles(company);
  } catch (error) {
    const reading = knoxReading(error, 'knox.protocol.paths.titles');
    const refused = error instanceof Error && (error.name === 'KnoxAuthError' || error.name === 'KnoxNetworkError');
    if (refused)
      return [
        { ...auth, status: 'failed', ...reading },
        skipped(titlesId.id, titlesId.title, 'Knox refused the call'),
        skipped(orgsId.id, orgsId.title, 'Knox refused the call'),
        skipped(empsId.id, empsId.title, 'Knox refused the call'),
      ];
    // Knox answered, so the System-ID got through; the titles call itself is what failed.
    checks.push({ ...auth, status: 'ok', evidence: `Knox answered ${knox.stats().calls} call(s) without refusing them` });
    checks.push({ ...titlesId, status: 'failed', ...reading });
    titles = { rows: [], invalid: [], calls: 0, drift: { dataset: 'Knox titles', records: 0, fields: [] } };
  }
  if (checks.length === 0) {
    checks.push({
      ...auth,
      status: 'ok',
      evidence: `GET /titles answered (HTTP 200, result success) with System-ID${headerNames.length ? ` and ${headerNames.length} extra header(s)` : ''}`,
    });
    checks.push({ ...titlesId, ...listingVerdict('titles', titles.rows.length, titles.invalid) });
    drift.push(titles.drift);
  }

  let departmentCodes: string[] = [];
  try {
    const organizations = await knox.listOrganizations(company, { pages: 1 });
    checks.push({ ...orgsId, ...listingVerdict('departments', organizations.rows.length, organizations.invalid, ' on the first page') });
    drift.push(organizations.drift);
    departmentCodes = [...organizations.rows.map((o) => o.departmentCode), ...organizations.invalid.flatMap((i) => (i.key ? [i.key] : []))];
  } catch (error) {
    checks.push({ ...orgsId, status: 'failed', ...knoxReading(error, 'knox.protocol.paths.organizations') });
  }

  if (departmentCodes.length === 0) {
    checks.push(
      checks.some((c) => c.id === orgsId.id && c.status === 'failed')
        ? skipped(empsId.id, empsId.title, 'no department was read')
        : {
            ...empsId,
            status: 'warning',
            evidence: `Knox lists no department for ${company}, so no employee could be read`,
            configKey: 'KNOX_COMPANY_CODES',
          },
    );
  } else {
    try {
      let read: { code: string; listing: KnoxListing<unknown> } | undefined;
      for (const code of departmentCodes.slice(0, DEPARTMENTS_TRIED)) {
        read = { code, listing: await knox.listEmployees(company, { departmentCodes: [code] }) };
        if (read.listing.rows.length + read.listing.invalid.length > 0) break;
      }
      const { code, listing } = read!;
      drift.push(listing.drift);
      const verdict = listingVerdict('employees', listing.rows.length, listing.invalid, ` in department ${code}`);
      checks.push(
        verdict.evidence.startsWith('0 ')
          ? {
              ...empsId,
              status: 'warning',
              evidence: `the first ${Math.min(DEPARTMENTS_TRIED, departmentCodes.length)} department(s) have no employees, so none was read`,
            }
          : { ...empsId, ...verdict },
      );
    } catch (error) {
      checks.push({ ...empsId, status: 'failed', ...knoxReading(error, 'knox.protocol.paths.employees') });
    }
  }

  checks.push({ ...driftId, ...driftVerdict('Knox', drift) });
  return checks;
}

// ── WORKPLACE ─────────────────────────────────────────────────────────────────────────────────────

export interface WorkplaceCheckDeps {
  workplace: WorkplaceClient;
  protocol: WorkplaceProtocol;
  settings: SyncSettings;
  log: ExchangeLog;
  signatureVersion: 'v1' | 'v2';
  /** WORKPLACE_PACE_MARGIN_MS, which the pace check measures against. */
  paceMarginMs: number;
}

/** Identical one-row reads the pace check times. */
const PACE_READS = 5;

/** Employees tried, at most, to find one with a Reports To. */
const EMPLOYEES_TRIED = 5;

interface ListSpec {
  id: string;
  title: string;
  what: string;
  route: RouteName;
  stage: StageName;
  read(): Promise<WorkplaceListing<{ externalKey?: string | undefined }>>;
  /** Get-one, where WORKPLACE has it (the four v2 entities). */
  get?(key: string): Promise<unknown>;
}

/**
 * The signature is accepted; the clock agrees with WORKPLACE's; every list parses; one existing key
 * of each entity reads by get-one; the representative-admin check, one employee's Reports To and
 * attribute values read; the drift summary. A missing route is told apart from a missing record.
 */
export async function workplaceChecks({
  workplace: w,
  protocol,
  settings,
  log,
  signatureVersion,
  paceMarginMs,
}: WorkplaceCheckDeps): Promise<Check[]> {
  const lists: ListSpec[] = [
    {
      id: 'grade',
      title: 'grade list (직급)',
      what: 'grades',
      route: 'grade',
      stage: 'grades',
      read: () => w.grades.list({ pages: 1 }),
      get: (k) => w.grades.get(k),
    },
    {
      id: 'job',
      title: 'job list (직책)',
      what: 'jobs',
      route: 'job',
      stage: 'jobTitles',
      read: () => w.jobs.list({ pages: 1 }),
      get: (k) => w.jobs.get(k),
    },
    {
      id: 'department',
      title: 'department list (부서)',
      what: 'departments',
      route: 'department',
      stage: 'departments',
      read: () => w.departments.list({ pages: 1 }),
      get: (k) => w.departments.get(k),
    },
    {
      id: 'employee',
      title: 'employee list (사원)',
      what: 'employees',
      route: 'employee',
      stage: 'employees',
      read: () => w.employees.list({ pages: 1 }),
      get: (k) => w.employees.get(k),
    },
    {
      id: 'addattrs',
      title: 'additional attribute list (addattrs)',
      what: 'definitions',
      route: 'attributeDefinitionList',
      stage: 'additionalAttributes',
      read: () => w.attributeDefinitions.list(),
    },
    {
      id: 'absences',
      title: 'absence item list (부재항목)',
      what: 'absence items',
      route: 'absenceList',
      stage: 'absenceItems',
      read: () => w.absences.list(),
    },
  ];
  const signature = { id: 'workplace.signature', title: `WORKPLACE accepts the signature (${signatureVersion})` };
  const clock = { id: 'workplace.clock', title: "clock skew against WORKPLACE's Date header" };
  /** A failure of something only a stage that is off needs is a warning: no run will make that call. */
  const unlessOff = (check: Check, stage: StageName): Check =>
    check.status === 'failed' && !settings.stages[stage]
      ? { ...check, status: 'warning', hint: `the ${stage} stage is off (sync.stages.${stage}: false), so no run makes this call` }
      : check;

  const listChecks: Check[] = [];
  const readLists = new Map<string, WorkplaceListing<{ externalKey?: string | undefined }>>();
  let refusal: WorkplaceError | undefined;
  for (const spec of lists) {
    const id = `workplace.list.${spec.id}`;
    const title = `WORKPLACE ${spec.title} parses`;
    if (refusal) {
      listChecks.push(
        skipped(id, title, refusal instanceof WorkplaceAuthError ? 'the signature was refused' : 'WORKPLACE is not reachable'),
      );
      continue;
    }
    const mark = log.mark();
    try {
      const listing = await spec.read();
      readLists.set(spec.id, listing);
      const verdict = listingVerdict(
        spec.what,
        listing.rows.length,
        listing.unreadable,
        spec.route === 'attributeDefinitionList' || spec.route === 'absenceList' ? '' : ' on the first page',
      );
      listChecks.push({ id, title, ...verdict, evidence: `${verdict.evidence} (${log.answeredSince(mark)})` });
    } catch (error) {
      if (error instanceof WorkplaceAuthError || error instanceof WorkplaceNetworkError) refusal = error;
      listChecks.push(
        unlessOff({ id, title, status: 'failed', ...workplaceReading(error, listKey(error, protocol, spec.route)) }, spec.stage),
      );
    }
  }

  const checks: Check[] = [];
  // The gateway routes before it authenticates (§1.7), so only an answer from WORKPLACE itself (2xx, or its 400) proves the signature.
  const past = log.exchanges.find((e) => e.system === 'workplace' && e.status !== undefined && e.status < 401);
  if (refusal) checks.push({ ...signature, status: 'failed', ...workplaceReading(refusal) });
  else if (past) checks.push({ ...signature, status: 'ok', evidence: `${past.method} ${past.path} → HTTP ${past.status}` });
  else checks.push({ ...signature, status: 'failed', evidence: 'no request got past the gateway (every list call failed; see below)' });
  const skew = clockSkewMs(log.clock);
  checks.push({ ...clock, ...clockVerdict(skew, protocol.signing.maxClockSkewMs) });
  checks.push(...listChecks);
  if (refusal) return checks;
  checks.push(pagingCheck([...readLists.values()], protocol.paging));
  checks.push({
    id: 'workplace.pace',
    title: 'WORKPLACE arrivals stay within the pace margin',
    ...(await paceReading(w, log, paceMarginMs)),
  });

  // Get-one of an existing key: a "not found" for a key the list just showed means the path or the message patterns are off.
  for (const spec of lists) {
    if (!spec.get) continue;
    const id = `workplace.get.${spec.id}`;
    const title = `WORKPLACE reads one ${spec.id} by key`;
    const listing = readLists.get(spec.id);
    const key = listing?.rows[0]?.externalKey;
    if (!listing) checks.push(skipped(id, title, 'its list could not be read'));
    else if (!key)
      checks.push({
        id,
        title,
        status: 'warning',
        evidence: `WORKPLACE has no ${spec.what} yet, so there is no key to read (a first run creates them)`,
      });
    else checks.push(unlessOff(await getOne(id, title, key, spec, log), spec.stage));
  }

  const employees = (readLists.get('employee')?.rows ?? []).flatMap((e) => (e.externalKey ? [e.externalKey] : []));
  const noEmployee = (id: string, title: string): Check =>
    readLists.has('employee')
      ? { id, title, status: 'warning', evidence: 'WORKPLACE has no employees yet, so there is no one to read' }
      : skipped(id, title, 'the employee list could not be read');

  // Representative admin (§2.11): the guard that keeps a run from deleting WORKPLACE's representative administrator.
  {
    const id = 'workplace.representativeAdmin';
    const title = 'WORKPLACE representative-admin check (auth)';
    const key = employees[0];
    if (!key) checks.push(noEmployee(id, title));
    else {
      const mark = log.mark();
      try {
        const yes = await w.isRepresentativeAdmin(key);
        checks.push({ id, title, status: 'ok', evidence: `${key}: reprYn ${yes ? 'Y' : 'N'} (${log.answeredSince(mark)})` });
      } catch (error) {
        checks.push(
          unlessOff({ id, title, status: 'failed', ...workplaceReading(error, routeConfigKey('representativeAdmin')) }, 'employees'),
        );
      }
    }
  }

  // Reports To: the route's assumption (Decisions table); no manager (empty, or "not found") is a missing record, not a missing route.
  {
    const id = 'workplace.reportsTo';
    const title = 'WORKPLACE reads Reports To';
    if (employees.length === 0) checks.push(noEmployee(id, title));
    else {
      const mark = log.mark();
      try {
        let found: [string, string] | undefined;
        const tried = employees.slice(0, EMPLOYEES_TRIED);
        for (const key of tried) {
          const manager = await w.reportsTo.get(key);
          if (manager) {
            found = [key, manager];
            break;
          }
        }
        checks.push({
          id,
          title,
          status: 'ok',
          evidence: found
            ? `${found[0]} reports to ${found[1]} (${log.answeredSince(mark)})`
            : `none of ${tried.join(', ')} has a Reports To yet (${log.answeredSince(mark)}: the route answers, so it is a missing record, not a missing route)`,
        });
      } catch (error) {
        checks.push(unlessOff({ id, title, status: 'failed', ...workplaceReading(error, routeConfigKey('reportsTo')) }, 'reportsTo'));
      }
    }
  }

  // Attribute values (§2.8): one employee's value of each configured attribute; "set" or "not set", never the value (it may be personal).
  {
    const id = 'workplace.attributeValues';
    const title = 'WORKPLACE reads attribute values (addattrdata)';
    const attributes = settings.additionalAttributes;
    const key = employees[0];
    if (attributes.length === 0)
      checks.push({
        id,
        title,
        status: 'ok',
        evidence: 'no additional attributes are configured (sync.additionalAttributes): nothing to read',
      });
    else if (!key) checks.push(noEmployee(id, title));
    else {
      const mark = log.mark();
      try {
        const seen: string[] = [];
        for (const attribute of attributes) {
          const value = await w.attributeValues.get(key, attribute.key);
          seen.push(`${attribute.key} ${value?.fieldData ? 'set' : 'not set'}`);
        }
        checks.push({ id, title, status: 'ok', evidence: `${key}: ${seen.join(', ')} (${log.answeredSince(mark)})` });
      } catch (error) {
        checks.push(
          unlessOff({ id, title, status: 'failed', ...workplaceReading(error, routeConfigKey('attributeValue')) }, 'additionalAttributes'),
        );
      }
    }
  }

  checks.push({
    id: 'workplace.drift',
    title: 'WORKPLACE drift',
    ...driftVerdict(
      'WORKPLACE',
      [...readLists.values()].map((l) => l.drift),
    ),
  });
  return checks;
}

/** PACE_READS identical one-row grade reads, back to back through the pacer: the spread of their round trips. */
async function paceReading(w: WorkplaceClient, log: ExchangeLog, marginMs: number): Promise<Omit<Check, 'id' | 'title'>> {
  const mark = log.mark();
  try {
    for (let i = 0; i < PACE_READS; i++) await w.grades.list({ pageSize: 1, pages: 1 });
  } catch (error) {
    return { status: 'warning', ...workplaceReading(error), hint: 'not measured: the one-row grade list failed' };
  }
  const answered = log.exchanges.slice(mark).filter((e) => e.system === 'workplace' && e.status !== undefined);
  return paceVerdict(
    answered.map((e) => e.durationMs),
    marginMs,
  );
}

async function getOne(id: string, title: string, key: string, spec: ListSpec, log: ExchangeLog): Promise<Check> {
  const mark = log.mark();
  try {
    const record = await spec.get!(key);
    if (record !== undefined) return { id, title, status: 'ok', evidence: `${key} (${log.answeredSince(mark)})` };
    return {
      id,
      title,
      status: 'failed',
      evidence: `the list shows ${key}, but get-one answers "not found" (${log.answeredSince(mark)})`,
      configKey: `${routeConfigKey(spec.route)} (or workplace.protocol.messages.notFound)`,
    };
  } catch (error) {
    return { id, title, status: 'failed', ...workplaceReading(error, routeConfigKey(spec.route)) };
  }
}

/** §5 Q11: whether WORKPLACE answered a page of `paging.pageSize` rows (whole or capped), or refused it with a 400. */
function pagingCheck(listings: readonly { pageSizeRefused?: number }[], paging: WorkplaceProtocol['paging']): Check {
  const id = 'workplace.paging';
  const title = `WORKPLACE answers list pages of paging.pageSize (${paging.pageSize})`;
  if (listings.length === 0) return skipped(id, title, 'no list could be read');
  const refused = listings.find((l) => l.pageSizeRefused !== undefined)?.pageSizeRefused;
  if (refused === undefined)
    return { id, title, status: 'ok', evidence: `limit=${paging.pageSize} answered (a capped page is read on by offset)` };
  return {
    id,
    title,
    status: 'warning',
    evidence: `limit=${refused} refused with HTTP 400; the lists were read at paging.fallbackPageSize (${paging.fallbackPageSize}), one refused request more per run`,
    configKey: 'workplace.protocol.paging.pageSize',
  };
}

/** The setting a failed list depends on: its path, or the list's field names when the page did not read. */
function listKey(error: unknown, protocol: WorkplaceProtocol, route: RouteName): string {
  if (error instanceof WorkplaceError && error.code === 'WORKPLACE_BAD_RESPONSE' && error.field) {
    const field = error.field.split(/[.[]/)[0];
    if (field === protocol.listFields.elements || field === protocol.listFields.totalCount) return 'workplace.protocol.listFields';
  }
  return routeConfigKey(route);
}

// ── the write probe ───────────────────────────────────────────────────────────────────────────────

/** `orgsync-probe-20261201-020304`: unmistakable, within the 36-character key limit, and a valid grade name. */
export function probeKey(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `orgsync-probe-${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}`;
}

export const probeDescription = (key: string) =>
  `--write-probe: creates grade (직급) ${key} (not in use), reads it back, posts it again ("already exists"), renames it, deletes it and deletes it again ("not found")`;

/**
 * Creates, reads back, updates and deletes one throwaway grade, proving the grade path, each verb, the
 * body and both upsert messages (workplace.md Decisions "upsert"). Whatever fails, the grade is deleted
 * before returning; if that fails too, a check says so with the key to delete by hand.
 */
export async function writeProbe(w: WorkplaceClient, key: string, log: ExchangeLog): Promise<Check[]> {
  const checks: Check[] = [];
  const body = { name: key, i18nNames: { en_US: 'orgsync doctor probe (deleted at once)' }, itemUsed: false, sortOrder: '' };
  const step = async (id: string, title: string, fallbackKey: string, work: () => Promise<Omit<Check, 'id' | 'title'>>) => {
    const mark = log.mark();
    try {
      const outcome = await work();
      checks.push({ id: `probe.${id}`, title, ...outcome, evidence: `${outcome.evidence} (${log.answeredSince(mark)})` });
      return outcome.status !== 'failed';
    } catch (error) {
      checks.push({ id: `probe.${id}`, title, status: 'failed', ...workplaceReading(error, fallbackKey) });
      return false;
    }
  };
  const gradeKey = routeConfigKey('grade');
  let exists = false;
  let deleted = false;
  try {
    exists = await step('create', `probe: POST grade ${key}`, gradeKey, async () => {
      await w.grades.create(key, body);
      return { status: 'ok', evidence: 'created' };
    });
    if (!exists) return checks;
    await step('readBack', 'probe: read it back', gradeKey, async () => {
      const read = await w.grades.get(key);
      if (!read)
        return {
          status: 'failed',
          evidence: 'get-one answers "not found" right after the create',
          configKey: `${gradeKey} (or workplace.protocol.messages.notFound)`,
        };
      return read.name === key
        ? { status: 'ok', evidence: `name ${read.name}` }
        : { status: 'failed', evidence: `name reads back as "${read.name}"`, configKey: gradeKey };
    });
    await step('alreadyExists', 'probe: POST it again is "already exists"', 'workplace.protocol.messages.alreadyExists', async () => {
      try {
        await w.grades.create(key, body);
      } catch (error) {
        if (error instanceof WorkplaceAlreadyExistsError)
          return {
            status: 'ok',
            evidence: `"${error.workplaceMessage ?? ''}" matches workplace.protocol.messages.alreadyExists: a rerun switches to PUT`,
          };
        if (error instanceof WorkplaceError && error.status === 400 && error.gatewayCode === undefined)
          return {
            status: 'failed',
            evidence: `WORKPLACE said "${error.workplaceMessage ?? whatWentWrong(error)}", which no pattern matches: a rerun would fail instead of switching to PUT`,
            configKey: 'workplace.protocol.messages.alreadyExists',
          };
        throw error;
      }
      return {
        status: 'warning',
        evidence: 'WORKPLACE accepted a second POST of an existing key (it upserts): the verb switch is never needed',
      };
    });
    await step('update', 'probe: PUT renames it', gradeKey, async () => {
      const renamed = `${key}-r`.slice(0, 100);
      await w.grades.update(key, { ...body, name: renamed });
      const read = await w.grades.get(key);
      return read?.name === renamed
        ? { status: 'ok', evidence: `name ${renamed}` }
        : { status: 'failed', evidence: `PUT answered, but the name reads back as "${read?.name ?? '(not found)'}"`, configKey: gradeKey };
    });
    deleted = await step('delete', 'probe: DELETE removes it', gradeKey, async () => {
      await w.grades.remove(key);
      const read = await w.grades.get(key);
      return read === undefined
        ? { status: 'ok', evidence: 'deleted; get-one then answers "not found"' }
        : { status: 'failed', evidence: 'DELETE answered, but get-one still reads it', configKey: gradeKey };
    });
    if (deleted)
      await step('notFound', 'probe: DELETE again is "not found"', 'workplace.protocol.messages.notFound', async () => {
        try {
          await w.grades.remove(key);
        } catch (error) {
          if (error instanceof WorkplaceNotFoundError)
            return {
              status: 'ok',
              evidence: `"${error.workplaceMessage ?? ''}" matches workplace.protocol.messages.notFound: a deletion already done counts as done`,
            };
          if (error instanceof WorkplaceError && error.status === 400 && error.gatewayCode === undefined)
            return {
              status: 'failed',
              evidence: `WORKPLACE said "${error.workplaceMessage ?? whatWentWrong(error)}", which no pattern matches: updates of missing keys would fail instead of switching to POST`,
              configKey: 'workplace.protocol.messages.notFound',
            };
          throw error;
        }
        return { status: 'warning', evidence: 'WORKPLACE answered a DELETE of a missing key with success' };
      });
  } finally {
    if (exists && !deleted) {
      try {
        await w.grades.remove(key);
      } catch (error) {
        if (!(error instanceof WorkplaceNotFoundError))
          checks.push({
            id: 'probe.cleanup',
            title: 'probe: the throwaway grade is gone',
            status: 'failed',
            ...workplaceReading(error),
            hint: `delete grade ${key} in WORKPLACE by hand`,
          });
      }
    }
  }
  return checks;
}
