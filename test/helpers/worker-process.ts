/**
 * `npm run worker` as the real process it is, for tests: started with only PATH, HOME and the variables
 * given, its output collected; and the two simulators it syncs between, with a Temporal client to start runs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, inject } from 'vitest';
import type { GeneratedOrg } from '../../generator/index.js';
import { startKnoxSimulator, type KnoxSimulator } from '../../knox/simulator/server.js';
import { LOCAL_KNOX_SYSTEM_ID, LOCAL_WORKPLACE, simulatorWorkerEnv } from '../../scripts/local-stack.js';
import { startWorkplaceSimulator, type WorkplaceSimulator } from '../../workplace/simulator/server.js';
import { eventually } from './temporal.js';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface WorkerProcess {
  child: ChildProcessWithoutNullStreams;
  /** The exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

export function startWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Resolves once the worker says it is ready; starting takes a while on a loaded machine. */
export function workerReady(worker: WorkerProcess, timeoutMs: number) {
  return eventually(() => worker.output().stdout.includes('orgsync worker ready'), { timeoutMs, what: 'the worker to be ready' });
}

export interface WorkerSimulators {
  knox: KnoxSimulator;
  workplace: WorkplaceSimulator;
  client: Client;
  /** The environment a worker process needs to sync between the simulators on `taskQueue`. */
  workerEnv(options: { taskQueue: string; store: string; metricsPort: number }): Record<string, string>;
  close(): Promise<void>;
}

/** Knox serving `org`, an empty WORKPLACE and a client of the shared dev server. */
export async function startWorkerSimulators(org: GeneratedOrg): Promise<WorkerSimulators> {
  const knox = await startKnoxSimulator({ port: 0, systemId: LOCAL_KNOX_SYSTEM_ID, org });
  let workplace: WorkplaceSimulator | undefined;
  try {
    workplace = await startWorkplaceSimulator({ port: 0, ...LOCAL_WORKPLACE });
    const client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    const started = workplace;
    return {
      knox,
      workplace: started,
      client,
      workerEnv: ({ taskQueue, store, metricsPort }) => ({
        ...simulatorWorkerEnv({
          temporalAddress: inject('temporalAddress'),
          taskQueue,
          knoxUrl: knox.url,
          companyCode: org.companyCode,
          workplaceUrl: started.url,
          workplaceRps: 200,
        }),
        ORGSYNC_STORE_DIR: store,
        ORGSYNC_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      }),
      close: async () => {
        await Promise.all([knox.close(), started.close(), client.connection.close()]);
      },
    };
  } catch (err) {
    await Promise.all([knox.close(), workplace?.close()]);
    throw err;
  }
}

/**
 * The simulators for the tests of a file (or a describe block): started before them, closed after them.
 * What it returns reads the started ones, so use it inside a test or a hook.
 */
export function workerSimulatorsFor(org: GeneratedOrg): Omit<WorkerSimulators, 'close'> {
  let sims: WorkerSimulators | undefined;
  beforeAll(async () => {
    sims = await startWorkerSimulators(org);
  });
  afterAll(async () => {
    await sims?.close();
  });
  const started = (): WorkerSimulators => {
    if (!sims) throw new Error('the simulators start in beforeAll: use them inside a test or a hook');
    return sims;
  };
  return {
    get knox() {
      return started().knox;
    },
    get workplace() {
      return started().workplace;
    },
    get client() {
      return started().client;
    },
    workerEnv: (options) => started().workerEnv(options),
  };
}
