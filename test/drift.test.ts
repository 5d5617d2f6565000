import { describe, expect, it } from 'vitest';
import { describeDrift, DriftCounter, mergeDrift } from '../lib/drift.js';

describe('drift', () => {
  const documented = { departmentCode: 'string', departmentName: 'string', departmentOrder: 'string', managerId: 'string' } as const;

  it('counts absent, null, mistyped and undocumented fields per field, with the first example key', () => {
    const counter = new DriftCounter('Knox organizations', documented, ['managerId']);
    counter.observe({ departmentCode: 'D1', departmentName: null, departmentOrder: 1, deptNo: 'x' }, 'D1');
    counter.observe({ departmentCode: 'D2', departmentName: null, departmentOrder: '2' }, 'D2');
    counter.observe({ departmentCode: 'D3', departmentOrder: '3', managerId: null }, 'D3');
    expect(counter.report()).toEqual({
      dataset: 'Knox organizations',
      records: 3,
      fields: [
        { field: 'departmentName', kind: 'null', count: 2, exampleKey: 'D1' },
        { field: 'departmentName', kind: 'absent', count: 1, exampleKey: 'D3' },
        { field: 'departmentOrder', kind: 'type', count: 1, exampleKey: 'D1', seen: 'number' },
        { field: 'deptNo', kind: 'undocumented', count: 1, exampleKey: 'D1' },
        { field: 'managerId', kind: 'null', count: 1, exampleKey: 'D3' },
      ],
    });
  });

  it('reports nothing for records that match the documentation', () => {
    const counter = new DriftCounter('Knox organizations', documented, ['managerId']);
    counter.observe({ departmentCode: 'D1', departmentName: 'A', departmentOrder: '1' }, 'D1');
    expect(counter.report().fields).toEqual([]);
  });

  it('merges the reports of one dataset and describes each field in one line', () => {
    const a = new DriftCounter('WORKPLACE departments', documented);
    a.observe({ departmentCode: 'D1', departmentName: null, departmentOrder: '1', managerId: 'u' }, 'D1');
    const b = new DriftCounter('WORKPLACE departments', documented);
    b.observe({ departmentCode: 'D2', departmentName: null, departmentOrder: '1', managerId: 'u' }, 'D2');
    const [merged] = mergeDrift([a.report(), b.report()]);
    expect(describeDrift(merged!)).toEqual(['WORKPLACE departments: departmentName null in 2 of 2 (e.g. D1)']);
  });
});
