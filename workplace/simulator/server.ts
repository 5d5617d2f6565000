/**
 * A WORKPLACE over real HTTP (node:http) for tests, benchmarks and the demo: the organization endpoints
 * orgsync uses, behind a simulated API Gateway (gateway.ts: signatures, usage plan), with WORKPLACE's
 * rules (store.ts), the envelope of §1.8, fault injection, a request log and counters. It shares only
 * workplace/assumptions.ts with the client.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { closeServer, listen } from '../../lib/http-server.js';
import {
  ATTRIBUTE_DEFINITION_EDIT_STATUS,
  ATTRIBUTE_VALUE_PATH,
  ATTRIBUTE_VALUE_VERBS,
  ENVELOPE_TIMEZONE_OFFSET_MS,
  GATEWAY_ERRORS,
  OTHER_COMPANY,
  PAGE_SIZE,
  PAGING_PARAMS,
  PATH_KEY_MAX,
  PREFIX,
  SEGMENTS,
  type ApiVersion,
} from '../assumptions.js';
import { authenticate, gatewayBody, UsagePlan, type GatewayError, type RateLimit, type Refusal } from './gateway.js';
import { SimulatedWorkplace, type Kind, type Outcome, type SimState } from './store.js';

export type { JsonValue, SimRecord, SimState } from './store.js';
export type { RateLimit } from './gateway.js';

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
  /** Default and maximum `limit` of v2 lists; a larger one is capped. Default PAGE_SIZE. */
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
}

export interface RequestLogEntry {
  /** Arrival, by the simulator's clock (ms). */
  at: number;
  method: string;
  /** The request path as received (no query). */
  path: string;
  /** The raw query string, when there is one (e.g. `offset=0&limit=100`). */
  query?: string;
  /** e.g. `POST employee`, `GET employee list`, `GET addattrs`. */
  route: string;
  externalKey?: string;
  status: number;
}

export interface WorkplaceFaults {
  /** Requests naming one of these keys in their path fail with 400 and this message, every time. */
  failKeys(keys: Iterable<string>, message?: string): void;
  /** This share of requests (0–1) fail with 500 (WORKPLACE), 503 or 504 (gateway), in turn. */
  serverErrorRatio(ratio: number): void;
  /** Every answer waits this long. */
  latencyMs(ms: number): void;
  /** The gateway cannot reach WORKPLACE: 503 / code 500 on everything authentic. */
  outage(on: boolean): void;
  /** After `after` requests of this route (e.g. 'GET reportsTo'), the next one fails once with 503 / code 500. */
  interruptAfter(route: string, after: number): void;
  clear(): void;
}

export interface WorkplaceSimulator {
  url: string;
  close(): Promise<void>;
  /** State: read and seed directly (tests seed a "migrated" WORKPLACE; the demo dumps it). */
  dump(): SimState;
  /** Merges these records into the state, bypassing every rule (as a data migration would). */
  seed(state: Partial<SimState>): void;
  reset(): void;
  setRepresentativeAdmin(employeeKey: string, yes: boolean): void;
  faults: WorkplaceFaults;
  setRateLimit(limit: RateLimit | undefined): void;
  log(): RequestLogEntry[];
  counters(): { total: number; byMethod: Record<string, number>; byRoute: Record<string, number> };
  /** The largest number of requests that arrived in any one-second window, optionally only some methods. */
  maxRequestsPerSecond(filter?: { methods?: string[] }): number;
  clearLog(): void;
}

interface FaultState {
  failing: Map<string, string>;
  serverErrorRatio: number;
  latencyMs: number;
  outage: boolean;
  interruption?: { route: string; remaining: number };
}

const cleanFaults = (): FaultState => ({ failing: new Map(), serverErrorRatio: 0, latencyMs: 0, outage: false });

type Handler = (request: { keys: string[]; body: unknown; query: URLSearchParams }) => Outcome;

interface Route {
  version: ApiVersion;
  /** Path segments after the companyId; '*' is a key. */
  pattern: readonly string[];
  label: string;
  handlers: Partial<Record<string, Handler>>;
}

/** A reply on the wire. */
interface Reply {
  status: number;
  body: unknown;
}

