/**
 * One WORKPLACE request: rate-limited, signed afresh by a got beforeRequest hook on every attempt,
 * got's retries off (Temporal owns retries), a timeout, a keep-alive agent, the caller's AbortSignal
 * honoured. Returns the JSON of a 2xx answer; every other outcome becomes a named WorkplaceError.
 */
import { RequestError, TimeoutError, type Got } from 'got';
import { baseClient } from '../lib/http-client.js';
import type { WorkplaceConfig } from '../config/index.js';
import { RateLimiter } from '../lib/rate-limiter.js';
import { PREFIX, RETRY_AFTER_HEADER, type ApiVersion } from './assumptions.js';
import { WorkplaceNetworkError, WorkplaceResponseError, workplaceFailure, type WorkplaceRequestInfo } from './errors.js';
import { EnvelopeErrorBodySchema, GatewayErrorBodySchema } from './schemas.js';
import { signedHeaders } from './signing.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface WorkplaceCall {
  method: Method;
  version: ApiVersion;
  /** Path segments after `/company/{companyId}/`, unencoded: each is percent-encoded once, here. */
  segments: readonly string[];
  query?: Readonly<Record<string, string>>;
  body?: unknown;
  /** For error messages. */
  externalKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface WorkplaceTransportOptions {
  timeoutMs: number;
  now: () => number;
  rateLimit: boolean;
}

export interface WorkplaceAnswer {
  status: number;
  /** The parsed JSON, or undefined for an empty body. */
  json: unknown;
}

/** Where a request goes and how it is named in errors (the companyId is left out of messages). */
export function requestTarget(
  companyId: string,
  call: Pick<WorkplaceCall, 'method' | 'version' | 'segments' | 'query' | 'externalKey'>,
): { uri: string; info: WorkplaceRequestInfo } {
  const rest = call.segments.map(encodeURIComponent).join('/');
  const search = call.query && Object.keys(call.query).length ? `?${new URLSearchParams(call.query).toString()}` : '';
  return {
    uri: `${PREFIX[call.version]}/${encodeURIComponent(companyId)}/${rest}${search}`,
    info: { method: call.method, path: `${PREFIX[call.version]}/{companyId}/${rest}${search}`, externalKey: call.externalKey },
  };
}

export class WorkplaceTransport {
  readonly #got: Got;
  readonly #limiter: RateLimiter | undefined;
  readonly #companyId: string;
  readonly #timeoutMs: number;
  /** Every credential value, so that no text WORKPLACE echoes can carry one into an error. */
  readonly #secrets: readonly string[];
  #requests = 0;
  readonly #byMethod: Record<string, number> = {};

  constructor(config: WorkplaceConfig, options: WorkplaceTransportOptions) {
    if (config.signatureVersion === 'v1' && !config.apiKey) {
      throw new TypeError('WORKPLACE_SIGNATURE=v1 needs the API Gateway API key (NCP_API_KEY): v1 signs with it (workplace.md §1.4)');
    }
    // The gateway counts arrivals, the limiter spaces starts: a 5% wider window absorbs network jitter,
    // so no one-second window at the gateway sees more than WORKPLACE_RPS from this process.
    this.#limiter = options.rateLimit ? new RateLimiter({ perSecond: config.rps, windowMs: 1050 }) : undefined;
    this.#companyId = config.companyId;
    this.#timeoutMs = options.timeoutMs;
    this.#secrets = [config.secretKey, config.accessKey, config.apiKey].flatMap((s) => (s ? [s.reveal()] : []));
    this.#got = baseClient({
      baseUrl: config.baseUrl,
      timeoutMs: options.timeoutMs,
      headers: { accept: 'application/json' },
      hooks: {
        // Runs before every attempt, so each one carries a fresh timestamp (§1.5). Secrets are revealed here only.
        beforeRequest: [
          (request) => {
            const url = request.url instanceof URL ? request.url : new URL(String(request.url));
            Object.assign(
              request.headers,
              signedHeaders({
                method: request.method,
                // §1.3: sign exactly the request target that goes on the wire.
                uri: `${url.pathname}${url.search}`,
                timestamp: String(Math.trunc(options.now())),
                accessKey: config.accessKey.reveal(),
                secretKey: config.secretKey.reveal(),
                apiKey: config.apiKey?.reveal(),
                version: config.signatureVersion,
              }),
            );
          },
        ],
      },
    });
  }

  stats(): { requests: number; byMethod: Record<string, number> } {
    return { requests: this.#requests, byMethod: { ...this.#byMethod } };
  }

  async call(call: WorkplaceCall): Promise<WorkplaceAnswer> {
    const { signal } = call;
    const { uri, info } = requestTarget(this.#companyId, call);
    await this.#limiter?.take(signal);
    signal?.throwIfAborted();
    this.#requests++;
    this.#byMethod[call.method] = (this.#byMethod[call.method] ?? 0) + 1;
    let response;
    try {
      response = await this.#got(uri.slice(1), {
        method: call.method,
        ...(call.body === undefined ? {} : { json: call.body }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      // An abort is the caller's decision, not a WORKPLACE failure: rethrow its reason as it is.
      signal?.throwIfAborted();
      const detail =
        error instanceof TimeoutError
          ? `no answer within ${this.#timeoutMs} ms`
          : error instanceof RequestError
            ? `${error.code}: ${error.message}`
            : String(error);
      throw new WorkplaceNetworkError({ ...info, detail: this.#redact(detail) });
    }
    const json = parseJson(response.body);
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    if (ok && json === NOT_JSON) {
      throw new WorkplaceResponseError({
        ...info,
        status: response.statusCode,
        detail: `the body is not JSON (${String(response.headers['content-type'] ?? 'no content-type')})`,
      });
    }
    if (!ok) {
      const said = errorMessage(json === NOT_JSON ? undefined : json);
      throw workplaceFailure({
        ...info,
        status: response.statusCode,
        workplaceMessage: said.message === undefined ? undefined : this.#redact(said.message),
        gatewayCode: said.gatewayCode,
        detail: said.message === undefined ? `HTTP ${response.statusCode} without an error message` : undefined,
        retryAfterMs: retryAfterMs(response.headers[RETRY_AFTER_HEADER]),
      });
    }
    return { status: response.statusCode, json: json === NOT_JSON ? undefined : json };
  }

  #redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('[redacted]');
    // A signature is a 44-character base64 HMAC-SHA256: never repeat one, whoever echoed it.
    return out.replace(/[A-Za-z0-9+/]{43}=/g, '[redacted]');
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

/** The gateway's `{ error: { errorCode, message, details } }` (§1.7) or WORKPLACE's envelope `message` (§1.8.6). */
function errorMessage(json: unknown): { message?: string; gatewayCode?: string } {
  const gateway = GatewayErrorBodySchema.safeParse(json);
  if (gateway.success) {
    const { errorCode, message, details } = gateway.data.error;
    const text = [message, typeof details === 'string' && details ? details : undefined].filter(Boolean).join(': ');
    return { gatewayCode: errorCode, ...(text ? { message: text } : {}) };
  }
  const envelope = EnvelopeErrorBodySchema.safeParse(json);
  if (envelope.success) {
    const message = envelope.data.message || envelope.data.error || undefined;
    return message ? { message } : {};
  }
  return {};
}

/** Retry-After in seconds or as an HTTP date (none is documented, §1.6; honoured when a gateway sends one). */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
