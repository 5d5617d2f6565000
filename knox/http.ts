/**
 * One Knox call: rate-limited, System-ID and config headers set, got's retries off (Temporal owns
 * retries), a timeout, a keep-alive agent, the caller's AbortSignal honoured. Returns the parsed JSON of
 * a `result: success` answer; every other outcome becomes a named KnoxError (errors.ts).
 */
import { RequestError, TimeoutError, type Got } from 'got';
import { baseClient } from '../lib/http-client.js';
import type { KnoxConfig } from '../config/index.js';
import { RateLimiter } from '../lib/rate-limiter.js';
import { SYSTEM_ID_HEADER, type KnoxProtocol } from './assumptions.js';
import { knoxFailure, KnoxNetworkError, KnoxResponseError, type KnoxRequestInfo } from './errors.js';

export interface KnoxCall extends KnoxRequestInfo {
  query: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface KnoxTransportOptions {
  timeoutMs: number;
  rateLimit: boolean;
  /** Sockets kept per host: enough for the client's concurrency. */
  maxSockets: number;
  protocol: KnoxProtocol;
}

export class KnoxTransport {
  readonly #got: Got;
  readonly #limiter: RateLimiter | undefined;
  readonly #protocol: KnoxProtocol;
  readonly #timeoutMs: number;
  #calls = 0;
  readonly #byPath: Record<string, number> = {};

  /** The System-ID and header values: redacted from anything Knox or the network says back. */
  readonly #secrets: string[];

  constructor(config: KnoxConfig, options: KnoxTransportOptions) {
    this.#limiter = options.rateLimit ? new RateLimiter({ perSecond: config.rps }) : undefined;
    this.#protocol = options.protocol;
    this.#timeoutMs = options.timeoutMs;
    this.#secrets = [config.systemId, ...Object.values(config.headers).map((value) => value.reveal())].filter((secret) => secret !== '');
    this.#got = baseClient({
      baseUrl: config.baseUrl,
      timeoutMs: options.timeoutMs,
      maxSockets: options.maxSockets,
      // Secrets are revealed here and nowhere else; errors never carry headers.
      headers: {
        ...Object.fromEntries(Object.entries(config.headers).map(([name, value]) => [name, value.reveal()])),
        [SYSTEM_ID_HEADER]: config.systemId,
      },
    });
  }

  stats(): { calls: number; byPath: Record<string, number> } {
    return { calls: this.#calls, byPath: { ...this.#byPath } };
  }

  async call(call: KnoxCall): Promise<Record<string, unknown>> {
    const { signal } = call;
    await this.#limiter?.take(signal);
    signal?.throwIfAborted();
    this.#calls++;
    this.#byPath[call.path] = (this.#byPath[call.path] ?? 0) + 1;
    let response;
    try {
      response = await this.#got(call.path.replace(/^\/+/, ''), {
        method: call.method as 'GET' | 'POST',
        searchParams: call.query,
        ...(call.body === undefined ? {} : { json: call.body }),
        signal,
      });
    } catch (error) {
      signal?.throwIfAborted();
      const detail =
        error instanceof TimeoutError
          ? `no answer within ${this.#timeoutMs} ms`
          : error instanceof RequestError
            ? `${error.code}: ${error.message}`
            : String(error);
      // No `cause`: got's error carries the request options, headers and all, for any logger to print.
      throw new KnoxNetworkError({ ...call, code: 'KNOX_NETWORK', detail: this.#redact(detail) });
    }
    const body = parseJson(response.body);
    const { code: codeField, message: messageField } = this.#protocol.errorFields;
    const said = stringField(body, messageField);
    const knox = { code: stringField(body, codeField), message: said === undefined ? undefined : this.#redact(said) };
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    if (!ok || body?.result === 'fail') throw knoxFailure(call, response.statusCode, knox, retryAfterMs(response.headers['retry-after']));
    if (!body || body.result !== 'success') {
      throw new KnoxResponseError({
        ...call,
        code: 'KNOX_BAD_RESPONSE',
        status: response.statusCode,
        detail: body ? `result is ${JSON.stringify(body.result)}, expected "success"` : 'the body is not a JSON object',
      });
    }
    return body;
  }

  #redact(text: string): string {
    return this.#secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringField(body: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = body?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