const MAX_BODY_BYTES = 1 << 20;
const SERVER_FAULTS: readonly (GatewayError | 'workplace')[] = ['workplace', GATEWAY_ERRORS.endpointError, GATEWAY_ERRORS.endpointTimeout];

export async function startWorkplaceSimulator(options: WorkplaceSimulatorOptions = {}): Promise<WorkplaceSimulator> {
  const credentials = {
    accessKey: options.accessKey ?? DEFAULT_SIMULATOR_CREDENTIALS.accessKey,
    secretKey: options.secretKey ?? DEFAULT_SIMULATOR_CREDENTIALS.secretKey,
    apiKey: options.apiKey,
  };
  const companyId = options.companyId ?? DEFAULT_SIMULATOR_CREDENTIALS.companyId;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const pageSizeMax = options.pageSizeMax ?? PAGE_SIZE;
  const workplace = new SimulatedWorkplace(companyId);
  let plan = options.rateLimit ? new UsagePlan(options.rateLimit, now()) : undefined;
  let faults = cleanFaults();
  let serverFaults = 0;
  const entries: RequestLogEntry[] = [];
  const closing = new AbortController();

  const seed = (state: Partial<SimState>) => {
    workplace.load(state, 'merge');
  };
  if (options.state) seed(options.state);

  const routes = routeTable(workplace, pageSizeMax);

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
    const match = matchRoute(routes, path, method);
    const entry: RequestLogEntry = {
      at,
      method,
      path,
      route: match.route ? `${method} ${match.route.label}` : `${method} (no route)`,
      status: 0,
    };
    if (search) entry.query = search;
    if (match.keys?.[0] !== undefined) entry.externalKey = match.keys[0];
    entries.push(entry);
    const text = await readBody(req);
    if (faults.latencyMs > 0) await delay(faults.latencyMs, undefined, { signal: closing.signal }).catch(() => undefined);
    if (closing.signal.aborted) return;
    const reply =
      text === undefined
        ? gatewayReply({ error: GATEWAY_ERRORS.entityTooLarge, details: `body over ${MAX_BODY_BYTES} bytes` })
        : answer(req, method, target, path, search, match, text);
    entry.status = reply.status;
    send(res, reply);
  }

  function answer(req: IncomingMessage, method: string, target: string, path: string, search: string, match: Match, text: string): Reply {
    // The gateway routes first (§1.7 404 / 300), then authenticates, then applies the usage plan.
    if (match.malformed) return gatewayReply({ error: GATEWAY_ERRORS.badRequest, details: 'the path is not valid percent-encoded UTF-8' });
    if (!match.route || !match.handler) return gatewayReply({ error: GATEWAY_ERRORS.notFound, details: `no ${method} ${path}` });
    const refusal = authenticate(credentials, method, target, req.headers, now()) ?? plan?.admit(now());
    if (refusal) return gatewayReply(refusal);
    if (match.companyId !== companyId)
      return gatewayReply({ error: OTHER_COMPANY, details: 'the access key has no permission for this company' });
    if (faults.outage) return gatewayReply({ error: GATEWAY_ERRORS.endpointError, details: 'WORKPLACE is unreachable (outage)' });
    const interruption = faults.interruption;
    if (interruption?.route === `${method} ${match.route.label}` && interruption.remaining-- === 0) {
      faults.interruption = undefined;
      return gatewayReply({ error: GATEWAY_ERRORS.endpointError, details: 'injected interruption' });
    }
    if (faults.serverErrorRatio > 0 && random() < faults.serverErrorRatio) {
      const fault = SERVER_FAULTS[serverFaults++ % SERVER_FAULTS.length]!;
      return fault === 'workplace'
        ? { status: 500, body: envelope(500, path, undefined, 'Internal Server Error (injected)') }
        : gatewayReply({ error: fault, details: 'injected' });
    }
    // §1.1: path keys are String 36.
    const tooLong = match.keys!.find((key) => key.length > PATH_KEY_MAX);
    if (tooLong !== undefined)
      return { status: 400, body: envelope(400, path, undefined, `invalid request: externalKey: longer than ${PATH_KEY_MAX} characters`) };
    const failing = match.keys!.find((key) => faults.failing.has(key));
    if (failing !== undefined) return { status: 400, body: envelope(400, path, undefined, faults.failing.get(failing)) };
    let body: unknown;
    if (method === 'POST' || method === 'PUT') {
      try {
        body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        return { status: 400, body: envelope(400, path, undefined, 'invalid request: the body is not JSON') };
      }
    }
    const outcome = match.handler({ keys: match.keys!, body, query: new URLSearchParams(search) });
    if (outcome.status === 400) return { status: 400, body: envelope(400, path, undefined, outcome.message) };
    if (options.bareResponses) return { status: outcome.status, body: outcome.payload ?? undefined };
    return { status: outcome.status, body: envelope(outcome.status, path, outcome.payload) };
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

  const url = await listen(server, options.port, options.host);

  return {
    url,
    async close() {
      closing.abort();
      await closeServer(server);
    },
    dump: () => structuredClone(workplace.state),
    seed,
    reset() {
      workplace.load({}, 'replace');
      workplace.representativeAdmins.clear();
    },
    setRepresentativeAdmin(employeeKey, yes) {
      if (yes) workplace.representativeAdmins.add(employeeKey);
      else workplace.representativeAdmins.delete(employeeKey);
    },
    faults: {
      failKeys(keys, message = 'rejected by fault injection') {
        for (const key of keys) faults.failing.set(key, message);
      },
      serverErrorRatio(ratio) {
        if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`serverErrorRatio must be within 0..1, got ${ratio}`);
        faults.serverErrorRatio = ratio;
      },
      latencyMs: (ms) => void (faults.latencyMs = ms),
      outage: (on) => void (faults.outage = on),
      interruptAfter: (route, after) => void (faults.interruption = { route, remaining: after }),
      clear: () => void (faults = cleanFaults()),
    },
    setRateLimit(limit) {
      plan = limit ? new UsagePlan(limit, now()) : undefined;
    },
    log: () => entries.map((e) => ({ ...e })),
    counters() {
      const byMethod: Record<string, number> = {};
      const byRoute: Record<string, number> = {};
      for (const e of entries) {
        byMethod[e.method] = (byMethod[e.method] ?? 0) + 1;
        byRoute[e.route] = (byRoute[e.route] ?? 0) + 1;
      }
      return { total: entries.length, byMethod, byRoute };
    },
    maxRequestsPerSecond(filter = {}) {
      const times = entries
        .filter((e) => !filter.methods || filter.methods.includes(e.method))
        .map((e) => e.at)
        .sort((a, b) => a - b);
      let best = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[j]! <= times[i]! - 1000) j++;
        best = Math.max(best, i - j + 1);
      }
      return best;
    },
    clearLog: () => void (entries.length = 0),
  };
}

