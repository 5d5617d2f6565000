/**
 * One WORKPLACE request over the shared transport (lib/http-transport.ts: limiter, counters, network
 * errors, JSON, redaction, Retry-After, capture), signed afresh by a got beforeRequest hook on every
 * attempt. Returns the JSON of a 2xx answer; every other outcome becomes a named WorkplaceError.
 */
import type { WorkplaceConfig } from '../config/index.js';
import { HttpTransport, type ExchangeListener } from '../lib/http-transport.js';
import { Pacer, type SlotSource } from '../lib/pacer.js';
import { routeConfigKey, type ApiVersion, type HttpVerb, type RouteName, type WorkplaceProtocol } from './assumptions.js';
import {
  messageReading,
  WorkplaceNetworkError,
  WorkplaceResponseError,
  workplaceFailure,
  type MessageReading,
  type WorkplaceRequestInfo,
} from './errors.js';
import { EnvelopeErrorBodySchema, GatewayErrorBodySchema } from './schemas.js';
import { signedHeaders } from './signing.js';

export type Method = HttpVerb;

export interface WorkplaceCall {
  method: Method;
  version: ApiVersion;
  /** Path segments after `/company/{companyId}/`, unencoded: each is percent-encoded once, here. */
  segments: readonly string[];
  query?: Readonly<Record<string, string>>;
  body?: unknown;
  /** For error messages. */
  externalKey?: string | undefined;
  /** The protocol path the call takes, so a missing route names the config key to change. */
  route?: RouteName | undefined;
  /** Keys the body refers to (parent, department, grade, manager…): a 400 naming one is not "not found". */
  references?: readonly string[] | undefined;
  signal?: AbortSignal | undefined;
}

export interface WorkplaceTransportOptions {
  timeoutMs: number;
  now: () => number;
  rateLimit: boolean;
  /** Where the pacer's slots live: this process alone (default) or shared by every worker (PostgreSQL). */
  slots?: SlotSource | undefined;
  protocol: WorkplaceProtocol;
  /** Further values never to repeat (credentials among the protocol's extra fields). */
  secrets?: readonly string[];
  /** Sees each request/response exchange, without headers (orgsync doctor --capture). */
  onExchange?: ExchangeListener | undefined;
}

export interface WorkplaceAnswer {
  status: number;
  /** The parsed JSON, or undefined for an empty body. */
  json: unknown;
}

/**
 * Where a request goes (`url`, relative to the base URL, the query apart) and how it is named in
 * stats, captures and errors (the companyId shown as `{companyId}`: seed 002 calls it an "API key").
 */
export function requestTarget(
  companyId: string,
  prefixes: WorkplaceProtocol['prefixes'],
  call: Pick<WorkplaceCall, 'method' | 'version' | 'segments' | 'query' | 'externalKey'>,
): { url: string; shownPath: string; info: WorkplaceRequestInfo } {
  const rest = call.segments.map(encodeURIComponent).join('/');
  const search = call.query && Object.keys(call.query).length ? `?${new URLSearchParams(call.query).toString()}` : '';
  const prefix = prefixes[call.version].replace(/\/+$/, '');
  const shownPath = `${prefix}/{companyId}/${rest}`;
  return {
    url: `${prefix}/${encodeURIComponent(companyId)}/${rest}`.replace(/^\/+/, ''),
    shownPath,
    info: { method: call.method, path: `${shownPath}${search}`, externalKey: call.externalKey },
  };
}

/**
 * The gateway counts arrivals, the pacer spaces starts (1,000 + WORKPLACE_PACE_MARGIN_MS) / WORKPLACE_RPS ms apart:
 * the margin absorbs jitter between the two, so no one-second window at the gateway sees more than WORKPLACE_RPS
 * from all the processes sharing `slots` (lib/pacer.ts; ARCHITECTURE "Rate limits").
 */
