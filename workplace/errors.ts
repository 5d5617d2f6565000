/**
 * WORKPLACE failures as named errors with stable codes (got's own style: `name`, `code`, a message
 * naming the method and the sanitised request). `retryable` is what the activity boundary turns into
 * Temporal's nonRetryable: 401/403 and 400 are permanent, 429, 5xx and network failures are transient
 * (workplace.md §1.6, §1.7, §4). No error ever holds a header, so none can print a key or a signature.
 */
import { DEFAULT_PROTOCOL, type WorkplaceProtocol } from './assumptions.js';

export type WorkplaceErrorCode =
  | 'WORKPLACE_AUTH'
  | 'WORKPLACE_VALIDATION'
  | 'WORKPLACE_ALREADY_EXISTS'
  | 'WORKPLACE_NOT_FOUND'
  | 'WORKPLACE_NO_ROUTE'
  | 'WORKPLACE_RATE_LIMITED'
  | 'WORKPLACE_SERVER'
  | 'WORKPLACE_NETWORK'
  | 'WORKPLACE_BAD_RESPONSE'
  | 'WORKPLACE_INVALID_REQUEST';

/** The request an error is about: method, path (companyId shown as `{companyId}`) and key; never headers. */
export interface WorkplaceRequestInfo {
  method: string;
  path: string;
  externalKey?: string | undefined;
}

export interface WorkplaceErrorInit extends WorkplaceRequestInfo {
  status?: number | undefined;
  /** WORKPLACE's (or the gateway's) own message. */
  workplaceMessage?: string | undefined;
  /** The API Gateway's errorCode (§1.7), when the answer came from the gateway. */
  gatewayCode?: string | undefined;
  /** What went wrong, when WORKPLACE said nothing (network failures, malformed or refused bodies). */
  detail?: string | undefined;
  /** The body or response field at fault (request and response errors). */
  field?: string | undefined;
  retryAfterMs?: number | undefined;
  /** The config key that sets the request's path (a missing route names it). */
  configKey?: string | undefined;
}

export abstract class WorkplaceError extends Error {
  abstract override readonly name: string;
  readonly code: WorkplaceErrorCode;
  readonly retryable: boolean;
  declare readonly status?: number;
  readonly method: string;
  readonly path: string;
  declare readonly externalKey?: string;
  declare readonly workplaceMessage?: string;
  declare readonly gatewayCode?: string;
  declare readonly field?: string;
  declare readonly retryAfterMs?: number;
  declare readonly configKey?: string;

  protected constructor(code: WorkplaceErrorCode, retryable: boolean, init: WorkplaceErrorInit) {
    super(describe(code, init));
    this.code = code;
    this.retryable = retryable;
    this.method = init.method;
    this.path = init.path;
    // Only what is known becomes a property (`declare` above): a dump shows no `undefined` noise.
    if (init.status !== undefined) this.status = init.status;
    if (init.externalKey !== undefined) this.externalKey = init.externalKey;
    if (init.workplaceMessage !== undefined) this.workplaceMessage = init.workplaceMessage;
    if (init.gatewayCode !== undefined) this.gatewayCode = init.gatewayCode;
    if (init.field !== undefined) this.field = init.field;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.configKey !== undefined) this.configKey = init.configKey;
  }

  /** What a log or a Temporal failure may carry: the fields above, nothing from the request's headers. */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries(JSON_FIELDS.map((key) => [key, this[key]]));
  }
}

/** The fields `toJSON` shows, in this order. */
const JSON_FIELDS = [
  'name',
  'code',
  'message',
  'retryable',
  'status',
  'method',
  'path',
  'externalKey',
  'workplaceMessage',
  'gatewayCode',
  'field',
  'retryAfterMs',
  'configKey',
] as const satisfies readonly (keyof WorkplaceError)[];

/** `WORKPLACE POST /organization/apigw/v2/company/{companyId}/grade/G1 (key G1) failed: WORKPLACE_ALREADY_EXISTS (HTTP 400): grade G1 already exists` */
function describe(code: WorkplaceErrorCode, init: WorkplaceErrorInit): string {
  const key = init.externalKey === undefined ? '' : ` (key ${init.externalKey})`;
  const status = init.status === undefined ? '' : ` (HTTP ${init.status}${init.gatewayCode ? `, gateway code ${init.gatewayCode}` : ''})`;
  const what = [init.field, init.workplaceMessage ?? init.detail ?? 'no message'].filter(Boolean).join(': ');
  const hint =
    code === 'WORKPLACE_NO_ROUTE' ? `; this WORKPLACE has no such route: set ${init.configKey ?? 'workplace.protocol.paths'}` : '';
  return `WORKPLACE ${init.method} ${init.path}${key} failed: ${code}${status}: ${what}${hint}`;
}

/** Most concrete errors differ only in their name, code and whether a retry can help: one class each, over this. */
function workplaceErrorKind<N extends string>(name: N, code: WorkplaceErrorCode, retryable: boolean) {
  return class extends WorkplaceError {
    override readonly name = name;
    constructor(init: WorkplaceErrorInit) {
      super(code, retryable, init);
    }
  };
}

/** 401/403 (gateway 200/210/230): bad signature, unknown key, clock skew, no permission. Needs an operator. */
export class WorkplaceAuthError extends workplaceErrorKind('WorkplaceAuthError', 'WORKPLACE_AUTH', false) {}

