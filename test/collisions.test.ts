/**
 * The collision check as pure functions (engine/collisions.ts): plan items, WORKPLACE's objects as
 * listed (by key, and without one), and each stage's identity rule.
 */
import { describe, expect, it } from 'vitest';
import { COLLIDES_WITH_EXISTING, flagCollisions, type CollisionTarget } from '../engine/collisions.js';
import type { DraftItem } from '../engine/plan.js';
import { DEPARTMENT_IDENTITY } from '../engine/stages/departments.js';
import { EMPLOYEE_IDENTITY } from '../engine/stages/employees.js';
import { GRADE_IDENTITY } from '../engine/stages/grades.js';

type Dept = { name: string; parentDeptExternalKey: string };
type Person = { name: string; emailAddress: string; loginId: string };

const create = <B>(key: string, body: B, wave = 0): DraftItem<B> => ({ op: 'create', key, body, wave });
const target = <T>(current: Record<string, T>, unmapped: { id?: string; parentId?: string; row: T }[] = []): CollisionTarget<T> => ({
  current: new Map(Object.entries(current)),
  unmapped: unmapped.map((u, index) => ({ index, ...u })),
});
const skipped = (items: DraftItem<unknown>[]) =>
  items.filter((i) => i.skip?.code === COLLIDES_WITH_EXISTING).map((i) => `${i.op} ${i.key}`);

