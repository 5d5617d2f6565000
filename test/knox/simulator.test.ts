/**
 * The simulator against the seed's rules, over raw HTTP (fetch), without the client: a rule the client
 * never breaks must still answer as Knox documents it.
 */
import { describe, expect } from 'vitest';
import { PAGE_SIZE, UNPAGED_CAP } from '../../knox/assumptions.js';
import { generateOrg } from '../../generator/index.js';
import type { KnoxSimulator } from '../../knox/simulator/server.js';
import { org, SYSTEM_ID, test } from './support.js';

interface Call {
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown> & {
    errorCode?: string;
    errorMessage?: string;
    totalCount?: number;
    totalPage?: number;
    currentPage?: number;
  };
  rows: Record<string, unknown>[];
}

async function call(simulator: KnoxSimulator, c: Call): Promise<Answer> {
  const url = new URL(c.path, simulator.url);
  for (const [k, v] of Object.entries(c.query ?? {})) url.searchParams.set(k, v);
  const method = c.method ?? (c.path === '/employees' ? 'POST' : 'GET');
  const response = await fetch(url, {
    method,
    headers: { 'System-ID': SYSTEM_ID, 'content-type': 'application/json', ...c.headers },
    ...(method === 'POST' ? { body: JSON.stringify(c.body ?? { resultType: 'basic' }) } : {}),
  });
  const json = (await response.json()) as Answer['json'];
  const rows = (json.employees ?? json.organizations ?? json.titles ?? []) as Record<string, unknown>[];
  return { status: response.status, headers: response.headers, json, rows };
}

const C60 = { companyCode: 'C60' };
const some = () => org().employees[1]!;
const epIds = (n: number) => Array.from({ length: n }, (_, i) => `D10${String(i).padStart(17, '0')}`).join(',');

