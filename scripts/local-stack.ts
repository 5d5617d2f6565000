/**
 * Everything orgsync needs, locally and for real: the Knox and WORKPLACE simulators on their own ports,
 * a staging store, the real clients pointed at the simulators, and the two workers on a Temporal server.
 * The engine tests, the demo and the benchmark all stand this up the same way. The store is a directory,
 * or PostgreSQL when ORGSYNC_STORE_URL is set (each stack in a schema of its own).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkflowBundle } from '@temporalio/worker';
import { StoreConfigSchema, WorkplaceConfigSchema, type StoreConfig, type SyncSettings, type WorkplaceConfig } from '../config/index.js';
import { SyncSettingsSchema } from '../config/sync.js';
import { createKnoxClient, type KnoxClient } from '../knox/index.js';
import type { GeneratedOrg } from '../generator/index.js';
import { startKnoxSimulator, type KnoxSimulator } from '../knox/simulator/server.js';
import { openStore, type StagingStore } from '../store/index.js';
import { createWorkplaceClient, type WorkplaceClient } from '../workplace/index.js';
import { startWorkplaceSimulator, type WorkplaceReading, type WorkplaceSimulator } from '../workplace/simulator/server.js';
import { orgSyncWorkflow } from '../workflows/org-sync.js';
import type { OrgSyncInput, OrgSyncResult } from '../engine/types.js';
import { createWorkers } from '../worker/workers.js';

/** Credentials of the local WORKPLACE simulator: made up, and only ever sent to 127.0.0.1. */
export const LOCAL_WORKPLACE = {
  companyId: 'c1798784-9a47-4751-ab9f-b9629825ab93',
  accessKey: 'ORGSYNC-LOCAL-ACCESS-KEY',
  secretKey: 'orgsync-local-secret-key-not-a-real-one',
};
export const LOCAL_KNOX_SYSTEM_ID = 'C60REST0001';

/** A WORKPLACE client's configuration for a simulator at `baseUrl` with the local credentials, parsed as the config is. */
export function localWorkplaceConfig(baseUrl: string, options: { rps: number; secretKey?: string }): WorkplaceConfig {
  return WorkplaceConfigSchema.parse({
    baseUrl,
    ...LOCAL_WORKPLACE,
    secretKey: options.secretKey ?? LOCAL_WORKPLACE.secretKey,
    rps: options.rps,
  });
}

/**
 * The environment of a `worker/main.ts` process pointed at the simulators (tests and benches that run the
 * worker as its real process); the caller adds the store, task-queue tuning and metrics it wants.
 */
export function simulatorWorkerEnv(options: {
  temporalAddress: string;
  taskQueue: string;
  knoxUrl: string;
  companyCode: string;
  workplaceUrl: string;
  workplaceRps: number;
  /** WORKPLACE_PACE_MARGIN_MS; the config's default when absent. */
  paceMarginMs?: number;
  knoxRps?: number;
}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: options.temporalAddress,
    ORGSYNC_TASK_QUEUE: options.taskQueue,
    KNOX_BASE_URL: options.knoxUrl,
    KNOX_SYSTEM_ID: LOCAL_KNOX_SYSTEM_ID,
    KNOX_COMPANY_CODES: options.companyCode,
    ...(options.knoxRps ? { KNOX_RPS: String(options.knoxRps) } : {}),
    WORKPLACE_BASE_URL: options.workplaceUrl,
    WORKPLACE_COMPANY_ID: LOCAL_WORKPLACE.companyId,
    NCP_ACCESS_KEY: LOCAL_WORKPLACE.accessKey,
    NCP_SECRET_KEY: LOCAL_WORKPLACE.secretKey,
    WORKPLACE_RPS: String(options.workplaceRps),
    ...(options.paceMarginMs === undefined ? {} : { WORKPLACE_PACE_MARGIN_MS: String(options.paceMarginMs) }),
  };
}

