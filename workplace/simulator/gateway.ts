/**
 * What the NCP API Gateway does before WORKPLACE sees a request (workplace.md §1.2–§1.7): check the
 * signature against the raw request target, the timestamp, the access key and the API key; apply the
 * usage plan (requests/second with a burst, and an optional daily quota). Its refusals carry the
 * gateway's own error body. The signature is computed here from §1.3, independently of the client.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  AUTH_FAILURE,
  ENVELOPE_TIMEZONE_OFFSET_MS,
  GATEWAY_ERRORS,
  HEADERS,
  MAX_CLOCK_SKEW_MS,
  SIGNATURE_V1_INCLUDES_API_KEY,
  V2_REQUIRES_API_KEY,
} from '../assumptions.js';

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
  credentials: Credentials,
  method: string,
  target: string,
  headers: IncomingHttpHeaders,
  now: number,
): Refusal | undefined {
  const timestamp = header(headers, HEADERS.timestamp);
  const accessKey = header(headers, HEADERS.accessKey);
  const apiKey = header(headers, HEADERS.apiKey);
  const v2 = header(headers, HEADERS.signatureV2);
  const v1 = header(headers, HEADERS.signatureV1);
  if (!timestamp || !/^\d+$/.test(timestamp)) return refuse(`${HEADERS.timestamp} missing or not milliseconds`);
  if (Math.abs(now - Number(timestamp)) >= MAX_CLOCK_SKEW_MS)
    return refuse(`${HEADERS.timestamp} is 5 minutes or more away from the gateway clock`);
  if (!accessKey) return refuse(`${HEADERS.accessKey} missing`);
  if (accessKey !== credentials.accessKey) return refuse('unknown access key');
  if (apiKey !== undefined && apiKey !== credentials.apiKey) return refuse('invalid API key');
  const start = `${method.toUpperCase()} ${target}`;
  if (v2) {
    if (V2_REQUIRES_API_KEY && credentials.apiKey && !apiKey) return refuse(`${HEADERS.apiKey} missing`);
    return sameSignature(expectedSignature(credentials.secretKey, [start, timestamp, accessKey]), v2)
      ? undefined
      : refuse('signature mismatch');
  }
  if (v1) {
    // §1.4 [SIM]: v1 only when an API key is configured, with the API-key layout.
    if (!credentials.apiKey) return refuse('signature v1 is not enabled (no API key configured)');
    if (!apiKey) return refuse(`${HEADERS.apiKey} missing (required with signature v1)`);
    const lines = SIGNATURE_V1_INCLUDES_API_KEY ? [start, timestamp, apiKey, accessKey] : [start, timestamp, accessKey];
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
