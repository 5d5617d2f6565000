/**
 * Knox failures as named errors with stable codes (got's own style: `name`, `code`, a message naming the
 * method and the sanitised request). `retryable` is what the activity boundary turns into Temporal's
 * nonRetryable: the 400 family (EM00xx/ORG00xx, seed "Error Code" tables) is permanent; EM0010/ORG0010
 * (500), 429, network failures and reads that did not add up are transient.
 */
import { EMPLOYEE_LIST_KEYS, SERVER_ERROR_CODES } from './assumptions.js';

/** The request an error is about: never headers, so never a credential. */
export interface KnoxRequestInfo {
  method: string;
  path: string;
  query?: Readonly<Record<string, string>>;
}

interface KnoxErrorInit extends KnoxRequestInfo {
  code: string;
  /** Knox's errorMessage, or what went wrong. */
  detail: string;
  status?: number;
}

export abstract class KnoxError extends Error {
  abstract override readonly name: string;
  abstract readonly retryable: boolean;
  /** Knox's code ('EM0016', 'ORG0014') or orgsync's ('KNOX_HTTP_429', 'KNOX_NETWORK', …). */
  readonly code: string;
  readonly status?: number;
  readonly method: string;
  /** Path only; the query is in the message, list values summarised. */
  readonly path: string;
  /** Knox's own message (or ours), without the request prefix. */
  readonly detail: string;
  /** How long Knox asked us to wait (Retry-After); only a KnoxRateLimitError carries one. */
  readonly retryAfterMs?: number;

  constructor(init: KnoxErrorInit) {
    super(`Knox ${describeRequest(init)} failed: ${init.code}${init.status === undefined ? '' : ` (HTTP ${init.status})`}: ${init.detail}`);
    this.code = init.code;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.detail = init.detail;
  }
}

/** The concrete errors differ only in their name and whether a retry can help: one class each, over this. */
function knoxErrorKind<N extends string>(name: N, retryable: boolean) {
  return class extends KnoxError {
    override readonly name = name;
    readonly retryable = retryable;
  };
}

/** 400 family (EM0001…EM0018, ORG0003…ORG0014) and other 4xx: the request is wrong; a retry repeats it. */
export class KnoxRequestError extends knoxErrorKind('KnoxRequestError', false) {}

/** EM0010 / ORG0010 (500) and other 5xx. */
export class KnoxServerError extends knoxErrorKind('KnoxServerError', true) {}

/** 429: Knox's undocumented rate limit was hit despite KNOX_RPS. */
export class KnoxRateLimitError extends knoxErrorKind('KnoxRateLimitError', true) {
  override readonly retryAfterMs?: number;
  constructor(init: KnoxErrorInit, retryAfterMs?: number) {
    super(init);
    this.retryAfterMs = retryAfterMs;
  }
}

/** No HTTP response: refused, reset, timed out. */
export class KnoxNetworkError extends knoxErrorKind('KnoxNetworkError', true) {}

/** 401/403: System-ID or the gateway's header refused. Needs an operator, not a retry. */
export class KnoxAuthError extends knoxErrorKind('KnoxAuthError', false) {}

/** The response itself is not what the seed describes (not JSON, no `result`, no rows array, bad counts). */
export class KnoxResponseError extends knoxErrorKind('KnoxResponseError', false) {}

/** A paged read did not add up (totalCount/totalPage changed, a row came twice, rows ≠ totalCount): re-read. */
export class KnoxInconsistentReadError extends knoxErrorKind('KnoxInconsistentReadError', true) {}

const LIST_KEYS: ReadonlySet<string> = new Set(EMPLOYEE_LIST_KEYS);
const TRANSIENT_CODES: ReadonlySet<string> = new Set(SERVER_ERROR_CODES);
const MAX_VALUE_CHARS = 60;

/** `POST /employees?departmentCode=C60AH959&page=2`, with id lists summarised (`epIds=<100 items>`). */
export function describeRequest({ method, path, query = {} }: KnoxRequestInfo): string {
  const parts = Object.entries(query).map(([name, value]) => {
    if (LIST_KEYS.has(name)) return `${name}=<${value.split(',').length} items>`;
    return `${name}=${value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value}`;
  });
  return `${method} ${path}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/**
 * The error for an answer Knox gave: by status first (401/403, 429), then by Knox code (the seed fixes
 * each code's status, so a code is trusted even under an unexpected status), then by status class.
 */
export function knoxFailure(
  request: KnoxRequestInfo,
  status: number,
  knox: { code?: string; message?: string },
  retryAfterMs?: number,
): KnoxError {
  const detail = knox.message || `HTTP ${status} without a Knox error message`;
  const init = { ...request, status, detail };
  if (status === 401 || status === 403) return new KnoxAuthError({ ...init, code: 'KNOX_AUTH' });
  if (status === 429) return new KnoxRateLimitError({ ...init, code: 'KNOX_HTTP_429' }, retryAfterMs);
  if (knox.code)
    return TRANSIENT_CODES.has(knox.code)
      ? new KnoxServerError({ ...init, code: knox.code })
      : new KnoxRequestError({ ...init, code: knox.code });
  if (status >= 500) return new KnoxServerError({ ...init, code: `KNOX_HTTP_${status}` });
  if (status >= 400) return new KnoxRequestError({ ...init, code: `KNOX_HTTP_${status}` });
  return new KnoxResponseError({
    ...init,
    code: 'KNOX_BAD_RESPONSE',
    detail: `result is "fail" without an error code${knox.message ? `: ${knox.message}` : ''}`,
  });
}
