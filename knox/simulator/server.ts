/**
 * A Knox Portal over real HTTP (node:http) for tests, the demo and benchmarks: /titles, /organizations
 * and /employees with every rule of the seed (rules.ts), the 500-row page and the silent 2,000-row cap,
 * other readings of the seed (dialect.ts), fault modes, and a request log. It shares only
 * knox/assumptions.ts with the client.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { serve } from '../../lib/http-server.js';
import {
  CAPPED_RESPONSE_REPORTS_RETURNED_ROWS,
  EMPLOYEES_METHOD,
  ERROR_FIELDS,
  FIRST_PAGE,
  KNOX_PATHS,
  MISSING_SYSTEM_ID_STATUS,
  NAME_SEARCH_KEYS,
  PAGE_SIZE,
  SYSTEM_ID_HEADER,
  UNPAGED_CAP,
} from '../assumptions.js';
import { inDialect, isLiteral, SEED_DIALECT, type KnoxDialect, type KnoxRecordSet } from './dialect.js';
import { employeeSearch, organizationSearch, refuse, titleSearch, type KnoxCode, type Query, type Refusal } from './rules.js';
import { KnoxStore, type KnoxRecord, type SimulatedOrg } from './store.js';

export type { KnoxDialect } from './dialect.js';
export type { SimulatedOrg } from './store.js';

export interface KnoxSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** When set, any other System-ID is refused (401). */
  systemId?: string;
  /** An API gateway in front of Knox: this header must carry this value (403 otherwise). */
  gateway?: { header: string; value: string };
  org: SimulatedOrg | readonly SimulatedOrg[];
  /** How records go on the wire (dialect.ts); default: the seed read literally, empty values as ''. */
  dialect?: KnoxDialect;
}

export interface KnoxLogEntry {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  code?: string;
}

export interface KnoxFaults {
  /** EM0010 / ORG0010 (500) on everything. */
  outage(on: boolean): void;
  /** Every answer waits this long. */
  latencyMs(ms: number): void;
  /** 0 departments and 0 employees (titles stay). */
  emptyOrg(on: boolean): void;
  /** Serves this employee with `field` set to `value` (undefined removes it). */
  breakRecord(epId: string, field: string, value: unknown): void;
  /** Pages after the first see one more row (someone joined mid-read): totalCount changes and a row repeats. */
  shiftPaging(on: boolean): void;
  /** 429 with Retry-After on everything. */
  throttle(on: boolean, retryAfterSeconds?: number): void;
  /** Closes the connection without an answer. */
  hangUp(on: boolean): void;
  /** 200 with an HTML page instead of JSON (a proxy's error page). */
  garbage(on: boolean): void;
  /** 400 whose message repeats every request header, as a careless gateway's error page might. */
  echoHeaders(on: boolean): void;
  /**
   * A Knox whose title search silently leaves these employees out (companyCode + titleCode): totalCount
   * and the pages agree with the rows served, so only a completeness check can notice. Other searches
   * still return them. Cumulative; clear() ends it.
   */
  hideFromTitleSearch(epIds: readonly string[]): void;
  clear(): void;
}

export interface KnoxSimulator {
  url: string;
  close(): Promise<void>;
  setOrg(org: SimulatedOrg | readonly SimulatedOrg[]): void;
  /** Serves every later answer in this dialect (`{}`: the seed read literally). */
  setDialect(dialect: KnoxDialect): void;
  faults: KnoxFaults;
  log(): KnoxLogEntry[];
  counters(): { total: number; byPath: Record<string, number> };
  clearLog(): void;
}

interface FaultState {
  outage: boolean;
  latencyMs: number;
  emptyOrg: boolean;
  broken: Map<string, Map<string, unknown>>;
  shiftPaging: boolean;
  throttle: number | undefined;
  hangUp: boolean;
  garbage: boolean;
  echoHeaders: boolean;
  hiddenFromTitles: Set<string>;
}

