/**
 * The simulator against the reference, probed with raw HTTP (fetch) where the client would refuse to
 * send: the gateway's checks (§1.3–§1.7), the envelope and statuses (§1.8, §4), the body tables (§2),
 * the referential rules (§4), and the operational knobs (usage plan, faults, log, state), plus its CLI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect } from 'vitest';
import { eventually } from '../../lib/eventually.js';
import { DEFAULT_PROTOCOL } from '../../workplace/assumptions.js';
import { createWorkplaceClient, sign, type WorkplaceClient } from '../../workplace/index.js';
import type { WorkplaceSimulator } from '../../workplace/simulator/server.js';
import { CREDENTIALS, departmentBody, employeeBody, gradeBody, manualClock, smallOrg, test, workplaceConfig } from './support.js';

interface Probe {
  method: string;
  /** After `/company/{companyId}/`, as it goes on the wire. */
  path: string;
  version?: 'v1' | 'v2';
  body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
  signing?: 'v2' | 'v1' | 'none';
  secretKey?: string;
  timestamp?: number;
  /** What to sign, when it should differ from what is sent. */
  signedTarget?: string;
  /** The API key to sign v1 with; default the one in the headers. */
  signingApiKey?: string;
  headers?: Record<string, string>;
  companyId?: string;
}

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown> & { error?: unknown; message?: string | null; body?: unknown };
}

async function probe(simulator: WorkplaceSimulator, p: Probe): Promise<Answer> {
  const target = `${PREFIX[p.version ?? 'v2']}/${p.companyId ?? CREDENTIALS.companyId}/${p.path}`;
  const timestamp = String(p.timestamp ?? Date.now());
  const signing = p.signing ?? 'v2';
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-ncp-apigw-timestamp': timestamp,
    'x-ncp-iam-access-key': CREDENTIALS.accessKey,
    ...p.headers,
  };
  if (signing !== 'none') {
    const input = {
      method: p.method,
      uri: p.signedTarget ?? target,
      timestamp,
      accessKey: CREDENTIALS.accessKey,
      secretKey: p.secretKey ?? CREDENTIALS.secretKey,
      apiKey: p.signingApiKey ?? headers['x-ncp-apigw-api-key'],
      version: signing,
    };
    headers[`x-ncp-apigw-signature-${signing}`] = sign(input);
  }
  const body = p.rawBody ?? (p.body === undefined ? undefined : JSON.stringify(p.body));
  const response = await fetch(`${simulator.url}${target}`, { method: p.method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Answer['json']) : {} };
}

const PREFIX = DEFAULT_PROTOCOL.prefixes;

const gatewayError = (errorCode: string, message: string) => ({ error: { errorCode, message, details: expect.any(String) as unknown } });

describe('the gateway, checked against the reference vectors alone (no client code signs these)', () => {
  // workplace.md §1.3: the vectors' credentials, company and timestamp, with the gateway's clock at that instant.
  const vector = {
    companyId: 'c1798784-9a47-4751-ab9f-b9629825ab93',
    accessKey: 'D78BB444D6D3C84CA38D',
    secretKey: 'TEST_SECRET_KEY_0123456789abcdefghijklmn',
    timestamp: '1505290625682',
  };
  test.override({ simulatorOptions: { ...vector, now: () => Number(vector.timestamp) } });

  test.for([
    ['GET', 'department?offset=0&limit=10', '2w60z+vwWre2J7Dv5SDDaK6vpphHfSW3X3WJPp7Af2s=', 200],
    ['POST', 'grade/gradeTest1', 'EsbWz1cL7NP2cbLSGjeGhScwre9M67x+drcqb6Wthyo=', 201],
  ] as const)('accepts %s %s with the reference signature', async ([method, path, signature, status], { simulator }) => {
    const headers = {
      'x-ncp-apigw-timestamp': vector.timestamp,
      'x-ncp-iam-access-key': vector.accessKey,
      'content-type': 'application/json',
    };
    const send = (sig: string) =>
      fetch(`${simulator.url}/organization/apigw/v2/company/${vector.companyId}/${path}`, {
        method,
        headers: { ...headers, 'x-ncp-apigw-signature-v2': sig },
        ...(method === 'POST' ? { body: JSON.stringify(gradeBody('사원')) } : {}),
      });
    expect((await send(signature)).status).toBe(status);
    // One character off is refused.
    expect((await send(`${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`)).status).toBe(401);
  });
});

