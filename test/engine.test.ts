import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../knox/generator/index.js';
import { actualWorkplace, expectedWorkplace, FAST, stackFor, writeCount } from './helpers/stack.js';
import { connectTestEnv, unique } from './helpers/temporal.js';

describe('a sync run', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('makes WORKPLACE equal the mapped Knox org, and a rerun writes nothing', async () => {
    const org = generateOrg({ seed: 7, employees: 120, departments: 20 });
    const stack = await stackFor(env, org);
    try {
      const result = await stack.sync(unique('initial'), { tuning: FAST });
      expect(result.state).toBe('completed');
      expect(actualWorkplace(stack.workplaceSimulator.dump())).toEqual(expectedWorkplace(org));
      const employees = result.stages.find((s) => s.stage === 'employees')!;
      expect(employees.ops.create).toBe(org.employees.length);
      expect(employees.counts.failed).toBe(0);

      const writesBefore = writeCount(stack.workplaceSimulator);
      const rerun = await stack.sync(unique('rerun'), { tuning: FAST });
      expect(rerun.state).toBe('completed');
      expect(stack.workplaceSimulator.log().filter((e) => e.method !== 'GET').slice(writesBefore)).toEqual([]);
      expect(rerun.stages.every((s) => s.counts.planned === 0)).toBe(true);
    } finally {
      await stack.close();
    }
  });
});
