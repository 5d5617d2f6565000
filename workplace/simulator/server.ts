/**
 * A WORKPLACE over real HTTP (node:http) for tests, benchmarks and the demo: the organization endpoints
 * orgsync uses, behind a simulated API Gateway (gateway.ts: signatures, usage plan), with WORKPLACE's
 * rules (store.ts), the envelope of §1.8, fault injection (faults.ts), a request log and counters
 * (request-log.ts). It takes the same protocol overrides as the client, and can answer as other
 * plausible readings of the reference would (`reading`). It shares only workplace/assumptions.ts with
 * the client.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { serve } from '../../lib/http-server.js';
import { resolveProtocol, type RouteName, type WorkplaceProtocolOverrides } from '../assumptions.js';
import { FaultInjector, type Fault, type WorkplaceFaults } from './faults.js';
import { authenticate, GATEWAY_ERRORS, gatewayBody, OTHER_COMPANY, UsagePlan, type RateLimit, type Refusal } from './gateway.js';
import { ENGLISH, KOREAN } from './messages.js';
import { RequestLog, type RequestCounters, type RequestLogEntry } from './request-log.js';
import { matchRoute, routeTable, type Match } from './routes.js';
import { ENVELOPE_TIMEZONE_OFFSET_MS } from './rules.js';
import { SimulatedWorkplace, type MigratedCollection, type SimRecord, type SimState } from './store.js';

export type { JsonValue, MigratedCollection, SimRecord, SimState } from './store.js';
export type { RateLimit } from './gateway.js';
export type { WorkplaceFaults } from './faults.js';
export type { RequestLogEntry } from './request-log.js';

/** Made-up credentials for a local simulator; only ever sent to 127.0.0.1. */
export const DEFAULT_SIMULATOR_CREDENTIALS = {
  companyId: 'c1798784-9a47-4751-ab9f-b9629825ab93',
  accessKey: 'SIMULATOR-ACCESS-KEY',
  secretKey: 'simulator-secret-key-not-a-real-one',
} as const;

export interface WorkplaceSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  companyId?: string;
  accessKey?: string;
  secretKey?: string;
  /** With an API key, the API-key header must match when sent, and signature v1 is accepted (§1.4). */
  apiKey?: string;
  /** Default and maximum `limit` of v2 lists; a larger one is capped. Default the protocol's `paging.pageSize`. */
  pageSizeMax?: number;
  rateLimit?: RateLimit;
  /** The gateway's clock: timestamps, the usage plan and the log. Default Date.now. */
  now?: () => number;
  /** Answer successes bare (the echo, the array, `{ elements, totalCount }`) instead of in the envelope (§1.8). */
  bareResponses?: boolean;
  /** Drives serverErrorRatio; default Math.random. */
  random?: () => number;
  /** The state to start from (a "migrated" WORKPLACE). */
  state?: Partial<SimState>;
  /** The protocol this WORKPLACE speaks: the same overrides the client takes (`workplace.protocol`). */
  protocol?: WorkplaceProtocolOverrides;
  /** Answer as another plausible reading of the reference would; default: ours. */
  reading?: WorkplaceReading;
}

/** Readings of the reference other than ours, as a real tenant may answer (workplace.md §6). */
export interface WorkplaceReading {
  /**
   * Records as third-party clients see them: the top department's parent null, WORKPLACE's own ids
   * (tenantId, deptNo, parentDeptNo, deptLeaderEmpId), dispOrd "1.0", null for unset optional fields.
   */
  realTenantLists?: boolean;
  /** 400 messages in Korean ("이미 존재하는 …", "… 찾을 수 없습니다", "… 존재하지 않는 값입니다"). */
  koreanMessages?: boolean;
  /** Routes this gateway does not have: answered 404 / code 300, as a WORKPLACE without that API would. */
  missingRoutes?: readonly RouteName[];
  /** A `limit` above `pageSizeMax` refused with a 400 ("at most N") instead of capped. */
  refusesLargePages?: boolean;
}

