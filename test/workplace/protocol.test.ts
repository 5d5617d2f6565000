/**
 * WORKPLACE's protocol as configuration, over real sockets: the config file's `workplace.protocol`
 * is checked by zod with errors that name the key, covers every default, and changes what the client
 * sends (a path, verbs, field names, extra body fields) and how it reads answers (message patterns,
 * English and Korean); the simulator speaks the same overrides. A missing route is told apart from a
 * missing record and names the key to change.
 */
import { describe, expect } from 'vitest';
import { readEach } from '../../engine/stages/spec.js';
import { loadConfig } from '../../config/index.js';
import { configFile, configProblems } from '../helpers/config.js';
import { WorkplaceProtocolSchema } from '../../config/workplace-protocol.js';
import type { HttpExchange } from '../../lib/http-transport.js';
import {
  createWorkplaceClient,
  DEFAULT_PROTOCOL,
  WorkplaceAlreadyExistsError,
  WorkplaceNoRouteError,
  WorkplaceNotFoundError,
  WorkplaceValidationError,
  type WorkplaceProtocolOverrides,
} from '../../workplace/index.js';
import { CREDENTIALS, departmentBody, employeeBody, gradeBody, smallOrg, test, workplaceConfig } from './support.js';

const ENV = {
  WORKPLACE_COMPANY_ID: CREDENTIALS.companyId,
  NCP_ACCESS_KEY: CREDENTIALS.accessKey,
  NCP_SECRET_KEY: CREDENTIALS.secretKey,
};

/** loadConfig over a YAML config file holding `text`. */
const loadWith = (text: string, env: NodeJS.ProcessEnv = ENV) => loadConfig(['workplace'], { ...env, ORGSYNC_CONFIG: configFile(text) });

const problemsWith = (text: string): string[] => configProblems(() => loadWith(text));

describe('workplace.protocol in the config file', () => {
  test('accepts every key of the default protocol, so each assumption can be set there', () => {
    expect(WorkplaceProtocolSchema.parse(DEFAULT_PROTOCOL)).toEqual(DEFAULT_PROTOCOL);
  });

  test('is optional, and parsed into the workplace config when given', () => {
    expect(loadWith('workplace: {}\n').workplace.protocol).toBeUndefined();
    const config = loadWith(
      [
        'workplace:',
        '  protocol:',
        '    paths: { reportsTo: { version: v2, segment: employee/reports-to } }',
        '    messages: { notFound: ["없음"] }',
        '    extraFields: { employees: { create: { passwordSettingType: ADMIN } } }',
      ].join('\n'),
    );
    expect(config.workplace.protocol).toEqual({
      paths: { reportsTo: { version: 'v2', segment: 'employee/reports-to' } },
      messages: { notFound: ['없음'] },
      extraFields: { employees: { create: { passwordSettingType: 'ADMIN' } } },
    });
  });

  test.for([
    ['a misspelt path name', 'paths: { reportTo: { segment: x } }', 'workplace.protocol.paths (config file): Unrecognized key: "reportTo"'],
    [
      'an unknown version',
      'paths: { reportsTo: { version: v3 } }',
      'workplace.protocol.paths.reportsTo.version (config file): expected v1 or v2',
    ],
    [
      'a segment with a leading slash',
      'paths: { absence: { segment: /absence } }',
      'workplace.protocol.paths.absence.segment (config file): expected path segments such as reportsTo or employee/reportsTo (no leading /, no ? or #)',
    ],
    [
      'a verb WORKPLACE does not use',
      'reportsTo: { verbs: { set: PATCH } }',
      'workplace.protocol.reportsTo.verbs.set (config file): expected GET, POST, PUT or DELETE',
    ],
    [
      'a broken pattern',
      'messages: { notFound: ["not found", "(unclosed"] }',
      'workplace.protocol.messages.notFound.1 (config file): not a valid regular expression',
    ],
    ['a page size of zero', 'paging: { pageSize: 0 }', 'workplace.protocol.paging.pageSize (config file): expected a positive number'],
    [
      'extra fields for an entity orgsync does not write',
      'extraFields: { empTypes: { create: { a: 1 } } }',
      'workplace.protocol.extraFields (config file): Unrecognized key: "empTypes"',
    ],
  ])('refuses %s, naming the key', ([, yaml, problem]) => {
    expect(problemsWith(`workplace:\n  protocol:\n    ${yaml}\n`)).toEqual([problem]);
  });
});

