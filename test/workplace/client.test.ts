/**
 * Every client operation round-trips against the simulator over real sockets, in both answer styles
 * the reference documents (the envelope, and bare echoes/arrays/v2 pages, §1.8); lists are read whole
 * across pages; bodies that break a documented rule are refused before anything is sent; answers that
 * break the schema fail naming the field.
 */
import { describe, expect } from 'vitest';
import {
  WorkplaceAlreadyExistsError,
  WorkplaceNotFoundError,
  WorkplaceRequestError,
  WorkplaceResponseError,
  WorkplaceValidationError,
  type AttributeDefinitionBody,
  type WorkplaceClient,
} from '../../workplace/index.js';
import type { SimRecord } from '../../workplace/simulator/server.js';
import type { HttpExchange } from '../../lib/http-transport.js';
import {
  CREDENTIALS,
  departmentBody,
  employeeBody,
  gradeBody,
  json,
  smallOrg,
  startScriptedServer,
  test,
  workplaceConfig,
} from './support.js';
import { createWorkplaceClient } from '../../workplace/index.js';

const SELECT_ATTRIBUTE: AttributeDefinitionBody = {
  fieldType: 'SELECT',
  name: '재직여부',
  i18nNames: { ko_KR: '재직여부', en_US: 'status' },
  fieldUsedType: 'MEM',
  searchDispYn: 'Y',
  userDispYn: 'N',
  userMod: 'CHANGE',
  attrItemList: [
    { externalKey: 'status-1', itemName: 'in office', i18nItemNames: { ko_KR: '재직' }, fieldTypeItemOrd: 1 },
    { externalKey: 'status-2', itemName: 'leave of absence', i18nItemNames: { ko_KR: '휴직' }, fieldTypeItemOrd: 2 },
  ],
};