describe('the gateway', () => {
  test('refuses an unsigned request with 401 and the gateway error body', async ({ simulator }) => {
    const answer = await probe(simulator, { method: 'GET', path: 'grade', signing: 'none' });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual(gatewayError('200', 'Authentication Failed'));
    expect(simulator.log()).toMatchObject([{ method: 'GET', route: 'GET grade list', status: 401 }]);
  });

  test.for<[string, Partial<Probe>]>([
    ['signed with another secret', { secretKey: 'another-secret' }],
    ['signed without its query string', { path: 'grade?offset=0&limit=10', signedTarget: `${PREFIX.v2}/${CREDENTIALS.companyId}/grade` }],
    [
      'signed over the decoded path rather than the raw target',
      { path: 'grade/%ED%95%9C', signedTarget: `${PREFIX.v2}/${CREDENTIALS.companyId}/grade/한` },
    ],
    ['timestamped in seconds, not milliseconds', { timestamp: Math.floor(Date.now() / 1000) }],
    ['timestamped exactly 5 minutes ago', { timestamp: Date.now() - 5 * 60 * 1000 - 50 }],
    ['signed v1 while no API key is configured', { signing: 'v1', headers: { 'x-ncp-apigw-api-key': 'some-key' } }],
    ['carrying an API key the gateway does not have', { headers: { 'x-ncp-apigw-api-key': 'some-key' } }],
  ])('refuses a request %s with 401', async ([, p], { simulator }) => {
    const answer = await probe(simulator, { method: 'GET', path: 'grade/G1', ...p });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual(gatewayError('200', 'Authentication Failed'));
  });

  test('never echoes the signature it refused', async ({ simulator }) => {
    const timestamp = Date.now();
    const answer = await probe(simulator, { method: 'GET', path: 'grade', secretKey: 'another-secret', timestamp });
    const signature = sign({
      method: 'GET',
      uri: `${PREFIX.v2}/${CREDENTIALS.companyId}/grade`,
      timestamp: String(timestamp),
      accessKey: CREDENTIALS.accessKey,
      secretKey: 'another-secret',
      version: 'v2',
    });
    expect(answer.text).not.toContain(signature);
  });

  test('answers 404 (code 300) for a path or method it has no route for, before checking signatures', async ({ simulator }) => {
    expect(await probe(simulator, { method: 'GET', path: 'empType/T1' })).toMatchObject({
      status: 404,
      json: gatewayError('300', 'Not Found Exception'),
    });
    expect(await probe(simulator, { method: 'GET', version: 'v1', path: 'absence/A1', signing: 'none' })).toMatchObject({ status: 404 });
    expect(await probe(simulator, { method: 'PATCH', path: 'grade/G1' })).toMatchObject({ status: 404 });
  });

  describe('with an API key', () => {
    test.override({ simulatorOptions: { apiKey: CREDENTIALS.apiKey } });

    test('accepts v1 only with the API-key layout and header, and v2 with or without the header', async ({ simulator }) => {
      const key = { 'x-ncp-apigw-api-key': CREDENTIALS.apiKey };
      expect((await probe(simulator, { method: 'GET', path: 'grade', signing: 'v1', headers: key })).status).toBe(200);
      expect((await probe(simulator, { method: 'GET', path: 'grade', signing: 'v2', headers: key })).status).toBe(200);
      expect((await probe(simulator, { method: 'GET', path: 'grade', signing: 'v2' })).status).toBe(200);
      expect((await probe(simulator, { method: 'GET', path: 'grade', signing: 'v1', signingApiKey: CREDENTIALS.apiKey })).status).toBe(401);
      expect(
        (await probe(simulator, { method: 'GET', path: 'grade', signing: 'v1', headers: { 'x-ncp-apigw-api-key': 'wrong' } })).status,
      ).toBe(401);
    });
  });
});

