/**
 * The transport both clients share, over a real socket: answers come back whatever their status,
 * parsed or marked as not JSON, with Retry-After read; no answer becomes the caller's error with a
 * redacted reason; and the capture listener sees each exchange (method, path and query, bodies,
 * status) without a header and without any secret.
 */
import { describe, expect, it } from 'vitest';
import { HttpTransport, type HttpExchange } from '../lib/http-transport.js';
import { json, startScriptedServer } from './workplace/support.js';

const SECRET = 'transport-secret-0123456789';

describe('HttpTransport', () => {
  it('returns every answer with its status and JSON, counts it, and captures it without headers or secrets', async () => {
    const server = await startScriptedServer((request, res) => {
      if (request.method === 'POST') json(res, 201, { echoed: JSON.parse(request.body) as unknown, note: `saw ${SECRET}` });
      else res.writeHead(503, { 'retry-after': '3', 'content-type': 'text/html' }).end('<html>down</html>');
    });
    const captured: HttpExchange[] = [];
    const transport = new HttpTransport({
      baseUrl: server.url,
      timeoutMs: 5_000,
      headers: { 'x-credential': SECRET },
      secrets: [SECRET],
      onExchange: (exchange) => captured.push(exchange),
    });
    const fail = (detail: string) => new Error(detail);

    const created = await transport.send(
      { method: 'POST', url: 'things/T1', body: { name: 'one', token: SECRET }, shownPath: '/things/T1', countedAs: '/things/{id}' },
      fail,
    );
    const down = await transport.send({ method: 'GET', url: 'things', query: { offset: '0', limit: '10' } }, fail);
    await server.close();

    expect(created).toMatchObject({ status: 201, ok: true, notJson: false, json: { echoed: { name: 'one', token: SECRET } } });
    expect(down).toMatchObject({ status: 503, ok: false, notJson: true, json: undefined, retryAfterMs: 3000 });
    expect(server.requests.map((r) => r.target)).toEqual(['/things/T1', '/things?offset=0&limit=10']);
    expect(server.requests[0]!.headers['x-credential']).toBe(SECRET);
    // Paths count only as the caller names them: a path with a key in it would be one entry per object.
    expect(transport.stats()).toEqual({ requests: 2, byMethod: { POST: 1, GET: 1 }, byPath: { '/things/{id}': 1 } });
    // The answer's Date header is kept (doctor's clock check reads it).
    for (const exchange of captured) expect(new Date(exchange.date!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(captured.map(({ durationMs: _, date: _date, ...rest }) => rest)).toEqual([
      {
        method: 'POST',
        path: '/things/T1',
        requestBody: { name: 'one', token: '[redacted]' },
        status: 201,
        responseBody: { echoed: { name: 'one', token: '[redacted]' }, note: 'saw [redacted]' },
      },
      { method: 'GET', path: '/things?offset=0&limit=10', status: 503, responseBody: '<html>down</html>' },
    ]);
    expect(JSON.stringify(captured)).not.toContain(SECRET);
  });

  it('turns a refused connection into the caller’s error, redacted, and captures it with no status', async () => {
    const server = await startScriptedServer((_request, res) => json(res, 200, {}));
    await server.close();
    const captured: HttpExchange[] = [];
    const transport = new HttpTransport({
      baseUrl: server.url,
      timeoutMs: 5_000,
      secrets: ['127.0.0.1'],
      onExchange: (exchange) => captured.push(exchange),
    });
    const error = await transport
      .send({ method: 'GET', url: 'things' }, (detail) => new Error(`network: ${detail}`))
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^network: ECONNREFUSED: /);
    expect((error as Error).message).not.toContain('127.0.0.1');
    expect(captured).toHaveLength(1);
    expect(captured[0]).toMatchObject({ method: 'GET', path: '/things', error: expect.stringContaining('ECONNREFUSED') as unknown });
    expect(captured[0]).not.toHaveProperty('status');
  });
});
