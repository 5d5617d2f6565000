/**
 * One outbound HTTP exchange, made the way every orgsync client makes it: the rate limiter (or pacer) awaited,
 * the caller's AbortSignal honoured, the request counted, got's network failures turned into one
 * line of redacted text, the answer parsed as JSON (or marked as not JSON), Retry-After read, and the
 * exchange offered to a capture listener. What an answer *means* is the caller's: Knox and WORKPLACE
 * each keep their own signing or headers and their own error taxonomy.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { RequestError, TimeoutError, type ExtendOptions, type Got } from 'got';
import { baseClient } from './http-client.js';
import { RateLimiter, type RequestLimiter } from './rate-limiter.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * What a capture sees of one exchange: method, path, bodies and status. Never a header, so never a
 * signature or a key; every configured secret in a body is replaced by `[redacted]`.
 */
export interface HttpExchange {
  method: HttpMethod;
  /** Path and query as the client names the request (WORKPLACE shows its companyId as `{companyId}`). */
  path: string;
  requestBody?: unknown;
  /** Undefined when no answer came (refused, reset, timed out). */
  status?: number;
  /** The answer's JSON, or its text when it is not JSON; absent for an empty body. */
  responseBody?: unknown;
  /** Why no answer came. */
  error?: string;
  /** The answer's `Date` header, as sent: `orgsync doctor` measures clock skew by it (signatures have a time window). */
  date?: string;
  durationMs: number;
}

export type ExchangeListener = (exchange: HttpExchange) => void;

export interface HttpTransportOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Sockets kept per host. */
  maxSockets?: number;
  headers?: Record<string, string>;
  /** got hooks, e.g. WORKPLACE's signing beforeRequest hook (runs on every attempt). */
  hooks?: ExtendOptions['hooks'];
  /** At most this many request starts per window (default one second); undefined: no limiter. */
  rateLimit?: { perSecond: number; windowMs?: number } | undefined;
  /** A limiter of the caller's (WORKPLACE: a pacer, perhaps shared between processes); takes the place of `rateLimit`. */
  limiter?: RequestLimiter | undefined;
  /** Values that must never appear in an error or a capture, whoever echoes them. */
  secrets: readonly string[];
  /** Further text that must never appear (WORKPLACE: anything shaped like a signature). */
  redactPatterns?: readonly RegExp[];
  /** The answer header holding Retry-After; default `retry-after`. */
  retryAfterHeader?: string;
  /** Called once per exchange, answered or not. */
  onExchange?: ExchangeListener | undefined;
}

export interface HttpRequest {
  method: HttpMethod;
  /** Relative to baseUrl and already percent-encoded, without a leading slash or the query. */
  url: string;
  query?: Readonly<Record<string, string>> | undefined;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** How captures and errors name the request (without the query); default `/` + url. */
  shownPath?: string;
  /**
   * The request's name in the per-path counter (`stats().byPath`): one of a few endpoints, never a path
   * with a key in it. Unset, the request counts by method only: WORKPLACE's paths name an object each, and
   * counting them kept one entry per object written for the worker's lifetime (~65 MB after a first sync
   * of 100,000 employees).
   */
  countedAs?: string;
}

export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: IncomingHttpHeaders;
  /** The parsed JSON; undefined for an empty body or one that is not JSON. */
  json: unknown;
  /** The body is neither empty nor JSON (a proxy's HTML page, say). */
  notJson: boolean;
  retryAfterMs?: number;
}

export interface HttpStats {
  requests: number;
  byMethod: Record<string, number>;
  /** By `countedAs`, for the requests that name one. */
  byPath: Record<string, number>;
}

const REDACTED = '[redacted]';

export class HttpTransport {
  readonly #got: Got;
  readonly #limiter: RequestLimiter | undefined;
  readonly #timeoutMs: number;
  readonly #secrets: readonly string[];
  readonly #patterns: readonly RegExp[];
  readonly #retryAfterHeader: string;
  readonly #onExchange: ExchangeListener | undefined;
  #requests = 0;
  readonly #byMethod: Record<string, number> = {};
  readonly #byPath: Record<string, number> = {};