describe('answers: the envelope and the statuses of §4', () => {
  test('201 on POST, 200 on GET, PUT and DELETE, each in the envelope with the stored entity as body', async ({ simulator }) => {
    const created = await probe(simulator, { method: 'POST', path: 'grade/G1', body: gradeBody('Manager') });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/) as unknown,
      status: 201,
      error: null,
      message: null,
      path: `${PREFIX.v2}/${CREDENTIALS.companyId}/grade/G1`,
      body: { externalKey: 'G1', ...gradeBody('Manager'), companyId: CREDENTIALS.companyId },
    });
    expect(await probe(simulator, { method: 'GET', path: 'grade/G1' })).toMatchObject({
      status: 200,
      json: { status: 200, body: { externalKey: 'G1' } },
    });
    expect(await probe(simulator, { method: 'PUT', path: 'grade/G1', body: gradeBody('Director') })).toMatchObject({
      status: 200,
      json: { body: { name: 'Director' } },
    });
    expect(await probe(simulator, { method: 'GET', path: 'grade?offset=0&limit=10' })).toMatchObject({
      status: 200,
      json: { body: { elements: [{ externalKey: 'G1' }], totalCount: 1 } },
    });
    expect(await probe(simulator, { method: 'DELETE', path: 'grade/G1' })).toMatchObject({
      status: 200,
      json: { status: 200, body: null },
    });
  });

  test('400 in the envelope for "already exists" and "not found"', async ({ simulator }) => {
    await probe(simulator, { method: 'POST', path: 'grade/G1', body: gradeBody('Manager') });
    expect(await probe(simulator, { method: 'POST', path: 'grade/G1', body: gradeBody('Manager') })).toMatchObject({
      status: 400,
      json: { status: 400, error: 'Bad Request', message: 'grade G1 already exists', body: null },
    });
    for (const method of ['PUT', 'DELETE', 'GET']) {
      const answer = await probe(simulator, { method, path: 'grade/G2', ...(method === 'PUT' ? { body: gradeBody('X') } : {}) });
      expect(answer).toMatchObject({ status: 400, json: { message: 'grade G2 not found' } });
    }
  });

  test('the addattr edit answers 201, as seed 003 shows, and its echo leaves fieldUsedType out', async ({ simulator }) => {
    const definition = {
      fieldType: 'INPUT',
      name: 'employee number',
      fieldUsedType: 'MEM',
      searchDispYn: 'Y',
      userDispYn: 'N',
      userMod: 'CHANGE',
    };
    expect(await probe(simulator, { method: 'POST', version: 'v1', path: 'addattr/A1', body: definition })).toMatchObject({ status: 201 });
    const edited = await probe(simulator, {
      method: 'PUT',
      version: 'v1',
      path: 'addattr/A1',
      body: { ...definition, userMod: 'UNCHANGED' },
    });
    expect(edited.status).toBe(201);
    expect(edited.json.body).not.toHaveProperty('fieldUsedType');
  });

  describe('answering bare', () => {
    test.override({ simulatorOptions: { bareResponses: true } });

    test('echoes the entity on POST, a bare array for addattrs, a v2 page for lists, and nothing on DELETE', async ({ simulator }) => {
      expect((await probe(simulator, { method: 'POST', path: 'grade/G1', body: gradeBody('Manager') })).json).toMatchObject({
        externalKey: 'G1',
        name: 'Manager',
      });
      expect((await probe(simulator, { method: 'GET', version: 'v1', path: 'addattrs' })).json).toEqual([]);
      expect((await probe(simulator, { method: 'GET', path: 'grade' })).json).toMatchObject({
        elements: [{ externalKey: 'G1' }],
        totalCount: 1,
      });
      expect(await probe(simulator, { method: 'DELETE', path: 'grade/G1' })).toMatchObject({ status: 200, text: '' });
      // Errors keep the envelope: only successes differ between the pages of the reference.
      expect((await probe(simulator, { method: 'DELETE', path: 'grade/G1' })).json).toMatchObject({
        status: 400,
        message: 'grade G1 not found',
      });
    });
  });
});

