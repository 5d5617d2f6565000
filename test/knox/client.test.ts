import { inspect } from 'node:util';
import { describe, expect } from 'vitest';
import { PAGE_SIZE } from '../../knox/assumptions.js';
import { generateOrg, type GeneratedOrg } from '../../generator/index.js';
import {
  departmentCodesOf,
  KnoxAuthError,
  KnoxError,
  KnoxInconsistentReadError,
  KnoxNetworkError,
  KnoxRateLimitError,
  KnoxRequestError,
  KnoxResponseError,
  KnoxServerError,
  type KnoxClient,
} from '../../knox/index.js';
import type { KnoxSimulator } from '../../knox/simulator/server.js';
import { byKey, gatewayHeaders, org, perDepartmentCalls, projected, SYSTEM_ID, test, USED } from './support.js';

/** Largest number of timestamps inside any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! <= sorted[i]! - windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

const sizeOf = (o: GeneratedOrg, departmentCode: string) => o.employees.filter((e) => e.departmentCode === departmentCode).length;
const bigDepartment = (o: GeneratedOrg) => o.organizations.find((d) => sizeOf(o, d.departmentCode) > PAGE_SIZE)!;

describe('Knox client: complete reads', () => {
  test('reads titles, organizations and every employee of a generated org exactly, with the promised call counts', async ({
    simulator,
    client,
  }) => {
    const o = org();
    const titles = await client.listTitles('C60');
    const organizations = await client.listOrganizations('C60');
    const employees = await client.listEmployees('C60', { departmentCodes: departmentCodesOf(organizations) });

    // Every record, projected to what orgsync uses; the seed read literally drifts nowhere.
    expect(titles).toMatchObject({ invalid: [], calls: 1, drift: { dataset: 'Knox titles', records: 27, fields: [] } });
    expect(titles.rows).toStrictEqual(projected(o.titles, USED.title));
    expect(organizations).toMatchObject({ invalid: [], calls: 1, drift: { dataset: 'Knox organizations', records: 300, fields: [] } });
    expect(byKey(organizations.rows, 'departmentCode')).toStrictEqual(
      byKey(projected(o.organizations, USED.organization), 'departmentCode'),
    );
    expect(employees).toMatchObject({ invalid: [], drift: { dataset: 'Knox employees', records: 3000, fields: [] } });
    expect(employees.rows).toHaveLength(o.employees.length);
    expect(byKey(employees.rows, 'epId')).toStrictEqual(byKey(projected(o.employees, USED.employee), 'epId'));

    // One call per department, plus one per further 500 people: 300 departments, one of 531 people.
    expect(employees.calls).toBe(perDepartmentCalls(o));
    expect(employees.calls).toBe(o.organizations.length + 1);
    expect(simulator.counters()).toEqual({
      total: 2 + employees.calls,
      byPath: { '/titles': 1, '/organizations': 1, '/employees': employees.calls },
    });
    expect(client.stats()).toEqual({ calls: simulator.counters().total, byPath: simulator.counters().byPath });
  });

  test('always pages where paging is allowed, never relying on the unpaged 2,000-row cap', async ({ simulator, client }) => {
    await client.listEmployees('C60');
    const listings = simulator.log().filter((e) => e.path === '/organizations' || e.query.departmentCode);
    expect(listings.length).toBe(1 + org().organizations.length + 1);
    expect(listings.every((e) => e.query.page !== undefined && e.status === 200)).toBe(true);
    const big = bigDepartment(org());
    expect(
      simulator
        .log()
        .filter((e) => e.query.departmentCode === big.departmentCode)
        .map((e) => e.query.page),
    ).toEqual(['1', '2']);
  });

  test('follows totalPage through organizations beyond one page', async ({ simulator, client }) => {
    const wide = generateOrg({ seed: 3, employees: 50, departments: 1200 });
    simulator.setOrg(wide);
    const organizations = await client.listOrganizations('C60');
    expect(organizations.calls).toBe(3);
    expect(byKey(organizations.rows, 'departmentCode')).toEqual(byKey(projected(wide.organizations, USED.organization), 'departmentCode'));
  });

  test('reads the departments itself when not given them, counting those calls too', async ({ client }) => {
    const employees = await client.listEmployees('C60');
    expect(employees.rows).toHaveLength(org().employees.length);
    expect(employees.calls).toBe(1 + perDepartmentCalls(org()));
  });

  test('reports progress after every call, ending with every department done', async ({ client }) => {
    const seen: { calls: number; rows: number; doneUnits: number; totalUnits: number }[] = [];
    const listing = await client.listEmployees('C60', {
      departmentCodes: departmentCodesOf(await client.listOrganizations('C60')),
      onProgress: (p) => seen.push(p),
    });
    expect(seen).toHaveLength(listing.calls);
    expect(seen.map((p) => p.calls)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.at(-1)!.rows).toBe(org().employees.length);
    expect(seen.every((p) => p.totalUnits === org().organizations.length)).toBe(true);
    expect(seen.map((p) => p.doneUnits)).toEqual(seen.map((p) => p.doneUnits).sort((a, b) => a - b));
    expect(seen.at(-1)!.doneUnits).toBe(org().organizations.length);
  });

  test('reads nothing but titles from an empty org, and says so without error', async ({ simulator, client }) => {
    simulator.faults.emptyOrg(true);
    const employees = await client.listEmployees('C60');
    expect(employees).toEqual({
      rows: [],
      invalid: [],
      calls: 1,
      counts: {},
      drift: { dataset: 'Knox employees', records: 0, fields: [] },
    });
    expect((await client.listTitles('C60')).rows.length).toBeGreaterThan(0);
  });

  test('reads each configured company on its own', async ({ simulator, clientWith }) => {
    const c10 = generateOrg({ seed: 4, employees: 120, departments: 12, companyCode: 'C10' });
    simulator.setOrg([org(), c10]);
    const client = clientWith({ companyCodes: ['C60', 'C10'] });
    const [a, b] = await Promise.all(['C60', 'C10'].map((company) => client.listEmployees(company)));
    expect(a!.rows).toHaveLength(org().employees.length);
    expect(byKey(b!.rows, 'epId')).toEqual(byKey(projected(c10.employees, USED.employee), 'epId'));
  });
});

describe('Knox client: enumeration by title', () => {
  /** A company where the commonest title holds two pages of people. */
  const wide = () => org({ employees: 6000 });
  const sizesByTitle = (o: GeneratedOrg) => {
    const sizes = new Map<string, number>(o.titles.map((t) => [t.titleCode, 0]));
    for (const e of o.employees) sizes.set(e.titleCode, (sizes.get(e.titleCode) ?? 0) + 1);
    return sizes;
  };

  test('returns exactly the employees of the titles asked for, paged 500, one call per page and per empty title', async ({
    simulator,
    client,
  }) => {
    const o = wide();
    simulator.setOrg(o);
    const sizes = sizesByTitle(o);
    const [big, bigSize] = [...sizes].sort((a, b) => b[1] - a[1])[0]!;
    const [small, smallSize] = [...sizes].find(([, n]) => n > 0 && n < PAGE_SIZE)!;
    expect([bigSize > PAGE_SIZE, bigSize <= 2 * PAGE_SIZE]).toEqual([true, true]);

    const listing = await client.listEmployeesByTitle('C60', { titleCodes: [big, small, 'Z9Z'] });
    const wanted = o.employees.filter((e) => e.titleCode === big || e.titleCode === small);
    expect(listing.invalid).toEqual([]);
    expect(byKey(listing.rows, 'epId')).toStrictEqual(byKey(projected(wanted, USED.employee), 'epId'));
    expect(listing.counts).toEqual({ [big]: bigSize, [small]: smallSize, Z9Z: 0 });
    // ⌈n/500⌉ pages for the big title (2 for 501–1,000 people), one for the small one, one for the unknown code.
    expect(listing.calls).toBe(Math.ceil(bigSize / PAGE_SIZE) + 1 + 1);
    expect(listing.calls).toBe(2 + 1 + 1);
    const calls = simulator.log();
    expect(calls.every((e) => e.path === '/employees' && e.status === 200 && e.query.companyCode === 'C60')).toBe(true);
    expect(calls.filter((e) => e.query.titleCode === big).map((e) => e.query.page)).toEqual(['1', '2']);
    expect(calls.map((e) => e.query.departmentCode)).toEqual(calls.map(() => undefined));
  });

  test('reads the titles first when not given them, and finds everyone whose title /titles lists', async ({ client }) => {
    const o = org();
    const sizes = sizesByTitle(o);
    const listing = await client.listEmployeesByTitle('C60');
    expect(byKey(listing.rows, 'epId')).toStrictEqual(byKey(projected(o.employees, USED.employee), 'epId'));
    // 27 titles of fewer than 500 people each: one call each, plus /titles.
    expect([...sizes.values()].every((n) => n < PAGE_SIZE)).toBe(true);
    expect(listing.calls).toBe(1 + 27);
    expect(listing.drift).toEqual({ dataset: 'Knox employees', records: o.employees.length, fields: [] });
  });

  test('misses someone whose titleCode /titles does not list: the reason the engine checks its completeness', async ({
    simulator,
    client,
  }) => {
    const person = org().employees[12]!;
    simulator.setOrg({ ...org(), employees: org().employees.map((e) => (e === person ? { ...e, titleCode: 'X9X' } : e)) });
    const listing = await client.listEmployeesByTitle('C60');
    expect(listing.rows).toHaveLength(org().employees.length - 1);
    expect(listing.rows.find((e) => e.epId === person.epId)).toBeUndefined();
    expect(Object.values(listing.counts).reduce((a, b) => a + b, 0)).toBe(org().employees.length - 1);
  });

  test('reports progress after every call, ending with every title done', async ({ simulator, client }) => {
    const o = wide();
    simulator.setOrg(o);
    const codes = o.titles.map((t) => t.titleCode);
    const seen: { calls: number; rows: number; doneUnits: number; totalUnits: number }[] = [];
    const listing = await client.listEmployeesByTitle('C60', { titleCodes: codes, onProgress: (p) => seen.push(p) });
    expect(seen).toHaveLength(listing.calls);
    expect(seen.map((p) => p.calls)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.at(-1)).toEqual({ calls: listing.calls, rows: o.employees.length, doneUnits: codes.length, totalUnits: codes.length });
  });

  test('fails the whole read when one title’s pages change under it', async ({ simulator, client }) => {
    const o = wide();
    simulator.setOrg(o);
    simulator.faults.shiftPaging(true);
    const error = await client.listEmployeesByTitle('C60', { titleCodes: o.titles.map((t) => t.titleCode) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnoxInconsistentReadError);
    expect((error as Error).message).toMatch(/titleCode=\w+&page=2 .*the listing changed while it was read/);
  });
});