describe('Knox simulator: the seed rules', () => {
  test.for<[string, Call, number, string]>([
    ['titles without companyCode: ORG0003', { path: '/titles' }, 400, 'ORG0003'],
    ['titles with * in the keyword: ORG0006', { path: '/titles', query: { companyCode: 'C6*' } }, 400, 'ORG0006'],
    ['titles with a keyword over 100 characters: ORG0005', { path: '/titles', query: { companyCode: 'C'.repeat(101) } }, 400, 'ORG0005'],
    ['organizations without any keyword: ORG0003', { path: '/organizations' }, 400, 'ORG0003'],
    [
      'organizations with departmentCode but no companyCode: ORG0011',
      { path: '/organizations', query: { departmentCode: 'C60AH959' } },
      400,
      'ORG0011',
    ],
    [
      'organizations with two of uprDepartmentCode/departmentCode/departmentName: ORG0013',
      { path: '/organizations', query: { ...C60, departmentCode: 'C60AH959', uprDepartmentCode: 'C60AI572' } },
      400,
      'ORG0013',
    ],
    [
      'organizations paged with departmentCode: ORG0014',
      { path: '/organizations', query: { ...C60, departmentCode: 'C60AH959', page: '1' } },
      400,
      'ORG0014',
    ],
    [
      'organizations by a department name under 4 bytes: ORG0004',
      { path: '/organizations', query: { ...C60, departmentName: 'AI' } },
      400,
      'ORG0004',
    ],
    ['organizations with a page that is not a number: ORG0012', { path: '/organizations', query: { ...C60, page: 'one' } }, 400, 'ORG0012'],
    [
      'organizations with % in the keyword: ORG0006',
      { path: '/organizations', query: { ...C60, departmentName: '100%팀' } },
      400,
      'ORG0006',
    ],
    ['employees without a search keyword: EM0004', { path: '/employees', query: C60 }, 400, 'EM0004'],
    [
      'employees by departmentCode and titleCode at once: EM0016',
      { path: '/employees', query: { ...C60, departmentCode: 'C60AH959', titleCode: 'B3K', page: '1' } },
      400,
      'EM0016',
    ],
    ['employees by a list of 101 epIds: EM0001', { path: '/employees', query: { epIds: epIds(101) } }, 400, 'EM0001'],
    ['employees by titleCode without companyCode: EM0014', { path: '/employees', query: { titleCode: 'B3K', page: '1' } }, 400, 'EM0014'],
    ['employees by titleCode without page: EM0014', { path: '/employees', query: { ...C60, titleCode: 'B3K' } }, 400, 'EM0014'],
    ['employees by epIds with a page: EM0017', { path: '/employees', query: { epIds: epIds(2), page: '1' } }, 400, 'EM0017'],
    [
      'employees by departmentCode with a page but no companyCode: EM0017',
      { path: '/employees', query: { departmentCode: 'C60AH959', page: '1' } },
      400,
      'EM0017',
    ],
    ['employees by a one-character name: EM0005', { path: '/employees', query: { name: '김' } }, 400, 'EM0005'],
    ['employees by a fullName over 100 characters: EM0006', { path: '/employees', query: { fullName: '김'.repeat(101) } }, 400, 'EM0006'],
    ['employees by a name with *: EM0007', { path: '/employees', query: { name: '김*' } }, 400, 'EM0007'],
    [
      'employees with a page that is not a number: EM0015',
      { path: '/employees', query: { ...C60, departmentCode: 'C60AH959', page: '0' } },
      400,
      'EM0015',
    ],
    ['employees without resultType: EM0014', { path: '/employees', query: { epIds: epIds(1) }, body: {} }, 400, 'EM0014'],
    [
      'employees with resultType optional but no attributes: EM0014',
      { path: '/employees', query: { epIds: epIds(1) }, body: { resultType: 'optional' } },
      400,
      'EM0014',
    ],
    [
      'employees with an unknown resultType: EM0015',
      { path: '/employees', query: { epIds: epIds(1) }, body: { resultType: 'full' } },
      400,
      'EM0015',
    ],
    [
      'employees with attributes and resultType basic: EM0018',
      { path: '/employees', query: { epIds: epIds(1) }, body: { resultType: 'basic', attributes: ['epId'] } },
      400,
      'EM0018',
    ],
  ])('%s', async ([, request, status, code], { simulator }) => {
    const answer = await call(simulator, request);
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject({ result: 'fail', errorCode: code });
    expect(answer.json.errorMessage).toMatch(/\.$/);
    expect(simulator.log().at(-1)).toMatchObject({ status, code });
  });

  test('fills the {} of a message with what is wrong', async ({ simulator }) => {
    expect((await call(simulator, { path: '/employees', query: { titleCode: 'B3K', page: '1' } })).json.errorMessage).toBe(
      'Please enter companyCode as required.',
    );
    expect(
      (await call(simulator, { path: '/organizations', query: { ...C60, departmentCode: 'A', departmentName: 'ABCD' } })).json.errorMessage,
    ).toBe('Only one of uprDepartmentCode, departmentCode, departmentName can be selected.');
  });

  test.for<[string, Record<string, string>]>([
    ['without System-ID', {}],
    ['with a System-ID Knox did not issue', { 'System-ID': 'C60REST9999' }],
  ])('refuses a call %s with 401', async ([, headers], { simulator }) => {
    const response = await fetch(new URL('/titles?companyCode=C60', simulator.url), { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ result: 'fail' });
  });
});

