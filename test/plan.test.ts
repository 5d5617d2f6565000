import { describe, expect, it } from 'vitest';
import {
  brokenDependency,
  changedFields,
  Dependencies,
  deletionGuard,
  delta,
  inPlanOrder,
  missingKeysFrom,
  order,
  deltaApart,
  orderedDelta,
  PlanNumbering,
  treeDepths,
  type DesiredEntry,
  type DraftItem,
} from '../engine/plan.js';
import type { ItemOutcome } from '../engine/types.js';

interface Dept {
  name: string;
  parent: string;
}

const want = (entries: Record<string, Dept>) =>
  new Map(Object.entries(entries).map(([k, value]): [string, DesiredEntry<Dept>] => [k, { value, label: value.name }]));
const have = (entries: Record<string, Dept & { extra?: string }>) => new Map(Object.entries(entries));

describe('delta', () => {
  it('creates what is missing, updates what differs, deletes what Knox no longer has, and leaves the rest', () => {
    const { items, unchanged } = delta(
      want({ A: { name: 'Sales', parent: '#' }, B: { name: 'Dev', parent: 'A' }, C: { name: 'Ops', parent: '#' } }),
      have({ A: { name: 'Sales', parent: '#', extra: 'ignored' }, B: { name: 'R&D', parent: 'A' }, D: { name: 'Gone', parent: '#' } }),
      { fields: ['name', 'parent'], deleteLabel: (_k, d) => d.name },
    );
    expect(unchanged).toBe(1);
    expect(items.map((i) => [i.op, i.key, i.changes ?? []])).toEqual([
      ['update', 'B', ['name']],
      ['create', 'C', []],
      ['delete', 'D', []],
    ]);
    expect(items.find((i) => i.op === 'delete')?.label).toBe('Gone');
  });

  it('never deletes a protected key, and deletes nothing when deletes are off', () => {
    const desired = want({});
    const current = have({ X: { name: 'x', parent: '#' }, Y: { name: 'y', parent: '#' } });
    expect(delta(desired, current, { fields: ['name'], protect: new Set(['X']) }).items.map((i) => i.key)).toEqual(['Y']);
    expect(delta(desired, current, { fields: ['name'], deletes: false }).items).toEqual([]);
  });

  it('builds the payload from the desired value and what WORKPLACE has (e.g. keeps the hire date)', () => {
    const { items } = delta(want({ A: { name: 'new', parent: '#' } }), have({ A: { name: 'old', parent: '#', extra: '2020-01-01' } }), {
      fields: ['name'],
      body: (_key, d, c) => ({ ...d, since: c?.extra }),
    });
    expect(items[0]?.body).toEqual({ name: 'new', parent: '#', since: '2020-01-01' });
  });

  it('plans the same from entries made one at a time as from a map, counting them, and refuses a key given twice', () => {
    const desired = want({ A: { name: 'Sales', parent: '#' }, B: { name: 'Dev', parent: 'A' }, C: { name: 'Ops', parent: '#' } });
    const current = have({ A: { name: 'Sales', parent: '#' }, B: { name: 'R&D', parent: 'A' }, D: { name: 'Gone', parent: '#' } });
    const made: string[] = [];
    const oneAtATime = function* () {
      for (const [key, entry] of desired) {
        made.push(key);
        yield [key, entry] as const;
      }
    };
    const fromMap = delta(desired, current, { fields: ['name', 'parent'] });
    const lazily = delta(oneAtATime(), current, { fields: ['name', 'parent'] });
    expect(lazily).toEqual(fromMap);
    expect(lazily.desiredCount).toBe(3);
    expect(made).toEqual(['A', 'B', 'C']);
    // A key desired only once it has been given must not be deleted: D is the only deletion either way.
    expect(lazily.items.filter((i) => i.op === 'delete').map((i) => i.key)).toEqual(['D']);
    const twice = [...desired, ['A', desired.get('A')!] as const];
    expect(() => delta(twice, current, { fields: ['name'] })).toThrow(/A given twice/);
  });
});