describe('Knox client: records', () => {
  test('reports a broken record by its key and reads the rest of its page', async ({ simulator, client }) => {
    const o = org();
    const big = bigDepartment(o);
    const [bad, missing, unused, extra] = o.employees.filter((e) => e.departmentCode === big.departmentCode);
    simulator.faults.breakRecord(bad!.epId, 'emailAddress', 'not-an-email');
    simulator.faults.breakRecord(missing!.epId, 'fullName', undefined);
    simulator.faults.breakRecord(missing!.epId, 'departmentCode', '');
    // Attributes orgsync never reads may be anything: only drift says so.
    simulator.faults.breakRecord(unused!.epId, 'employeeStatus', 'Q');
    simulator.faults.breakRecord(unused!.epId, 'securityLevel', 5);
    simulator.faults.breakRecord(extra!.epId, 'knoxAddedThisLater', 'dropped');

    const listing = await client.listEmployees('C60', { departmentCodes: [big.departmentCode] });
    expect(byKey(listing.invalid, 'key')).toEqual(
      byKey(
        [
          { kind: 'employee', key: bad!.epId, issues: ['emailAddress: invalid email'] },
          { kind: 'employee', key: missing!.epId, issues: ['fullName: required', 'departmentCode: must not be empty'] },
        ],
        'key',
      ),
    );
    expect(listing.rows).toHaveLength(sizeOf(o, big.departmentCode) - 2);
    expect(listing.rows.find((e) => e.epId === unused!.epId)).toStrictEqual(projected([unused!], USED.employee)[0]);
    expect(listing.rows.find((e) => e.epId === extra!.epId)).not.toHaveProperty('knoxAddedThisLater');
    expect(listing.drift.fields).toEqual([
      { field: 'fullName', kind: 'absent', count: 1, exampleKey: missing!.epId },
      { field: 'knoxAddedThisLater', kind: 'undocumented', count: 1, exampleKey: extra!.epId },
      { field: 'securityLevel', kind: 'type', count: 1, exampleKey: unused!.epId, seen: 'number' },
    ]);
    // The issues name attributes and problems, never the values.
    expect(JSON.stringify(listing.invalid)).not.toContain('not-an-email');
  });

  test('reports a record without a readable key with key undefined', async ({ simulator, client }) => {
    const person = org().employees[5]!;
    simulator.faults.breakRecord(person.epId, 'epId', 42);
    const listing = await client.getEmployees({ userIds: [person.userId] });
    expect(listing.invalid).toEqual([{ kind: 'employee', key: undefined, issues: ['epId: expected a string'] }]);
  });

  test('validates only the attributes it asked for, and always asks for epId', async ({ simulator, client }) => {
    const person = org().employees[3]!;
    simulator.faults.breakRecord(person.epId, 'fullName', undefined);
    const narrow = await client.getEmployees({ epIds: [person.epId] }, { attributes: ['emailAddress', 'departmentCode'] });
    expect(narrow).toMatchObject({
      rows: [{ epId: person.epId, emailAddress: person.emailAddress, departmentCode: person.departmentCode }],
      invalid: [],
      calls: 1,
    });
    const withName = await client.getEmployees({ epIds: [person.epId] }, { attributes: ['fullName'] });
    expect(withName.invalid).toEqual([{ kind: 'employee', key: person.epId, issues: ['fullName: required'] }]);
    expect(simulator.log().at(-1)!.query).toEqual({ epIds: person.epId });
  });

  test('treats department records it cannot key as an incomplete enumeration, and keys the others it could not parse', async ({
    simulator,
    client,
  }) => {
    const base = org();
    const [top, keyless, unparsable] = base.organizations;
    simulator.setOrg({
      ...base,
      organizations: [
        top!,
        { ...keyless!, departmentCode: '' },
        { ...unparsable!, departmentName: undefined },
        ...base.organizations.slice(3),
      ],
    });
    const organizations = await client.listOrganizations('C60');
    expect(organizations.invalid).toEqual([
      { kind: 'organization', key: undefined, issues: ['departmentCode: must not be empty'] },
      { kind: 'organization', key: unparsable!.departmentCode, issues: ['departmentName: required'] },
    ]);
    expect(() => departmentCodesOf(organizations)).toThrow(KnoxResponseError);
    const codes = departmentCodesOf({ ...organizations, invalid: organizations.invalid.filter((i) => i.key) });
    expect(codes).toContain(unparsable!.departmentCode);
  });
});