describe.each([
  { style: 'the envelope', bareResponses: false },
  { style: 'bare answers', bareResponses: true },
])('round trips against the simulator, answering with $style', ({ bareResponses }) => {
  test.override({ simulatorOptions: { bareResponses } });

  test.for([['grades'], ['jobs']] as const)(
    '%s: create, get, update, list, remove, and get says undefined afterwards',
    async ([api], { simulator, client }) => {
      expect(await client[api].create('G1', gradeBody('Manager', '1'))).toMatchObject({
        externalKey: 'G1',
        name: 'Manager',
        itemUsed: true,
        sortOrder: '1',
      });
      await client[api].create('G2', gradeBody('Director', '2'));
      expect(await client[api].get('G1')).toMatchObject({
        externalKey: 'G1',
        name: 'Manager',
        i18nNames: { ko_KR: 'Manager', en_US: 'Manager (en)' },
      });
      expect(await client[api].update('G1', gradeBody('Senior manager', '3'))).toMatchObject({ externalKey: 'G1', name: 'Senior manager' });
      expect((await client[api].list()).rows.map((g) => [g.externalKey, g.name, g.sortOrder])).toEqual([
        ['G1', 'Senior manager', '3'],
        ['G2', 'Director', '2'],
      ]);
      await client[api].remove('G2');
      expect(await client[api].get('G2')).toBeUndefined();
      expect(simulator.dump()[api]).toEqual({ G1: gradeBody('Senior manager', '3') });
      // What orgsync does not use is dropped: plans carry only what is compared.
      expect(await client[api].get('G1')).not.toHaveProperty('companyId');
    },
  );

  test('departments: a tree under "#", moved by PUT, listed with their parents, deleted children first', async ({ simulator, client }) => {
    await client.departments.create('HQ', departmentBody('HQ'));
    await client.departments.create('D1', departmentBody('D1', 'HQ'));
    await client.departments.create('D2', {
      ...departmentBody('D2', 'HQ'),
      deptEmailAddress: 'd2@example.com',
      externalEmailReceiveYn: true,
    });
    await client.departments.update('D2', departmentBody('D2', 'D1', 'Renamed'));
    expect(await client.departments.get('D2')).toMatchObject({
      externalKey: 'D2',
      name: 'Renamed',
      parentDeptExternalKey: 'D1',
      dispOrd: '1',
    });
    expect((await client.departments.list()).rows.map((d) => [d.externalKey, d.parentDeptExternalKey])).toEqual([
      ['HQ', '#'],
      ['D1', 'HQ'],
      ['D2', 'D1'],
    ]);
    await client.departments.remove('D2');
    await client.departments.remove('D1');
    expect(Object.keys(simulator.dump().departments)).toEqual(['HQ']);
  });

  test('departments: the head is set by a later PUT once the employee exists (Decisions "department head")', async ({ client }) => {
    await smallOrg(client, ['E1']);
    await client.departments.update('D1', { ...departmentBody('D1'), deptLeaderExternalKey: 'E1' });
    expect(await client.departments.get('D1')).toMatchObject({ deptLeaderExternalKey: 'E1' });
  });

  test('employees: with a grade, a job and a concurrent department; read, changed, listed and removed', async ({ simulator, client }) => {
    await client.grades.create('G1', gradeBody('Manager'));
    await client.jobs.create('J1', gradeBody('Team lead'));
    await client.departments.create('D1', departmentBody('D1'));
    await client.departments.create('D2', departmentBody('D2'));
    const body = employeeBody('E1', 'D1', {
      gradeCdExternalKey: 'G1',
      jobCdExternalKey: 'J1',
      concurrentDeptExternalKeys: ['D2'],
      empNick: 'Kim (R&D) [1]',
      cellphoneNo: '010-0000-0000',
    });
    expect(await client.employees.create('E1', body)).toMatchObject({
      externalKey: 'E1',
      loginId: 'e1@example.com',
      deptExternalKey: 'D1',
    });
    await client.employees.create('E2', employeeBody('E2', 'D2'));
    expect(await client.employees.get('E1')).toMatchObject({ ...body, externalKey: 'E1' });
    await client.employees.update('E1', { ...body, deptExternalKey: 'D2', concurrentDeptExternalKeys: [] });
    expect((await client.employees.list()).rows.map((e) => [e.externalKey, e.deptExternalKey])).toEqual([
      ['E1', 'D2'],
      ['E2', 'D2'],
    ]);
    await client.employees.remove('E2');
    expect(await client.employees.get('E2')).toBeUndefined();
    expect(simulator.dump().employees.E1).toEqual({ ...body, deptExternalKey: 'D2', concurrentDeptExternalKeys: [] });
  });

  test('attribute definitions: created with choices, edited without fieldUsedType, listed in the seed 003 shape, removed', async ({
    simulator,
    client,
  }) => {
    await client.attributeDefinitions.create('status', SELECT_ATTRIBUTE);
    await client.attributeDefinitions.update('status', { ...SELECT_ATTRIBUTE, userMod: 'INVISIBLE' });
    // Seed 003: the edit body has no fieldUsedType, so WORKPLACE keeps none.
    expect(simulator.dump().attributeDefinitions.status).not.toHaveProperty('fieldUsedType');
    expect(simulator.log().find((e) => e.method === 'PUT')?.status).toBe(201);
    const [listed, ...more] = (await client.attributeDefinitions.list()).rows;
    expect(more).toEqual([]);
    expect(listed).toMatchObject({ name: '재직여부', fieldType: 'SELECT', searchDispYn: 'Y', userModYn: 'N', dispOrd: 0 });
    expect(listed!.attrItemList!.map((i) => i.itemName)).toEqual(['in office', 'leave of absence']);
    expect(listed!.externalKey).toBeUndefined();
    await client.attributeDefinitions.remove('status');
    expect((await client.attributeDefinitions.list()).rows).toEqual([]);
  });

  test('attribute values: set, read, changed, removed; a value never set reads as undefined', async ({ simulator, client }) => {
    await smallOrg(client, ['E1']);
    await client.attributeDefinitions.create('status', SELECT_ATTRIBUTE);
    expect(await client.attributeValues.get('E1', 'status')).toBeUndefined();
    await client.attributeValues.create('E1', 'status', { fieldData: 'status-1' });
    expect(await client.attributeValues.get('E1', 'status')).toEqual({ fieldData: 'status-1' });
    await client.attributeValues.update('E1', 'status', { fieldData: 'status-2' });
    expect(simulator.dump().attributeValues).toEqual({ E1: { status: 'status-2' } });
    await client.attributeValues.remove('E1', 'status');
    expect(await client.attributeValues.get('E1', 'status')).toBeUndefined();
  });

  test('Reports To: set, read and cleared (Decisions table endpoints)', async ({ simulator, client }) => {
    await smallOrg(client, ['E1', 'E2']);
    expect(await client.reportsTo.get('E1')).toBeUndefined();
    await client.reportsTo.set('E1', 'E2');
    expect(await client.reportsTo.get('E1')).toBe('E2');
    expect(simulator.dump().reportsTo).toEqual({ E1: 'E2' });
    await client.reportsTo.clear('E1');
    expect(await client.reportsTo.get('E1')).toBeUndefined();
    expect(await client.reportsTo.get('nobody')).toBeUndefined();
  });

  test('absence items: created, edited, listed and removed (Decisions table endpoints)', async ({ simulator, client }) => {
    await client.absences.create('vacation', { name: '휴가', i18nNames: { en_US: 'Vacation' }, halfDayYn: 'Y', sortOrder: 1 });
    await client.absences.create('training', { name: '교육', halfDayYn: 'N', sortOrder: 2 });
    await client.absences.update('training', { name: '교육', halfDayYn: 'Y', sortOrder: 3 });
    expect((await client.absences.list()).rows.map((a) => [a.externalKey, a.halfDayYn, a.sortOrder])).toEqual([
      ['vacation', 'Y', 1],
      ['training', 'Y', 3],
    ]);
    await client.absences.remove('vacation');
    expect(Object.keys(simulator.dump().absences)).toEqual(['training']);
  });

  test('the representative admin check: Y for the admin, N for others, false for an unknown employee', async ({ simulator, client }) => {
    await smallOrg(client, ['E1', 'E2']);
    simulator.setRepresentativeAdmin('E1', true);
    expect(await client.isRepresentativeAdmin('E1')).toBe(true);
    expect(await client.isRepresentativeAdmin('E2')).toBe(false);
    expect(await client.isRepresentativeAdmin('E9')).toBe(false);
  });
});