// ── routing ───────────────────────────────────────────────────────────────────────────────────────

/** Every endpoint of workplace.md §2 orgsync uses (and the Decisions table's assumed ones). */
function routeTable(workplace: SimulatedWorkplace, pageSizeMax: number): Route[] {
  const keyed = (kind: Kind, route: { version: ApiVersion; segment: string }, extra: Partial<Record<string, Handler>> = {}): Route => ({
    version: route.version,
    pattern: [route.segment, '*'],
    label: route.segment,
    handlers: {
      POST: ({ keys, body }) => workplace.create(kind, keys[0]!, body),
      PUT: ({ keys, body }) => workplace.update(kind, keys[0]!, body),
      DELETE: ({ keys }) => workplace.remove(kind, keys[0]!),
      ...extra,
    },
  });
  const v2 = (kind: Kind, route: { version: ApiVersion; segment: string }): Route[] => [
    keyed(kind, route, { GET: ({ keys }) => workplace.get(kind, keys[0]!) }),
    {
      version: route.version,
      pattern: [route.segment],
      label: `${route.segment} list`,
      handlers: { GET: ({ query }) => page(workplace, kind, query, pageSizeMax) },
    },
  ];
  const list = (kind: Kind, route: { version: ApiVersion; segment: string }): Route => ({
    version: route.version,
    pattern: [route.segment],
    label: route.segment,
    handlers: { GET: () => workplace.all(kind) },
  });
  const { employee, attribute } = ATTRIBUTE_VALUE_PATH;
  const definitions = keyed('attributeDefinition', SEGMENTS.attributeDefinition);
  const editDefinition = definitions.handlers.PUT!;
  return [
    ...v2('grade', SEGMENTS.grade),
    ...v2('job', SEGMENTS.job),
    ...v2('department', SEGMENTS.department),
    ...v2('employee', SEGMENTS.employee),
    // Seed 003: the addattr edit answers 201.
    { ...definitions, handlers: { ...definitions.handlers, PUT: (r) => withStatus(editDefinition(r), ATTRIBUTE_DEFINITION_EDIT_STATUS) } },
    list('attributeDefinition', SEGMENTS.attributeDefinitionList),
    {
      version: SEGMENTS.attributeValue.version,
      pattern: [SEGMENTS.attributeValue.segment, employee, '*', attribute, '*'],
      label: SEGMENTS.attributeValue.segment,
      handlers: {
        [ATTRIBUTE_VALUE_VERBS.create]: ({ keys, body }) => workplace.writeValue('create', keys[0]!, keys[1]!, body),
        [ATTRIBUTE_VALUE_VERBS.update]: ({ keys, body }) => workplace.writeValue('update', keys[0]!, keys[1]!, body),
        [ATTRIBUTE_VALUE_VERBS.remove]: ({ keys }) => workplace.removeValue(keys[0]!, keys[1]!),
        [ATTRIBUTE_VALUE_VERBS.get]: ({ keys }) => workplace.getValue(keys[0]!, keys[1]!),
      },
    },
    {
      version: SEGMENTS.reportsTo.version,
      pattern: [SEGMENTS.reportsTo.segment, '*'],
      label: SEGMENTS.reportsTo.segment,
      handlers: {
        PUT: ({ keys, body }) => workplace.setReportsTo(keys[0]!, body),
        GET: ({ keys }) => workplace.getReportsTo(keys[0]!),
        DELETE: ({ keys }) => workplace.clearReportsTo(keys[0]!),
      },
    },
    {
      version: SEGMENTS.representativeAdmin.version,
      pattern: [SEGMENTS.representativeAdmin.segment, '*'],
      label: SEGMENTS.representativeAdmin.segment,
      handlers: { GET: ({ keys }) => workplace.representativeAdmin(keys[0]!) },
    },
    keyed('absence', SEGMENTS.absence),
    list('absence', SEGMENTS.absenceList),
  ];
}