  constructor(options: HttpTransportOptions) {
    this.#limiter = options.limiter ?? (options.rateLimit ? new RateLimiter(options.rateLimit) : undefined);
    this.#timeoutMs = options.timeoutMs;
    this.#secrets = options.secrets.filter((secret) => secret !== '');
    this.#patterns = (options.redactPatterns ?? []).map((p) => new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`));
    this.#retryAfterHeader = options.retryAfterHeader ?? 'retry-after';
    this.#onExchange = options.onExchange;
    this.#got = baseClient({
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      ...(options.maxSockets ? { maxSockets: options.maxSockets } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.hooks ? { hooks: options.hooks } : {}),
    });
  }

  stats(): HttpStats {
    return { requests: this.#requests, byMethod: { ...this.#byMethod }, byPath: { ...this.#byPath } };
  }

  /**
   * Sends one request and returns the answer, whatever its status. With no answer, throws what
   * `networkError` makes of the redacted reason; an abort rethrows the signal's reason as it is.
   */
  async send(request: HttpRequest, networkError: (detail: string) => Error): Promise<HttpAnswer> {
    const { signal } = request;
    await this.#limiter?.take(signal);
    signal?.throwIfAborted();
    const shownPath = request.shownPath ?? `/${request.url}`;
    this.#requests++;
    this.#byMethod[request.method] = (this.#byMethod[request.method] ?? 0) + 1;
    if (request.countedAs) this.#byPath[request.countedAs] = (this.#byPath[request.countedAs] ?? 0) + 1;
    const started = performance.now();
    let response;
    try {
      response = await this.#got(request.url, {
        method: request.method,
        ...(request.query ? { searchParams: { ...request.query } } : {}),
        ...(request.body === undefined ? {} : { json: request.body }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      // An abort is the caller's decision, not a failure of the other side.
      signal?.throwIfAborted();
      const detail = this.redact(
        error instanceof TimeoutError
          ? `no answer within ${this.#timeoutMs} ms`
          : error instanceof RequestError
            ? `${error.code}: ${error.message}`
            : String(error),
      );
      this.#capture(request, shownPath, started, { error: detail });
      // No `cause`: got's error carries the request options, headers and all, for any logger to print.
      throw networkError(detail);
    }
    const parsed = parseJson(response.body);
    const date = response.headers.date;
    this.#capture(request, shownPath, started, {
      status: response.statusCode,
      ...(date ? { date } : {}),
      ...(parsed === NOT_JSON ? { responseBody: this.redact(response.body) } : parsed === undefined ? {} : { responseBody: parsed }),
    });
    const retryAfter = retryAfterMs(response.headers[this.#retryAfterHeader]);
    return {
      status: response.statusCode,
      ok: response.statusCode >= 200 && response.statusCode < 300,
      headers: response.headers,
      json: parsed === NOT_JSON ? undefined : parsed,
      notJson: parsed === NOT_JSON,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    };
  }

  /** The text with every secret and every redact pattern replaced by `[redacted]`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join(REDACTED);
    for (const pattern of this.#patterns) out = out.replace(pattern, REDACTED);
    return out;
  }

  #capture(
    request: HttpRequest,
    shownPath: string,
    started: number,
    outcome: Pick<HttpExchange, 'status' | 'responseBody' | 'error' | 'date'>,
  ) {
    if (!this.#onExchange) return;
    const search = request.query && Object.keys(request.query).length ? `?${new URLSearchParams({ ...request.query }).toString()}` : '';
    const exchange: HttpExchange = {
      method: request.method,
      path: this.redact(`${shownPath}${search}`),
      ...(request.body === undefined ? {} : { requestBody: this.#redactJson(request.body) }),
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      ...(outcome.responseBody === undefined ? {} : { responseBody: this.#redactJson(outcome.responseBody) }),
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      ...(outcome.date === undefined ? {} : { date: outcome.date }),
      durationMs: Math.round(performance.now() - started),
    };
    this.#onExchange(exchange);
  }

  /** Redacts inside the JSON text, so a secret is caught wherever it sits; a string stays a string. */
  #redactJson(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    const text = this.redact(JSON.stringify(value));
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
