import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as activities from './fixtures/harness-activities.js';
import { harnessWorkflow } from './fixtures/harness-workflows.js';
import { bundleOnce, connectTestEnv, unique } from './helpers/temporal.js';

describe('the test harness', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a real workflow and a real activity on the shared dev server', async () => {
    const taskQueue = unique('harness');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleOnce(new URL('./fixtures/harness-workflows.ts', import.meta.url)),
      activities,
    });
    const workflowId = unique('harness-wf');
    const result = await worker.runUntil(env.client.workflow.execute(harnessWorkflow, { taskQueue, workflowId, args: ['orgsync'] }));
    expect(result).toBe(`orgsync ran on ${taskQueue} (attempt 1, activity describeServer)`);

    // The server recorded the activity: a mock or an in-process shortcut would leave no such history.
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled?.activityTaskScheduledEventAttributes?.activityType?.name).toBe('describeServer');
    expect(events.some((e) => e.activityTaskCompletedEventAttributes)).toBe(true);
    expect(events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
    const described = await env.client.workflow.getHandle(workflowId).describe();
    expect(described.status.name).toBe('COMPLETED');
  });
});
