/**
 * Failures as a retry layer needs them: permanent auth errors (wrong secret, skewed clock) after one
 * request, transient 429/5xx/network errors, a timeout, cancellation by AbortSignal, and no credential
 * or signature in anything an error prints.
 */
import { inspect } from 'node:util';
import { describe, expect } from 'vitest';
import { Secret } from '../../config/index.js';
import {
  createWorkplaceClient,
  sign,
  WorkplaceAuthError,
  WorkplaceError,
  WorkplaceNetworkError,
  WorkplaceRateLimitError,
  WorkplaceServerError,
} from '../../workplace/index.js';
import { startWorkplaceSimulator } from '../../workplace/simulator/server.js';
import { CREDENTIALS, gradeBody, json, manualClock, startScriptedServer, test, workplaceConfig } from './support.js';

const FIVE_MINUTES = 5 * 60 * 1000;

describe('authentication failures are permanent and not retried', () => {
  test('a wrong secret key gives WorkplaceAuthError (401, gateway code 200) after exactly one request', async ({
    simulator,
    clientWith,
  }) => {
    const client = clientWith({ secretKey: new Secret('not-the-secret') });
    const error = await client.grades.create('G1', gradeBody('One')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkplaceAuthError);
    expect(error).toMatchObject({
      name: 'WorkplaceAuthError',
      code: 'WORKPLACE_AUTH',
      status: 401,
      gatewayCode: '200',
      retryable: false,
      method: 'POST',
      externalKey: 'G1',
    });
    expect((error as Error).message).toContain('Authentication Failed');
    expect(simulator.log()).toHaveLength(1);
  });

  describe('with the gateway clock fixed', () => {
    const clock = manualClock();
    test.override({ simulatorOptions: { now: clock.now } });

    test.for([
      ['5 minutes behind', -FIVE_MINUTES, false],
      ['5 minutes ahead', FIVE_MINUTES, false],
      ['1 ms short of 5 minutes behind', -FIVE_MINUTES + 1, true],
      ['1 ms short of 5 minutes ahead', FIVE_MINUTES - 1, true],
    ] as const)('a client clock %s is %s', async ([, skew, accepted], { simulator, clientWith }) => {
      const client = clientWith({}, { now: () => clock.now() + skew });
      const result = await client.grades.get('G1').then(
        () => 'accepted',
        (e: unknown) => e,
      );
      if (accepted) expect(result).toBe('accepted');
      else
        expect(result).toMatchObject({
          code: 'WORKPLACE_AUTH',
          status: 401,
          retryable: false,
          workplaceMessage: expect.stringContaining('5 minutes') as unknown,
        });
      expect(simulator.log()).toHaveLength(1);
    });
  });

  test('an access key the gateway does not know is refused the same way', async ({ clientWith }) => {
    await expect(clientWith({ accessKey: new Secret('UNKNOWNACCESSKEY0000') }).grades.list()).rejects.toMatchObject({
      code: 'WORKPLACE_AUTH',
      status: 401,
    });
  });

  test('a companyId the keys do not belong to is Permission Denied (401, code 210)', async ({ clientWith }) => {
    await expect(clientWith({ companyId: 'another-company' }).grades.list()).rejects.toMatchObject({
      code: 'WORKPLACE_AUTH',
      gatewayCode: '210',
    });
  });
});

