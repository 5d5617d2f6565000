/**
 * `npm run worker`: validates the configuration (every problem at once), connects to Temporal,
 * registers orgsync's search attributes, and runs until SIGINT or SIGTERM, when in-flight activities
 * get 30 seconds to finish before they are handed back to the server.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { durationMs } from '../engine/policy.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { createKnoxClient } from '../knox/index.js';
import { openStore, PostgresStore } from '../store/index.js';
import { createWorkplaceClient } from '../workplace/index.js';
import { writeTaskQueue } from '../workflows/definitions.js';
import { ensureSearchAttributes } from './search-attributes.js';
import { startMetricsCollector } from './metrics.js';
import { installRuntime } from './telemetry.js';
import { bundleWorkflowsApart, createWorkers, runWorkers } from './workers.js';

export async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(['temporal', 'knox', 'workplace', 'store', 'telemetry', 'sync', 'notify']);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const logger = installRuntime(config.telemetry);
  const { address, namespace, taskQueue } = config.temporal;

  // Kept open: the metrics collector asks visibility and DescribeTaskQueue through it.
  const clientConnection = await Connection.connect({ address });
  const added = await ensureSearchAttributes(clientConnection, namespace);
  if (added.length) logger.info('registered search attributes', { added });

  const knox = createKnoxClient(config.knox);
  // Migrates a PostgreSQL store before any activity can touch it.
  const store = await openStore(config.store);
  // Every process on a PostgreSQL store paces WORKPLACE requests from one shared row, so WORKPLACE_RPS holds
  // across them in every second; on a directory store this process paces alone.
  const slots = store instanceof PostgresStore ? store.rateSlots('workplace') : undefined;
  const workplace = createWorkplaceClient(config.workplace, slots ? { slots } : {});
  const connection = await NativeConnection.connect({ address });
  const workers = await createWorkers({
    connection,
    workflowBundle: await bundleWorkflowsApart(),
    namespace,
    taskQueue,
    workplaceRps: config.workplace.rps,
    workplacePaceMarginMs: config.workplace.paceMarginMs,
    notify: config.notify,
    deps: { knox, workplace, store, settings: config.sync, companyCodes: config.knox.companyCodes },
  });
  const collector = config.telemetry.metricsAddress
    ? startMetricsCollector({
        client: new Client({ connection: clientConnection, namespace }),
        meter: Runtime.instance().metricMeter,
        namespace,
        taskQueue,
        decisionTimeoutMs: durationMs(config.sync.deletionGuard.decisionTimeout),
        workplaceRps: config.workplace.rps,
        knoxRps: config.knox.rps,
        knox,
        workplace,
        onError: (err) =>
          void logger.warn('could not collect orgsync metrics', { error: err instanceof Error ? err.message : String(err) }),
      })
    : undefined;
  logger.info('orgsync worker ready', {
    address,
    namespace,
    taskQueues: [taskQueue, writeTaskQueue(taskQueue)],
    workplaceRps: config.workplace.rps,
    workplacePacing: slots ? 'shared by the store' : 'this process',
    knoxRps: config.knox.rps,
    store: store.root,
    metrics: config.telemetry.metricsAddress || 'off',
    notify: [
      ...config.notify.webhooks.map((w) => new URL(w.reveal()).host),
      ...(config.notify.smtp ? [`mail via ${config.notify.smtp.host}`] : []),
    ],
  });
  await runWorkers(workers);
  collector?.stop();
  await Promise.all([connection.close(), clientConnection.close(), store.close()]);
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