describe('Knox simulator: listings', () => {
  test('pages employees of a department 500 at a time and says how many there are', async ({ simulator }) => {
    const sizes = new Map<string, number>();
    for (const e of org().employees) sizes.set(e.departmentCode, (sizes.get(e.departmentCode) ?? 0) + 1);
    const [big, size] = [...sizes].find(([, n]) => n > PAGE_SIZE)!;
    const page1 = await call(simulator, { path: '/employees', query: { ...C60, departmentCode: big, page: '1' } });
    const page2 = await call(simulator, { path: '/employees', query: { ...C60, departmentCode: big, page: '2' } });
    expect(page1.json).toMatchObject({ result: 'success', currentPage: 1, totalPage: 2, totalCount: size });
    expect(page1.rows).toHaveLength(PAGE_SIZE);
    expect(page2.rows).toHaveLength(size - PAGE_SIZE);
    expect(new Set([...page1.rows, ...page2.rows].map((r) => r.epId)).size).toBe(size);
  });

  test('pages organizations by companyCode 500 at a time', async ({ simulator }) => {
    simulator.setOrg(generateOrg({ seed: 1, employees: 20, departments: 1200 }));
    const pages = await Promise.all(
      [1, 2, 3, 4].map((page) => call(simulator, { path: '/organizations', query: { ...C60, page: String(page) } })),
    );
    expect(pages.map((p) => p.rows.length)).toEqual([500, 500, 200, 0]);
    expect(pages.map((p) => p.json.totalPage)).toEqual([3, 3, 3, 3]);
    expect(pages[0]!.json.totalCount).toBe(1200);
  });

  test('caps an unpaged search at 2,000 rows without saying so', async ({ simulator }) => {
    simulator.setOrg(generateOrg({ seed: 1, employees: 20, departments: 2100 }));
    const organizations = await call(simulator, { path: '/organizations', query: C60 });
    expect(organizations.rows).toHaveLength(UNPAGED_CAP);
    expect(organizations.json).toMatchObject({ totalCount: UNPAGED_CAP, totalPage: 1 });

    // 2,100 people in one department: more than the cap, searched unpaged by departmentCode.
    const person = some();
    const crowd = Array.from({ length: 2100 }, (_, i) => ({ ...person, epId: `${person.epId.slice(0, 12)}${String(i).padStart(8, '0')}` }));
    simulator.setOrg({ ...org(), employees: crowd });
    const employees = await call(simulator, { path: '/employees', query: { departmentCode: person.departmentCode } });
    expect(employees.rows).toHaveLength(UNPAGED_CAP);
    expect(employees.json.totalCount).toBe(UNPAGED_CAP);
  });

  test('returns only the attributes asked for with resultType optional', async ({ simulator }) => {
    const person = some();
    const answer = await call(simulator, {
      path: '/employees',
      query: { epIds: person.epId },
      body: { resultType: 'optional', attributes: ['emailAddress', 'userId'] },
    });
    expect(answer.rows).toEqual([{ emailAddress: person.emailAddress, userId: person.userId }]);
  });

  test('leaves timeZone out of name searches only (seed No. 89)', async ({ simulator }) => {
    const person = some();
    const byName = await call(simulator, { path: '/employees', query: { fullName: person.fullName } });
    const byId = await call(simulator, { path: '/employees', query: { userIds: person.userId } });
    expect(byName.rows.length).toBeGreaterThan(0);
    expect(byName.rows.every((r) => !('timeZone' in r))).toBe(true);
    expect(byId.rows[0]).toHaveProperty('timeZone', person.timeZone);
  });

  test('finds the known ids of a list and ignores the unknown ones', async ({ simulator }) => {
    const [a, b] = org().employees;
    const answer = await call(simulator, { path: '/employees', query: { epIds: [a!.epId, 'D10000000000000000000', b!.epId].join(',') } });
    expect(answer.rows.map((r) => r.epId).sort()).toEqual([a!.epId, b!.epId].sort());
    expect(answer.json.totalCount).toBe(2);
  });

  test('finds departments by parent, code and part of a name', async ({ simulator }) => {
    const top = org().organizations[0]!;
    const children = org().organizations.filter((d) => d.uprDepartmentCode === top.departmentCode);
    expect((await call(simulator, { path: '/organizations', query: { ...C60, uprDepartmentCode: top.departmentCode } })).rows).toHaveLength(
      children.length,
    );
    expect((await call(simulator, { path: '/organizations', query: { ...C60, departmentCode: top.departmentCode } })).rows).toEqual([top]);
    const named = await call(simulator, { path: '/organizations', query: { ...C60, departmentName: children[0]!.departmentName } });
    expect(named.rows.map((r) => r.departmentCode)).toContain(children[0]!.departmentCode);
  });
});

