/**
 * Test helpers for a real Temporal server: a connection to the shared dev server, a task queue and a
 * workflow id of a test's own, and the workflow bundle built once per test file.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';

let runtimeInstalled = false;
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(process.env.ORGSYNC_TEST_LOG === '1' ? 'INFO' : 'WARN') });
  } catch {
    // Already installed in this process by another helper: keep that one.
  }
}

/** A client and native connection to the run's shared dev server. Call teardown() in afterAll. */
export async function connectTestEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
}

/** A name no other test uses: for task queues and workflow ids. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** Bundles a workflows module once per test file (module state is per file under vitest). */
export function bundleOnce(workflowsModuleUrl: URL): Promise<WorkflowBundleWithSourceMap> {
  const path = fileURLToPath(workflowsModuleUrl);
  let bundle = bundles.get(path);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath: path, logger: new DefaultLogger('WARN') });
    bundles.set(path, bundle);
  }
  return bundle;
}

/** The polling loop, shared with scripts/record-histories.ts; here so a test imports its Temporal helpers from one place. */
export { eventually } from '../../lib/eventually.js';