/** 400 (and other 4xx): WORKPLACE refused the request; sending it again gives the same answer. */
export class WorkplaceValidationError extends WorkplaceError {
  override readonly name: string = 'WorkplaceValidationError';
  constructor(
    init: WorkplaceErrorInit,
    code: 'WORKPLACE_VALIDATION' | 'WORKPLACE_ALREADY_EXISTS' | 'WORKPLACE_NOT_FOUND' = 'WORKPLACE_VALIDATION',
  ) {
    super(code, false, init);
  }
}

/** 400 "already exists" on a POST: the engine switches to PUT (Decisions "upsert"). */
export class WorkplaceAlreadyExistsError extends WorkplaceValidationError {
  override readonly name = 'WorkplaceAlreadyExistsError';
  constructor(init: WorkplaceErrorInit) {
    super(init, 'WORKPLACE_ALREADY_EXISTS');
  }
}

/** 400 "not found" on a PUT/DELETE/GET of the path's own key: switch to POST, or the delete is done. */
export class WorkplaceNotFoundError extends WorkplaceValidationError {
  override readonly name = 'WorkplaceNotFoundError';
  constructor(init: WorkplaceErrorInit) {
    super(init, 'WORKPLACE_NOT_FOUND');
  }
}

/**
 * The gateway's 404 / code 300 (§1.7): no route for this path or method, so the protocol's path is
 * wrong for this WORKPLACE (or the API is not enabled), not a missing record. Permanent; the message
 * names the config key to change (e.g. `workplace.protocol.paths.reportsTo`).
 */
export class WorkplaceNoRouteError extends workplaceErrorKind('WorkplaceNoRouteError', 'WORKPLACE_NO_ROUTE', false) {}

/** 429 (gateway 400 quota, 410 throttle, 420 rate): retried with backoff. */
export class WorkplaceRateLimitError extends workplaceErrorKind('WorkplaceRateLimitError', 'WORKPLACE_RATE_LIMITED', true) {}

/** 5xx: WORKPLACE's 500, the gateway's 503 (endpoint error) and 504 (endpoint timeout). */
export class WorkplaceServerError extends workplaceErrorKind('WorkplaceServerError', 'WORKPLACE_SERVER', true) {}

/** No HTTP answer: refused, reset, timed out. */
export class WorkplaceNetworkError extends workplaceErrorKind('WorkplaceNetworkError', 'WORKPLACE_NETWORK', true) {}

/** A 2xx answer that is not what the reference describes (not JSON, a field missing or mistyped). */
export class WorkplaceResponseError extends workplaceErrorKind('WorkplaceResponseError', 'WORKPLACE_BAD_RESPONSE', false) {}

/** A key or body the client refused before sending, because WORKPLACE would refuse it (§2 sizes and required fields). */
export class WorkplaceRequestError extends workplaceErrorKind('WorkplaceRequestError', 'WORKPLACE_INVALID_REQUEST', false) {}

/** How WORKPLACE's 400 messages are read (assumptions.ts `messages`), compiled once per client. */
export interface MessageReading {
  alreadyExists: readonly RegExp[];
  notFound: readonly RegExp[];
  missingReference: readonly RegExp[];
  noRoute: WorkplaceProtocol['noRoute'];
}

export function messageReading(protocol: Pick<WorkplaceProtocol, 'messages' | 'noRoute'>): MessageReading {
  const compile = (sources: readonly string[]) => sources.map((source) => new RegExp(source, 'iu'));
  return {
    alreadyExists: compile(protocol.messages.alreadyExists),
    notFound: compile(protocol.messages.notFound),
    missingReference: compile(protocol.messages.missingReference),
    noRoute: protocol.noRoute,
  };
}

const DEFAULT_READING = messageReading(DEFAULT_PROTOCOL);

/** Whether `text` names `key` as a whole token (D1 is not inside D10; a Korean particle may follow: D1은). */
function mentions(text: string, key: string): boolean {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`).test(text);
}

/**
 * The error for a non-2xx answer: by status first (401/403, 429, 5xx), then the gateway's "no route"; a 400 from WORKPLACE itself is
 * "already exists" / "not found" only when its message says so (assumptions.ts `messages`), otherwise
 * a validation error. A "not found" that is about a reference is not the path key's absence: a message
 * matching `missingReference`, or naming one of the keys the body refers to (`references`), stays a
 * validation error, so no verb switch follows a failed parent or manager. Gateway answers (a
 * gatewayCode) are never taken for either.
 */
export function workplaceFailure(
  init: WorkplaceErrorInit & { status: number; references?: readonly string[] | undefined },
  reading: MessageReading = DEFAULT_READING,
): WorkplaceError {
  const { status, references, ...rest } = init;
  const error = { ...rest, status };
  if (status === 401 || status === 403) return new WorkplaceAuthError(error);
  if (status === 429) return new WorkplaceRateLimitError(error);
  if (status >= 500) return new WorkplaceServerError(error);
  if (status === reading.noRoute.status && init.gatewayCode === reading.noRoute.gatewayCode) return new WorkplaceNoRouteError(error);
  const message = init.workplaceMessage;
  if (status === 400 && init.gatewayCode === undefined && message) {
    if (reading.alreadyExists.some((p) => p.test(message))) return new WorkplaceAlreadyExistsError(error);
    const aboutReference =
      reading.missingReference.some((p) => p.test(message)) ||
      (references ?? []).some((key) => key !== '' && key !== init.externalKey && mentions(message, key));
    if (!aboutReference && reading.notFound.some((p) => p.test(message))) return new WorkplaceNotFoundError(error);
  }
  if (status >= 400) return new WorkplaceValidationError(error);
  return new WorkplaceResponseError({ ...error, detail: `unexpected HTTP ${status}` });
}
