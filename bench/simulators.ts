/**
 * What the worker-process benchmarks (sync.ts, write-rate.ts) run against: a Temporal dev server, the Knox
 * simulator serving `org`, an empty WORKPLACE simulator and a client of the server, all in this process;
 * `workerEnv` points a `worker/main.ts` process at them.
 */
import { Client, Connection } from '@temporalio/client';
import type { GeneratedOrg } from '../generator/index.js';
import { startKnoxSimulator } from '../knox/simulator/server.js';
import { LOCAL_KNOX_SYSTEM_ID, LOCAL_WORKPLACE, simulatorWorkerEnv } from '../scripts/local-stack.js';
import { startDevServer } from '../scripts/temporal-dev-server.js';
import { startWorkplaceSimulator } from '../workplace/simulator/server.js';

/** Knox's rate for the benchmarks' workers: far above what the simulator needs, so Knox never paces a run. */
export const BENCH_KNOX_RPS = 1000;

export async function startBenchSimulators(org: GeneratedOrg) {
  const server = await startDevServer({});
  const knox = await startKnoxSimulator({ port: 0, systemId: LOCAL_KNOX_SYSTEM_ID, org });
  const workplace = await startWorkplaceSimulator({ port: 0, ...LOCAL_WORKPLACE });
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  return {
    server,
    knox,
    workplace,
    client,
    /** A worker on `taskQueue` syncing between the simulators at `workplaceRps`. */
    workerEnv: (options: { taskQueue: string; workplaceRps: number; paceMarginMs?: number }) =>
      simulatorWorkerEnv({
        temporalAddress: server.address,
        knoxUrl: knox.url,
        companyCode: org.companyCode,
        knoxRps: BENCH_KNOX_RPS,
        workplaceUrl: workplace.url,
        ...options,
      }),
    close: async () => {
      await Promise.all([knox.close(), workplace.close(), client.connection.close()]);
      await server.stop();
    },
  };
}