export interface WorkplaceSimulator {
  url: string;
  close(): Promise<void>;
  /** State: read and seed directly (tests seed a "migrated" WORKPLACE; the demo dumps it). */
  dump(): SimState;
  /** Merges these records into the state, bypassing every rule (as a data migration would). */
  seed(state: Partial<SimState>): void;
  /**
   * A data migration's records that got no external key (seed 000 step 1, 데이터 이관), each kept under
   * WORKPLACE's own id (its deptNo or empId in lists); records refer to them by that id. No rule applies.
   */
  seedUnmapped(records: Partial<Record<MigratedCollection, Record<string, SimRecord>>>): void;
  /** The External Key upload (seed 000 step 2): the record under `from` (an id, or another key) gets key `to`. */
  mapExternalKey(collection: MigratedCollection, from: string, to: string): void;
  reset(): void;
  setRepresentativeAdmin(employeeKey: string, yes: boolean): void;
  faults: WorkplaceFaults;
  setRateLimit(limit: RateLimit | undefined): void;
  log(): RequestLogEntry[];
  counters(): RequestCounters;
  /** The largest number of requests that arrived in any one-second window, optionally only some methods. */
  maxRequestsPerSecond(filter?: { methods?: string[] }): number;
  clearLog(): void;
}

/** A reply on the wire. */
interface Reply {
  status: number;
  body: unknown;
}

const MAX_BODY_BYTES = 1 << 20;

