/**
 * The run's employee read (engine/knox-read.ts through takeSnapshot) over the Knox simulator's socket,
 * day after day on one staging store: by title with completeness checks, per department when due, forced
 * or distrusted. Every expectation is computed from the generated data, never from the engine's answers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyncSettingsSchema, type SyncSettings } from '../../config/sync.js';
import { PAGE_SIZE } from '../../knox/assumptions.js';
import { chooseEmployeeRead, EMPLOYEE_READ_STATE_KEY, type EmployeeReadState } from '../../engine/knox-read.js';
import { employeeAttributes, readSnapshot, takeSnapshot } from '../../engine/knox-snapshot.js';
import { nextDay, type GeneratedOrg } from '../../generator/index.js';
import type { KnoxClient, KnoxEmployee } from '../../knox/index.js';
import type { KnoxSimulator } from '../../knox/simulator/server.js';
import { DirectoryStore } from '../../store/index.js';
import { byKey, org, perDepartmentCalls, test } from './support.js';

const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE_SIZE));
const sizesBy = (o: GeneratedOrg, key: 'titleCode' | 'departmentCode', codes: Iterable<string>) => {
  const sizes = new Map([...codes].map((c) => [c, 0]));
  for (const e of o.employees) if (sizes.has(e[key])) sizes.set(e[key], sizes.get(e[key])! + 1);
  return sizes;
};
/** Calls of a paged read of these units: one per unit (even an empty one), one per further 500 people. */
const unitCalls = (o: GeneratedOrg, key: 'titleCode' | 'departmentCode', codes: Iterable<string>) =>
  [...sizesBy(o, key, codes).values()].reduce((sum, n) => sum + pages(n), 0);
const orgPages = (o: GeneratedOrg) => pages(o.organizations.length);

/** One store across days, as a deployment has. */
function days(client: KnoxClient, simulator: KnoxSimulator, settings: Partial<SyncSettings> = {}) {
  const store = new DirectoryStore(mkdtempSync(join(tmpdir(), 'orgsync-read-')));
  const parsed = SyncSettingsSchema.parse(settings);
  return {
    store,
    /** Reads `o` as run `runId` would: the employees snapshot (organizations and, by title, titles first). */
    async read(runId: string, o: GeneratedOrg, options: { fullRead?: boolean } = {}) {
      simulator.setOrg(o);
      simulator.clearLog();
      await takeSnapshot({ knox: client, store, settings: parsed, companyCodes: ['C60'] }, runId, 'employees', options);
      const calls = simulator.counters();
      const stored = (await readSnapshot<KnoxEmployee>(store, runId, 'employees'))!;
      // Every employee snapshot says how it was read.
      return { ...stored, read: stored.read!, calls };
    },
    /** What a per-department read of the same Knox returns: the reference (complete by construction). */
    async reference() {
      const listing = await client.listEmployees('C60', { attributes: employeeAttributes(parsed) });
      return byKey(listing.rows, 'epId');
    },
  };
}

/** `o` with these people's titleCode changed (to one /titles does not list, say). */
const retitled = (o: GeneratedOrg, changes: Record<string, string>): GeneratedOrg => ({
  ...o,
  employees: o.employees.map((e) => (changes[e.epId] ? { ...e, titleCode: changes[e.epId]! } : e)),
});

