/**
 * NCP API Gateway request signing (workplace.md §1.3–§1.5), as pure functions: no clock, no I/O.
 * The client's beforeRequest hook (http.ts) is the only caller with real credentials.
 */
import { createHmac } from 'node:crypto';
import { DEFAULT_PROTOCOL, type WorkplaceProtocol } from './assumptions.js';

export type SignatureVersion = 'v2' | 'v1';

export interface SigningInput {
  /** Upper-cased before signing (§1.3). */
  method: string;
  /** Path plus `?query`, exactly as it goes on the wire (§1.3 [SIM]: no canonicalisation). */
  uri: string;
  /** Milliseconds since the epoch, as the decimal string sent in the timestamp header. */
  timestamp: string;
  accessKey: string;
  secretKey: string;
  /** Required by v1 (§1.4); sent as a header whenever given. */
  apiKey?: string | undefined;
  version: SignatureVersion;
  /** §1.4's layout (assumptions.ts `signing.v1IncludesApiKey`); default true. */
  v1IncludesApiKey?: boolean | undefined;
}

/** §1.3: "METHOD URI\nTIMESTAMP\nACCESSKEY"; v1 puts the API key before the access key (§1.4, an assumption). */
export function stringToSign({
  method,
  uri,
  timestamp,
  accessKey,
  apiKey,
  version,
  v1IncludesApiKey = DEFAULT_PROTOCOL.signing.v1IncludesApiKey,
}: Omit<SigningInput, 'secretKey'>): string {
  const lines = [`${method.toUpperCase()} ${uri}`, timestamp];
  if (version === 'v1' && v1IncludesApiKey) {
    if (!apiKey) throw new TypeError('signature v1 needs the API Gateway API key (NCP_API_KEY)');
    lines.push(apiKey);
  }
  lines.push(accessKey);
  return lines.join('\n');
}

/** Base64 (standard alphabet, padded) of HMAC-SHA256 keyed with the secret key, both UTF-8 (§1.3). */
export function sign(input: SigningInput): string {
  return createHmac('sha256', Buffer.from(input.secretKey, 'utf8')).update(stringToSign(input), 'utf8').digest('base64');
}

/** The authentication headers of one attempt; the API-key header only when a key is configured (Decisions "signing"). */
export function signedHeaders(
  input: SigningInput,
  names: WorkplaceProtocol['signing']['headers'] = DEFAULT_PROTOCOL.signing.headers,
): Record<string, string> {
  return {
    [names.timestamp]: input.timestamp,
    [names.accessKey]: input.accessKey,
    [input.version === 'v1' ? names.signatureV1 : names.signatureV2]: sign(input),
    ...(input.apiKey ? { [names.apiKey]: input.apiKey } : {}),
  };
}