describe('changedFields', () => {
  it.each([
    ['absent, null and empty string are the same', { a: undefined }, { a: '' }, []],
    ['a number equals its string', { a: 1 }, { a: '1' }, []],
    ['"1.0" is the number 1', { a: '1' }, { a: '1.0' }, []],
    ['"1.5" is not 1', { a: '1' }, { a: '1.5' }, ['a']],
    ['maps compare by content, not key order', { a: { ko_KR: '가', en_US: 'A' } }, { a: { en_US: 'A', ko_KR: '가' } }, []],
    ['an empty locale entry is no entry', { a: { ko_KR: '가' } }, { a: { ko_KR: '가', en_US: '' } }, []],
    ['an empty list is no list', { a: [] }, { a: undefined }, []],
    ['a changed locale is a change', { a: { ko_KR: '가' } }, { a: { ko_KR: '나' } }, ['a']],
    ['a value set where WORKPLACE has none is a change', { a: 'x' }, {}, ['a']],
  ])('%s', (_name, desired, current, changed) => {
    expect(changedFields(desired as Record<string, unknown>, current, ['a'])).toEqual(changed);
  });
});

describe('treeDepths', () => {
  it('gives roots depth 0 and children their distance from the root; a cycle gets -1', () => {
    const depths = treeDepths(
      new Map([
        ['A', '#'],
        ['B', 'A'],
        ['C', 'B'],
        ['X', 'Y'],
        ['Y', 'X'],
        ['O', 'not-in-tree'],
      ]),
    );
    expect(Object.fromEntries(depths)).toEqual({ A: 0, B: 1, C: 2, X: -1, Y: -1, O: 0 });
  });
});

describe('orderedDelta', () => {
  // Every kind of key: unchanged, updated, created, deleted before, between and after the desired ones, protected, left alone.
  const top = (name: string): Dept => ({ name, parent: '#' });
  const desired = want({ B: top('Sales'), D: { name: 'Dev', parent: 'B' }, E: top('New'), G: top('Alone'), H: top('Ops') });
  const current = have({
    H: top('Ops'),
    A: top('Gone first'),
    D: { name: 'R&D', parent: 'B' },
    C: top('Gone between'),
    F: top('Kept'),
    B: top('Sales'),
    G: top('Different'),
    Z: top('Gone last'),
  });
  const options = {
    fields: ['name', 'parent'] as const,
    protect: new Set(['F']),
    leaveAlone: new Set(['G']),
    deleteLabel: (_k: string, d: Dept) => d.name,
  };

  it('yields the writes of delta in key order, deletions merged in, and counts them once read', () => {
    const lazily = orderedDelta(desired, current, { ...options, fields: [...options.fields] });
    const items = [...lazily.items];
    expect(items.map((i) => [i.op, i.key])).toEqual([
      ['delete', 'A'],
      ['delete', 'C'],
      ['update', 'D'],
      ['create', 'E'],
      ['delete', 'Z'],
    ]);
    const whole = delta(desired, current, { ...options, fields: [...options.fields] });
    expect(items).toEqual(order(whole.items).items.map(({ i: _i, pass: _p, wave: _w, ...draft }) => draft));
    expect([lazily.unchanged, lazily.desiredCount]).toEqual([2, 5]);
  });

  it('deletes nothing when deletes are off, and refuses keys out of order or given twice', () => {
    expect([...orderedDelta(want({}), current, { fields: ['name'], deletes: false }).items]).toEqual([]);
    const unordered = [...desired].reverse();
    expect(() => [...orderedDelta(unordered, current, { fields: ['name'] }).items]).toThrow(/desired key G given after H/);
    const twice = [...desired, ['H', desired.get('H')!] as const];
    expect(() => [...orderedDelta(twice, current, { fields: ['name'] }).items]).toThrow(/desired key H given after H/);
  });

  it('apart: the deletions of delta held, its other writes made as they are read, together the same writes', () => {
    const apart = deltaApart(new Set(desired.keys()), desired, current, { ...options, fields: [...options.fields] });
    expect(apart.deletions.map((i) => [i.op, i.key, i.label])).toEqual([
      ['delete', 'A', 'Gone first'],
      ['delete', 'C', 'Gone between'],
      ['delete', 'Z', 'Gone last'],
    ]);
    const writes = [...apart.writes.items];
    expect(writes.map((i) => [i.op, i.key])).toEqual([
      ['update', 'D'],
      ['create', 'E'],
    ]);
    const whole = delta(desired, current, { ...options, fields: [...options.fields] });
    const byKey = (items: DraftItem[]) => [...items].sort((a, b) => a.key.localeCompare(b.key));
    expect(byKey([...apart.deletions, ...writes])).toEqual(byKey(whole.items));
    expect([apart.writes.unchanged, apart.writes.desiredCount]).toEqual([2, 5]);
  });

  it('apart: deletes nothing when deletes are off, and refuses a desired key it was not told of (it would be written and deleted)', () => {
    expect(deltaApart(new Set(), want({}), current, { fields: ['name'], deletes: false }).deletions).toEqual([]);
    const untold = deltaApart(new Set(['B', 'D']), desired, current, { fields: ['name'] });
    expect(untold.deletions.map((i) => i.key)).toContain('H');
    expect(() => [...untold.writes.items]).toThrow(/desired key E is not among the desired keys/);
  });
});