describe('bodies that break a documented rule are refused with 400, naming the field', () => {
  const long = (n: number) => 'x'.repeat(n);
  test.for<[string, Probe, string]>([
    [
      'a grade name over 100 characters',
      { method: 'POST', path: 'grade/G1', body: gradeBody(long(101)) },
      'name: longer than 100 characters',
    ],
    [
      'a grade whose itemUsed is the string "yes"',
      { method: 'POST', path: 'grade/G1', body: { ...gradeBody('A'), itemUsed: 'yes' } },
      'itemUsed: expected a boolean',
    ],
    ['a job without sortOrder', { method: 'POST', path: 'job/J1', body: { name: 'A', itemUsed: true } }, 'sortOrder: required'],
    [
      'a department whose dispOrd is over 10 characters',
      { method: 'POST', path: 'department/D1', body: { ...departmentBody('D1'), dispOrd: long(11) } },
      'dispOrd: longer than 10 characters',
    ],
    [
      'a department whose dispOrd is the number 1 (as the v1 example sends it)',
      { method: 'POST', path: 'department/D1', body: { ...departmentBody('D1'), dispOrd: 1 } },
      'dispOrd: expected a String',
    ],
    [
      'a department without parentDeptExternalKey',
      { method: 'POST', path: 'department/D1', body: { name: 'A', deptExternalKey: 'D1', dispOrd: '1' } },
      'parentDeptExternalKey: required',
    ],
    [
      'an employee hired on 01.03.2024',
      { method: 'POST', path: 'employee/E1', body: employeeBody('E1', 'D1', { employYmd: '01.03.2024' }) },
      'employYmd: expected yyyy-MM-dd',
    ],
    [
      'an employee without concurrentDeptExternalKeys',
      { method: 'POST', path: 'employee/E1', body: { ...employeeBody('E1', 'D1'), concurrentDeptExternalKeys: undefined } },
      'concurrentDeptExternalKeys: required',
    ],
    [
      'an employee whose genderCd is M',
      { method: 'POST', path: 'employee/E1', body: employeeBody('E1', 'D1', { genderCd: 'M' as never }) },
      'genderCd: one of MALE, FEMALE',
    ],
    [
      'an employee nickname with #',
      { method: 'POST', path: 'employee/E1', body: employeeBody('E1', 'D1', { empNick: 'Kim #1' }) },
      'empNick: expected letters, digits',
    ],
    [
      'an attribute whose searchDispYn is YES',
      {
        method: 'POST',
        version: 'v1',
        path: 'addattr/A1',
        body: { fieldType: 'INPUT', name: 'A', searchDispYn: 'YES', userDispYn: 'Y', userMod: 'CHANGE' },
      },
      'searchDispYn: longer than 1 characters',
    ],
    [
      'an attribute whose userDispYn is X',
      {
        method: 'POST',
        version: 'v1',
        path: 'addattr/A1',
        body: { fieldType: 'INPUT', name: 'A', searchDispYn: 'Y', userDispYn: 'X', userMod: 'CHANGE' },
      },
      'userDispYn: one of Y, N',
    ],
    [
      'an attribute choice ordered 1.5',
      {
        method: 'POST',
        version: 'v1',
        path: 'addattr/A1',
        body: {
          fieldType: 'SELECT',
          name: 'A',
          searchDispYn: 'Y',
          userDispYn: 'Y',
          userMod: 'CHANGE',
          attrItemList: [{ itemName: 'a', fieldTypeItemOrd: 1.5 }],
        },
      },
      'attrItemList[0].fieldTypeItemOrd: expected an Int',
    ],
    [
      'an absence item whose sortOrder is a string',
      { method: 'POST', version: 'v1', path: 'absence/V1', body: { name: 'V', halfDayYn: 'Y', sortOrder: '1' } },
      'sortOrder: expected an Int',
    ],
    [
      'a path key of 37 characters (§1.1: String 36)',
      { method: 'POST', path: `grade/${long(37)}`, body: gradeBody('A') },
      'externalKey: longer than 36 characters',
    ],
    ['a body that is not JSON', { method: 'POST', path: 'grade/G1', rawBody: '{"name": "A",' }, 'the body is not JSON'],
    ['a body that is a JSON array', { method: 'POST', path: 'grade/G1', body: [gradeBody('A')] }, 'body: expected a JSON object'],
  ])('%s', async ([, p, message], { simulator }) => {
    const answer = await probe(simulator, p);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status: 400, error: 'Bad Request', body: null });
    expect(answer.json.message).toContain(message);
    const { grades, jobs, departments, employees, attributeDefinitions, absences } = simulator.dump();
    expect([grades, jobs, departments, employees, attributeDefinitions, absences].every((c) => Object.keys(c).length === 0)).toBe(true);
  });
});

