/**
 * One Knox call over the shared transport (lib/http-transport.ts: limiter, counters, network errors,
 * JSON, redaction, Retry-After, capture): the System-ID and config headers set, and the answer read
 * the Knox way. Returns the parsed JSON of a `result: success` answer; every other outcome becomes a
 * named KnoxError (errors.ts).
 */
import type { KnoxConfig } from '../config/index.js';
import { HttpTransport, type ExchangeListener } from '../lib/http-transport.js';
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
  /** Sees each request/response exchange, without headers (orgsync doctor --capture). */
  onExchange?: ExchangeListener;
}

export class KnoxTransport {
  readonly #http: HttpTransport;
  readonly #protocol: KnoxProtocol;

  constructor(config: KnoxConfig, options: KnoxTransportOptions) {
    this.#protocol = options.protocol;
    const headers = Object.fromEntries(Object.entries(config.headers).map(([name, value]) => [name, value.reveal()]));
    this.#http = new HttpTransport({
      baseUrl: config.baseUrl,
      timeoutMs: options.timeoutMs,
      maxSockets: options.maxSockets,
      // Secrets are revealed here and nowhere else; errors never carry headers.
      headers: { ...headers, [SYSTEM_ID_HEADER]: config.systemId },
      // As for WORKPLACE: a 5% wider window absorbs network jitter, so Knox's gateway never counts more than KNOX_RPS in a second.
      rateLimit: options.rateLimit ? { perSecond: config.rps, windowMs: 1050 } : undefined,
      // The System-ID and header values: redacted from anything Knox or the network says back.
      secrets: [config.systemId, ...Object.values(headers)],
      onExchange: options.onExchange,
    });
  }

  stats(): { calls: number; byPath: Record<string, number> } {
    const { requests, byPath } = this.#http.stats();
    return { calls: requests, byPath };
  }

  async call(call: KnoxCall): Promise<Record<string, unknown>> {
    const answer = await this.#http.send(
      {
        method: call.method as 'GET' | 'POST',
        url: call.path.replace(/^\/+/, ''),
        query: call.query,
        body: call.body,
        signal: call.signal,
        shownPath: call.path,
        // Knox's paths are its endpoints; a call's parameters are in the query or the body.
        countedAs: call.path,
      },
      (detail) => new KnoxNetworkError({ ...call, code: 'KNOX_NETWORK', detail }),
    );
    const body = isRecord(answer.json) ? answer.json : undefined;
    const { code: codeField, message: messageField } = this.#protocol.errorFields;
    const said = stringField(body, messageField);
    const knox = { code: stringField(body, codeField), message: said === undefined ? undefined : this.#http.redact(said) };
    if (!answer.ok || body?.result === 'fail') throw knoxFailure(call, answer.status, knox, answer.retryAfterMs);
    if (!body || body.result !== 'success') {
      throw new KnoxResponseError({
        ...call,
        code: 'KNOX_BAD_RESPONSE',
        status: answer.status,
        detail: body ? `result is ${JSON.stringify(body.result)}, expected "success"` : 'the body is not a JSON object',
      });
    }
    return body;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringField(body: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = body?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
