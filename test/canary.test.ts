import { describe, expect, it } from 'vitest';
import { alwaysSentFields, canaryFailure } from '../engine/canary.js';

const sent = ['concurrentDeptExternalKeys', 'deptExternalKey', 'emailAddress', 'employYmd', 'loginId', 'name'];

describe('a canary write', () => {
  it.each([
    {
      what: 'a missing route',
      answer: { code: 'WORKPLACE_NO_ROUTE', message: 'WORKPLACE PUT …/reportsTo/E1 failed: … set workplace.protocol.paths.reportsTo' },
      expected:
        'the first update of the stage was refused in a way every update would be: WORKPLACE PUT …/reportsTo/E1 failed: … set workplace.protocol.paths.reportsTo',
    },
    {
      what: 'a field orgsync always sends, refused',
      answer: { code: 'WORKPLACE_VALIDATION', message: 'unknown property concurrentDeptExternalKeys' },
      expected:
        'the first update of the stage was refused in a way every update would be (WORKPLACE refuses the field concurrentDeptExternalKeys, which orgsync always sends): unknown property concurrentDeptExternalKeys. Check workplace.protocol.paths.employee, workplace.protocol.employees.referenceFields, workplace.protocol.extraFields.employees',
    },
    {
      what: 'a field orgsync never sends, required (Korean)',
      answer: { code: 'WORKPLACE_VALIDATION', message: 'passwordSettingType 값은 필수입니다' },
      expected:
        'the first update of the stage was refused in a way every update would be (WORKPLACE requires passwordSettingType, which orgsync does not send): passwordSettingType 값은 필수입니다. Check workplace.protocol.paths.employee, workplace.protocol.employees.referenceFields, workplace.protocol.extraFields.employees',
    },
  ])('fails the stage at once for $what', ({ answer, expected }) => {
    expect(canaryFailure('employees', 'update', answer, sent)).toBe(expected);
  });

  it.each([
    {
      what: "this item's own data",
      answer: { code: 'WORKPLACE_VALIDATION', message: 'the e-mail domain is not registered for this company' },
    },
    {
      what: 'a field it does not send, not required',
      answer: { code: 'WORKPLACE_VALIDATION', message: 'nickName has a character not allowed' },
    },
    { what: 'a transient error', answer: { code: 'WORKPLACE_SERVER', message: 'loginId: 500' } },
  ])('passes for $what', ({ answer }) => {
    expect(canaryFailure('employees', 'update', answer, sent)).toBeUndefined();
  });

  it('counts as always sent only the fields every body of that kind carries', () => {
    expect(
      alwaysSentFields([
        { op: 'create', body: { name: 'a', loginId: 'x', telephoneNo: '1' } },
        { op: 'create', body: { name: 'b', loginId: 'y', telephoneNo: undefined } },
        { op: 'update', body: { name: 'c' } },
        { op: 'delete' },
      ]),
    ).toEqual({ create: ['loginId', 'name'], update: ['name'] });
  });
});