describe('transient failures', () => {
  describe('over the usage plan', () => {
    const clock = manualClock();
    test.override({ simulatorOptions: { now: clock.now, rateLimit: { perSecond: 2, burst: 2 } } });

    test('429 comes back as WorkplaceRateLimitError (gateway code 420), retryable, and the burst refills with time', async ({
      simulator,
      clientWith,
    }) => {
      const client = clientWith({}, { now: clock.now });
      await client.grades.get('G1');
      await client.grades.get('G2');
      const error = await client.grades.get('G3').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkplaceRateLimitError);
      expect(error).toMatchObject({
        name: 'WorkplaceRateLimitError',
        code: 'WORKPLACE_RATE_LIMITED',
        status: 429,
        gatewayCode: '420',
        retryable: true,
        externalKey: 'G3',
      });
      expect((error as Error).message).toContain('Rate Limited');
      clock.advance(500);
      await expect(client.grades.get('G3')).resolves.toBeUndefined();
      expect(simulator.log().map((e) => e.status)).toEqual([400, 400, 429, 400]);
    });

    test('a daily quota answers 429 with gateway code 400 (Quota Exceeded)', async ({ simulator, clientWith }) => {
      simulator.setRateLimit({ perSecond: 100, burst: 100, perDay: 1 });
      const client = clientWith({}, { now: clock.now });
      await client.grades.list();
      await expect(client.grades.list()).rejects.toMatchObject({ code: 'WORKPLACE_RATE_LIMITED', gatewayCode: '400', retryable: true });
    });
  });

  test('a Retry-After header, should a gateway send one, is kept for the retry layer', async () => {
    const server = await startScriptedServer((_request, res) => {
      res.setHeader('retry-after', '7');
      json(res, 429, { error: { errorCode: '410', message: 'Throttle Limited', details: null } });
    });
    const error = await createWorkplaceClient(workplaceConfig(server.url), { rateLimit: false })
      .grades.list()
      .catch((e: unknown) => e);
    await server.close();
    expect(error).toMatchObject({ code: 'WORKPLACE_RATE_LIMITED', gatewayCode: '410', retryAfterMs: 7000 });
  });

  test('5xx come back as WorkplaceServerError, retryable: WORKPLACE 500, gateway 503 and 504', async ({ simulator, client }) => {
    simulator.faults.serverErrorRatio(1);
    const errors = await Promise.all(['G1', 'G2', 'G3'].map((key) => client.grades.create(key, gradeBody(key)).catch((e: unknown) => e)));
    for (const error of errors) expect(error).toBeInstanceOf(WorkplaceServerError);
    expect(errors.map((e) => [(e as WorkplaceServerError).status, (e as WorkplaceServerError).gatewayCode])).toEqual([
      [500, undefined],
      [503, '500'],
      [504, '510'],
    ]);
    expect(errors.every((e) => (e as WorkplaceError).retryable && (e as WorkplaceError).code === 'WORKPLACE_SERVER')).toBe(true);
    expect(simulator.dump().grades).toEqual({});
  });

  test("an outage is the gateway's 503 Endpoint Error", async ({ simulator, client }) => {
    simulator.faults.outage(true);
    await expect(client.employees.list()).rejects.toMatchObject({
      code: 'WORKPLACE_SERVER',
      status: 503,
      gatewayCode: '500',
      workplaceMessage: expect.stringContaining('Endpoint Error') as unknown,
    });
  });

  test('a refused connection is WorkplaceNetworkError, retryable', async () => {
    const gone = await startWorkplaceSimulator();
    await gone.close();
    const error = await createWorkplaceClient(workplaceConfig(gone.url), { rateLimit: false })
      .grades.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkplaceNetworkError);
    expect(error).toMatchObject({ code: 'WORKPLACE_NETWORK', retryable: true, method: 'GET' });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  test('no answer within the timeout is WorkplaceNetworkError, retryable', async ({ simulator, clientWith }) => {
    simulator.faults.latencyMs(5_000);
    const error = await clientWith({}, { timeoutMs: 150 })
      .grades.get('G1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WorkplaceNetworkError', retryable: true });
    expect((error as Error).message).toContain('no answer within 150 ms');
  });
});