describe('a changed Reports To path and field, set in the config file', () => {
  const protocol: WorkplaceProtocolOverrides = {
    paths: { reportsTo: { version: 'v2', segment: 'employee/reports-to' } },
    reportsTo: { field: 'managerExternalKey', verbs: { set: 'POST' } },
  };
  test.override({ simulatorOptions: { protocol } });

  test('is what the client sends and the simulator serves', async ({ simulator }) => {
    const config = loadWith(
      [
        'workplace:',
        '  protocol:',
        '    paths: { reportsTo: { version: v2, segment: employee/reports-to } }',
        '    reportsTo: { field: managerExternalKey, verbs: { set: POST } }',
      ].join('\n'),
      { ...ENV, WORKPLACE_BASE_URL: simulator.url },
    );
    const client = createWorkplaceClient(config.workplace, { rateLimit: false });
    await smallOrg(client, ['E1', 'E2']);
    simulator.clearLog();
    await client.reportsTo.set('E1', 'E2');
    expect(await client.reportsTo.get('E1')).toBe('E2');
    await client.reportsTo.clear('E1');
    expect(simulator.log().map((e) => `${e.method} ${e.path.replace(CREDENTIALS.companyId, '{id}')} ${e.status}`)).toEqual([
      'POST /organization/apigw/v2/company/{id}/employee/reports-to/E1 200',
      'GET /organization/apigw/v2/company/{id}/employee/reports-to/E1 200',
      'DELETE /organization/apigw/v2/company/{id}/employee/reports-to/E1 200',
    ]);
  });

  test('and a client still on the default path is told the route is missing, with the key to change', async ({ simulator, client }) => {
    await smallOrg(client, ['E1']);
    const error = await client.reportsTo.get('E1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkplaceNoRouteError);
    expect(error).toMatchObject({
      code: 'WORKPLACE_NO_ROUTE',
      status: 404,
      gatewayCode: '300',
      retryable: false,
      configKey: 'workplace.protocol.paths.reportsTo',
    });
    expect((error as Error).message).toContain('set workplace.protocol.paths.reportsTo');
    expect(simulator.log().at(-1)).toMatchObject({ route: 'GET (no route)', status: 404 });
  });
});

describe('a gateway without a route (reading.missingRoutes)', () => {
  test.override({ simulatorOptions: { reading: { missingRoutes: ['reportsTo', 'absenceList'] } } });

  test('answers 404 / code 300, which is WORKPLACE_NO_ROUTE, never a missing record', async ({ client }) => {
    await smallOrg(client, ['E1']);
    await expect(client.reportsTo.get('E1')).rejects.toMatchObject({
      code: 'WORKPLACE_NO_ROUTE',
      configKey: 'workplace.protocol.paths.reportsTo',
    });
    await expect(client.absences.list()).rejects.toMatchObject({
      code: 'WORKPLACE_NO_ROUTE',
      configKey: 'workplace.protocol.paths.absenceList',
    });
    // A record that is missing is still just missing.
    expect(await client.employees.get('E9')).toBeUndefined();
    expect(await client.isRepresentativeAdmin('E9')).toBe(false);
  });

  test('fails a per-key read of a stage as a whole, instead of making every key unreadable', async ({ client }) => {
    await smallOrg(client, ['E1', 'E2']);
    const read = readEach('reportsTo', ['E1', 'E2'], (key) => client.reportsTo.get(key), {
      heartbeat: () => undefined,
      signal: new AbortController().signal,
      checkpoint: (_name, compute) => compute(),
      readCheckpointEvery: 100,
    });
    await expect(read).rejects.toBeInstanceOf(WorkplaceNoRouteError);
  });
});

describe('field names and extra body fields from the protocol', () => {
  const protocol: WorkplaceProtocolOverrides = {
    employees: { referenceFields: { grade: 'gradeExternalKey' } },
    departments: { headField: 'deptHeadExternalKey' },
    extraFields: {
      employees: { create: { passwordSettingType: 'ADMIN', initializePassword: 'Initial-Pass-4321', empTypeExternalKey: 'REGULAR' } },
      departments: { update: { externalEmailReceiveYn: false } },
    },
  };
  test.override({ simulatorOptions: { protocol } });

  test('are what goes on the wire; reads come back in orgsync’s names; a credential among them is never captured', async ({
    simulator,
    clientWith,
  }) => {
    const captured: HttpExchange[] = [];
    const client = clientWith({}, { protocol, onExchange: (exchange) => captured.push(exchange) });
    await client.grades.create('G1', gradeBody('Manager'));
    await client.departments.create('D1', departmentBody('D1'));
    await client.employees.create('E1', employeeBody('E1', 'D1', { gradeCdExternalKey: 'G1' }));
    await client.employees.update('E1', employeeBody('E1', 'D1', { gradeCdExternalKey: 'G1', name: 'Renamed' }));
    await client.departments.update('D1', { ...departmentBody('D1'), deptLeaderExternalKey: 'E1' });

    const stored = simulator.dump();
    expect(stored.employees.E1).toMatchObject({ gradeExternalKey: 'G1', name: 'Renamed' });
    expect(stored.employees.E1).not.toHaveProperty('gradeCdExternalKey');
    expect(stored.departments.D1).toEqual({ ...departmentBody('D1'), deptHeadExternalKey: 'E1', externalEmailReceiveYn: false });

    const bodies = captured
      .filter((e) => e.requestBody !== undefined)
      .map((e) => [e.method, e.path.split('/').slice(-2).join('/'), e.requestBody]);
    expect(bodies[2]).toEqual([
      'POST',
      'employee/E1',
      {
        ...employeeBody('E1', 'D1'),
        gradeExternalKey: 'G1',
        passwordSettingType: 'ADMIN',
        initializePassword: '[redacted]',
        empTypeExternalKey: 'REGULAR',
      },
    ]);
    // The create's extras are not sent on an update.
    expect(bodies[3]![2]).not.toHaveProperty('passwordSettingType');
    expect(JSON.stringify(captured)).not.toContain('Initial-Pass-4321');

    expect(await client.employees.get('E1')).toMatchObject({ gradeCdExternalKey: 'G1' });
    expect(await client.departments.get('D1')).toMatchObject({ deptLeaderExternalKey: 'E1' });
    expect((await client.employees.list()).rows[0]).toMatchObject({ gradeCdExternalKey: 'G1' });
  });
});

describe('Korean messages (reading.koreanMessages)', () => {
  test.override({ simulatorOptions: { reading: { koreanMessages: true } } });

  test('switch verbs by the default patterns: "이미 존재" already exists, "찾을 수 없" not found', async ({ client }) => {
    await smallOrg(client, ['E1']);
    const exists = await client.departments.create('D1', departmentBody('D1')).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(WorkplaceAlreadyExistsError);
    expect((exists as WorkplaceAlreadyExistsError).workplaceMessage).toBe('이미 존재하는 부서입니다. (externalKey: D1)');
    await expect(client.grades.update('G9', gradeBody('Other'))).rejects.toBeInstanceOf(WorkplaceNotFoundError);
    await expect(client.grades.remove('G9')).rejects.toBeInstanceOf(WorkplaceNotFoundError);
    expect(await client.grades.get('G9')).toBeUndefined();
    expect(await client.attributeValues.get('E1', 'A1')).toBeUndefined();
  });

  test('keep a failed reference ("… 존재하지 않는 값") a validation error, though the not-found pattern matches it', async ({ client }) => {
    await smallOrg(client, ['E1']);
    for (const write of [
      client.employees.update('E1', employeeBody('E1', 'D9')),
      client.departments.update('D1', departmentBody('D1', 'D8')),
      client.reportsTo.set('E1', 'E7'),
    ]) {
      const error = await write.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkplaceValidationError);
      expect(error).not.toBeInstanceOf(WorkplaceNotFoundError);
      expect((error as WorkplaceValidationError).workplaceMessage).toMatch(/은\(는\) 존재하지 않는 값입니다\.$/);
    }
  });

  test('are plain validation errors to a client whose patterns are English only', async ({ clientWith }) => {
    const client = clientWith({}, { protocol: { messages: { alreadyExists: ['already exists'], notFound: ['not found'] } } });
    await client.grades.create('G1', gradeBody('Manager'));
    const error = await client.grades.create('G1', gradeBody('Manager')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WORKPLACE_VALIDATION' });
    await expect(client.grades.update('G9', gradeBody('Other'))).rejects.toMatchObject({ code: 'WORKPLACE_VALIDATION' });
  });
});

test('a config key on the client wins over the config file, which wins over the default', async ({ simulator }) => {
  const config = workplaceConfig(simulator.url, { protocol: { paging: { pageSize: 7 }, listFields: { elements: 'elements' } } });
  simulator.seed({ grades: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`G${i}`, gradeBody(`Grade ${i}`, String(i))])) });
  await createWorkplaceClient(config, { rateLimit: false }).grades.list();
  await createWorkplaceClient(config, { rateLimit: false, protocol: { paging: { pageSize: 5 } } }).grades.list();
  expect(simulator.log().map((e) => e.query)).toEqual(['offset=0&limit=7', 'offset=7&limit=7', 'offset=0&limit=5', 'offset=5&limit=5']);
});
