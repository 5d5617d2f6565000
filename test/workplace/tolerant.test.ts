/**
 * Tolerant WORKPLACE readers, against a simulator answering as real tenants do (workplace.md §6): a
 * null root parent reads as "#", "1.0" as "1", extra ids are dropped and reported as drift, null
 * optional fields read as empty; so a rerun over an in-step WORKPLACE plans no write. A malformed
 * element is an unreadable record that its stage neither creates nor deletes.
 */
import { describe, expect } from 'vitest';
import { delta, sameValue } from '../../engine/plan.js';
import { FIELDS as GRADE_FIELDS, grades as gradeStage } from '../../engine/stages/grades.js';
import { employeeFields } from '../../engine/stages/employees.js';
import type { KnoxSnapshot, PlanContext } from '../../engine/stages/spec.js';
import { SyncSettingsSchema } from '../../config/sync.js';
import { KnoxTitleSchema } from '../../knox/schemas.js';
import type { HttpExchange } from '../../lib/http-transport.js';
import type { DepartmentBody, EmployeeBody, WorkplaceClient } from '../../workplace/index.js';
import { departmentBody, employeeBody, gradeBody, test } from './support.js';

/**
 * What the stages write and then compare: the grade and employee stages' own lists (employees with every
 * reference stage on, the default); the department stage does not export its list, so it stands here.
 */
const DEPARTMENT_FIELDS = ['name', 'i18nNames', 'parentDeptExternalKey', 'dispOrd'] as const;
const EMPLOYEE_FIELDS = employeeFields(SyncSettingsSchema.parse({}));

const departments: Record<string, DepartmentBody> = {
  HQ: departmentBody('HQ', '#', '본사'),
  D1: { ...departmentBody('D1', 'HQ', '개발'), dispOrd: '2' },
};
const people: Record<string, EmployeeBody> = {
  E1: employeeBody('E1', 'D1', { gradeCdExternalKey: 'G1', cellphoneNo: '010-1234-5678' }),
  E2: employeeBody('E2', 'HQ'),
};

async function writeOrg(client: WorkplaceClient): Promise<void> {
  await client.grades.create('G1', gradeBody('사원', '3'));
  for (const [key, body] of Object.entries(departments)) await client.departments.create(key, body);
  for (const [key, body] of Object.entries(people)) await client.employees.create(key, body);
  await client.departments.update('HQ', { ...departments.HQ!, deptLeaderExternalKey: 'E2' });
}

const desiredOf = <V>(bodies: Record<string, V>) => new Map(Object.entries(bodies).map(([key, value]) => [key, { value }]));

describe('lists in a real tenant’s shape (reading.realTenantLists)', () => {
  test.override({ simulatorOptions: { reading: { realTenantLists: true } } });

  test('read the root’s null parent as "#" and "1.0" as "1", and drop the ids orgsync does not use', async ({ clientWith }) => {
    const captured: HttpExchange[] = [];
    const client = clientWith({}, { onExchange: (exchange) => captured.push(exchange) });
    await writeOrg(client);
    const listing = await client.departments.list();
    const sent = (captured.at(-1)!.responseBody as { body: { elements: Record<string, unknown>[] } }).body.elements;
    // What came over the wire is the real tenant's shape…
    expect(sent[0]).toMatchObject({
      externalKey: 'HQ',
      parentDeptExternalKey: null,
      parentDeptNo: '#',
      dispOrd: '1.0',
      deptEmailAddress: null,
    });
    expect(sent[0]).toHaveProperty('tenantId');
    expect(sent[1]).toMatchObject({ externalKey: 'D1', parentDeptExternalKey: 'HQ', dispOrd: '2.0', deptLeaderExternalKey: null });
    // …and what orgsync reads is its own.
    expect(listing.unreadable).toEqual([]);
    expect(listing.rows).toEqual([
      {
        externalKey: 'HQ',
        name: '본사',
        i18nNames: { ko_KR: '본사' },
        parentDeptExternalKey: '#',
        dispOrd: '1',
        deptLeaderExternalKey: 'E2',
      },
      { externalKey: 'D1', name: '개발', i18nNames: { ko_KR: '개발' }, parentDeptExternalKey: 'HQ', dispOrd: '2' },
    ]);
    expect(sameValue('1', listing.rows[0]!.dispOrd)).toBe(true);
  });

  test('report what differs from the reference as drift: field, kind, count and one key, never a value', async ({ client }) => {
    await writeOrg(client);
    const { drift } = await client.departments.list();
    expect(drift.dataset).toBe('WORKPLACE department list');
    expect(drift.records).toBe(2);
    expect(drift.fields).toEqual(
      expect.arrayContaining([
        { field: 'tenantId', kind: 'undocumented', count: 2, exampleKey: 'HQ' },
        { field: 'deptNo', kind: 'undocumented', count: 2, exampleKey: 'HQ' },
        { field: 'parentDeptNo', kind: 'undocumented', count: 2, exampleKey: 'HQ' },
        { field: 'deptLeaderEmpId', kind: 'undocumented', count: 2, exampleKey: 'HQ' },
        { field: 'parentDeptExternalKey', kind: 'null', count: 1, exampleKey: 'HQ' },
        { field: 'deptLeaderExternalKey', kind: 'null', count: 1, exampleKey: 'D1' },
        { field: 'deptEmailAddress', kind: 'null', count: 2, exampleKey: 'HQ' },
      ]),
    );
    const employees = await client.employees.list();
    expect(employees.drift.fields).toContainEqual({ field: 'tenantId', kind: 'undocumented', count: 2, exampleKey: 'E1' });
    expect(employees.drift.fields).toContainEqual({ field: 'empNick', kind: 'null', count: 2, exampleKey: 'E1' });
    expect(JSON.stringify([drift, employees.drift])).not.toContain('010-1234-5678');
  });

  test('plan no write when WORKPLACE is in step, whatever shape it lists in', async ({ client }) => {
    await writeOrg(client);
    const [grades, departmentList, employees] = await Promise.all([
      client.grades.list(),
      client.departments.list(),
      client.employees.list(),
    ]);
    const current = <T extends { externalKey: string }>(rows: T[]) => new Map(rows.map((r) => [r.externalKey, r]));
    const plans = [
      delta(desiredOf({ G1: gradeBody('사원', '3') }), current(grades.rows), { fields: GRADE_FIELDS }),
      delta(desiredOf(departments), current(departmentList.rows), { fields: DEPARTMENT_FIELDS }),
      delta(desiredOf(people), current(employees.rows), { fields: EMPLOYEE_FIELDS }),
    ];
    expect(plans.map((p) => [p.items, p.unchanged])).toEqual([
      [[], 1],
      [[], 2],
      [[], 2],
    ]);
  });
});