describe('lists larger than a page', () => {
  const grades = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`G${String(i).padStart(3, '0')}`, gradeBody(`Grade ${i}`, String(i))]));

  test('are read whole, one offset/limit request of paging.pageSize (500) per page', async ({ simulator, client }) => {
    simulator.seed({ grades: grades(1200) });
    const listed = (await client.grades.list()).rows;
    expect(listed.map((g) => g.externalKey)).toEqual(Object.keys(grades(1200)));
    expect(simulator.log().map((e) => e.query)).toEqual(['offset=0&limit=500', 'offset=500&limit=500', 'offset=1000&limit=500']);
  });

  test('keep by key alone the rows `settled` takes, page by page, and still report unreadable rows where they stood', async ({
    simulator,
    client,
  }) => {
    const many: Record<string, SimRecord> = grades(1200);
    many.G700 = { ...many.G700!, name: 42 };
    simulator.seed({ grades: many });
    const seen: string[] = [];
    const listing = await client.grades.list({
      settled: (g) => {
        seen.push(g.externalKey);
        return g.externalKey < 'G900';
      },
    });
    expect(listing.settled).toEqual(Object.keys(many).filter((k) => k < 'G900' && k !== 'G700'));
    expect(listing.rows.map((g) => g.externalKey)).toEqual(Object.keys(many).filter((k) => k >= 'G900'));
    // Only readable rows are offered; an unreadable one keeps its index in the whole list.
    expect(seen).not.toContain('G700');
    expect(listing.unreadable).toMatchObject([{ key: 'G700', index: 700 }]);
  });

  test('ends without an extra request when the last page is exactly full', async ({ simulator, client }) => {
    simulator.seed({ grades: grades(200) });
    expect((await client.grades.list({ pageSize: 100 })).rows).toHaveLength(200);
    expect(simulator.counters().total).toBe(2);
  });

  describe('when WORKPLACE refuses a limit above 100 with a 400 instead of capping it', () => {
    test.override({ simulatorOptions: { pageSizeMax: 100, reading: { refusesLargePages: true } } });

    test('are read at paging.fallbackPageSize, and later lists ask it at once', async ({ simulator, client }) => {
      simulator.seed({ grades: grades(250) });
      const listing = await client.grades.list();
      expect(listing.rows.map((g) => g.externalKey)).toEqual(Object.keys(grades(250)));
      expect(listing.pageSizeRefused).toBe(500);
      expect(simulator.log().map((e) => `${e.status} ${e.query}`)).toEqual([
        '400 offset=0&limit=500',
        '200 offset=0&limit=100',
        '200 offset=100&limit=100',
        '200 offset=200&limit=100',
      ]);
      simulator.clearLog();
      expect((await client.jobs.list()).pageSizeRefused).toBe(500);
      expect(simulator.log().map((e) => e.query)).toEqual(['offset=0&limit=100']);
    });
  });

  describe('when WORKPLACE refuses even the fallback page size', () => {
    test.override({ simulatorOptions: { pageSizeMax: 50, reading: { refusesLargePages: true } } });

    test("the list fails with WORKPLACE's answer", async ({ simulator, client }) => {
      simulator.seed({ grades: grades(10) });
      await expect(client.grades.list()).rejects.toMatchObject({
        code: 'WORKPLACE_VALIDATION',
        status: 400,
        workplaceMessage: 'invalid request: limit: at most 50',
      });
      expect(simulator.log().map((e) => e.query)).toEqual(['offset=0&limit=500', 'offset=0&limit=100']);
    });
  });

  describe('when WORKPLACE caps the page below what the client asks for', () => {
    test.override({ simulatorOptions: { pageSizeMax: 30 } });

    test('are still read whole, advancing by the rows received', async ({ simulator, client }) => {
      simulator.seed({ grades: grades(75) });
      expect((await client.grades.list({ pageSize: 100 })).rows.map((g) => g.externalKey)).toEqual(Object.keys(grades(75)));
      expect(simulator.log().map((e) => e.query)).toEqual(['offset=0&limit=100', 'offset=30&limit=100', 'offset=60&limit=100']);
    });
  });

  // Without a total, a short page ends the list only after a longer one: a capped page looks like a whole short list.
  test.each([
    { when: 'a page shorter than the limit', rows: 25, cap: Infinity, pageSize: 10, offsets: [0, 10, 20] },
    { when: 'pages capped below the limit asked for, then a short one', rows: 37, cap: 10, pageSize: 25, offsets: [0, 10, 20, 30] },
    { when: 'one page shorter than the limit, then an empty one', rows: 7, cap: Infinity, pageSize: 25, offsets: [0, 7] },
  ])('answered as bare arrays without a total, are read whole and end at $when', async ({ rows: count, cap, pageSize, offsets }) => {
    const rows = Array.from({ length: count }, (_, i) => ({ externalKey: `J${i}`, name: `Job ${i}` }));
    const server = await startScriptedServer((request, res) => {
      const query = new URLSearchParams(request.target.split('?')[1]);
      const offset = Number(query.get('offset'));
      json(res, 200, rows.slice(offset, offset + Math.min(cap, Number(query.get('limit')))));
    });
    const listed = (await createWorkplaceClient(workplaceConfig(server.url), { rateLimit: false }).jobs.list({ pageSize })).rows;
    await server.close();
    expect(listed.map((j) => j.externalKey)).toEqual(rows.map((r) => r.externalKey));
    expect(server.requests.map((r) => r.target.split('?')[1])).toEqual(offsets.map((offset) => `offset=${offset}&limit=${pageSize}`));
  });
});