describe('Knox client: on-demand lookups', () => {
  test('splits epIds at 100 per call and leaves unknown ids out', async ({ simulator, client }) => {
    const known = org()
      .employees.slice(0, 230)
      .map((e) => e.epId);
    const listing = await client.getEmployees({ epIds: [...known, 'D10000000000000000000', known[0]!] });
    expect(listing.calls).toBe(3);
    expect(listing.rows.map((e) => e.epId).sort()).toEqual([...known].sort());
    expect(simulator.log().map((e) => e.query.epIds!.split(',').length)).toEqual([100, 100, 31]);
  });

  test('looks up by userId, and makes no call for an empty list', async ({ simulator, client }) => {
    const person = org().employees[9]!;
    expect((await client.getEmployees({ userIds: [person.userId] })).rows).toStrictEqual(projected([person], USED.employee));
    expect(await client.getEmployees({ userIds: [] })).toEqual({
      rows: [],
      invalid: [],
      calls: 0,
      drift: { dataset: 'Knox employees', records: 0, fields: [] },
    });
    expect(simulator.counters().total).toBe(1);
  });
});

describe('Knox client: failures', () => {
  const shifting = (s: KnoxSimulator) => s.faults.shiftPaging(true);
  const top = org().organizations[0]!.departmentCode;

  test.for<
    [
      string,
      (s: KnoxSimulator) => void,
      (c: KnoxClient) => Promise<unknown>,
      { name: string; code: string; status?: number; retryable: boolean },
    ]
  >([
    [
      'an outage on /employees is KnoxServerError EM0010, retryable',
      (s) => s.faults.outage(true),
      (c) => c.listEmployees('C60', { departmentCodes: [top] }),
      { name: 'KnoxServerError', code: 'EM0010', status: 500, retryable: true },
    ],
    [
      'an outage on /organizations is KnoxServerError ORG0010, retryable',
      (s) => s.faults.outage(true),
      (c) => c.listOrganizations('C60'),
      { name: 'KnoxServerError', code: 'ORG0010', status: 500, retryable: true },
    ],
    [
      'a 429 is KnoxRateLimitError, retryable',
      (s) => s.faults.throttle(true, 2),
      (c) => c.listTitles('C60'),
      { name: 'KnoxRateLimitError', code: 'KNOX_HTTP_429', status: 429, retryable: true },
    ],
    [
      'a dropped connection is KnoxNetworkError, retryable',
      (s) => s.faults.hangUp(true),
      (c) => c.listTitles('C60'),
      { name: 'KnoxNetworkError', code: 'KNOX_NETWORK', retryable: true },
    ],
    [
      'a page that is not JSON is KnoxResponseError, permanent',
      (s) => s.faults.garbage(true),
      (c) => c.listOrganizations('C60'),
      { name: 'KnoxResponseError', code: 'KNOX_BAD_RESPONSE', status: 200, retryable: false },
    ],
    [
      'a totalCount that changes between pages is KnoxInconsistentReadError, retryable',
      shifting,
      (c) => c.listEmployees('C60', { departmentCodes: [bigDepartment(org()).departmentCode] }),
      { name: 'KnoxInconsistentReadError', code: 'KNOX_INCONSISTENT_PAGING', retryable: true },
    ],
    [
      'an id with * is KnoxRequestError EM0007, permanent',
      () => undefined,
      (c) => c.getEmployees({ userIds: ['kim*'] }),
      { name: 'KnoxRequestError', code: 'EM0007', status: 400, retryable: false },
    ],
    [
      'an id over 100 characters is KnoxRequestError EM0006, permanent',
      () => undefined,
      (c) => c.getEmployees({ userIds: ['k'.repeat(101)] }),
      { name: 'KnoxRequestError', code: 'EM0006', status: 400, retryable: false },
    ],
  ])('%s', async ([, arrange, act, expected], { simulator, client }) => {
    arrange(simulator);
    const error = await act(client).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KnoxError);
    expect(error).toMatchObject(expected);
  });

  test('keeps Retry-After of a 429', async ({ simulator, client }) => {
    simulator.faults.throttle(true, 2);
    await expect(client.listTitles('C60')).rejects.toMatchObject({ retryAfterMs: 2000 });
    await expect(client.listTitles('C60')).rejects.toBeInstanceOf(KnoxRateLimitError);
  });

  test('detects a changing totalCount in organizations too, rather than returning a partial list', async ({ simulator, client }) => {
    simulator.setOrg(generateOrg({ seed: 3, employees: 50, departments: 1200 }));
    simulator.faults.shiftPaging(true);
    const error = await client.listOrganizations('C60').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnoxInconsistentReadError);
    expect((error as Error).message).toMatch(/page 1 said 1200 rows in 3 pages, page 2 says 1201 in 3/);
  });

  test('names the method, the request and the Knox code and message', async ({ simulator, client }) => {
    simulator.faults.outage(true);
    const error = (await client.listEmployees('C60', { departmentCodes: [top] }).catch((e: unknown) => e)) as KnoxServerError;
    expect(error).toBeInstanceOf(KnoxServerError);
    expect(error.message).toBe(
      `Knox POST /employees?companyCode=C60&departmentCode=${top}&page=1 failed: EM0010 (HTTP 500): EPWebservice.searchEmployee Abnormal.`,
    );
    expect(error).toMatchObject({ method: 'POST', path: '/employees', detail: 'EPWebservice.searchEmployee Abnormal.' });
  });

  test('summarises id lists in messages rather than printing them', async ({ simulator, client }) => {
    simulator.faults.outage(true);
    const ids = org()
      .employees.slice(0, 40)
      .map((e) => e.epId);
    const error = (await client.getEmployees({ epIds: ids }).catch((e: unknown) => e)) as KnoxError;
    expect(error.message).toContain('epIds=<40 items>');
    expect(error.message).not.toContain(ids[0]);
  });

  test('rethrows the abort reason of an aborted call', async ({ simulator, client }) => {
    simulator.faults.latencyMs(5000);
    const controller = new AbortController();
    const reason = new Error('operator cancelled the run');
    const pending = client.listEmployees('C60', { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  test('gives up on a slow answer after timeoutMs with a retryable KnoxNetworkError', async ({ simulator, clientWith }) => {
    simulator.faults.latencyMs(1000);
    const error = await clientWith({}, { timeoutMs: 100 })
      .listTitles('C60')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnoxNetworkError);
    expect(error).toMatchObject({ code: 'KNOX_NETWORK', retryable: true, detail: 'no answer within 100 ms' });
  });

  test('calls a closed port a network error', async ({ simulator, clientWith }) => {
    const client = clientWith();
    await simulator.close();
    await expect(client.listTitles('C60')).rejects.toMatchObject({ name: 'KnoxNetworkError', code: 'KNOX_NETWORK', retryable: true });
  });

  test('takes the protocol from the config file too (knox: protocol:), and the caller’s options over it', async ({
    simulator,
    clientWith,
  }) => {
    const configured = clientWith({ protocol: { paths: { titles: '/v2/titles' } } });
    await expect(configured.listTitles('C60')).rejects.toMatchObject({ code: 'KNOX_HTTP_404', path: '/v2/titles' });
    // Only the named path moved: the others keep knox.md's defaults.
    expect((await configured.listOrganizations('C60')).rows.length).toBeGreaterThan(0);
    const overridden = clientWith(
      { protocol: { paths: { titles: '/v2/titles' } } },
      { protocol: { paths: { titles: '/titles', organizations: '/organizations', employees: '/employees' } } },
    );
    expect((await overridden.listTitles('C60')).rows.length).toBeGreaterThan(0);
    expect(simulator.log().map((e) => e.path)).toEqual(['/v2/titles', '/organizations', '/titles']);
  });

  test('uses the protocol overrides, and calls an unknown path a permanent request error', async ({ clientWith }) => {
    const error = await clientWith(
      {},
      { protocol: { paths: { titles: '/v2/titles', organizations: '/organizations', employees: '/employees' } } },
    )
      .listTitles('C60')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnoxRequestError);
    expect(error).toMatchObject({ code: 'KNOX_HTTP_404', path: '/v2/titles', retryable: false });
  });
});