describe('values in either plausible type', () => {
  test('read a number where a String is documented as its text, and a numeric String where an Int is, as the number', async ({
    simulator,
    client,
  }) => {
    simulator.seed({
      grades: { G1: { name: '사원', itemUsed: true, sortOrder: 2 } },
      departments: { D1: { name: '본부', deptExternalKey: 'D1', parentDeptExternalKey: '#', dispOrd: 3 } },
      absences: { vacation: { name: '휴가', halfDayYn: 'Y', sortOrder: '4' } },
    });
    expect((await client.grades.list()).rows).toEqual([{ externalKey: 'G1', name: '사원', itemUsed: true, sortOrder: '2' }]);
    expect((await client.departments.list()).rows[0]).toMatchObject({ dispOrd: '3' });
    expect((await client.absences.list()).rows).toEqual([{ externalKey: 'vacation', name: '휴가', halfDayYn: 'Y', sortOrder: 4 }]);
    expect((await client.grades.list()).drift.fields).toEqual([
      { field: 'sortOrder', kind: 'type', count: 1, exampleKey: 'G1', seen: 'number' },
    ]);
  });

  test('read a field orgsync compares as empty when it is absent or null, and ignore any type where orgsync reads nothing', async ({
    simulator,
    client,
  }) => {
    simulator.seed({
      employees: {
        E1: {
          loginId: 'e1@example.com',
          emailAddress: null,
          name: 'Kim',
          deptExternalKey: 'D1',
          concurrentDeptExternalKeys: null,
          genderCd: 42,
        },
      },
    });
    const listing = await client.employees.list();
    expect(listing.unreadable).toEqual([]);
    expect(listing.rows).toEqual([{ externalKey: 'E1', loginId: 'e1@example.com', emailAddress: '', name: 'Kim', deptExternalKey: 'D1' }]);
  });
});

describe('an unreadable WORKPLACE record in a stage', () => {
  /** Just what the grade stage reads: Knox's titles, and WORKPLACE through the real client. */
  function planContext(workplace: WorkplaceClient, titles: { titleCode: string; titleName: string }[]): PlanContext {
    const knox: Pick<KnoxSnapshot, 'titles' | 'invalid'> = {
      titles: async () => titles.map((t) => KnoxTitleSchema.parse({ companyCode: 'C60', sortOrder: '1', ...t })),
      invalid: async () => [],
    };
    return {
      stage: 'grades',
      settings: SyncSettingsSchema.parse({}),
      knox,
      workplace,
      signal: new AbortController().signal,
    } as PlanContext;
  }

  test('is neither created, updated nor deleted; the others still are; it is a failed read item', async ({ simulator, client }) => {
    simulator.seed({ grades: { G1: { name: 42, itemUsed: true, sortOrder: '1' }, G2: gradeBody('대리', '2') } });
    const draft = await gradeStage.plan(
      planContext(client, [
        { titleCode: 'G1', titleName: '사원' },
        { titleCode: 'G3', titleName: '과장' },
      ]),
    );
    expect(draft.items.map((i) => [i.op, i.key])).toEqual([
      ['create', 'G3'],
      ['delete', 'G2'],
    ]);
    expect(draft.invalid).toEqual([
      {
        stage: 'grades',
        key: 'G1',
        op: 'read',
        outcome: 'failed',
        code: 'WORKPLACE_UNREADABLE_RECORD',
        message:
          "WORKPLACE's record (element 0 of its list) is unreadable, so it is left alone: name: Invalid input: expected string, received number",
      },
    ]);
    expect(draft.drift).toEqual([expect.objectContaining({ dataset: 'WORKPLACE grade list', records: 2 })]);
  });

  test('without a readable key makes the stage delete nothing', async ({ simulator, client }) => {
    // A key that is there but unreadable (a number); a record with no key at all is an unmapped one (collisions.test.ts).
    simulator.seed({ grades: { X: { externalKey: 42, name: 'nameless', itemUsed: true, sortOrder: '1' }, G2: gradeBody('대리', '2') } });
    const draft = await gradeStage.plan(planContext(client, [{ titleCode: 'G3', titleName: '과장' }]));
    expect(draft.items.map((i) => [i.op, i.key])).toEqual([['create', 'G3']]);
    expect(draft.invalid).toMatchObject([{ key: '(unidentified)', code: 'WORKPLACE_UNREADABLE_RECORD' }]);
  });
});