describe('inPlanOrder', () => {
  const held: DraftItem[] = [
    { op: 'delete', key: 'def-old', wave: 2 },
    { op: 'create', key: 'def-b', wave: 0 },
    { op: 'delete', key: 'late', pass: 'followUp', wave: 0 },
    { op: 'create', key: 'def-a', wave: 0 },
  ];
  const made = () => ({
    wave: 1,
    items: [
      { op: 'create' as const, key: 'E1/a' },
      { op: 'create' as const, key: 'E2/a' },
    ],
  });

  it('puts a wave made in order at its place among the held drafts, as order would with all of them held', () => {
    const numbering = new PlanNumbering();
    const items = [
      ...inPlanOrder(
        held.map((d) => ({ ...d })),
        made(),
      ),
    ];
    items.forEach((item) => numbering.add(item));
    const whole = order([...held.map((d) => ({ ...d })), ...made().items.map((d) => ({ ...d, wave: 1 }))]);
    expect(items).toEqual(whole.items);
    expect(items.map((i) => `${i.pass} ${i.wave} ${i.key}`)).toEqual([
      'main 0 def-a',
      'main 0 def-b',
      'main 1 E1/a',
      'main 1 E2/a',
      'main 2 def-old',
      'followUp 0 late',
    ]);
    expect(numbering.waves).toEqual(whole.waves);
    expect(numbering.total).toBe(6);
  });

  it('refuses a held draft in the wave that is made in order', () => {
    expect(() => [...inPlanOrder([{ op: 'create', key: 'x', wave: 1 }], made())]).toThrow(/no held draft may be in it/);
  });
});

describe('order', () => {
  it('runs the main pass before the follow-up pass, wave by wave, and records each wave as an index range', () => {
    const drafts: DraftItem[] = [
      { op: 'delete', key: 'old-child', pass: 'followUp', wave: 1 },
      { op: 'create', key: 'child', wave: 1 },
      { op: 'create', key: 'root', wave: 0 },
      { op: 'delete', key: 'old-parent', pass: 'followUp', wave: 2 },
      { op: 'create', key: 'another-root', wave: 0 },
    ];
    const { items, waves } = order(drafts);
    expect(items.map((i) => i.key)).toEqual(['another-root', 'root', 'child', 'old-child', 'old-parent']);
    expect(items.map((i) => i.i)).toEqual([0, 1, 2, 3, 4]);
    expect(waves).toEqual({
      main: [
        { start: 0, end: 2 },
        { start: 2, end: 3 },
      ],
      followUp: [
        { start: 3, end: 4 },
        { start: 4, end: 5 },
      ],
    });
  });

  it('is deterministic, so a rerun plans the same order', () => {
    const drafts = (keys: string[]): DraftItem[] => keys.map((key) => ({ op: 'update', key }));
    expect(order(drafts(['k3', 'k1', 'k2'])).items).toEqual(order(drafts(['k2', 'k1', 'k3'])).items);
  });
});