describe('Knox client: System-ID and extra headers', () => {
  test.override({ simulatorOptions: { gateway: { header: 'X-Gateway-Key', value: 'gw-secret-value' } } });

  test('sends the configured extra headers, and a refusal is a permanent KnoxAuthError', async ({ clientWith }) => {
    expect((await clientWith({ headers: gatewayHeaders('gw-secret-value') }).listTitles('C60')).rows.length).toBeGreaterThan(0);
    const refused = (await clientWith({ headers: gatewayHeaders('wrong-value') })
      .listTitles('C60')
      .catch((e: unknown) => e)) as KnoxAuthError;
    expect(refused).toBeInstanceOf(KnoxAuthError);
    expect(refused).toMatchObject({ code: 'KNOX_AUTH', status: 403, retryable: false });
    // Header values never reach messages, logs or serialised errors.
    for (const text of [refused.message, refused.stack ?? '', inspect(refused), JSON.stringify(refused)])
      expect(text).not.toContain('wrong-value');
  });

  const leaks = [
    {
      what: 'a network error (got keeps the request headers on its own error)',
      fault: (s: KnoxSimulator) => s.faults.hangUp(true),
      error: KnoxNetworkError,
      says: /KNOX_NETWORK/,
    },
    {
      what: 'what Knox says back, which repeats the headers',
      fault: (s: KnoxSimulator) => s.faults.echoHeaders(true),
      error: KnoxRequestError,
      says: /bad request with headers .*\[redacted\]/,
    },
  ];
  test.for(leaks)(
    'keeps the System-ID and header values out of $what, whatever inspects it',
    async ({ fault, error: kind, says }, { simulator, clientWith }) => {
      fault(simulator);
      const error = await clientWith({ headers: gatewayHeaders('gw-secret-value') })
        .listTitles('C60')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(kind);
      expect((error as Error).message).toMatch(says);
      for (const text of [(error as Error).message, inspect(error, { depth: 10 }), JSON.stringify(error)]) {
        expect(text).not.toContain('gw-secret-value');
        expect(text).not.toContain(SYSTEM_ID);
      }
    },
  );

  test('refuses a System-ID Knox did not issue with KnoxAuthError 401', async ({ clientWith }) => {
    const error = await clientWith({ systemId: 'C60REST9999', headers: gatewayHeaders('gw-secret-value') })
      .listTitles('C60')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnoxAuthError);
    expect(error).toMatchObject({ status: 401, retryable: false });
  });
});

describe('Knox client: rate', () => {
  test('never starts more than KNOX_RPS requests in any one second', async ({ simulator, clientWith }) => {
    const client = clientWith({ rps: 20 }, { rateLimit: true });
    const ids = org().employees.map((e) => e.epId);
    // 3,000 employees: 30 lookups of 100, plus 15 department listings running alongside: 45+ calls, over 2 s at 20/s.
    await Promise.all([
      client.getEmployees({ epIds: ids }),
      client.listEmployees('C60', {
        departmentCodes: org()
          .organizations.slice(0, 15)
          .map((d) => d.departmentCode),
      }),
    ]);
    const starts = simulator.log().map((e) => e.at);
    expect(starts.length).toBeGreaterThanOrEqual(45);
    // Arrival times at the server; 50 ms of the window absorb loopback jitter (the first call also connects).
    expect(maxInWindow(starts, 950)).toBeLessThanOrEqual(20);
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(2000);
  });
});