describe('reading employees by title, checked', () => {
  const day1 = org();
  const { org: churned, changes } = nextDay(day1, { seed: 8, churn: 0.01 });
  const heads = new Set(churned.organizations.map((o) => o.managerId).filter(Boolean));
  const yesterday = new Set(day1.employees.map((e) => e.epId));
  const stayed = churned.employees.filter((e) => yesterday.has(e.epId) && !heads.has(e.userId));
  // A head and a person who were here yesterday move to titleCodes /titles does not list; so does a hire.
  const head = churned.employees.find(
    (e) => yesterday.has(e.epId) && heads.has(e.userId) && e.departmentCode !== day1.organizations[0]!.departmentCode,
  )!;
  const person = stayed[40]!;
  const hires = churned.employees.filter((e) => changes.hired.includes(e.epId) && !heads.has(e.userId));
  const [hire, newHead] = [hires[0], hires.find((e) => e !== hires[0] && e.departmentCode !== head.departmentCode)];
  // And a hire who heads their department from today, under a titleCode of their own: only the heads check finds them.
  const day2: GeneratedOrg = {
    ...retitled(churned, { [head.epId]: 'Z99', [person.epId]: 'Z98', [hire!.epId]: 'Z99', [newHead!.epId]: 'Z96' }),
    organizations: churned.organizations.map((o) =>
      o.departmentCode === newHead!.departmentCode ? { ...o, managerId: newHead!.userId } : o,
    ),
  };
  const day2Heads = new Set(day2.organizations.map((o) => o.managerId).filter(Boolean));
  const listed = day1.titles.map((t) => t.titleCode);

  test('finds exactly the people a per-department read finds, an unlisted-title head and person included, in a few dozen calls', async ({
    client,
    simulator,
  }) => {
    const run = days(client, simulator);
    const first = await run.read('day-1', day1);
    expect(first.read).toMatchObject({ mode: 'department', reason: /no earlier complete read/ });
    expect(first.calls.total).toBe(orgPages(day1) + perDepartmentCalls(day1));

    const second = await run.read('day-2', day2);
    expect(byKey(second.rows, 'epId')).toStrictEqual(await run.reference());
    expect(second.rows.map((e) => e.epId)).toEqual(expect.arrayContaining([head.epId, person.epId, hire!.epId, newHead!.epId]));
    expect(second.invalid).toEqual([]);

    // The read by title missed the heads (found by their userId) and the person (found by yesterday's epId);
    // reading their titles found the hire too. Nobody was missed under a title that was read.
    const readFirst = new Set(day2.employees.filter((e) => listed.includes(e.titleCode)).map((e) => e.epId));
    const missingHeads = new Set(day2.employees.filter((e) => day2Heads.has(e.userId) && !readFirst.has(e.epId)).map((e) => e.userId));
    const missingYesterday = [...yesterday].filter((id) => !readFirst.has(id));
    expect(second.read).toMatchObject({
      mode: 'title',
      reason: /by title since the last complete read/,
      calls: second.calls.byPath['/employees'],
      checks: {
        lookedUp: missingHeads.size + missingYesterday.length,
        missed: 3,
        departmentsReread: 0,
      },
    });
    expect([...second.read.checks!.unlistedTitles].sort()).toEqual(['Z96', 'Z98', 'Z99']);
    expect(missingHeads).toEqual(new Set([head.userId, newHead!.userId]));

    // Σ⌈n/500⌉ over the listed titles and the two found, the organization pages, /titles, and the lookups by id
    // (100 per call: mostly the day's leavers).
    const expected =
      unitCalls(day2, 'titleCode', [...listed, 'Z96', 'Z98', 'Z99']) +
      orgPages(day2) +
      1 +
      Math.ceil(missingHeads.size / 100) +
      Math.ceil(missingYesterday.length / 100);
    expect(second.calls.total).toBe(expected);
    const perDepartment = orgPages(day2) + perDepartmentCalls(day2);
    expect(second.calls.total * 5).toBeLessThan(perDepartment);
    expect(second.calls.byPath).toEqual({ '/organizations': orgPages(day2), '/titles': 1, '/employees': expected - orgPages(day2) - 1 });

    // The next read knows the unlisted titles already: read as titles, nobody is missed, nothing is looked up but leavers.
    const third = await run.read('day-3', day2);
    expect(third.read.checks).toEqual({ lookedUp: 0, missed: 0, unlistedTitles: [], departmentsReread: 0 });
    expect(byKey(third.rows, 'epId')).toStrictEqual(byKey(second.rows, 'epId'));
  });

  test('a hire under a titleCode nobody held, heading nothing, waits for the next complete read', async ({ client, simulator }) => {
    const run = days(client, simulator);
    await run.read('day-1', day1);
    const alone = retitled(churned, { [hire!.epId]: 'Z97' });
    const byTitle = await run.read('day-2', alone);
    expect(byTitle.read.mode).toBe('title');
    expect(byTitle.rows.map((e) => e.epId)).not.toContain(hire!.epId);
    expect(byTitle.rows).toHaveLength(alone.employees.length - 1);
    const complete = await run.read('day-3', alone, { fullRead: true });
    expect(complete.read).toMatchObject({ mode: 'department', reason: /--full-read/ });
    expect(byKey(complete.rows, 'epId')).toStrictEqual(await run.reference());
    // From then on the title is known: the next read by title reads it.
    const after = await run.read('day-4', alone);
    expect(after.read.mode).toBe('title');
    expect(after.rows.map((e) => e.epId)).toContain(hire!.epId);
  });

  test('catches a Knox whose title search silently drops people: their departments are read again', async ({ client, simulator }) => {
    const run = days(client, simulator);
    await run.read('day-1', day1);
    // Five people who were here yesterday, in five departments.
    const dropped = [...new Map(stayed.map((e) => [e.departmentCode, e])).values()].slice(0, 5);
    simulator.faults.hideFromTitleSearch(dropped.map((e) => e.epId));
    const second = await run.read('day-2', churned);
    expect(byKey(second.rows, 'epId')).toStrictEqual(await run.reference());
    expect(second.read).toMatchObject({ mode: 'title', checks: { missed: 5, unlistedTitles: [], departmentsReread: 5 } });
    // The title read, its organizations and /titles, yesterday's people it missed looked up (the leavers and the
    // five), and the five departments read again.
    const hidden = new Set(dropped.map((e) => e.epId));
    const read = new Set(churned.employees.filter((e) => !hidden.has(e.epId)).map((e) => e.epId));
    const missingYesterday = [...yesterday].filter((id) => !read.has(id)).length;
    const reread = unitCalls(
      churned,
      'departmentCode',
      dropped.map((e) => e.departmentCode),
    );
    expect(second.read.checks?.lookedUp).toBe(missingYesterday);
    expect(second.calls.total).toBe(
      unitCalls(churned, 'titleCode', listed) + orgPages(churned) + 1 + Math.ceil(missingYesterday / 100) + reread,
    );
  });

  test('reads the whole company per department when the title search drops people in more departments than it may re-read', async ({
    client,
    simulator,
  }) => {
    const run = days(client, simulator);
    await run.read('day-1', day1);
    const dropped = [...new Map(stayed.map((e) => [e.departmentCode, e])).values()].slice(0, 21);
    simulator.faults.hideFromTitleSearch(dropped.map((e) => e.epId));
    const second = await run.read('day-2', churned);
    expect(second.read).toMatchObject({
      mode: 'department',
      reason: /missed 21 people in 21 departments .*not trusted/,
    });
    expect(byKey(second.rows, 'epId')).toStrictEqual(await run.reference());
    // A fallback is a complete read: the next one goes by title again.
    simulator.faults.clear();
    expect((await run.read('day-3', churned)).read.mode).toBe('title');
  });
});

