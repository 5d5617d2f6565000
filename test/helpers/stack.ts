/**
 * Engine test helpers: a local stack (simulators, store, workers) on the shared dev server with a task
 * queue of the test's own, and an independent statement of what WORKPLACE should hold for a Knox org:
 * written from the README's mapping table, not from the engine's code, so the two can disagree.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import type { GeneratedOrg } from '../../generator/index.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../scripts/local-stack.js';
import type { SimState } from '../../workplace/simulator/server.js';
import { bundleOnce, connectTestEnv, unique } from './temporal.js';

export async function stackFor(
  env: TestWorkflowEnvironment,
  org: GeneratedOrg,
  options: Partial<LocalStackOptions> = {},
): Promise<LocalStack> {
  return startLocalStack({
    connection: env.nativeConnection,
    client: env.client,
    taskQueue: unique('orgsync'),
    org,
    workflowBundle: await bundleOnce(new URL('../../workflows/index.ts', import.meta.url)),
    ...options,
  });
}

/**
 * A test file's share of the dev server: `env()` is its connection (made before the file's tests, torn
 * down after them), and `withStack` runs a body on a local stack of its own, closed whatever the body does.
 */
export function localStacks() {
  let connected: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    connected = await connectTestEnv();
  });
  afterAll(async () => {
    await connected?.teardown();
  });
  const env = (): TestWorkflowEnvironment => {
    if (!connected) throw new Error('the test environment is connected in beforeAll: use env() inside a test');
    return connected;
  };
  async function withStack(org: GeneratedOrg, options: Partial<LocalStackOptions>, body: (stack: LocalStack) => Promise<void>) {
    const stack = await stackFor(env(), org, options);
    try {
      await body(stack);
    } finally {
      await stack.close();
    }
  }
  return { env, withStack };
}

/** A connection to the dev server and a local stack on it, shared by the tests of a file (or a describe block). */
export interface SharedStack {
  readonly env: TestWorkflowEnvironment;
  readonly stack: LocalStack;
}

/**
 * One local stack for the tests of a file (or a describe block): connected and started before them
 * (`options` as stackFor's), closed and torn down after them. Read `env` and `stack` inside a test or a hook.
 */
export function sharedStack(org: GeneratedOrg, options: Partial<LocalStackOptions> = {}): SharedStack {
  let env: TestWorkflowEnvironment | undefined;
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    env = await connectTestEnv();
    stack = await stackFor(env, org, options);
  });
  afterAll(async () => {
    await stack?.close();
    await env?.teardown();
  });
  const started = <T>(value: T | undefined): T => {
    if (!value) throw new Error('the shared stack starts in beforeAll: use it inside a test or a hook');
    return value;
  };
  return {
    get env() {
      return started(env);
    },
    get stack() {
      return started(stack);
    },
  };
}

/** Settings for tests that look at exact writes, not at the guard: it would hold for 5% churn of a small org. */
export const NO_GUARD = { deletionGuard: { maxShare: 1, maxCount: 1_000_000 } };

/** Tuning for tests: Knox outages fail fast instead of after the production backoff. */
export const FAST = { sourceRetry: { initialIntervalMs: 100, maximumAttempts: 2 }, progressIntervalMs: 200 } as const;

/** Day 1 synced, then Knox moved on to day 2: where the review and rollback tests begin. */
export async function syncDay1ThenChangeTo(stack: LocalStack, day2: GeneratedOrg): Promise<void> {
  await stack.sync(unique('day1'), { tuning: FAST });
  stack.knoxSimulator.setOrg(day2);
}

/** Writes the simulator saw, by route and key: e.g. { 'POST employee': Set{…} }. */
export function writesByRoute(state: {
  log(): { method: string; route: string; externalKey?: string; status: number }[];
}): Map<string, Set<string>> {
  const writes = new Map<string, Set<string>>();
  for (const entry of state.log()) {
    if (entry.method === 'GET' || entry.status >= 300) continue;
    const set = writes.get(entry.route) ?? new Set<string>();
    set.add(entry.externalKey ?? '');
    writes.set(entry.route, set);
  }
  return writes;
}