describe('referential rules (§4)', () => {
  const refusal = async (operation: Promise<unknown>) => {
    const error = (await operation.then(
      () => undefined,
      (e: unknown) => e,
    )) as { status?: number; workplaceMessage?: string } | undefined;
    expect(error?.status).toBe(400);
    return error?.workplaceMessage;
  };

  test('grade and job names are unique, though a record may keep its own name', async ({ client }) => {
    await client.grades.create('G1', gradeBody('Manager'));
    expect(await refusal(client.grades.create('G2', gradeBody('Manager')))).toBe('grade name "Manager" is already used by G1');
    await client.grades.update('G1', gradeBody('Manager', '9'));
    await client.jobs.create('J1', gradeBody('Lead'));
    expect(await refusal(client.jobs.create('J2', gradeBody('Lead')))).toContain('already used by J1');
    await client.jobs.create('J2', gradeBody('Manager'));
  });

  test('a department needs "#" or an existing parent, and cannot be moved under itself or its own subtree', async ({ client }) => {
    expect(await refusal(client.departments.create('D2', departmentBody('D2', 'D1')))).toBe('parentDeptExternalKey D1 does not exist');
    await client.departments.create('D1', departmentBody('D1'));
    await client.departments.create('D2', departmentBody('D2', 'D1'));
    await client.departments.create('D3', departmentBody('D3', 'D2'));
    expect(await refusal(client.departments.update('D1', departmentBody('D1', 'D3')))).toContain(
      'cannot move under its own sub-department',
    );
    await client.departments.update('D3', departmentBody('D3', '#'));
  });

  test('a department with sub-departments, members or concurrent members cannot be deleted', async ({ simulator, client }) => {
    await smallOrg(client, ['E1']);
    await client.departments.create('D2', departmentBody('D2', 'D1'));
    expect(await refusal(client.departments.remove('D1'))).toBe('department D1 still has 1 sub-department(s)');
    await client.departments.create('D3', departmentBody('D3'));
    await client.employees.update('E1', employeeBody('E1', 'D1', { concurrentDeptExternalKeys: ['D3'] }));
    expect(await refusal(client.departments.remove('D3'))).toBe('department D3 still has 1 member(s)');
    await client.employees.update('E1', employeeBody('E1', 'D1'));
    await client.departments.remove('D3');
    expect(Object.keys(simulator.dump().departments)).toEqual(['D1', 'D2']);
  });

  test("an employee's department, concurrent departments, grade and job must exist", async ({ client }) => {
    await client.departments.create('D1', departmentBody('D1'));
    expect(await refusal(client.employees.create('E1', employeeBody('E1', 'D9')))).toBe('deptExternalKey D9 does not exist');
    expect(await refusal(client.employees.create('E1', employeeBody('E1', 'D1', { concurrentDeptExternalKeys: ['D8'] })))).toBe(
      'concurrentDeptExternalKeys D8 does not exist',
    );
    expect(await refusal(client.employees.create('E1', employeeBody('E1', 'D1', { gradeCdExternalKey: 'G9' })))).toBe(
      'gradeCdExternalKey G9 does not exist',
    );
    expect(await refusal(client.employees.create('E1', employeeBody('E1', 'D1', { jobCdExternalKey: 'J9' })))).toBe(
      'jobCdExternalKey J9 does not exist',
    );
  });

  test('login id and e-mail are unique among employees, whatever their case', async ({ client }) => {
    await smallOrg(client, ['E1']);
    expect(await refusal(client.employees.create('E2', employeeBody('E2', 'D1', { loginId: 'E1@EXAMPLE.COM' })))).toBe(
      'loginId e1@example.com is already used by employee E1',
    );
    expect(await refusal(client.employees.create('E2', employeeBody('E2', 'D1', { emailAddress: 'e1@example.com' })))).toContain(
      'emailAddress e1@example.com is already used',
    );
    await client.employees.update('E1', employeeBody('E1', 'D1', { cellphoneNo: '010' }));
  });

  test('a login id is free again once its employee is deleted or changes it, and seeded (migrated) employees count', async ({
    client,
    simulator,
  }) => {
    await smallOrg(client, ['E1']);
    await client.employees.update('E1', employeeBody('E1', 'D1', { loginId: 'renamed@example.com', emailAddress: 'renamed@example.com' }));
    await client.employees.create('E2', employeeBody('E2', 'D1', { loginId: 'e1@example.com', emailAddress: 'e1@example.com' }));
    await client.employees.remove('E2');
    await client.employees.create('E3', employeeBody('E3', 'D1', { loginId: 'e1@example.com', emailAddress: 'e1@example.com' }));
    simulator.seed({
      employees: { M1: { ...employeeBody('M1', 'D1'), loginId: 'migrated@example.com', emailAddress: 'migrated@example.com' } },
    });
    expect(await refusal(client.employees.create('E4', employeeBody('E4', 'D1', { loginId: 'MIGRATED@example.com' })))).toBe(
      'loginId migrated@example.com is already used by employee M1',
    );
  });

  test('a grade or job still held cannot be deleted', async ({ client }) => {
    await client.grades.create('G1', gradeBody('Manager'));
    await client.departments.create('D1', departmentBody('D1'));
    await client.employees.create('E1', employeeBody('E1', 'D1', { gradeCdExternalKey: 'G1' }));
    expect(await refusal(client.grades.remove('G1'))).toBe('grade G1 is still held by 1 employee(s)');
  });

  test('Reports To must name an existing employee other than oneself', async ({ client }) => {
    await smallOrg(client, ['E1']);
    expect(await refusal(client.reportsTo.set('E1', 'E9'))).toBe('reportsToExternalKey E9 does not exist');
    expect(await refusal(client.reportsTo.set('E1', 'E1'))).toContain('cannot report to themselves');
    expect(await refusal(client.reportsTo.set('E9', 'E1'))).toBe('employee E9 not found');
  });

  test('a department head must be an existing employee', async ({ client }) => {
    await client.departments.create('D1', departmentBody('D1'));
    expect(await refusal(client.departments.update('D1', { ...departmentBody('D1'), deptLeaderExternalKey: 'E1' }))).toBe(
      'deptLeaderExternalKey E1 does not exist',
    );
  });

  test('attribute values follow the field type: DATE yyyy-MM-dd, YESNO Y/N, SELECT an item key', async ({ client }) => {
    await smallOrg(client, ['E1']);
    const base = { name: 'n', searchDispYn: 'Y', userDispYn: 'Y', userMod: 'CHANGE' } as const;
    await client.attributeDefinitions.create('since', { ...base, name: 'since', fieldType: 'DATE' });
    await client.attributeDefinitions.create('exec', { ...base, name: 'exec', fieldType: 'YESNO' });
    await client.attributeDefinitions.create('site', {
      ...base,
      name: 'site',
      fieldType: 'SELECT',
      attrItemList: [{ externalKey: 'site-1', itemName: 'Suwon' }],
    });
    expect(await refusal(client.attributeValues.create('E1', 'since', { fieldData: '2024.01.01' }))).toContain(
      'a DATE value is yyyy-MM-dd',
    );
    expect(await refusal(client.attributeValues.create('E1', 'exec', { fieldData: 'yes' }))).toContain('a YESNO value is Y or N');
    expect(await refusal(client.attributeValues.create('E1', 'site', { fieldData: 'Suwon' }))).toContain(
      "one of the items' external keys (site-1)",
    );
    expect(await refusal(client.attributeValues.create('E9', 'site', { fieldData: 'site-1' }))).toBe('employee E9 does not exist');
    expect(await refusal(client.attributeValues.create('E1', 'nope', { fieldData: 'x' }))).toBe('additional attribute nope does not exist');
    await client.attributeValues.create('E1', 'since', { fieldData: '2024-01-01' });
    await client.attributeValues.create('E1', 'exec', { fieldData: 'Y' });
    await client.attributeValues.create('E1', 'site', { fieldData: 'site-1' });
  });

  test('the representative admin cannot be deleted; deleting anyone else takes their relations along', async ({ simulator, client }) => {
    await smallOrg(client, ['E1', 'E2', 'E3']);
    await client.attributeDefinitions.create('A1', {
      fieldType: 'INPUT',
      name: 'n',
      searchDispYn: 'Y',
      userDispYn: 'Y',
      userMod: 'CHANGE',
    });
    await client.attributeValues.create('E2', 'A1', { fieldData: 'v' });
    await client.reportsTo.set('E1', 'E2');
    await client.reportsTo.set('E2', 'E3');
    await client.departments.update('D1', { ...departmentBody('D1'), deptLeaderExternalKey: 'E2' });
    simulator.setRepresentativeAdmin('E3', true);
    expect(await refusal(client.employees.remove('E3'))).toContain('representative administrator');
    await client.employees.remove('E2');
    const state = simulator.dump();
    expect(state.reportsTo).toEqual({});
    expect(state.attributeValues).toEqual({});
    expect(state.departments.D1).not.toHaveProperty('deptLeaderExternalKey');
  });

  test('a department body must carry its own key (an assumption), though the client already checks it', async ({ simulator }) => {
    await probe(simulator, { method: 'POST', path: 'department/D1', body: departmentBody('D1') });
    const answer = await probe(simulator, { method: 'PUT', path: 'department/D1', body: departmentBody('D2') });
    expect(answer).toMatchObject({ status: 400, json: { message: 'invalid request: deptExternalKey must equal the path key D1' } });
  });
});