const withStatus = (outcome: Outcome, status: 200 | 201): Outcome => (outcome.status === 400 ? outcome : { ...outcome, status });

/** §2 paging: `offset` (first row, default 0) and `limit` (default and cap pageSizeMax). */
function page(workplace: SimulatedWorkplace, kind: Kind, query: URLSearchParams, pageSizeMax: number): Outcome {
  const number = (name: string, fallback: number, min: number) => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    return /^\d+$/.test(raw) && Number(raw) >= min ? Number(raw) : undefined;
  };
  const offset = number(PAGING_PARAMS.offset, 0, 0);
  const limit = number(PAGING_PARAMS.limit, pageSizeMax, 1);
  if (offset === undefined) return { status: 400, message: `invalid request: ${PAGING_PARAMS.offset}: expected a whole number ≥ 0` };
  if (limit === undefined) return { status: 400, message: `invalid request: ${PAGING_PARAMS.limit}: expected a whole number ≥ 1` };
  return workplace.page(kind, offset, Math.min(limit, pageSizeMax));
}

interface Match {
  route?: Route;
  handler?: Handler;
  companyId?: string;
  keys?: string[];
  malformed?: boolean;
}

/** The route of a raw path: prefix, companyId, then the pattern; keys are percent-decoded. */
function matchRoute(routes: readonly Route[], path: string, method: string): Match {
  let parts: string[];
  try {
    parts = path.split('/').map(decodeURIComponent);
  } catch {
    return { malformed: true };
  }
  for (const version of Object.keys(PREFIX) as ApiVersion[]) {
    const prefix = PREFIX[version].split('/');
    if (parts.length <= prefix.length || prefix.some((p, i) => parts[i] !== p)) continue;
    const [companyId, ...rest] = parts.slice(prefix.length);
    const route = routes.find(
      (r) =>
        r.version === version &&
        r.pattern.length === rest.length &&
        r.pattern.every((p, i) => (p === '*' ? rest[i] !== '' : p === rest[i])),
    );
    if (!route) return {};
    return { route, handler: route.handlers[method], companyId, keys: rest.filter((_, i) => route.pattern[i] === '*') };
  }
  return {};
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
