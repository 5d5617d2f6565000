import { describe, expect, it } from 'vitest';
import { assertUsable } from '../engine/knox-snapshot.js';
import type { KnoxSnapshot } from '../engine/stages/spec.js';
import type { KnoxInvalidRecord, KnoxOrganization } from '../knox/index.js';

/** A snapshot of `valid` good departments and `invalid` bad ones, the bad ones failing for `issues`. */
function snapshot(valid: number, invalid: readonly string[][]): KnoxSnapshot {
  const rows = Array.from({ length: valid }, (_, i) => ({ departmentCode: `D${i}` }) as KnoxOrganization);
  const bad: KnoxInvalidRecord[] = invalid.map((issues, i) => ({ kind: 'organization', key: `X${i}`, issues }));
  return {
    titles: async () => [],
    organizations: async () => rows,
    employees: async () => [],
    invalid: async (d) => (d === 'organizations' ? bad : []),
  };
}

describe('a Knox dataset is unusable', () => {
  it('when every record is invalid, naming the count and the most common reason', async () => {
    const records = [
      ['departmentName: required'],
      ['departmentName: required', 'companyCode: required'],
      ['companyCode: required'],
      ['departmentName: required'],
    ];
    await expect(assertUsable(snapshot(0, records), 'organizations', 1)).rejects.toThrow(
      'Knox organizations are unusable: all 4 records are invalid; most common reason: departmentName: required (3 of them)',
    );
  });

  it('when more than maxFailureShare of its records are invalid, and not at that share or below', async () => {
    const invalid = [['departmentName: required'], ['departmentName: required']];
    await expect(assertUsable(snapshot(8, invalid), 'organizations', 0.2)).resolves.toBeUndefined(); // 2 of 10
    await expect(assertUsable(snapshot(7, invalid), 'organizations', 0.2)).rejects.toThrow(
      'Knox organizations are unusable: 2 of 9 records are invalid, more than the allowed 20%; most common reason: departmentName: required (2 of them)',
    );
  });

  it('never for a dataset with no invalid record, however small', async () => {
    await expect(assertUsable(snapshot(0, []), 'organizations', 0)).resolves.toBeUndefined();
  });
});