describe('other readings of the reference (reading)', () => {
  describe('a real tenant with Korean messages and no Reports To route', () => {
    test.override({ simulatorOptions: { reading: { realTenantLists: true, koreanMessages: true, missingRoutes: ['reportsTo'] } } });

    test('lists the root with a null parent, its own ids, "1.0" and nulls for what was never set', async ({ simulator }) => {
      await probe(simulator, { method: 'POST', path: 'department/HQ', body: departmentBody('HQ') });
      const answer = await probe(simulator, { method: 'GET', path: 'department?offset=0&limit=10' });
      const [hq] = (answer.json.body as { elements: Record<string, unknown>[] }).elements;
      expect(hq).toMatchObject({
        externalKey: 'HQ',
        parentDeptExternalKey: null,
        parentDeptNo: '#',
        dispOrd: '1.0',
        deptLeaderExternalKey: null,
        deptLeaderEmpId: null,
        deptEmailAddress: null,
        externalEmailReceiveYn: null,
        companyId: CREDENTIALS.companyId,
      });
      expect(hq).toEqual(expect.objectContaining({ tenantId: expect.any(String) as unknown, deptNo: expect.any(String) as unknown }));
      // What is stored is what was written: the shape is only how it is shown.
      expect(simulator.dump().departments.HQ).toEqual(departmentBody('HQ'));
    });

    test('words its 400s in Korean, a failed reference naming the missing key', async ({ simulator }) => {
      await probe(simulator, { method: 'POST', path: 'grade/G1', body: gradeBody('사원') });
      expect((await probe(simulator, { method: 'POST', path: 'grade/G1', body: gradeBody('사원') })).json.message).toBe(
        '이미 존재하는 직급입니다. (externalKey: G1)',
      );
      expect((await probe(simulator, { method: 'GET', path: 'grade/G9' })).json.message).toBe(
        '직급 정보를 찾을 수 없습니다. (externalKey: G9)',
      );
      expect((await probe(simulator, { method: 'POST', path: 'department/D1', body: departmentBody('D1', 'D0') })).json.message).toBe(
        'parentDeptExternalKey D0은(는) 존재하지 않는 값입니다.',
      );
    });

    test('answers the missing route 404 / code 300, as for any path it has no route for', async ({ simulator }) => {
      expect(await probe(simulator, { method: 'GET', version: 'v1', path: 'reportsTo/E1' })).toMatchObject({
        status: 404,
        json: gatewayError('300', 'Not Found Exception'),
      });
    });
  });
});