export function workplacePacer({ rps, paceMarginMs }: Pick<WorkplaceConfig, 'rps' | 'paceMarginMs'>, slots?: SlotSource): Pacer {
  return new Pacer({ perSecond: rps, windowMs: 1000 + paceMarginMs, ...(slots ? { slots } : {}) });
}

export class WorkplaceTransport {
  readonly #http: HttpTransport;
  readonly #companyId: string;
  readonly #protocol: WorkplaceProtocol;
  readonly #messages: MessageReading;

  constructor(config: WorkplaceConfig, options: WorkplaceTransportOptions) {
    if (config.signatureVersion === 'v1' && !config.apiKey) {
      throw new TypeError('WORKPLACE_SIGNATURE=v1 needs the API Gateway API key (NCP_API_KEY): v1 signs with it (workplace.md §1.4)');
    }
    this.#companyId = config.companyId;
    this.#protocol = options.protocol;
    this.#messages = messageReading(options.protocol);
    const { signing } = options.protocol;
    this.#http = new HttpTransport({
      baseUrl: config.baseUrl,
      timeoutMs: options.timeoutMs,
      headers: { accept: 'application/json' },
      limiter: options.rateLimit ? workplacePacer(config, options.slots) : undefined,
      // Every credential value, so that no text WORKPLACE echoes can carry one into an error or a capture;
      // the companyId too, which seed 002 calls an "API key".
      secrets: [
        config.companyId,
        ...[config.secretKey, config.accessKey, config.apiKey].flatMap((s) => (s ? [s.reveal()] : [])),
        ...(options.secrets ?? []),
      ],
      // A signature is a 44-character base64 HMAC-SHA256: never repeat one, whoever echoed it.
      redactPatterns: [/[A-Za-z0-9+/]{43}=/g],
      retryAfterHeader: options.protocol.retryAfterHeader,
      onExchange: options.onExchange,
      hooks: {
        // Runs before every attempt, so each one carries a fresh timestamp (§1.5). Secrets are revealed here only.
        beforeRequest: [
          (request) => {
            const url = request.url instanceof URL ? request.url : new URL(String(request.url));
            Object.assign(
              request.headers,
              signedHeaders(
                {
                  method: request.method,
                  // §1.3: sign exactly the request target that goes on the wire.
                  uri: `${url.pathname}${url.search}`,
                  timestamp: String(Math.trunc(options.now())),
                  accessKey: config.accessKey.reveal(),
                  secretKey: config.secretKey.reveal(),
                  apiKey: config.apiKey?.reveal(),
                  version: config.signatureVersion,
                  v1IncludesApiKey: signing.v1IncludesApiKey,
                },
                signing.headers,
              ),
            );
          },
        ],
      },
    });
  }

  stats(): { requests: number; byMethod: Record<string, number> } {
    const { requests, byMethod } = this.#http.stats();
    return { requests, byMethod };
  }

  async call(call: WorkplaceCall): Promise<WorkplaceAnswer> {
    const { url, shownPath, info } = requestTarget(this.#companyId, this.#protocol.prefixes, call);
    const answer = await this.#http.send(
      { method: call.method, url, query: call.query, body: call.body, signal: call.signal, shownPath },
      (detail) => new WorkplaceNetworkError({ ...info, detail }),
    );
    if (answer.ok && answer.notJson) {
      throw new WorkplaceResponseError({
        ...info,
        status: answer.status,
        detail: `the body is not JSON (${String(answer.headers['content-type'] ?? 'no content-type')})`,
      });
    }
    if (!answer.ok) {
      const said = errorMessage(answer.json);
      throw workplaceFailure(
        {
          ...info,
          status: answer.status,
          workplaceMessage: said.message === undefined ? undefined : this.#http.redact(said.message),
          gatewayCode: said.gatewayCode,
          detail: said.message === undefined ? `HTTP ${answer.status} without an error message` : undefined,
          retryAfterMs: answer.retryAfterMs,
          references: call.references,
          configKey: call.route ? routeConfigKey(call.route) : undefined,
        },
        this.#messages,
      );
    }
    return { status: answer.status, json: answer.json };
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
