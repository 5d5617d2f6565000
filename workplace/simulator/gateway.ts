/**
 * What the NCP API Gateway does before WORKPLACE sees a request (workplace.md §1.2–§1.7): check the
 * signature against the raw request target, the timestamp, the access key and the API key; apply the
 * usage plan (requests/second with a burst, and an optional daily quota). Its refusals carry the
 * gateway's own error body. The signature is computed here from §1.3, independently of the client.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { WorkplaceProtocol } from '../assumptions.js';
import { ENVELOPE_TIMEZONE_OFFSET_MS, V2_REQUIRES_API_KEY } from './rules.js';

/** FACT (§1.7): the API Gateway's own error codes, in `{ error: { errorCode, message, details } }`. */
export const GATEWAY_ERRORS = {
  badRequest: { status: 400, errorCode: '100', message: 'Bad Request Exception' },
  authenticationFailed: { status: 401, errorCode: '200', message: 'Authentication Failed' },
  permissionDenied: { status: 401, errorCode: '210', message: 'Permission Denied' },
  forbidden: { status: 403, errorCode: '230', message: 'Forbidden' },
  notFound: { status: 404, errorCode: '300', message: 'Not Found Exception' },
  quotaExceeded: { status: 429, errorCode: '400', message: 'Quota Exceeded' },
  throttleLimited: { status: 429, errorCode: '410', message: 'Throttle Limited' },
  rateLimited: { status: 429, errorCode: '420', message: 'Rate Limited' },
  entityTooLarge: { status: 413, errorCode: '430', message: 'Request Entity Too Large' },
  endpointError: { status: 503, errorCode: '500', message: 'Endpoint Error' },
  endpointTimeout: { status: 504, errorCode: '510', message: 'Endpoint Timeout' },
  unexpected: { status: 500, errorCode: '900', message: 'Unexpected Error' },
} as const;

/** ASSUMPTION (§1.5 [INFER]): a bad signature, unknown access key or stale timestamp is 401 / code 200. */
export const AUTH_FAILURE = GATEWAY_ERRORS.authenticationFailed;

/** ASSUMPTION: an authentic request for another companyId is refused as 401 / code 210 Permission Denied. */
export const OTHER_COMPANY = GATEWAY_ERRORS.permissionDenied;

export interface GatewayError {
  status: number;
  errorCode: string;
  message: string;
}

export interface Refusal {
  error: GatewayError;
  /** Goes into `details`: says what was wrong, never echoes a credential. */
  details: string;
}

export interface Credentials {
  accessKey: string;
  secretKey: string;
  apiKey?: string | undefined;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const refuse = (details: string, error: GatewayError = AUTH_FAILURE): Refusal => ({ error, details });

/** HMAC-SHA256 of the §1.3 string to sign, base64: "METHOD TARGET\nTIMESTAMP[\nAPIKEY]\nACCESSKEY". */
function expectedSignature(secretKey: string, lines: readonly string[]): Buffer {
  return Buffer.from(createHmac('sha256', secretKey).update(lines.join('\n')).digest('base64'));
}

function sameSignature(expected: Buffer, given: string): boolean {
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Undefined when the request is authentic. `target` is the request target exactly as received
 * (path and query), which is what the client must have signed (§1.3 [SIM]).
 */
export function authenticate(
  signing: WorkplaceProtocol['signing'],
  credentials: Credentials,
  method: string,
  target: string,
  headers: IncomingHttpHeaders,
  now: number,
): Refusal | undefined {
  const names = signing.headers;
  const timestamp = header(headers, names.timestamp);
  const accessKey = header(headers, names.accessKey);
  const apiKey = header(headers, names.apiKey);
  const v2 = header(headers, names.signatureV2);
  const v1 = header(headers, names.signatureV1);
  if (!timestamp || !/^\d+$/.test(timestamp)) return refuse(`${names.timestamp} missing or not milliseconds`);
  if (Math.abs(now - Number(timestamp)) >= signing.maxClockSkewMs)
    return refuse(`${names.timestamp} is ${signing.maxClockSkewMs / 60_000} minutes or more away from the gateway clock`);
  if (!accessKey) return refuse(`${names.accessKey} missing`);
  if (accessKey !== credentials.accessKey) return refuse('unknown access key');
  if (apiKey !== undefined && apiKey !== credentials.apiKey) return refuse('invalid API key');
  const start = `${method.toUpperCase()} ${target}`;
  if (v2) {
    if (V2_REQUIRES_API_KEY && credentials.apiKey && !apiKey) return refuse(`${names.apiKey} missing`);
    return sameSignature(expectedSignature(credentials.secretKey, [start, timestamp, accessKey]), v2)
      ? undefined
      : refuse('signature mismatch');
  }
  if (v1) {
    // §1.4 [SIM]: v1 only when an API key is configured, with the API-key layout.
    if (!credentials.apiKey) return refuse('signature v1 is not enabled (no API key configured)');
    if (!apiKey) return refuse(`${names.apiKey} missing (required with signature v1)`);
    const lines = signing.v1IncludesApiKey ? [start, timestamp, apiKey, accessKey] : [start, timestamp, accessKey];
    return sameSignature(expectedSignature(credentials.secretKey, lines), v1) ? undefined : refuse('signature mismatch');
  }
  return refuse('no signature header');
}

export interface RateLimit {
  perSecond: number;
  burst: number;
  /** Requests per (KST) day; beyond it 429 with errorCode 400 Quota Exceeded (§1.6). */
  perDay?: number;
}

/** A usage plan (§1.6): a token bucket of `burst` tokens refilled at `perSecond`, and a daily count. */
export class UsagePlan {
  #tokens: number;
  #at: number;
  #day = -1;
  #today = 0;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1))
      throw new RangeError(`rate limit needs perSecond > 0 and burst ≥ 1, got ${JSON.stringify(limit)}`);
    this.#tokens = limit.burst;
    this.#at = now;
  }

  /** Undefined when the request may pass; the gateway's 429 otherwise. */
  admit(now: number): Refusal | undefined {
    const day = Math.floor((now + ENVELOPE_TIMEZONE_OFFSET_MS) / 86_400_000);
    if (day !== this.#day) [this.#day, this.#today] = [day, 0];
    if (this.limit.perDay !== undefined && this.#today >= this.limit.perDay)
      return refuse(`more than ${this.limit.perDay} requests today`, GATEWAY_ERRORS.quotaExceeded);
    this.#tokens = Math.min(this.limit.burst, this.#tokens + (Math.max(0, now - this.#at) * this.limit.perSecond) / 1000);
    this.#at = now;
    if (this.#tokens < 1)
      return refuse(`more than ${this.limit.perSecond} requests per second (burst ${this.limit.burst})`, GATEWAY_ERRORS.rateLimited);
    this.#tokens -= 1;
    this.#today++;
    return undefined;
  }
}

/** §1.7: `{ error: { errorCode, message, details } }`. */
export function gatewayBody(refusal: Refusal): { error: { errorCode: string; message: string; details: string } } {
  return { error: { errorCode: refusal.error.errorCode, message: refusal.error.message, details: refusal.details } };
}
