/**
 * The first-run preview (issue 16 item 2), on the Temporal dev server against the simulators over real
 * sockets. WORKPLACE holds what a data migration (seed 000 step 1) left: grades, a 직책, a branch of
 * departments and employees with no external key or under another key, and a few that Knox does not
 * have. Which creates collide is stated here from that seed and README's mapping table, not from the
 * engine's code.
 */
import { createHash } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunOutcomes } from '../../engine/plan-store.js';
import type { OrgSyncResult } from '../../engine/types.js';
import { generateOrg } from '../../generator/index.js';
import type { LocalStack } from '../../scripts/local-stack.js';
import type { SimState } from '../../workplace/simulator/server.js';
import { actualWorkplace, expectedWorkplace, FAST, stackFor, writesByRoute } from '../helpers/stack.js';
import { connectTestEnv, unique } from '../helpers/temporal.js';

const CODE = 'COLLIDES_WITH_EXISTING';
/** Reports To, attribute values and absence items have no collision of their own; off, so the test reads one thing. */
const SETTINGS = { stages: { reportsTo: false, additionalAttributes: false, absenceItems: false } };

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await connectTestEnv();
});
afterAll(async () => {
  await env?.teardown();
});

// A chain of eight departments under 삼성SDS, 40 people.
const org = generateOrg({ seed: 61, employees: 40, departments: 8 });
const [root, division, center, team] = org.organizations; // 삼성SDS > 기획사업부 > 보안관제센터 > 기술팀 > …
const titleNamed = (name: string) => org.titles.find((t) => t.titleName === name)!;
/** README "Mapping": a 직책's key is `pos-` + 12 hex of SHA-256 of its gradeName. */
const jobKey = (name: string) => `pos-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
const [, byEmail, byLogin] = org.employees;

const grade = (name: string) => ({ name, itemUsed: true, sortOrder: '1' });
const department = (name: string, parent: string, key?: string) => ({
  name,
  parentDeptExternalKey: parent,
  dispOrd: '9',
  ...(key ? { deptExternalKey: key } : {}),
});
const person = (name: string, loginId: string, emailAddress: string, dept: string) => ({
  loginId,
  emailAddress,
  name,
  deptExternalKey: dept,
  concurrentDeptExternalKeys: [],
  employYmd: '2019-03-01',
});

/** What the migration left, and which Knox key each of those objects is (the mapping the upload makes). */
function migrate(stack: LocalStack): void {
  const sim = stack.workplaceSimulator;
  sim.seedUnmapped({
    grades: { 'wp-g1': grade(titleNamed('사장').titleName) },
    jobs: { 'wp-j1': grade('수석') },
    departments: {
      'wp-d1': department(root!.departmentName, '#'),
      'wp-d2': department(division!.departmentName, 'wp-d1'),
      // Knox's 기술팀 is under 보안관제센터, not at the top: same name, another parent, no collision.
      'wp-d9': department(team!.departmentName, '#'),
    },
    employees: {
      // The e-mail differs only by case; the login id is the Knox userId.
      'wp-e1': person(byEmail!.fullName, byEmail!.userId, byEmail!.emailAddress.toUpperCase(), 'wp-d2'),
      // The login id is the address orgsync sends; the e-mail an old one.
      'wp-e2': person(byLogin!.fullName, byLogin!.emailAddress.toLowerCase(), `old.${byLogin!.emailAddress}`, 'wp-d1'),
      'wp-e9': person('외부 자문', 'advisor@partner.example', 'advisor@partner.example', 'wp-d9'),
    },
  });
  // Under keys of another scheme: a grade, and a department under an unmapped parent.
  sim.seed({
    grades: { 'LEGACY-G': grade(titleNamed('책임').titleName) },
    departments: { 'LEGACY-D': department(center!.departmentName, 'wp-d2', 'LEGACY-D') },
  });
}

const MAPPING: [keyof SimState & ('grades' | 'jobs' | 'departments' | 'employees'), string, string][] = [
  ['grades', 'wp-g1', titleNamed('사장').titleCode],
  ['grades', 'LEGACY-G', titleNamed('책임').titleCode],
  ['jobs', 'wp-j1', jobKey('수석')],
  ['departments', 'wp-d1', root!.departmentCode],
  ['departments', 'wp-d2', division!.departmentCode],
  ['departments', 'LEGACY-D', center!.departmentCode],
  ['employees', 'wp-e1', byEmail!.epId],
  ['employees', 'wp-e2', byLogin!.epId],
];

/** The creates each stage must flag. */
const EXPECTED: Record<string, string[]> = {
  grades: [titleNamed('사장').titleCode, titleNamed('책임').titleCode].sort(),
  jobTitles: [jobKey('수석')],
  departments: [root!.departmentCode, division!.departmentCode, center!.departmentCode].sort(),
  employees: [byEmail!.epId, byLogin!.epId].sort(),
};

/** The objects under other keys are kept too: their deletion is skipped for the same reason. */
const KEPT = ['departments LEGACY-D', 'grades LEGACY-G'];

const flagged = (outcomes: { stage: string; key: string; code: string; op: string }[]) => {
  const byStage: Record<string, string[]> = {};
  for (const o of outcomes) if (o.code === CODE && o.op === 'create') (byStage[o.stage] ??= []).push(o.key);
  return Object.fromEntries(Object.entries(byStage).map(([stage, keys]) => [stage, [...new Set(keys)].sort()]));
};
const keptFromDeletion = (outcomes: { stage: string; key: string; code: string; op: string }[]) =>
  outcomes
    .filter((o) => o.code === CODE && o.op === 'delete')
    .map((o) => `${o.stage} ${o.key}`)
    .sort();
const resultOutcomes = (result: OrgSyncResult) => result.stages.flatMap((s) => s.outcomes);

/** Departments that share a name under one parent, and employees that share an address: none may exist. */
function duplicates(state: SimState): string[] {
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const seen = new Map<string, string>();
  const twins: string[] = [];
  const note = (what: string, id: string) => {
    if (seen.has(what)) twins.push(`${what}: ${seen.get(what)} and ${id}`);
    else seen.set(what, id);
  };
  // Records refer to an unmapped parent by the id it is kept under, so one map of ids covers both kinds.
  for (const [id, d] of Object.entries(state.departments)) note(`department ${text(d.parentDeptExternalKey)} / ${text(d.name)}`, id);
  for (const [id, e] of Object.entries(state.employees)) {
    note(`e-mail ${text(e.emailAddress).toLowerCase()}`, id);
    note(`login ${text(e.loginId).toLowerCase()}`, id);
  }
  for (const [id, g] of Object.entries(state.grades)) note(`grade ${text(g.name)}`, id);
  for (const [id, j] of Object.entries(state.jobs)) note(`job ${text(j.name)}`, id);
  return twins;
}

describe('a first run over a migrated, unmapped WORKPLACE', () => {
  it('previews every collision and writes nothing; a run skips them, naming both objects; once mapped, a rerun updates them in place', async () => {
    const stack = await stackFor(env, org, { settings: SETTINGS });
    try {
      migrate(stack);
      const sim = stack.workplaceSimulator;

      // 1. The dry run flags every collision, and only those, and writes nothing.
      const previewId = unique('preview');
      const preview = await stack.sync(previewId, { dryRun: true, tuning: FAST });
      expect(sim.log().filter((e) => e.method !== 'GET')).toEqual([]);
      expect(flagged(resultOutcomes(preview))).toEqual(EXPECTED);
      expect(keptFromDeletion(resultOutcomes(preview))).toEqual(KEPT);
      // The report reads the store: every flag is there too, as a skipped create.
      const stored = await readRunOutcomes(stack.store, previewId);
      expect(flagged(stored)).toEqual(EXPECTED);
      expect(keptFromDeletion(stored)).toEqual(KEPT);
      expect(stored.filter((o) => o.code === CODE).every((o) => o.outcome === 'skipped')).toBe(true);
      for (const s of preview.stages)
        expect(s.counts.skipped, s.stage).toBe((EXPECTED[s.stage]?.length ?? 0) + KEPT.filter((k) => k.startsWith(`${s.stage} `)).length);
      // No preview lists a create it flags.
      const previewed = new Set(preview.stages.flatMap((s) => (s.preview ?? []).map((p) => `${p.op} ${p.key}`)));
      for (const keys of Object.values(EXPECTED)) for (const key of keys) expect(previewed.has(`create ${key}`)).toBe(false);

      // Both objects and the fix, in each message.
      const message = (key: string) => stored.find((o) => o.key === key && o.code === CODE)!.message;
      const responsible = titleNamed('책임');
      expect(message(responsible.titleCode)).toBe(
        `not created: Knox's grade ${responsible.titleCode} "책임" collides with WORKPLACE's grade "책임" (external key LEGACY-G): same name. ` +
          `Fix: map the key, giving WORKPLACE's object the external key ${responsible.titleCode} (\`orgsync external-keys grades\`, then upload the sheet in the admin console, or set it there by hand), then run again.`,
      );
      expect(message(division!.departmentCode)).toContain(
        `department ${division!.departmentCode} "${division!.departmentName}" collides with WORKPLACE's department "${division!.departmentName}" (no external key, id wp-d2): same name under the same parent department`,
      );
      expect(message(center!.departmentCode)).toContain('(external key LEGACY-D): same name under the same parent department');
      expect(message(byEmail!.epId)).toMatch(/\(no external key, id wp-e1\): same e-mail\. Fix: .*orgsync external-keys employees/);
      expect(message(byLogin!.epId)).toContain('(no external key, id wp-e2): same login id.');

      // 2. The real run sends none of those creates, deletes nothing it collided with, and leaves no duplicate.
      sim.clearLog();
      const first = await stack.sync(unique('first-run'), { tuning: FAST });
      expect(first.state).toBe('completed');
      expect(flagged(resultOutcomes(first))).toEqual(EXPECTED);
      expect(keptFromDeletion(resultOutcomes(first))).toEqual(KEPT);
      const firstWrites = writesByRoute(sim);
      const posted = new Set([...firstWrites].filter(([route]) => route.startsWith('POST')).flatMap(([, keys]) => [...keys]));
      for (const keys of Object.values(EXPECTED)) for (const key of keys) expect(posted.has(key)).toBe(false);
      expect(sim.log().filter((e) => e.method === 'DELETE')).toEqual([]);
      expect(sim.log().filter((e) => e.method !== 'GET' && e.status >= 400)).toEqual([]);
      expect(duplicates(sim.dump())).toEqual([]);
      // What was in the colliding branch waits for it: skipped with the reason, not failed.
      expect(resultOutcomes(first).find((o) => o.key === team!.departmentCode)).toMatchObject({
        outcome: 'skipped',
        code: 'DEPENDENCY_FAILED',
      });

      // 3. The admin uploads the filled sheets; the rerun maps onto the migrated objects and creates nothing twice.
      for (const [collection, from, to] of MAPPING) sim.mapExternalKey(collection, from, to);
      sim.clearLog();
      const second = await stack.sync(unique('mapped'), { tuning: FAST });
      expect(second.state).toBe('completed');
      expect(resultOutcomes(second)).toEqual([]);
      const secondWrites = writesByRoute(sim);
      const postedAgain = [...secondWrites].filter(([route]) => route.startsWith('POST')).flatMap(([, keys]) => [...keys]);
      expect(postedAgain.filter((key) => posted.has(key))).toEqual([]);
      for (const [, , key] of MAPPING) expect(postedAgain).not.toContain(key);
      // The mapped objects are updated in place (their migrated values differ from Knox's).
      const put = new Set([...secondWrites].filter(([route]) => route.startsWith('PUT')).flatMap(([, keys]) => [...keys]));
      for (const [, , key] of MAPPING) expect(put.has(key), key).toBe(true);
      expect(sim.log().filter((e) => e.method === 'DELETE')).toEqual([]);

      const state = sim.dump();
      expect(duplicates(state)).toEqual([]);
      // WORKPLACE is Knox's org, plus the two migrated objects Knox does not have, still unmapped.
      expect(state.unmapped).toEqual({ grades: [], jobs: [], departments: ['wp-d9'], employees: ['wp-e9'] });
      const { departments, employees } = actualWorkplace(state);
      const expected = expectedWorkplace(org);
      expect(actualWorkplace(state).grades).toEqual(expected.grades);
      const { 'wp-d9': decoyDepartment, ...mappedDepartments } = departments;
      const { 'wp-e9': decoyPerson, ...mappedEmployees } = employees;
      expect(mappedDepartments).toEqual(expected.departments);
      expect(mappedEmployees).toEqual(expected.employees);
      expect(decoyDepartment).toMatchObject({ name: team!.departmentName, parent: '#' });
      expect(decoyPerson).toMatchObject({ name: '외부 자문' });
    } finally {
      await stack.close();
    }
  });
});