export async function startWorkplaceSimulator(options: WorkplaceSimulatorOptions = {}): Promise<WorkplaceSimulator> {
  const credentials = {
    accessKey: options.accessKey ?? DEFAULT_SIMULATOR_CREDENTIALS.accessKey,
    secretKey: options.secretKey ?? DEFAULT_SIMULATOR_CREDENTIALS.secretKey,
    apiKey: options.apiKey,
  };
  const companyId = options.companyId ?? DEFAULT_SIMULATOR_CREDENTIALS.companyId;
  const now = options.now ?? Date.now;
  const protocol = resolveProtocol(options.protocol);
  const reading = options.reading ?? {};
  const pageSizeMax = options.pageSizeMax ?? protocol.paging.pageSize;
  const workplace = new SimulatedWorkplace(
    companyId,
    protocol,
    reading.koreanMessages ? KOREAN : ENGLISH,
    reading.realTenantLists ?? false,
  );
  let plan = options.rateLimit ? new UsagePlan(options.rateLimit, now()) : undefined;
  const faults = new FaultInjector(options.random ?? Math.random);
  const requests = new RequestLog();
  const closing = new AbortController();

  const seed = (state: Partial<SimState>) => {
    workplace.load(state, 'merge');
  };
  if (options.state) seed(options.state);

  const pageLimit = { max: pageSizeMax, refuseAbove: reading.refusesLargePages ?? false };
  const routes = routeTable(workplace, protocol, pageLimit, new Set(reading.missingRoutes));

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, { status: 500, body: envelope(500, req.url ?? '', undefined, `simulator failure: ${String(error)}`) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = now();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const [path = '/', search = ''] = target.split(/\?(.*)/s);
    const match = matchRoute(routes, protocol.prefixes, path, method);
    const entry: RequestLogEntry = {
      at,
      method,
      path,
      route: match.route ? `${method} ${match.route.label}` : `${method} (no route)`,
      status: 0,
    };
    if (search) entry.query = search;
    if (match.keys?.[0] !== undefined) entry.externalKey = match.keys[0];
    requests.add(entry);
    res.once('close', () => {
      if (!res.writableEnded) entry.abandoned = true;
    });
    const text = await readBody(req);
    if (faults.latencyMs > 0) await delay(faults.latencyMs, undefined, { signal: closing.signal }).catch(() => undefined);
    if (closing.signal.aborted) return;
    const reply =
      text === undefined
        ? gatewayReply({ error: GATEWAY_ERRORS.entityTooLarge, details: `body over ${MAX_BODY_BYTES} bytes` })
        : answer(req, method, target, path, search, match, text);
    entry.status = reply.status;
    // The gateway's clock, as its timestamps check (§1.5): a skewed simulator shows the skew a client would see.
    res.setHeader('date', new Date(now()).toUTCString());
    send(res, reply);
  }

  function answer(req: IncomingMessage, method: string, target: string, path: string, search: string, match: Match, text: string): Reply {
    // The gateway routes first (§1.7 404 / 300), then authenticates, then applies the usage plan.
    if (match.malformed) return gatewayReply({ error: GATEWAY_ERRORS.badRequest, details: 'the path is not valid percent-encoded UTF-8' });
    if (!match.route || !match.handler) return gatewayReply({ error: GATEWAY_ERRORS.notFound, details: `no ${method} ${path}` });
    const refusal = authenticate(protocol.signing, credentials, method, target, req.headers, now()) ?? plan?.admit(now());
    if (refusal) return gatewayReply(refusal);
    if (match.companyId !== companyId)
      return gatewayReply({ error: OTHER_COMPANY, details: 'the access key has no permission for this company' });
    const fault = faults.beforeWorkplace(`${method} ${match.route.label}`);
    if (fault) return faultReply(fault, path);
    // §1.1: path keys are String 36.
    const { maxLength } = protocol.keys;
    const tooLong = match.keys!.find((key) => key.length > maxLength);
    if (tooLong !== undefined)
      return { status: 400, body: envelope(400, path, undefined, `invalid request: externalKey: longer than ${maxLength} characters`) };
    const failing = faults.failingKey(match.keys!);
    if (failing) return faultReply(failing, path);
    let body: unknown;
    if (method === 'POST' || method === 'PUT') {
      try {
        body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        return { status: 400, body: envelope(400, path, undefined, 'invalid request: the body is not JSON') };
      }
    }
    const outcome = match.handler({ keys: match.keys!, body, query: new URLSearchParams(search) });
    if ('refused' in outcome) return { status: 400, body: envelope(400, path, undefined, outcome.refused) };
    if (options.bareResponses) return { status: outcome.status, body: outcome.payload ?? undefined };
    return { status: outcome.status, body: envelope(outcome.status, path, outcome.payload) };
  }

  function faultReply(fault: Fault, path: string): Reply {
    if ('gateway' in fault) return gatewayReply(fault.gateway);
    return { status: fault.workplace.status, body: envelope(fault.workplace.status, path, undefined, fault.workplace.message) };
  }

  function envelope(status: number, path: string, payload: unknown, message?: string) {
    const failed = status >= 400;
    return {
      timestamp: kst(now()),
      status,
      error: failed ? (status >= 500 ? 'Internal Server Error' : 'Bad Request') : null,
      message: message ?? null,
      path,
      body: failed ? null : (payload ?? null),
    };
  }

  const { url, close } = await serve(server, options, closing);

  return {
    url,
    close,
    dump: () => structuredClone(workplace.state),
    seed,
    seedUnmapped(records) {
      seed({
        ...records,
        unmapped: Object.fromEntries(Object.entries(records).map(([collection, byId]) => [collection, Object.keys(byId ?? {})])),
      });
    },
    mapExternalKey: (collection, from, to) => workplace.mapExternalKey(collection, from, to),
    reset() {
      workplace.load({}, 'replace');
      workplace.representativeAdmins.clear();
    },
    setRepresentativeAdmin(employeeKey, yes) {
      if (yes) workplace.representativeAdmins.add(employeeKey);
      else workplace.representativeAdmins.delete(employeeKey);
    },
    faults: faults.controls,
    setRateLimit(limit) {
      plan = limit ? new UsagePlan(limit, now()) : undefined;
    },
    log: () => requests.entries(),
    counters: () => requests.counters(),
    maxRequestsPerSecond: (filter) => requests.maxRequestsPerSecond(filter),
    clearLog: () => requests.clear(),
  };
}

// ── wire ──────────────────────────────────────────────────────────────────────────────────────────

/** §1.7: the gateway's own answer. */
function gatewayReply(refusal: Refusal): Reply {
  return { status: refusal.error.status, body: gatewayBody(refusal) };
}

/** §1.8.1: `yyyy-MM-dd HH:mm:ss`, server-local (KST). */
function kst(ms: number): string {
  return new Date(ms + ENVELOPE_TIMEZONE_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status, { 'content-length': 0 }).end();
    return;
  }
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
}

/** The body as text, or undefined when it is over MAX_BODY_BYTES (the rest is drained, not kept). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}