describe('dependencies', () => {
  const failed = (
    stage: ItemOutcome['stage'],
    key: string,
    op: ItemOutcome['op'],
    outcome: ItemOutcome['outcome'] = 'failed',
  ): ItemOutcome => ({ stage, key, op, outcome, code: 'WORKPLACE_VALIDATION', message: 'name already used' });

  it('skips a write whose department failed to be created, naming the department and the reason', () => {
    const missing = missingKeysFrom([failed('departments', 'D1', 'create')]);
    const skip = brokenDependency({ op: 'create', dependsOn: [{ stage: 'departments', key: 'D1', role: 'department' }] }, missing);
    expect(skip).toEqual({ code: 'DEPENDENCY_FAILED', message: 'department D1 failed: name already used' });
  });

  it('does not skip for a dependency whose update failed (it still exists) or for deletions', () => {
    const missing = missingKeysFrom([failed('departments', 'D1', 'update'), failed('departments', 'D2', 'create')]);
    expect(
      brokenDependency({ op: 'update', dependsOn: [{ stage: 'departments', key: 'D1', role: 'department' }] }, missing),
    ).toBeUndefined();
    expect(
      brokenDependency({ op: 'delete', dependsOn: [{ stage: 'departments', key: 'D2', role: 'department' }] }, missing),
    ).toBeUndefined();
  });

  it('treats a Knox record that could not be read as missing, and a skipped create as missing too', () => {
    const missing = missingKeysFrom([failed('departments', 'D9', 'read'), failed('employees', 'E1', 'create', 'skipped')]);
    expect(
      brokenDependency({ op: 'update', dependsOn: [{ stage: 'departments', key: 'D9', role: 'department' }] }, missing)?.message,
    ).toMatch(/^department D9 failed/);
    expect(brokenDependency({ op: 'create', dependsOn: [{ stage: 'employees', key: 'E1', role: 'manager' }] }, missing)?.message).toMatch(
      /^manager E1 was skipped/,
    );
  });
});

describe('Dependencies', () => {
  it('gives every item that names a dependency the same object, and each distinct one its own', () => {
    const dependencies = new Dependencies();
    const sales = dependencies.of('departments', 'D1', 'department');
    expect(dependencies.of('departments', 'D1', 'department')).toBe(sales);
    expect(sales).toEqual({ stage: 'departments', key: 'D1', role: 'department' });
    expect(dependencies.of('departments', 'D2', 'department')).not.toBe(sales);
    expect(dependencies.of('departments', 'D1', 'parent department')).toEqual({
      stage: 'departments',
      key: 'D1',
      role: 'parent department',
    });
    expect(dependencies.of('grades', 'D1', 'department')).toMatchObject({ stage: 'grades' });
  });

  it('lists what it is given, in order, and a plan written with shared ones reads back as with fresh ones', () => {
    const dependencies = new Dependencies();
    const list = dependencies.list(dependencies.of('departments', 'D1', 'department'), ...[dependencies.of('grades', 'G1', 'grade')]);
    expect(list).toEqual([
      { stage: 'departments', key: 'D1', role: 'department' },
      { stage: 'grades', key: 'G1', role: 'grade' },
    ]);
    const shared = [
      { key: 'a', dependsOn: list },
      { key: 'b', dependsOn: list },
    ];
    expect(JSON.parse(JSON.stringify(shared))).toEqual([
      { key: 'a', dependsOn: structuredClone(list) },
      { key: 'b', dependsOn: structuredClone(list) },
    ]);
  });
});

describe('deletionGuard', () => {
  const settings = { maxShare: 0.05, maxCount: 20 };
  it.each([
    ['no deletions', 0, 1000, 1000, false],
    ['a few deletions within 5% and 20', 20, 1000, 980, false],
    ['more than 20 deletions', 21, 10_000, 9979, true],
    ['more than 5% of a small stage', 6, 100, 94, true],
    ['an empty Knox read, even of a tiny stage', 3, 3, 0, true],
  ])('%s: holds=%s', (_name, deletions, existing, source, holds) => {
    expect(deletionGuard(deletions, existing, source, settings).holds).toBe(holds);
  });

  it('says why it holds', () => {
    expect(deletionGuard(50, 50, 0, settings).reason).toBe('Knox returned nothing, which would delete all 50');
    expect(deletionGuard(6, 100, 94, settings).reason).toBe('6 of 100 (6.0%) is more than 5.0%');
  });
});
