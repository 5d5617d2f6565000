/**
 * One Temporal dev server for the whole test run (or the one TEMPORAL_ADDRESS names), and one throwaway
 * PostgreSQL server for the PostgreSQL staging store, handed to every test file through vitest's
 * provide/inject. Each test then uses its own task queue, workflow ids and store schema (or database).
 */
import { Connection } from '@temporalio/client';
import type { TestProject } from 'vitest/node';
import { ensureSearchAttributes } from '../worker/search-attributes.js';
import { startPostgresServer, type PostgresServer } from '../scripts/postgres-dev-server.js';
import { startDevServer, type DevServer } from '../scripts/temporal-dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    /** A superuser's URL on the throwaway PostgreSQL server. */
    postgresUrl: string;
  }
}

let server: DevServer | undefined;
let postgres: PostgresServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  // Started first and not awaited yet: initdb runs while Temporal starts.
  const starting = startPostgresServer();
  starting.catch(() => undefined);
  try {
    await setupTemporal(project);
  } finally {
    postgres = await starting;
  }
  project.provide('postgresUrl', postgres.url);
}

async function setupTemporal(project: TestProject): Promise<void> {
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
  await Promise.all([server?.stop(), postgres?.stop()]);
}