describe('upsert answers, told apart precisely (Decisions "upsert")', () => {
  test('a POST of an existing key is "already exists"; a PUT, DELETE of a missing one is "not found"', async ({ client }) => {
    await client.grades.create('G1', gradeBody('Manager'));
    const exists = await client.grades.create('G1', gradeBody('Manager')).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(WorkplaceAlreadyExistsError);
    expect(exists).toMatchObject({
      code: 'WORKPLACE_ALREADY_EXISTS',
      status: 400,
      retryable: false,
      externalKey: 'G1',
      workplaceMessage: 'grade G1 already exists',
    });
    await expect(client.grades.update('G9', gradeBody('Other'))).rejects.toMatchObject({
      name: 'WorkplaceNotFoundError',
      code: 'WORKPLACE_NOT_FOUND',
      externalKey: 'G9',
    });
    await expect(client.grades.remove('G9')).rejects.toBeInstanceOf(WorkplaceNotFoundError);
    await expect(client.attributeValues.update('E1', 'A1', { fieldData: 'x' })).rejects.toBeInstanceOf(WorkplaceNotFoundError);
    await expect(client.reportsTo.clear('E9')).rejects.toBeInstanceOf(WorkplaceNotFoundError);
  });

  test('a missing reference is a plain validation error, never "not found", so no verb switch follows', async ({ client }) => {
    await smallOrg(client, ['E1']);
    const error = await client.employees.update('E1', employeeBody('E1', 'D9')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkplaceValidationError);
    expect(error).not.toBeInstanceOf(WorkplaceNotFoundError);
    expect(error).toMatchObject({ code: 'WORKPLACE_VALIDATION', workplaceMessage: 'deptExternalKey D9 does not exist' });
    await expect(client.departments.create('D2', departmentBody('D2', 'D8'))).rejects.toMatchObject({ code: 'WORKPLACE_VALIDATION' });
    await expect(client.reportsTo.set('E1', 'E7')).rejects.toMatchObject({
      code: 'WORKPLACE_VALIDATION',
      workplaceMessage: 'reportsToExternalKey E7 does not exist',
    });
  });

  test('a duplicate grade name under another key is a validation error, not "already exists"', async ({ client }) => {
    await client.grades.create('G1', gradeBody('Manager'));
    await expect(client.grades.create('G2', gradeBody('Manager'))).rejects.toMatchObject({
      code: 'WORKPLACE_VALIDATION',
      workplaceMessage: expect.stringContaining('Manager') as unknown,
    });
  });
});

