/**
 * `npm run worker`: validates the configuration (every problem at once), connects to Temporal,
 * registers orgsync's search attributes, and runs until SIGINT or SIGTERM, when in-flight activities
 * get 30 seconds to finish before they are handed back to the server.
 */
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../config/index.js';
import { createKnoxClient } from '../knox/index.js';
import { openStore } from '../store/index.js';
import { createWorkplaceClient } from '../workplace/index.js';
import { writeTaskQueue } from '../workflows/definitions.js';
import { ensureSearchAttributes } from './search-attributes.js';
import { installRuntime } from './telemetry.js';
import { createWorkers, runWorkers } from './workers.js';

export async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(['temporal', 'knox', 'workplace', 'store', 'telemetry', 'sync']);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const logger = installRuntime(config.telemetry);
  const { address, namespace, taskQueue } = config.temporal;

  const client = await Connection.connect({ address });
  try {
    const added = await ensureSearchAttributes(client, namespace);
    if (added.length) logger.info('registered search attributes', { added });
  } finally {
    await client.close();
  }

  // Migrates a PostgreSQL store before any activity can touch it.
  const store = await openStore(config.store);
  const connection = await NativeConnection.connect({ address });
  const workers = await createWorkers({
    connection,
    namespace,
    taskQueue,
    workplaceRps: config.workplace.rps,
    deps: {
      knox: createKnoxClient(config.knox),
      workplace: createWorkplaceClient(config.workplace),
      store,
      settings: config.sync,
      companyCodes: config.knox.companyCodes,
    },
  });
  logger.info('orgsync worker ready', {
    address,
    namespace,
    taskQueues: [taskQueue, writeTaskQueue(taskQueue)],
    workplaceRps: config.workplace.rps,
    knoxRps: config.knox.rps,
    store: store.root,
    metrics: config.telemetry.metricsAddress || 'off',
  });
  await runWorkers(workers);
  await Promise.all([connection.close(), store.close()]);
  logger.info('orgsync worker stopped');
  return 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`orgsync worker failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
