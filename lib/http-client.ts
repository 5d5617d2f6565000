/**
 * The base every outbound HTTP client of orgsync shares: got with its own retries off (Temporal owns
 * retries, so an attempt is one request and a retry is visible in history), a request timeout,
 * keep-alive agents, and answers as text with HTTP errors returned, not thrown (each client parses
 * and classifies them itself).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { type ExtendOptions, type Got } from 'got';

export function baseClient(
  options: { baseUrl: string; timeoutMs: number; maxSockets?: number } & Pick<ExtendOptions, 'headers' | 'hooks'>,
): Got {
  const agentOptions = { keepAlive: true, ...(options.maxSockets ? { maxSockets: options.maxSockets } : {}) };
  return got.extend({
    prefixUrl: options.baseUrl,
    retry: { limit: 0 },
    timeout: { request: options.timeoutMs },
    throwHttpErrors: false,
    responseType: 'text',
    agent: { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) },
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
}