const cleanFaults = (): FaultState => ({
  outage: false,
  latencyMs: 0,
  emptyOrg: false,
  broken: new Map(),
  shiftPaging: false,
  throttle: undefined,
  hangUp: false,
  garbage: false,
  echoHeaders: false,
  hiddenFromTitles: new Set(),
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
  code?: string;
  headers?: Record<string, string>;
}

const EMPTY = new KnoxStore([]);
const MAX_BODY_BYTES = 1 << 20;

export async function startKnoxSimulator(options: KnoxSimulatorOptions): Promise<KnoxSimulator> {
  let store = new KnoxStore(toList(options.org));
  let dialect = options.dialect ?? SEED_DIALECT;
  let faults = cleanFaults();
  const entries: KnoxLogEntry[] = [];
  const closing = new AbortController();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { result: 'fail', [ERROR_FIELDS.message]: String(error) } });
    });
  });
  // Node closes an idle keep-alive socket after 5 s, racing a client that reuses it just then (ECONNRESET).
  // On a starved host (bench at 100k) answers that far apart are common; a gateway keeps sockets longer.
  server.keepAliveTimeout = 60_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://knox');
    const query = Object.fromEntries(url.searchParams);
    const text = await readBody(req);
    if (faults.latencyMs > 0) await delay(faults.latencyMs, undefined, { signal: closing.signal }).catch(() => undefined);
    if (closing.signal.aborted) return;
    const entry: KnoxLogEntry = { at, method: req.method ?? '', path: url.pathname, query, status: 0 };
    entries.push(entry);
    if (faults.hangUp) {
      req.socket.destroy();
      return;
    }
    const answer = answerFor(req, url.pathname, query, text);
    entry.status = answer.status;
    if (answer.code) entry.code = answer.code;
    if (faults.garbage && answer.status < 300) {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Gateway maintenance</body></html>');
      return;
    }
    send(res, answer);
  }

  function answerFor(req: IncomingMessage, path: string, query: Query, text: string): Answer {
    const route = ROUTES.find((r) => r.path === path);
    if (!route) return { status: 404, body: { result: 'fail', [ERROR_FIELDS.message]: `no such path ${path}` } };
    if (req.method !== route.method)
      return { status: 405, body: { result: 'fail', [ERROR_FIELDS.message]: `${path} takes ${route.method}` } };
    if (faults.echoHeaders)
      return { status: 400, body: { result: 'fail', [ERROR_FIELDS.message]: `bad request with headers ${JSON.stringify(req.headers)}` } };
    const systemId = req.headers[SYSTEM_ID_HEADER.toLowerCase()];
    if (typeof systemId !== 'string' || systemId === '')
      return {
        status: MISSING_SYSTEM_ID_STATUS,
        body: { result: 'fail', [ERROR_FIELDS.message]: `${SYSTEM_ID_HEADER} header is required` },
      };
    if (options.systemId !== undefined && systemId !== options.systemId)
      return {
        status: MISSING_SYSTEM_ID_STATUS,
        body: { result: 'fail', [ERROR_FIELDS.message]: `${SYSTEM_ID_HEADER} is not registered` },
      };
    if (options.gateway && req.headers[options.gateway.header.toLowerCase()] !== options.gateway.value)
      return { status: 403, body: { result: 'fail', [ERROR_FIELDS.message]: 'Forbidden' } };
    if (faults.throttle !== undefined)
      return {
        status: 429,
        body: { result: 'fail', [ERROR_FIELDS.message]: 'Too Many Requests' },
        headers: { 'retry-after': String(faults.throttle) },
      };
    if (faults.outage) return failure(refuse(route.outage, route.operation));
    const data = faults.emptyOrg ? EMPTY : store;
    return route.answer(query, text, data);
  }

  /** A listing page (seed Response Parameter 2–5): 500 rows with page, at most 2,000 without. */
  function listing(
    rowsField: string,
    all: readonly KnoxRecord[],
    page: number | undefined,
    present: (r: KnoxRecord) => KnoxRecord,
  ): Answer {
    let rows: readonly KnoxRecord[];
    let totalCount: number;
    let totalPage: number;
    if (page === undefined) {
      rows = all.slice(0, UNPAGED_CAP);
      totalCount = CAPPED_RESPONSE_REPORTS_RETURNED_ROWS ? rows.length : all.length;
      totalPage = rows.length > 0 ? 1 : 0;
    } else {
      // shiftPaging: from page 2 on, someone has joined ahead of the reader.
      const joined = faults.shiftPaging && page > FIRST_PAGE ? 1 : 0;
      const start = (page - FIRST_PAGE) * PAGE_SIZE - joined;
      rows = all.slice(start, start + PAGE_SIZE);
      totalCount = all.length + joined;
      totalPage = Math.ceil(totalCount / PAGE_SIZE);
    }
    return {
      status: 200,
      body: { result: 'success', currentPage: page ?? FIRST_PAGE, totalPage, totalCount, [rowsField]: rows.map(present) },
    };
  }

  const ROUTES: {
    path: string;
    method: string;
    operation: string;
    outage: KnoxCode;
    answer(query: Query, body: string, data: KnoxStore): Answer;
  }[] = [
    {
      path: KNOX_PATHS.titles,
      method: 'GET',
      operation: 'searchTitle',
      outage: 'ORG0010',
      answer(query) {
        const search = titleSearch(query);
        if ('code' in search) return failure(search);
        // Seed "직급 조회": result and titles only, no paging. An empty org keeps its titles.
        return { status: 200, body: { result: 'success', titles: store.titles(search.companyCode).map(spoken('titles')) } };
      },
    },
    {
      path: KNOX_PATHS.organizations,
      method: 'GET',
      operation: 'searchOrganization',
      outage: 'ORG0010',
      answer(query, _body, data) {
        const search = organizationSearch(query);
        if ('code' in search) return failure(search);
        return listing('organizations', data.organizations(search), search.page, spoken('organizations'));
      },
    },
    {
      path: KNOX_PATHS.employees,
      method: EMPLOYEES_METHOD,
      operation: 'searchEmployee',
      outage: 'EM0010',
      answer(query, body, data) {
        let parsed: unknown;
        try {
          parsed = body === '' ? {} : JSON.parse(body);
        } catch {
          return failure(refuse('EM0015', 'resultType'));
        }
        const search = employeeSearch(query, parsed);
        if ('code' in search) return failure(search);
        const byName = (NAME_SEARCH_KEYS as readonly string[]).includes(search.key);
        let found = data.employees(search);
        const hidden = faults.hiddenFromTitles;
        if (search.key === 'titleCode' && hidden.size > 0) found = found.filter((e) => !hidden.has(e.epId as string));
        return listing('employees', found, search.page, (record) => present(record, search.attributes, byName, faults.broken, dialect));
      },
    },
  ];

  /** Serves a title or department record in the current dialect. */
  const spoken = (set: KnoxRecordSet) => (record: KnoxRecord) => (isLiteral(dialect, set) ? record : inDialect(dialect, set, record));

  const { url, close } = await serve(server, options, closing);

  return {
    url,
    close,
    setOrg(org) {
      store = new KnoxStore(toList(org));
    },
    setDialect(next) {
      dialect = next;
    },
    faults: {
      outage: (on) => void (faults.outage = on),
      latencyMs: (ms) => void (faults.latencyMs = ms),
      emptyOrg: (on) => void (faults.emptyOrg = on),
      breakRecord(epId, field, value) {
        const fields = faults.broken.get(epId) ?? faults.broken.set(epId, new Map()).get(epId)!;
        fields.set(field, value);
      },
      shiftPaging: (on) => void (faults.shiftPaging = on),
      throttle: (on, retryAfterSeconds = 1) => void (faults.throttle = on ? retryAfterSeconds : undefined),
      hangUp: (on) => void (faults.hangUp = on),
      garbage: (on) => void (faults.garbage = on),
      echoHeaders: (on) => void (faults.echoHeaders = on),
      hideFromTitleSearch(epIds) {
        for (const epId of epIds) faults.hiddenFromTitles.add(epId);
      },
      clear: () => void (faults = cleanFaults()),
    },
    log: () => entries.map((e) => ({ ...e, query: { ...e.query } })),
    counters() {
      const byPath: Record<string, number> = {};
      for (const e of entries) byPath[e.path] = (byPath[e.path] ?? 0) + 1;
      return { total: entries.length, byPath };
    },
    clearLog: () => void (entries.length = 0),
  };
}

