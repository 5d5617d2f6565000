/**
 * One Temporal dev server for the whole test run (or the one TEMPORAL_ADDRESS names), handed to every
 * test file through vitest's provide/inject. Each test then uses its own task queue and workflow ids.
 */
import { Connection } from '@temporalio/client';
import type { TestProject } from 'vitest/node';
import { ensureSearchAttributes } from '../worker/search-attributes.js';
import { startDevServer, type DevServer } from '../scripts/temporal-dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

let server: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const existing = process.env.TEMPORAL_ADDRESS;
  if (existing) {
    // A server we did not start lacks orgsync's search attributes unless a worker registered them.
    const connection = await Connection.connect({ address: existing });
    try {
      await ensureSearchAttributes(connection, 'default');
    } finally {
      await connection.close();
    }
    project.provide('temporalAddress', existing);
    return;
  }
  server = await startDevServer();
  project.provide('temporalAddress', server.address);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