export interface LocalStackOptions {
  connection: NativeConnection;
  client: Client;
  taskQueue: string;
  org: GeneratedOrg;
  /** `sync:` settings, as in the config file; defaults apply to the rest. */
  settings?: Partial<SyncSettings> | Record<string, unknown>;
  /** WORKPLACE requests per second across all workers: the write queue's server-side limit (WORKPLACE_RPS). */
  workplaceRps?: number;
  /** The WORKPLACE client's own per-process limit; defaults to workplaceRps (as in production). */
  clientRps?: number;
  /** A different secret key for the client than the simulator expects (tests of refused credentials). */
  clientSecretKey?: string;
  knoxRps?: number;
  /** The store's directory (default: a new temp one); unused when ORGSYNC_STORE_URL selects PostgreSQL. */
  storeDir?: string;
  workflowBundle?: WorkflowBundle;
  /** Another plausible reading of the WORKPLACE reference for its simulator (real-tenant lists, Korean messages, missing routes). */
  workplaceReading?: WorkplaceReading;
  /** Ports for the simulators (0 = any free port). */
  knoxPort?: number;
  workplacePort?: number;
}

export interface LocalStack {
  knoxSimulator: KnoxSimulator;
  workplaceSimulator: WorkplaceSimulator;
  knox: KnoxClient;
  workplace: WorkplaceClient;
  store: StagingStore;
  /** What opened `store`, for processes that must open the same one (the CLI's report). */
  storeConfig: StoreConfig;
  settings: SyncSettings;
  taskQueue: string;
  /** Starts (or restarts) the workers; a stack starts with them running. */
  startWorkers(): Promise<void>;
  /** Shuts the workers down gracefully, as SIGTERM would. */
  stopWorkers(): Promise<void>;
  /** Runs orgSyncWorkflow to the end and returns its result (throws when the run fails). */
  sync(workflowId: string, input?: OrgSyncInput): Promise<OrgSyncResult>;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const storeUrl = process.env.ORGSYNC_STORE_URL;
  const storeConfig = StoreConfigSchema.parse({
    dir: options.storeDir ?? mkdtempSync(join(tmpdir(), 'orgsync-store-')),
    // A schema per stack: stacks sharing one may not prune each other's runs.
    ...(storeUrl ? { url: storeUrl, schema: `stack_${randomUUID().replace(/-/g, '').slice(0, 16)}` } : {}),
  });
  const store = await openStore(storeConfig);
  const knoxSimulator = await startKnoxSimulator({ port: options.knoxPort ?? 0, systemId: LOCAL_KNOX_SYSTEM_ID, org: options.org });
  const workplaceSimulator = await startWorkplaceSimulator({
    port: options.workplacePort ?? 0,
    ...LOCAL_WORKPLACE,
    ...(options.workplaceReading ? { reading: options.workplaceReading } : {}),
  });
  const settings = SyncSettingsSchema.parse(options.settings ?? {});
  const workplaceRps = options.workplaceRps ?? 200;
  const knox = createKnoxClient({
    baseUrl: knoxSimulator.url,
    systemId: LOCAL_KNOX_SYSTEM_ID,
    companyCodes: [options.org.companyCode],
    rps: options.knoxRps ?? 500,
    headers: {},
  });
  const workplace = createWorkplaceClient(
    localWorkplaceConfig(workplaceSimulator.url, {
      rps: options.clientRps ?? workplaceRps,
      ...(options.clientSecretKey ? { secretKey: options.clientSecretKey } : {}),
    }),
  );

  let workers: Worker[] = [];
  let running: Promise<unknown> | undefined;
  const startWorkers = async () => {
    workers = await createWorkers({
      connection: options.connection,
      taskQueue: options.taskQueue,
      workplaceRps,
      deps: { knox, workplace, store, settings, companyCodes: [options.org.companyCode] },
      ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}),
    });
    running = Promise.all(workers.map((w) => w.run()));
  };
  const stopWorkers = async () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running;
    workers = [];
  };
  await startWorkers();

  return {
    knoxSimulator,
    workplaceSimulator,
    knox,
    workplace,
    store,
    storeConfig,
    settings,
    taskQueue: options.taskQueue,
    startWorkers,
    stopWorkers,
    sync: (workflowId, input = {}) =>
      options.client.workflow.execute(orgSyncWorkflow, { taskQueue: options.taskQueue, workflowId, args: [input] }),
    async close() {
      await stopWorkers();
      await Promise.all([knoxSimulator.close(), workplaceSimulator.close(), store.close()]);
    },
  };
}