describe('when the complete read runs', () => {
  test('every sync.fullReadEvery-th read, and whenever the run asks for one (--full-read)', async ({ client, simulator }) => {
    const o = org();
    const run = days(client, simulator, { fullReadEvery: 3 });
    const modes: string[] = [];
    for (const [day, fullRead] of [1, 2, 3, 4, 5, 6].map((d) => [d, d === 5] as const)) {
      const { read, calls } = await run.read(`day-${day}`, o, { fullRead });
      modes.push(read.mode);
      expect(calls.total).toBe(
        read.mode === 'department'
          ? orgPages(o) + perDepartmentCalls(o)
          : orgPages(o) +
              1 +
              unitCalls(
                o,
                'titleCode',
                o.titles.map((t) => t.titleCode),
              ),
      );
      if (day === 4) expect(read.reason).toMatch(/sync.fullReadEvery 3: 2 reads by title since the last complete read/);
      if (day === 5) expect(read.reason).toMatch(/--full-read/);
    }
    expect(modes).toEqual(['department', 'title', 'title', 'department', 'department', 'title']);
  });

  test('by age, when sync.fullReadEvery is a duration', async () => {
    const store = new DirectoryStore(mkdtempSync(join(tmpdir(), 'orgsync-read-')));
    const now = new Date('2026-12-08T02:00:00Z');
    const state = (lastFullAt: string): EmployeeReadState => ({
      runId: 'r',
      readAt: now.toISOString(),
      mode: 'title',
      lastFullRead: { runId: 'f', at: lastFullAt },
      readsSinceFullRead: 3,
      companies: { C60: { epIds: [], titleCodes: [] } },
    });
    const settings = SyncSettingsSchema.parse({ fullReadEvery: '7d' });
    await store.writeJson(EMPLOYEE_READ_STATE_KEY, state('2026-12-01T02:00:00Z'));
    expect(await chooseEmployeeRead(store, settings, ['C60'], { now })).toMatchObject({ mode: 'department', reason: /168\.0 h old/ });
    await store.writeJson(EMPLOYEE_READ_STATE_KEY, state('2026-12-01T03:00:00Z'));
    expect(await chooseEmployeeRead(store, settings, ['C60'], { now })).toMatchObject({ mode: 'title' });
    // A company the last read did not cover has nobody to check against.
    expect(await chooseEmployeeRead(store, settings, ['C60', 'C10'], { now })).toMatchObject({ mode: 'department', reason: /C10/ });
  });

  it('validates sync.fullReadEvery: a whole number of reads from 1, or a duration; 7 by default', () => {
    expect(SyncSettingsSchema.parse({}).fullReadEvery).toBe(7);
    expect(SyncSettingsSchema.parse({ fullReadEvery: 1 }).fullReadEvery).toBe(1);
    expect(SyncSettingsSchema.parse({ fullReadEvery: '36h' }).fullReadEvery).toBe('36h');
    for (const bad of [0, -7, 2.5, 'weekly', '7 days', '6d20h'])
      expect(SyncSettingsSchema.safeParse({ fullReadEvery: bad }).success).toBe(false);
  });
});