function toList(org: SimulatedOrg | readonly SimulatedOrg[]): readonly SimulatedOrg[] {
  return 'companyCode' in org ? [org] : org;
}

function failure(refusal: Refusal): Answer {
  return {
    status: refusal.status,
    code: refusal.code,
    body: { result: 'fail', [ERROR_FIELDS.code]: refusal.code, [ERROR_FIELDS.message]: refusal.message },
  };
}

/** An employee as served: only the asked attributes, in the dialect, broken fields applied, no timeZone in name searches. */
function present(
  record: KnoxRecord,
  attributes: readonly string[] | undefined,
  byName: boolean,
  broken: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
  dialect: KnoxDialect,
): KnoxRecord {
  const overrides = broken.get(record.epId as string);
  const literal = isLiteral(dialect, 'employees');
  if (!overrides && !attributes && !byName && literal) return record;
  const asked = attributes ? Object.fromEntries(attributes.filter((a) => a in record).map((a) => [a, record[a]])) : record;
  const row: Record<string, unknown> = literal ? { ...asked } : inDialect(dialect, 'employees', asked);
  for (const [field, value] of overrides ?? []) {
    if (attributes && !attributes.includes(field)) continue;
    if (value === undefined) delete row[field];
    else row[field] = value;
  }
  if (byName) delete row.timeZone;
  return row;
}

function send(res: ServerResponse, answer: Answer): void {
  const body = JSON.stringify(answer.body);
  res
    .writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...answer.headers,
    })
    .end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