describe('paging', () => {
  const seedGrades = (simulator: WorkplaceSimulator, n: number) =>
    simulator.seed({ grades: Object.fromEntries(Array.from({ length: n }, (_, i) => [`G${i}`, gradeBody(`Grade ${i}`)])) });
  const keysOf = (answer: Answer) => (answer.json.body as { elements: { externalKey: string }[] }).elements.map((e) => e.externalKey);

  test('returns rows from offset, at most limit, with the total, in creation order', async ({ simulator }) => {
    seedGrades(simulator, 7);
    const answer = await probe(simulator, { method: 'GET', path: 'grade?offset=2&limit=3' });
    expect(keysOf(answer)).toEqual(['G2', 'G3', 'G4']);
    expect(answer.json.body).toMatchObject({ totalCount: 7 });
    expect(keysOf(await probe(simulator, { method: 'GET', path: 'grade?offset=6&limit=3' }))).toEqual(['G6']);
    expect(keysOf(await probe(simulator, { method: 'GET', path: 'grade?offset=9' }))).toEqual([]);
  });

  describe('with a page size of 5', () => {
    test.override({ simulatorOptions: { pageSizeMax: 5 } });

    test('defaults limit to the page size and caps a larger one', async ({ simulator }) => {
      seedGrades(simulator, 12);
      expect(keysOf(await probe(simulator, { method: 'GET', path: 'grade' }))).toHaveLength(5);
      expect(keysOf(await probe(simulator, { method: 'GET', path: 'grade?offset=0&limit=500' }))).toHaveLength(5);
    });
  });

  test('refuses an offset or limit that is not a whole number', async ({ simulator }) => {
    expect(await probe(simulator, { method: 'GET', path: 'grade?offset=-1' })).toMatchObject({
      status: 400,
      json: { message: expect.stringContaining('offset') as unknown },
    });
    expect(await probe(simulator, { method: 'GET', path: 'grade?limit=0' })).toMatchObject({
      status: 400,
      json: { message: expect.stringContaining('limit') as unknown },
    });
  });
});