describe('cancellation', () => {
  test('aborting a call in flight rejects with the abort reason, not a WorkplaceError', async () => {
    const controller = new AbortController();
    const reason = new Error('stage cancelled');
    // The server aborts the call once the request has arrived, and never answers.
    const server = await startScriptedServer(() => controller.abort(reason));
    const call = createWorkplaceClient(workplaceConfig(server.url), { rateLimit: false }).grades.get('G1', { signal: controller.signal });
    await expect(call).rejects.toBe(reason);
    await server.close();
    expect(server.requests).toHaveLength(1);
  });

  test('an aborted signal sends nothing, and a call waiting for the rate limiter stops waiting', async ({ simulator, clientWith }) => {
    const client = clientWith({ rps: 1 }, { rateLimit: true });
    const already = AbortSignal.abort(new Error('already'));
    await expect(client.grades.list({ signal: already })).rejects.toThrow('already');
    await client.grades.list();
    const controller = new AbortController();
    const waiting = client.grades.list({ signal: controller.signal });
    controller.abort(new Error('while waiting'));
    await expect(waiting).rejects.toThrow('while waiting');
    expect(simulator.counters().total).toBe(1);
    expect(client.stats().requests).toBe(1);
  });
});

describe('nothing an error prints carries a credential or a signature', () => {
  /** Every way an error reaches a log: message, stack, String, JSON, util.inspect. */
  const renderings = (error: unknown) => [
    String(error),
    (error as Error).stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ];

  test('an auth failure: no secret, API key, access key or the signature that was sent', async ({ simulator }) => {
    const clock = manualClock();
    const client = createWorkplaceClient(
      workplaceConfig(simulator.url, { secretKey: new Secret(`${CREDENTIALS.secretKey}-wrong`), apiKey: new Secret(CREDENTIALS.apiKey) }),
      { rateLimit: false, now: clock.now },
    );
    const error = await client.grades.create('G1', gradeBody('One')).catch((e: unknown) => e);
    const signature = sign({
      method: 'POST',
      uri: simulator.log()[0]!.path,
      timestamp: String(clock.now()),
      accessKey: CREDENTIALS.accessKey,
      secretKey: `${CREDENTIALS.secretKey}-wrong`,
      version: 'v2',
    });
    expect(error).toBeInstanceOf(WorkplaceAuthError);
    for (const text of renderings(error)) {
      for (const secret of [CREDENTIALS.secretKey, CREDENTIALS.apiKey, CREDENTIALS.accessKey, signature])
        expect(text).not.toContain(secret);
      expect(text).toContain('WORKPLACE_AUTH');
    }
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'WorkplaceAuthError',
      code: 'WORKPLACE_AUTH',
      status: 401,
      path: '/organization/apigw/v2/company/{companyId}/grade/G1',
      externalKey: 'G1',
    });
  });

  test('even when a server echoes the request headers back in its message', async () => {
    const server = await startScriptedServer((request, res) =>
      json(res, 400, {
        status: 400,
        error: 'Bad Request',
        message: `refused: ${JSON.stringify(request.headers)}`,
        path: request.target,
        body: null,
      }),
    );
    const client = createWorkplaceClient(workplaceConfig(server.url, { apiKey: new Secret(CREDENTIALS.apiKey) }), { rateLimit: false });
    const error = await client.grades.create('G1', gradeBody('One')).catch((e: unknown) => e);
    await server.close();
    const sent = server.requests[0]!.headers;
    expect(error).toMatchObject({ code: 'WORKPLACE_VALIDATION', status: 400 });
    for (const text of renderings(error)) {
      for (const secret of [CREDENTIALS.secretKey, CREDENTIALS.apiKey, CREDENTIALS.accessKey, String(sent['x-ncp-apigw-signature-v2'])])
        expect(text).not.toContain(secret);
      expect(text).toContain('[redacted]');
    }
  });

  test('a network failure and a refused body alike', async ({ client }) => {
    const refused = await client.grades.create('G1', gradeBody('x'.repeat(101))).catch((e: unknown) => e);
    const gone = await startWorkplaceSimulator();
    await gone.close();
    const network = await createWorkplaceClient(workplaceConfig(gone.url), { rateLimit: false })
      .grades.list()
      .catch((e: unknown) => e);
    for (const error of [refused, network]) {
      expect(error).toBeInstanceOf(WorkplaceError);
      for (const text of renderings(error))
        for (const secret of [CREDENTIALS.secretKey, CREDENTIALS.accessKey]) expect(text).not.toContain(secret);
    }
  });
});
