/**
 * The client against Knoxes that read the seed otherwise (issue 10), over real sockets: empty values
 * sent as null or left out, departments without departmentName. orgsync checks each record only for
 * what it uses, so the first two read exactly like the seed read literally, with the difference
 * reported as drift; the third makes every department invalid, by name of the field.
 */
import { describe, expect } from 'vitest';
import { departmentCodesOf, KNOX_USED_FIELDS } from '../../knox/index.js';
import { byKey, emptyIn, org, projected, test, USED } from './support.js';

/** What the engine asks for: the used fields and the default additional attributes' sources (config/sync.ts). */
const ENGINE_ATTRIBUTES = [...USED.employee, 'employeeType', 'executiveYn', 'busiName'];

/** A drift entry whose example is one of the records that showed it (the read order of departments varies). */
const drifting = (field: string, kind: string, records: readonly object[], key: string) => {
  const showing = records.filter((r) => (r as Record<string, unknown>)[field] === '').map((r) => (r as Record<string, unknown>)[key]);
  return { field, kind, count: showing.length, exampleKey: expect.toBeOneOf(showing) as unknown };
};

describe('Knox client: the used-fields table', () => {
  test('is the list orgsync reads, no more', () => {
    expect(KNOX_USED_FIELDS).toEqual(USED);
  });
});

describe('Knox client: a Knox that sends every empty value as null', () => {
  test.override({ simulatorOptions: { dialect: { emptyValues: 'null' } } });

  test('reads every record valid and projected, as from the seed read literally, and reports the nulls as drift', async ({ client }) => {
    const o = org();
    const organizations = await client.listOrganizations('C60');
    const employees = await client.listEmployees('C60', { departmentCodes: departmentCodesOf(organizations) });

    expect(organizations.invalid).toEqual([]);
    expect(byKey(organizations.rows, 'departmentCode')).toStrictEqual(
      byKey(projected(o.organizations, USED.organization), 'departmentCode'),
    );
    expect(employees.invalid).toEqual([]);
    expect(byKey(employees.rows, 'epId')).toStrictEqual(byKey(projected(o.employees, USED.employee), 'epId'));

    // Every attribute the generated org leaves empty somewhere comes back null there.
    const orgNulls = [
      ...['enSubOrgCode', 'inDepartmentCode', 'subOrgCode', 'subOrgName', 'uprDepartmentCode', 'enUprDepartmentName'],
      ...['uprDepartmentName', 'enManagerTitle', 'managerId', 'managerName', 'managerTitle'],
    ];
    expect(organizations.drift).toMatchObject({ dataset: 'Knox organizations', records: o.organizations.length });
    expect(byKey(organizations.drift.fields, 'field')).toEqual(
      byKey(
        orgNulls.map((f) => drifting(f, 'null', o.organizations, 'departmentCode')),
        'field',
      ),
    );
    expect(employees.drift.records).toBe(o.employees.length);
    expect(employees.drift.fields.map((f) => f.kind)).toEqual(employees.drift.fields.map(() => 'null'));
    expect(employees.drift.fields).toContainEqual(drifting('enFullName', 'null', o.employees, 'epId'));
  });

  test('reads what the engine asks for, keeps the extra attributes, and counts drift only over what it asked', async ({ client }) => {
    const o = org();
    const employees = await client.listEmployees('C60', { attributes: ENGINE_ATTRIBUTES });
    expect(employees.invalid).toEqual([]);
    expect(byKey(employees.rows, 'epId')).toStrictEqual(byKey(projected(o.employees, ENGINE_ATTRIBUTES), 'epId'));
    expect(employees.drift.fields).toEqual([
      drifting('nickName', 'null', o.employees, 'epId'),
      drifting('mobile', 'null', o.employees, 'epId'),
      drifting('enFullName', 'null', o.employees, 'epId'),
    ]);
  });
});