describe('operational realism', () => {
  describe('on a clock the test moves', () => {
    const clock = manualClock();
    test.override({ simulatorOptions: { now: clock.now } });
    const clientOn = (clientWith: (c?: object, o?: object) => WorkplaceClient) => clientWith({}, { now: clock.now });

    test('the rate limit lets a burst through, then 429s until tokens refill at the configured rate', async ({ simulator, clientWith }) => {
      simulator.setRateLimit({ perSecond: 10, burst: 3 });
      const client = clientOn(clientWith);
      const statuses = async (n: number) => {
        for (let i = 0; i < n; i++) await client.grades.list().catch(() => undefined);
        return simulator
          .log()
          .splice(-n)
          .map((e) => e.status);
      };
      expect(await statuses(4)).toEqual([200, 200, 200, 429]);
      clock.advance(200);
      expect(await statuses(3)).toEqual([200, 200, 429]);
      simulator.setRateLimit(undefined);
      expect(await statuses(5)).toEqual([200, 200, 200, 200, 200]);
      expect((await probe(simulator, { method: 'GET', path: 'grade', timestamp: clock.now() })).status).toBe(200);
    });

    test('logs every request with its arrival, route, key and status, and counts them per method and route', async ({
      simulator,
      clientWith,
    }) => {
      const client = clientOn(clientWith);
      await client.grades.create('G1', gradeBody('A'));
      clock.advance(400);
      await client.grades.get('G1');
      await client.grades.get('G2');
      clock.advance(700);
      await client.grades.update('G1', gradeBody('B'));
      const entry = (msAgo: number, method: string, key: string, status: number) => ({
        at: clock.now() - msAgo,
        method,
        path: `${PREFIX.v2}/${CREDENTIALS.companyId}/grade/${key}`,
        route: `${method} grade`,
        externalKey: key,
        status,
      });
      expect(simulator.log()).toEqual([
        entry(1100, 'POST', 'G1', 201),
        entry(700, 'GET', 'G1', 200),
        entry(700, 'GET', 'G2', 400),
        entry(0, 'PUT', 'G1', 200),
      ]);
      expect(simulator.counters()).toEqual({
        total: 4,
        byMethod: { POST: 1, GET: 2, PUT: 1 },
        byRoute: { 'POST grade': 1, 'GET grade': 2, 'PUT grade': 1 },
      });
      expect(simulator.maxRequestsPerSecond()).toBe(3);
      expect(simulator.maxRequestsPerSecond({ methods: ['POST', 'PUT', 'DELETE'] })).toBe(1);
      simulator.clearLog();
      expect(simulator.counters()).toEqual({ total: 0, byMethod: {}, byRoute: {} });
    });
  });

  test('failKeys fails requests naming those keys with 400 and the message, every time, until cleared', async ({ simulator, client }) => {
    simulator.faults.failKeys(['G2'], 'grade G2 is locked by an administrator');
    await client.grades.create('G1', gradeBody('A'));
    for (let i = 0; i < 2; i++)
      await expect(client.grades.create('G2', gradeBody('B'))).rejects.toMatchObject({
        code: 'WORKPLACE_VALIDATION',
        workplaceMessage: 'grade G2 is locked by an administrator',
      });
    simulator.faults.clear();
    await client.grades.create('G2', gradeBody('B'));
    expect(Object.keys(simulator.dump().grades)).toEqual(['G1', 'G2']);
  });

  describe('with a random source the test controls', () => {
    const draws = [0.1, 0.9, 0.2, 0.8];
    test.override({ simulatorOptions: { random: () => draws.shift() ?? 1 } });

    test('serverErrorRatio fails that share of requests with 5xx and lets the rest through', async ({ simulator, client }) => {
      simulator.faults.serverErrorRatio(0.5);
      for (const key of ['G1', 'G2', 'G3', 'G4']) await client.grades.create(key, gradeBody(key)).catch(() => undefined);
      expect(simulator.log().map((e) => e.status)).toEqual([500, 201, 503, 201]);
      expect(() => simulator.faults.serverErrorRatio(2)).toThrow(RangeError);
    });
  });

  test('latency delays every answer by at least the configured time', async ({ simulator, client }) => {
    simulator.faults.latencyMs(120);
    const started = performance.now();
    await client.grades.list();
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  test('the log marks a request whose client hung up before the answer as abandoned, and only that one', async ({ simulator, client }) => {
    simulator.faults.latencyMs(300);
    const leaving = new AbortController();
    const hungUp = fetch(`${simulator.url}/organization/apigw/v2/company/any/grade`, { signal: leaving.signal }).catch(() => 'hung up');
    await eventually(() => simulator.log().length === 1, { timeoutMs: 5_000, what: 'the request arriving' });
    leaving.abort();
    expect(await hungUp).toBe('hung up');
    await client.grades.list();
    const [left, answered] = simulator.log();
    expect(left).toMatchObject({ abandoned: true });
    expect(answered).not.toHaveProperty('abandoned');
    expect(answered!.status).toBe(200);
  });

  test('dump is a copy, seed merges records without applying rules, reset empties everything', async ({ simulator, client }) => {
    simulator.seed({ grades: { G1: gradeBody('A') }, reportsTo: { E1: 'E2' } });
    simulator.seed({ grades: { G2: gradeBody('B') } });
    const dump = simulator.dump();
    expect(Object.keys(dump.grades)).toEqual(['G1', 'G2']);
    expect(dump.reportsTo).toEqual({ E1: 'E2' });
    dump.grades.G1!.name = 'changed outside';
    expect((await client.grades.get('G1'))?.name).toBe('A');
    simulator.setRepresentativeAdmin('E1', true);
    simulator.reset();
    const emptied = simulator.dump();
    expect(Object.keys(emptied)).toEqual(Object.keys(dump));
    expect(Object.entries(emptied).filter(([, held]: [string, object]) => Object.keys(held).length > 0)).toEqual([]);
  });
});

describe('the command line', () => {
  test('starts a simulator on the given port, prints its URL, serves signed requests and dumps its state on SIGTERM', async () => {
    const dump = join(mkdtempSync(join(tmpdir(), 'workplace-sim-')), 'state.json');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'workplace/simulator/main.ts',
        '--port',
        '0',
        '--company-id',
        CREDENTIALS.companyId,
        '--access-key',
        CREDENTIALS.accessKey,
        '--secret-key',
        CREDENTIALS.secretKey,
        '--dump',
        dump,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let url: string | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('http://')) {
        url = line;
        break;
      }
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = createWorkplaceClient(workplaceConfig(url!), { rateLimit: false });
    await client.grades.create('G1', gradeBody('From the CLI'));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(JSON.parse(readFileSync(dump, 'utf8'))).toMatchObject({ grades: { G1: { name: 'From the CLI' } } });
  });
});
