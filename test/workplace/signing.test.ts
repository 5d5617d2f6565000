/**
 * Signing against the reference's test vectors (workplace.md §1.3, §1.4), and the got hook that signs
 * every attempt: observed on the wire by a raw server, never by mocking got.
 */
import { describe, expect, it } from 'vitest';
import { Secret } from '../../config/index.js';
import { createWorkplaceClient, sign, stringToSign } from '../../workplace/index.js';
import { CREDENTIALS, gradeBody, type Captured, json, manualClock, startScriptedServer, test, workplaceConfig } from './support.js';

const VECTOR = { secretKey: 'TEST_SECRET_KEY_0123456789abcdefghijklmn', accessKey: 'D78BB444D6D3C84CA38D', timestamp: '1505290625682' };
const API_KEY = 'DUxjP4HYTP8V7khBkgywdDHQjKuaYWGrppHKpvdv';

/**
 * The signature the reference computes for `request` as it arrived, sent as `method` (its target and timestamp
 * header), with the test credentials: v2, or v1 with the API key.
 */
function signatureOf(request: Captured, method: string, version: 'v1' | 'v2' = 'v2'): string {
  return sign({
    method,
    uri: request.target,
    timestamp: String(request.headers['x-ncp-apigw-timestamp']),
    accessKey: CREDENTIALS.accessKey,
    secretKey: CREDENTIALS.secretKey,
    ...(version === 'v1' ? { apiKey: CREDENTIALS.apiKey } : {}),
    version,
  });
}

describe('signature v2 and v1: the reference vectors', () => {
  it.each([
    [
      'GET',
      '/organization/apigw/v2/company/c1798784-9a47-4751-ab9f-b9629825ab93/department?offset=0&limit=10',
      '2w60z+vwWre2J7Dv5SDDaK6vpphHfSW3X3WJPp7Af2s=',
    ],
    [
      'POST',
      '/organization/apigw/v2/company/c1798784-9a47-4751-ab9f-b9629825ab93/grade/gradeTest1',
      'EsbWz1cL7NP2cbLSGjeGhScwre9M67x+drcqb6Wthyo=',
    ],
    [
      'POST',
      '/organization/apigw/v1/company/578c7009-bdad-4493-9835-72302cf988c6/dept/0000002',
      'QNiWoIChyfIpO/wET36gf/Zl7v4HQuXX7hskUZOgRlU=',
    ],
  ])('signs %s %s with v2 exactly as the reference computed it', (method, uri, expected) => {
    expect(sign({ ...VECTOR, method, uri, version: 'v2' })).toBe(expected);
  });

  it('signs the v1 vector with the API-key layout', () => {
    const uri = '/organization/apigw/v1/company/578c7009-bdad-4493-9835-72302cf988c6/dept/0000002';
    expect(sign({ ...VECTOR, method: 'POST', uri, apiKey: API_KEY, version: 'v1' })).toBe('orgRyYSXuBgMW5cISCpZBxuP1pZNnmU4GU7l1yxokds=');
  });

  it('builds the string to sign as "METHOD URI", the timestamp and the access key on LF-separated lines', () => {
    expect(stringToSign({ method: 'get', uri: '/a?b=1', timestamp: '1', accessKey: 'AK', version: 'v2' })).toBe('GET /a?b=1\n1\nAK');
    expect(stringToSign({ method: 'PUT', uri: '/a', timestamp: '1', accessKey: 'AK', apiKey: 'K', version: 'v1' })).toBe(
      'PUT /a\n1\nK\nAK',
    );
  });

  it('refuses to sign v1 without an API key, and a v1 client cannot be created without one', () => {
    expect(() => stringToSign({ method: 'GET', uri: '/', timestamp: '1', accessKey: 'AK', version: 'v1' })).toThrow(/API key/);
    expect(() => createWorkplaceClient(workplaceConfig('http://127.0.0.1:1', { signatureVersion: 'v1' }))).toThrow(/NCP_API_KEY/);
  });
});