describe('bodies and keys refused before sending, naming the field', () => {
  const long = (n: number) => 'x'.repeat(n);
  const cases: [string, (c: WorkplaceClient) => Promise<unknown>, string][] = [
    ['a grade name over 100 characters', (c) => c.grades.create('G1', gradeBody(long(101))), 'name'],
    ['a grade without itemUsed', (c) => c.grades.create('G1', { name: 'A', sortOrder: '1' } as never), 'itemUsed'],
    ['a job with an undocumented field (v1 sortOrd)', (c) => c.jobs.create('J1', { ...gradeBody('A'), sortOrd: 1 } as never), 'sortOrd'],
    [
      'a department whose dispOrd is over 10 characters',
      (c) => c.departments.create('D1', { ...departmentBody('D1'), dispOrd: long(11) }),
      'dispOrd',
    ],
    ['a department whose body key is not the path key', (c) => c.departments.create('D1', departmentBody('D2')), 'deptExternalKey'],
    [
      'a department misspelling externalEmailReceiveYn',
      (c) => c.departments.create('D1', { ...departmentBody('D1'), externalEmailReceiveYN: true } as never),
      'externalEmailReceiveYN',
    ],
    [
      'an employee hired on 2024/03/01',
      (c) => c.employees.create('E1', employeeBody('E1', 'D1', { employYmd: '2024/03/01' })),
      'employYmd',
    ],
    [
      'an employee hired on February 30th',
      (c) => c.employees.create('E1', employeeBody('E1', 'D1', { employYmd: '2024-02-30' })),
      'employYmd',
    ],
    [
      'an employee without concurrentDeptExternalKeys',
      (c) => c.employees.create('E1', { ...employeeBody('E1', 'D1'), concurrentDeptExternalKeys: undefined } as never),
      'concurrentDeptExternalKeys',
    ],
    ['an employee nickname with #', (c) => c.employees.create('E1', employeeBody('E1', 'D1', { empNick: 'Kim #1' })), 'empNick'],
    [
      'an employee phone number over 30 characters',
      (c) => c.employees.create('E1', employeeBody('E1', 'D1', { telephoneNo: long(31) })),
      'telephoneNo',
    ],
    [
      'an attribute whose userMod is not documented',
      (c) => c.attributeDefinitions.create('A1', { ...SELECT_ATTRIBUTE, userMod: 'MAYBE' } as never),
      'userMod',
    ],
    [
      'an absence item whose halfDayYn is not Y or N',
      (c) => c.absences.create('V1', { name: 'V', halfDayYn: 'X', sortOrder: 1 } as never),
      'halfDayYn',
    ],
    ['an external key of 37 characters', (c) => c.grades.get(long(37)), 'externalKey'],
    ['the key ".."', (c) => c.employees.remove('..'), 'externalKey'],
    ['an attribute key of 37 characters', (c) => c.attributeValues.get('E1', long(37)), 'attrExternalKey'],
    ['a manager key of 37 characters', (c) => c.reportsTo.set('E1', long(37)), 'reportsToExternalKey'],
  ];

  test.for(cases)('%s', async ([, operation, field], { simulator, client }) => {
    const error = await operation(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkplaceRequestError);
    expect(error).toMatchObject({ code: 'WORKPLACE_INVALID_REQUEST', retryable: false, field });
    expect((error as Error).message).toContain(field);
    expect(simulator.counters().total).toBe(0);
    expect(client.stats().requests).toBe(0);
  });

  test('passes fields beyond the readable employee table through to WORKPLACE', async ({ simulator, client }) => {
    await client.departments.create('D1', departmentBody('D1'));
    await client.employees.create('E1', { ...employeeBody('E1', 'D1'), passwordSettingType: 'ADMIN' } as never);
    expect(simulator.dump().employees.E1).toMatchObject({ passwordSettingType: 'ADMIN' });
  });
});