describe('Knox client: a Knox that leaves empty values out', () => {
  test.override({ simulatorOptions: { dialect: { emptyValues: 'omitted' } } });

  test('reads every record valid and projected, and reports only ★ attributes as absent', async ({ client }) => {
    const o = org();
    const organizations = await client.listOrganizations('C60');
    const employees = await client.listEmployees('C60', {
      departmentCodes: departmentCodesOf(organizations),
      attributes: ENGINE_ATTRIBUTES,
    });

    expect(organizations.invalid).toEqual([]);
    expect(byKey(organizations.rows, 'departmentCode')).toStrictEqual(
      byKey(projected(o.organizations, USED.organization), 'departmentCode'),
    );
    expect(employees.invalid).toEqual([]);
    expect(byKey(employees.rows, 'epId')).toStrictEqual(byKey(projected(o.employees, ENGINE_ATTRIBUTES), 'epId'));

    // Non-★ attributes (managerId, uprDepartmentCode, mobile, nickName) may be left out: that is no drift.
    expect(byKey(organizations.drift.fields, 'field')).toEqual(
      ['enSubOrgCode', 'inDepartmentCode', 'subOrgCode', 'subOrgName'].map((f) => drifting(f, 'absent', o.organizations, 'departmentCode')),
    );
    expect(employees.drift.fields).toEqual([drifting('enFullName', 'absent', o.employees, 'epId')]);
    expect(emptyIn(o.employees, 'nickName')).toBeGreaterThan(0);
  });
});

describe('Knox client: a Knox whose departments lack departmentName', () => {
  test.override({ simulatorOptions: { dialect: { dropFields: { organizations: ['departmentName'] } } } });

  test('reports every department invalid by its code and the field, and still enumerates their people', async ({ client }) => {
    const o = org();
    const organizations = await client.listOrganizations('C60');
    expect(organizations.rows).toEqual([]);
    expect(byKey(organizations.invalid, 'key')).toEqual(
      byKey(
        o.organizations.map((d) => ({ kind: 'organization', key: d.departmentCode, issues: ['departmentName: required'] })),
        'key',
      ),
    );
    expect(organizations.drift.fields).toContainEqual({
      field: 'departmentName',
      kind: 'absent',
      count: o.organizations.length,
      exampleKey: o.organizations[0]!.departmentCode,
    });
    // Their people are still employees: the enumeration covers every department.
    expect(departmentCodesOf(organizations).sort()).toEqual(o.organizations.map((d) => d.departmentCode).sort());
  });
});

describe('Knox client: values of another type', () => {
  test('reads a number where a text is documented as its digits, and reports the type', async ({ simulator, client }) => {
    const person = org().employees[4]!;
    simulator.faults.breakRecord(person.epId, 'titleSortOrder', 54);
    simulator.faults.breakRecord(person.epId, 'nickName', { nick: 'x' });
    const listing = await client.getEmployees({ epIds: [person.epId] });
    expect(listing.invalid).toEqual([]);
    expect(listing.rows[0]).toMatchObject({ epId: person.epId, titleSortOrder: '54' });
    expect(listing.rows[0]).not.toHaveProperty('nickName');
    expect(listing.drift.fields).toEqual([
      { field: 'nickName', kind: 'type', count: 1, exampleKey: person.epId, seen: 'object' },
      { field: 'titleSortOrder', kind: 'type', count: 1, exampleKey: person.epId, seen: 'number' },
    ]);
  });

  test('still refuses a key that is not a string and a hidden flag it cannot read', async ({ simulator, client }) => {
    const person = org().employees[6]!;
    simulator.faults.breakRecord(person.epId, 'titleCode', 7);
    expect((await client.getEmployees({ epIds: [person.epId] })).invalid).toEqual([
      { kind: 'employee', key: person.epId, issues: ['titleCode: expected a string'] },
    ]);
    const [top, odd, ...rest] = org().organizations;
    simulator.setOrg({ ...org(), organizations: [top!, { ...odd!, hiddenDepartmentYn: 'Y' }, ...rest] });
    expect((await client.listOrganizations('C60')).invalid).toEqual([
      { kind: 'organization', key: odd!.departmentCode, issues: ['hiddenDepartmentYn: expected one of T/F'] },
    ]);
  });
});