describe('the signing hook on the wire', () => {
  test('signs every request afresh with the current timestamp, over the exact percent-encoded target', async () => {
    const server = await startScriptedServer((_request, res) => json(res, 201, { status: 201, body: null, path: '/' }));
    const clock = manualClock(1_700_000_000_000);
    const client = createWorkplaceClient(workplaceConfig(server.url), { now: clock.now, rateLimit: false });
    await client.grades.create('직급 #1/a', gradeBody('One'));
    clock.advance(1234);
    await client.grades.create('직급 #1/a', gradeBody('One'));
    await server.close();

    const [first, second] = server.requests;
    expect(first!.target).toBe(`/organization/apigw/v2/company/${CREDENTIALS.companyId}/grade/${encodeURIComponent('직급 #1/a')}`);
    expect([first!.headers['x-ncp-apigw-timestamp'], second!.headers['x-ncp-apigw-timestamp']]).toEqual(['1700000000000', '1700000001234']);
    for (const r of server.requests) {
      expect(r.headers['x-ncp-iam-access-key']).toBe(CREDENTIALS.accessKey);
      expect(r.headers['x-ncp-apigw-signature-v2']).toBe(signatureOf(r, 'POST'));
    }
    expect(first!.headers['x-ncp-apigw-signature-v2']).not.toBe(second!.headers['x-ncp-apigw-signature-v2']);
  });

  test('signs the query string of a list exactly as sent', async () => {
    const server = await startScriptedServer((_request, res) => json(res, 200, { elements: [], totalCount: 0 }));
    const client = createWorkplaceClient(workplaceConfig(server.url), { rateLimit: false });
    await client.departments.list({ pageSize: 10 });
    await server.close();
    const [request] = server.requests;
    expect(request!.target).toBe(`/organization/apigw/v2/company/${CREDENTIALS.companyId}/department?offset=0&limit=10`);
    expect(request!.headers['x-ncp-apigw-signature-v2']).toBe(signatureOf(request!, 'GET'));
  });

  test('sends the API-key header only when a key is configured, and signs v1 with it when asked', async () => {
    const server = await startScriptedServer((_request, res) => json(res, 200, { status: 200, body: { reprYn: 'N' }, path: '/' }));
    await createWorkplaceClient(workplaceConfig(server.url), { rateLimit: false }).isRepresentativeAdmin('E1');
    await createWorkplaceClient(workplaceConfig(server.url, { apiKey: new Secret(CREDENTIALS.apiKey) }), {
      rateLimit: false,
    }).isRepresentativeAdmin('E1');
    await createWorkplaceClient(workplaceConfig(server.url, { apiKey: new Secret(CREDENTIALS.apiKey), signatureVersion: 'v1' }), {
      rateLimit: false,
    }).isRepresentativeAdmin('E1');
    await server.close();

    const [plain, withKey, v1] = server.requests;
    expect(plain!.headers).not.toHaveProperty('x-ncp-apigw-api-key');
    expect(withKey!.headers['x-ncp-apigw-api-key']).toBe(CREDENTIALS.apiKey);
    expect(withKey!.headers).toHaveProperty('x-ncp-apigw-signature-v2');
    expect(v1!.headers).not.toHaveProperty('x-ncp-apigw-signature-v2');
    expect(v1!.headers['x-ncp-apigw-signature-v1']).toBe(signatureOf(v1!, 'GET', 'v1'));
  });
});

describe('signature v1 against the simulator', () => {
  test.override({ simulatorOptions: { apiKey: CREDENTIALS.apiKey } });

  test('is accepted when the simulator has the API key, on v2 and v1 paths alike', async ({ simulator, clientWith }) => {
    const client = clientWith({ apiKey: new Secret(CREDENTIALS.apiKey), signatureVersion: 'v1' });
    await client.grades.create('G1', gradeBody('One'));
    expect(await client.grades.get('G1')).toMatchObject({ externalKey: 'G1', name: 'One' });
    expect(await client.isRepresentativeAdmin('nobody')).toBe(false);
    expect(simulator.log().map((e) => e.status)).toEqual([201, 200, 400]);
  });
});