export function writeCount(sim: { log(): { method: string }[] }): number {
  return sim.log().filter((e) => e.method !== 'GET').length;
}

const blankless = (value: string | undefined | null) => (value?.trim() ? value.trim() : undefined);

/** What WORKPLACE should hold after a full sync of `org` with default settings. */
export function expectedWorkplace(org: GeneratedOrg) {
  const epIdByUserId = new Map(org.employees.map((e) => [e.userId, e.epId]));
  const orgByCode = new Map(org.organizations.map((o) => [o.departmentCode, o]));
  const head = (code: string) => epIdByUserId.get(orgByCode.get(code)?.managerId ?? '');
  const manager = (epId: string, code: string): string | undefined => {
    for (let c: string | undefined = code; c; c = orgByCode.get(c)?.uprDepartmentCode || undefined) {
      const h = head(c);
      if (h && h !== epId) return h;
    }
    return undefined;
  };
  return {
    grades: Object.fromEntries(org.titles.map((t) => [t.titleCode, t.titleName])),
    departments: Object.fromEntries(
      org.organizations.map((o) => [
        o.departmentCode,
        { name: o.departmentName, parent: o.uprDepartmentCode || '#', head: head(o.departmentCode) },
      ]),
    ),
    employees: Object.fromEntries(
      org.employees.map((e) => [
        e.epId,
        {
          name: e.fullName,
          enName: blankless(e.enFullName),
          loginId: e.emailAddress.toLowerCase(),
          department: e.departmentCode,
          grade: e.titleCode,
          // 직책 is 직위 (gradeName), by name: WORKPLACE refuses two job titles of one name.
          jobTitle: blankless(e.gradeName),
          phone: blankless(e.officeTelNumber),
          mobile: blankless(e.mobile),
        },
      ]),
    ),
    // The default additional attributes (README): employeeType as SELECT item keys, executiveYn Y/N, busiName as is.
    attributeValues: Object.fromEntries(
      org.employees.flatMap((e) => {
        const values = Object.fromEntries(
          Object.entries({
            employeeType: blankless(e.employeeType) && `employeeType-${e.employeeType!.trim()}`,
            executiveYn: blankless(e.executiveYn),
            busiName: blankless(e.busiName),
          }).filter(([, v]) => v !== undefined),
        );
        return Object.keys(values).length ? [[e.epId, values]] : [];
      }),
    ),
    reportsTo: Object.fromEntries(
      org.employees.flatMap((e) => {
        const m = manager(e.epId, e.departmentCode);
        return m ? [[e.epId, m]] : [];
      }),
    ),
  };
}

/** The same projection of what the WORKPLACE simulator holds. */
export function actualWorkplace(state: SimState) {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    grades: Object.fromEntries(Object.entries(state.grades).map(([k, g]) => [k, text(g.name)])),
    departments: Object.fromEntries(
      Object.entries(state.departments).map(([k, d]) => [
        k,
        { name: text(d.name), parent: text(d.parentDeptExternalKey), head: text(d.deptLeaderExternalKey) },
      ]),
    ),
    employees: Object.fromEntries(
      Object.entries(state.employees).map(([k, e]) => [
        k,
        {
          name: text(e.name),
          enName: text((e.i18nNames as Record<string, unknown> | undefined)?.en_US),
          loginId: text(e.loginId),
          department: text(e.deptExternalKey),
          grade: text(e.gradeCdExternalKey),
          jobTitle: text(state.jobs[text(e.jobCdExternalKey) ?? '']?.name),
          phone: text(e.telephoneNo),
          mobile: text(e.cellphoneNo),
        },
      ]),
    ),
    attributeValues: Object.fromEntries(
      Object.entries(state.attributeValues)
        .map(([k, values]) => [k, Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined))] as const)
        .filter(([, values]) => Object.keys(values).length > 0),
    ),
    reportsTo: { ...state.reportsTo },
  };
}