describe('answers that break the schema', () => {
  test('fail naming the field of a single entity', async ({ simulator, client }) => {
    simulator.seed({ grades: { G1: { name: 42, itemUsed: true, sortOrder: '1' } } });
    const error = await client.grades.get('G1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkplaceResponseError);
    expect(error).toMatchObject({ code: 'WORKPLACE_BAD_RESPONSE', retryable: false, field: 'name', externalKey: 'G1' });
    expect((error as Error).message).toMatch(/GET \S+\/grade\/G1 \(key G1\) failed: WORKPLACE_BAD_RESPONSE: name: unexpected response/);
  });

  test('of one list element make that element unreadable, by key and field, while the rest of the list parses', async ({
    simulator,
    client,
  }) => {
    const departments: Record<string, SimRecord> = Object.fromEntries(
      Array.from({ length: 130 }, (_, i) => [`D${i}`, departmentBody(`D${i}`)]),
    );
    departments.D120 = { ...departments.D120!, name: 42 };
    departments.D121 = { ...departments.D121!, i18nNames: 'Sales' };
    simulator.seed({ departments });
    const listing = await client.departments.list();
    expect(listing.rows).toHaveLength(128);
    expect(listing.rows.map((d) => d.externalKey)).not.toContain('D120');
    expect(listing.unreadable).toEqual([
      { key: 'D120', index: 120, issues: ['name: Invalid input: expected string, received number'] },
      { key: 'D121', index: 121, issues: ['i18nNames: Invalid input: expected record, received string'] },
    ]);
    // Issues name fields, never what WORKPLACE sent.
    expect(JSON.stringify(listing.unreadable)).not.toContain('Sales');
  });

  test('fail when a 2xx answer is not JSON at all (a proxy page)', async () => {
    const server = await startScriptedServer((_request, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>'),
    );
    const error = await createWorkplaceClient(workplaceConfig(server.url), { rateLimit: false })
      .grades.list()
      .catch((e: unknown) => e);
    await server.close();
    expect(error).toMatchObject({ name: 'WorkplaceResponseError', code: 'WORKPLACE_BAD_RESPONSE' });
    expect((error as Error).message).toContain('not JSON (text/html)');
  });

  test('fail when a page claims more rows than it delivers', async () => {
    const server = await startScriptedServer((_request, res) =>
      json(res, 200, { status: 200, path: '/', body: { elements: [], totalCount: 5 } }),
    );
    const error = await createWorkplaceClient(workplaceConfig(server.url), { rateLimit: false })
      .employees.list()
      .catch((e: unknown) => e);
    await server.close();
    expect(error).toMatchObject({ code: 'WORKPLACE_BAD_RESPONSE', field: 'elements' });
  });
});

describe('requests per client', () => {
  test('are counted in total and per method, matching what the simulator received', async ({ simulator, client }) => {
    await smallOrg(client, ['E1']);
    await client.employees.get('E1');
    await client.employees.list();
    expect(client.stats()).toEqual({ requests: 4, byMethod: { POST: 2, GET: 2 } });
    expect(simulator.counters()).toMatchObject({
      total: 4,
      byMethod: { POST: 2, GET: 2 },
      byRoute: { 'POST department': 1, 'POST employee': 1, 'GET employee': 1, 'GET employee list': 1 },
    });
  });

  test('are limited to the configured rate: each request starts at least a second after the one WORKPLACE_RPS before it', async ({
    simulator,
    clientWith,
  }) => {
    const client = clientWith({ rps: 4 }, { rateLimit: true });
    const started = performance.now();
    await Promise.all(Array.from({ length: 9 }, (_, i) => client.grades.get(`G${i}`)));
    // The 9th of 9 at 4/s may start 2 s after the first, not before.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1990);
    const arrivals = simulator.log().map((e) => e.at);
    expect(arrivals).toHaveLength(9);
    // The limiter spaces starts; arrivals may shift by the network's jitter, allowed for here (100 ms).
    for (let i = 4; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 4]!).toBeGreaterThan(900);
  });

  test('can be captured: method, path with query, bodies and status; never a header, a signature or a credential', async ({
    simulator,
    clientWith,
  }) => {
    const captured: HttpExchange[] = [];
    const client = clientWith({}, { onExchange: (exchange) => captured.push(exchange) });
    await client.grades.create('G1', gradeBody('Manager'));
    await client.grades.list({ pageSize: 10 });
    expect(captured.map((e) => [e.method, e.path, e.status])).toEqual([
      ['POST', '/organization/apigw/v2/company/{companyId}/grade/G1', 201],
      ['GET', '/organization/apigw/v2/company/{companyId}/grade?offset=0&limit=10', 200],
    ]);
    expect(captured[0]!.requestBody).toEqual(gradeBody('Manager'));
    expect(captured[1]!.responseBody).toMatchObject({
      status: 200,
      body: { elements: [{ externalKey: 'G1', name: 'Manager' }], totalCount: 1 },
    });
    const text = JSON.stringify(captured);
    for (const secret of [CREDENTIALS.companyId, CREDENTIALS.accessKey, CREDENTIALS.secretKey]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/[A-Za-z0-9+/]{43}=/);
    expect(simulator.counters().total).toBe(2);
  });

  test('reuse one keep-alive connection', async () => {
    const server = await startScriptedServer((_request, res) => json(res, 200, { status: 200, path: '/', body: { reprYn: 'N' } }));
    const client = createWorkplaceClient(workplaceConfig(server.url), { rateLimit: false });
    for (const key of ['E1', 'E2', 'E3']) await client.isRepresentativeAdmin(key);
    await server.close();
    expect(server.requests).toHaveLength(3);
    expect(server.connections()).toBe(1);
  });
});