describe('grades (same name)', () => {
  it('flags a create whose name WORKPLACE holds with no key or under another key, not under a key Knox has', () => {
    const items = [
      create('G1', { name: '사원' }),
      create('G2', { name: ' 대리 ' }),
      create('G3', { name: '과장' }),
      create('G4', { name: '부장' }),
    ];
    const flagged = flagCollisions(
      items,
      target({ OLD2: { name: '대리' }, G9: { name: '과장' } }, [{ row: { name: '사원' } }]),
      new Set(['G1', 'G2', 'G3', 'G4', 'G9']),
      GRADE_IDENTITY,
    );
    // G3's twin is G9, which Knox has too (renamed this run): an ordering matter, not a missed mapping.
    expect(flagged.map((c) => [c.key, c.existing])).toEqual([
      ['G1', { name: '사원' }],
      ['G2', { key: 'OLD2', name: '대리' }],
    ]);
    expect(skipped(items)).toEqual(['create G1', 'create G2']);
    expect(items[0]!.skip!.message).toBe(
      'not created: Knox\'s grade G1 "사원" collides with WORKPLACE\'s grade "사원" (no external key): same name. ' +
        "Fix: map the key, giving WORKPLACE's object the external key G1 (`orgsync external-keys grades`, then upload the sheet in the admin console, or set it there by hand), then run again.",
    );
    expect(items[1]!.skip!.message).toContain('"대리" (external key OLD2)');
  });

  it('compares names as external-keys matches them: spaces collapsed, case kept', () => {
    const items = [create('G1', { name: '수석  연구원' }), create('G2', { name: 'Manager' })];
    flagCollisions(items, target({}, [{ row: { name: '수석 연구원' } }, { row: { name: 'manager' } }]), new Set(), GRADE_IDENTITY);
    expect(skipped(items)).toEqual(['create G1']);
  });

  it('keeps a colliding object under another key from being deleted: it is most likely Knox’s under a wrong key', () => {
    const items: DraftItem<{ name: string }>[] = [
      create('G1', { name: '사원' }),
      { op: 'delete', key: 'LEGACY1', pass: 'followUp' },
      { op: 'delete', key: 'LEGACY2', pass: 'followUp' },
    ];
    flagCollisions(items, target({ LEGACY1: { name: '사원' }, LEGACY2: { name: '고문' } }), new Set(['G1']), GRADE_IDENTITY);
    expect(skipped(items)).toEqual(['create G1', 'delete LEGACY1']);
    expect(items[1]!.skip!.message).toMatch(/^not deleted: Knox's grade G1 "사원" has its name/);
  });
});

describe('departments (same name under the same parent)', () => {
  const d = (name: string, parent = '#'): Dept => ({ name, parentDeptExternalKey: parent });

  it('a department of the same name under a different parent is not a collision', () => {
    const items = [create('D2', d('인사팀', 'HQ1'), 1)];
    const flagged = flagCollisions(
      items,
      target({ HQ1: d('본사'), HQ2: d('연구소'), OLD: d('인사팀', 'HQ2') }),
      new Set(['HQ1', 'HQ2', 'D2']),
      DEPARTMENT_IDENTITY,
    );
    expect(flagged).toEqual([]);
    expect(items[0]!.skip).toBeUndefined();
  });

  it('a department of the same name under the same parent is one, with no key or under another', () => {
    const items = [create('D2', d('인사팀', 'HQ1'), 1), create('D3', d('총무팀', 'HQ1'), 1)];
    flagCollisions(
      items,
      target({ HQ1: d('본사'), OLD: d('총무팀', 'HQ1') }, [{ id: 'wp-7', row: d('인사팀', 'HQ1') }]),
      new Set(['HQ1', 'D2', 'D3']),
      DEPARTMENT_IDENTITY,
    );
    expect(skipped(items)).toEqual(['create D2', 'create D3']);
    expect(items[0]!.skip!.message).toContain('"인사팀" (no external key, id wp-7): same name under the same parent department');
  });

  it('follows a migrated tree down: a child collides under the unmapped parent its own parent collided with', () => {
    // WORKPLACE: 본사 (wp-1) > 개발팀 (wp-2) > 서버파트 (wp-3), none mapped; and 개발팀 again under another root.
    const unmapped = [
      { id: 'wp-1', row: d('본사') },
      { id: 'wp-2', parentId: 'wp-1', row: d('개발팀') },
      { id: 'wp-3', parentId: 'wp-2', row: d('서버파트') },
      { id: 'wp-9', parentId: 'wp-8', row: d('디자인팀') },
    ];
    const items = [
      create('HQ', d('본사'), 0),
      create('DEV', d('개발팀', 'HQ'), 1),
      create('SRV', d('서버파트', 'DEV'), 2),
      create('DSN', d('디자인팀', 'HQ'), 1),
      create('NEW', d('신규팀', 'DEV'), 2),
    ];
    // Reversed, to show the order of the items does not matter.
    const flagged = flagCollisions([...items].reverse(), target({}, unmapped), new Set(items.map((i) => i.key)), DEPARTMENT_IDENTITY);
    expect(flagged.map((c) => [c.key, c.existing.id])).toEqual([
      ['HQ', 'wp-1'],
      ['DEV', 'wp-2'],
      ['SRV', 'wp-3'],
    ]);
  });

  it('a child of a new parent collides with nothing', () => {
    const items = [create('A', d('새본부'), 0), create('B', d('인사팀', 'A'), 1)];
    expect(flagCollisions(items, target({}, [{ id: 'x', row: d('인사팀') }]), new Set(['A', 'B']), DEPARTMENT_IDENTITY)).toEqual([]);
  });
});

describe('employees (same e-mail or login id)', () => {
  const p = (name: string, email: string, loginId = email): Person => ({ name, emailAddress: email, loginId });

  it('matches e-mail case-insensitively, and login id on its own', () => {
    const items = [
      create('E1', p('김삼성', 'kim@samsung.com'), 1),
      create('E2', p('이삼성', 'lee@samsung.com'), 1),
      create('E3', p('박', 'park@samsung.com'), 1),
    ];
    const flagged = flagCollisions(
      items,
      target({ LEGACY: p('이삼성', 'lee.old@samsung.com', 'lee@samsung.com') }, [
        { id: 'emp-1', row: p('김삼성', 'Kim@Samsung.com', 'kim01') },
      ]),
      new Set(['E1', 'E2', 'E3']),
      EMPLOYEE_IDENTITY,
    );
    expect(flagged.map((c) => [c.key, c.field, c.existing])).toEqual([
      ['E1', 'e-mail', { id: 'emp-1', name: '김삼성' }],
      ['E2', 'login id', { key: 'LEGACY', name: '이삼성' }],
    ]);
  });

  it('a leaver deleted before the hire frees the e-mail; one whose deletion is skipped does not', () => {
    const items: DraftItem<Person>[] = [
      { op: 'delete', key: 'GONE', wave: 0 },
      { op: 'delete', key: 'STAYS', wave: 0, skip: { code: 'KNOX_STILL_EMPLOYED', message: 'not deleted' } },
      create('E1', p('신입', 'reused@samsung.com'), 1),
      create('E2', p('신입2', 'kept@samsung.com'), 1),
    ];
    flagCollisions(
      items,
      target({ GONE: p('퇴사자', 'reused@samsung.com'), STAYS: p('재직자', 'kept@samsung.com') }),
      new Set(['E1', 'E2']),
      EMPLOYEE_IDENTITY,
    );
    expect(skipped(items)).toEqual(['create E2']);
    expect(items[1]!.skip!.code).toBe('KNOX_STILL_EMPLOYED');
  });
});