describe('Knox simulator: faults and the log', () => {
  test('answers EM0010 / ORG0010 with 500 during an outage', async ({ simulator }) => {
    simulator.faults.outage(true);
    const employees = await call(simulator, { path: '/employees', query: { epIds: some().epId } });
    const organizations = await call(simulator, { path: '/organizations', query: { ...C60, page: '1' } });
    expect([employees.status, employees.json.errorCode, employees.json.errorMessage]).toEqual([
      500,
      'EM0010',
      'EPWebservice.searchEmployee Abnormal.',
    ]);
    expect([organizations.status, organizations.json.errorCode]).toEqual([500, 'ORG0010']);
    simulator.faults.clear();
    expect((await call(simulator, { path: '/organizations', query: { ...C60, page: '1' } })).status).toBe(200);
  });

  test('serves an empty org: no departments, no employees, titles still there', async ({ simulator }) => {
    simulator.faults.emptyOrg(true);
    expect((await call(simulator, { path: '/organizations', query: { ...C60, page: '1' } })).json).toMatchObject({
      totalCount: 0,
      totalPage: 0,
      organizations: [],
    });
    expect((await call(simulator, { path: '/employees', query: { epIds: some().epId } })).rows).toEqual([]);
    expect((await call(simulator, { path: '/titles', query: C60 })).rows.length).toBeGreaterThan(0);
  });

  test('serves a broken record with the field changed or removed', async ({ simulator }) => {
    const person = some();
    simulator.faults.breakRecord(person.epId, 'emailAddress', 'not-an-email');
    simulator.faults.breakRecord(person.epId, 'fullName', undefined);
    const [row] = (await call(simulator, { path: '/employees', query: { epIds: person.epId } })).rows;
    expect(row).toMatchObject({ epId: person.epId, emailAddress: 'not-an-email' });
    expect(row).not.toHaveProperty('fullName');
  });

  test('holds people whose titleCode /titles does not list, and pages them by companyCode + titleCode like any title', async ({
    simulator,
  }) => {
    // 600 people under a titleCode /titles does not list: two pages of a title search, none of /titles.
    const unlisted = new Set(
      org()
        .employees.slice(100, 700)
        .map((e) => e.epId),
    );
    simulator.setOrg({ ...org(), employees: org().employees.map((e) => (unlisted.has(e.epId) ? { ...e, titleCode: 'Z99' } : e)) });
    const titles = await call(simulator, { path: '/titles', query: C60 });
    expect(titles.rows.map((t) => t.titleCode)).not.toContain('Z99');
    const page1 = await call(simulator, { path: '/employees', query: { ...C60, titleCode: 'Z99', page: '1' } });
    const page2 = await call(simulator, { path: '/employees', query: { ...C60, titleCode: 'Z99', page: '2' } });
    expect(page1.json).toMatchObject({ result: 'success', currentPage: 1, totalPage: 2, totalCount: 600 });
    expect(new Set([...page1.rows, ...page2.rows].map((r) => r.epId))).toEqual(unlisted);
    // The seed: titleCode needs companyCode and page.
    expect((await call(simulator, { path: '/employees', query: { ...C60, titleCode: 'Z99' } })).json.errorCode).toBe('EM0014');
  });

  test('hides people from the title search only, with counts that agree (a Knox only a completeness check catches)', async ({
    simulator,
  }) => {
    const person = some();
    simulator.faults.hideFromTitleSearch([person.epId]);
    const size = org().employees.filter((e) => e.titleCode === person.titleCode).length;
    const byTitle = await call(simulator, { path: '/employees', query: { ...C60, titleCode: person.titleCode, page: '1' } });
    expect(byTitle.json).toMatchObject({ totalCount: size - 1, totalPage: 1 });
    expect(byTitle.rows.map((r) => r.epId)).not.toContain(person.epId);
    const byDepartment = await call(simulator, { path: '/employees', query: { ...C60, departmentCode: person.departmentCode, page: '1' } });
    expect(byDepartment.rows.map((r) => r.epId)).toContain(person.epId);
    expect((await call(simulator, { path: '/employees', query: { epIds: person.epId } })).rows).toHaveLength(1);
    simulator.faults.clear();
    expect((await call(simulator, { path: '/employees', query: { ...C60, titleCode: person.titleCode, page: '1' } })).json.totalCount).toBe(
      size,
    );
  });

  test('shifts paging: from page 2 on, totalCount is one more and a row repeats', async ({ simulator }) => {
    simulator.setOrg(generateOrg({ seed: 1, employees: 20, departments: 1200 }));
    simulator.faults.shiftPaging(true);
    const [page1, page2] = await Promise.all(
      [1, 2].map((page) => call(simulator, { path: '/organizations', query: { ...C60, page: String(page) } })),
    );
    expect([page1!.json.totalCount, page2!.json.totalCount]).toEqual([1200, 1201]);
    expect(page2!.rows[0]).toEqual(page1!.rows.at(-1));
  });

  test('throttles with 429 and Retry-After, and hangs up when told to', async ({ simulator }) => {
    simulator.faults.throttle(true, 3);
    const throttled = await call(simulator, { path: '/titles', query: C60 });
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '3']);
    simulator.faults.clear();
    simulator.faults.hangUp(true);
    await expect(fetch(new URL('/titles?companyCode=C60', simulator.url), { headers: { 'System-ID': SYSTEM_ID } })).rejects.toThrow(
      TypeError,
    );
  });

  test('answers late when latency is set', async ({ simulator }) => {
    simulator.faults.latencyMs(150);
    const started = performance.now();
    await call(simulator, { path: '/titles', query: C60 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('logs every request with its status and Knox code, and counts them by path', async ({ simulator }) => {
    await call(simulator, { path: '/titles', query: C60 });
    await call(simulator, { path: '/organizations', query: { ...C60, page: '1' } });
    await call(simulator, { path: '/employees', query: C60 });
    expect(simulator.log().map(({ method, path, query, status, code }) => ({ method, path, query, status, code }))).toEqual([
      { method: 'GET', path: '/titles', query: C60, status: 200, code: undefined },
      { method: 'GET', path: '/organizations', query: { ...C60, page: '1' }, status: 200, code: undefined },
      { method: 'POST', path: '/employees', query: C60, status: 400, code: 'EM0004' },
    ]);
    expect(simulator.counters()).toEqual({ total: 3, byPath: { '/titles': 1, '/organizations': 1, '/employees': 1 } });
    simulator.clearLog();
    expect(simulator.counters().total).toBe(0);
  });
});

describe('Knox simulator: other readings of the seed (dialects)', () => {
  const top = () => org().organizations[0]!;
  const quiet = () => org().employees.find((e) => e.nickName === '')!;
  const page1 = { ...C60, page: '1' };

  test('serves the seed literally by default: empty values as empty strings', async ({ simulator }) => {
    const [first] = (await call(simulator, { path: '/organizations', query: page1 })).rows;
    expect(first).toMatchObject({ departmentCode: top().departmentCode, uprDepartmentCode: '' });
  });

  test('sends every empty value as null with emptyValues null, titles, departments and employees alike', async ({ simulator }) => {
    simulator.setDialect({ emptyValues: 'null' });
    const [first] = (await call(simulator, { path: '/organizations', query: page1 })).rows;
    expect(first).toMatchObject({ departmentCode: top().departmentCode, uprDepartmentCode: null, departmentName: top().departmentName });
    const [person] = (
      await call(simulator, {
        path: '/employees',
        query: { epIds: quiet().epId },
        body: { resultType: 'optional', attributes: ['epId', 'nickName'] },
      })
    ).rows;
    expect(person).toEqual({ epId: quiet().epId, nickName: null });
    const titles = (await call(simulator, { path: '/titles', query: C60 })).rows;
    expect(titles).toEqual(org().titles);
  });

  test('leaves empty values out with emptyValues omitted', async ({ simulator }) => {
    simulator.setDialect({ emptyValues: 'omitted' });
    const [first] = (await call(simulator, { path: '/organizations', query: page1 })).rows;
    expect(first).not.toHaveProperty('uprDepartmentCode');
    expect(first).toHaveProperty('departmentCode', top().departmentCode);
    const [person] = (await call(simulator, { path: '/employees', query: { epIds: quiet().epId } })).rows;
    expect(person).not.toHaveProperty('nickName');
    expect(person).toHaveProperty('fullName', quiet().fullName);
  });

  test('drops the named fields from every record of one set, and serves the seed again after setDialect({})', async ({ simulator }) => {
    simulator.setDialect({ dropFields: { organizations: ['departmentName'] } });
    const departments = (await call(simulator, { path: '/organizations', query: page1 })).rows;
    expect(departments).toHaveLength(org().organizations.length);
    expect(departments.filter((d) => 'departmentName' in d)).toEqual([]);
    // Employees carry their department's name still: only the organization records lack it.
    expect((await call(simulator, { path: '/employees', query: { epIds: quiet().epId } })).rows[0]).toHaveProperty(
      'departmentName',
      quiet().departmentName,
    );
    simulator.setDialect({});
    expect((await call(simulator, { path: '/organizations', query: page1 })).rows[0]).toHaveProperty(
      'departmentName',
      top().departmentName,
    );
  });
});

describe('Knox simulator behind a gateway', () => {
  test.override({ simulatorOptions: { gateway: { header: 'X-Gateway-Key', value: 'open-sesame' } } });

  test('refuses a call without the gateway header with 403', async ({ simulator }) => {
    expect((await call(simulator, { path: '/titles', query: C60 })).status).toBe(403);
    expect((await call(simulator, { path: '/titles', query: C60, headers: { 'X-Gateway-Key': 'open-sesame' } })).status).toBe(200);
  });
});
