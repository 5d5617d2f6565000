/**
 * Benchmark: an initial sync and a churn day on a generated org, through the real worker process
 * (`worker/main.ts`, as deployed) against a local Temporal dev server and the simulators.
 *
 *   npx tsx bench/sync.ts --employees 10000 --departments 1000 --churn 0.01
 *   npx tsx bench/sync.ts --employees 100000 --departments 10000 --rps 1000
 *   npx tsx bench/sync.ts --employees 100000 --departments 10000 --worker-heap-mb 1024   # does it fit?
 *
 * Prints, per day: wall time per stage, writes per second, Knox calls, WORKPLACE writes, history events
 * per workflow run (largest), the largest payload in any history, and the worker's peak RSS. The
 * simulators run in this process, the worker in its own, so the RSS is the worker's alone.
 *
 * And the same night at production rates (--prod-knox-rps, --prod-workplace-rps): Knox calls ÷ KNOX_RPS, plus
 * WORKPLACE requests (reads too: the gateway counts them) ÷ the pacer's rate, plus the overhead measured here:
 * the wall time less what the same calls take at this bench's own rates (planning, Temporal, the store).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { table } from '../client/format.js';
import { generateOrg, nextDay } from '../generator/index.js';
import { REPO_ROOT } from '../scripts/temporal-dev-server.js';
import { approveDeletionsUpdate, progressQuery, stageWorkflowId } from '../workflows/definitions.js';
import { PIPELINE, STAGE_TITLES } from '../engine/pipeline.js';
import { type OrgSyncResult } from '../engine/types.js';
import { orgSyncWorkflow } from '../workflows/org-sync.js';
import { writeQueueRate } from '../worker/workers.js';
import { benchArgs } from './args.js';
import { peakRssMb } from './memory.js';
import { BENCH_KNOX_RPS, startBenchSimulators } from './simulators.js';

const args = benchArgs(
  { employees: 10000, departments: 1000, churn: 0.01, seed: 42 },
  {
    rps: 1000,
    concurrency: 64,
    /** The worker's V8 heap limit (--max-old-space-size), to find how small a worker the org still fits. */
    'worker-heap-mb': undefined,
    /** The worker's young-generation semi-space (--max-semi-space-size), as the Dockerfile's NODE_OPTIONS sets it; '' for V8's default. */
    'worker-semi-space-mb': 4,
    /** The worker's MALLOC_ARENA_MAX, as the Dockerfile sets it; '' for glibc's default. */
    'worker-malloc-arenas': 2,
    /** The rates the "at production rates" line assumes. */
    'prod-knox-rps': 10,
    'prod-workplace-rps': 10,
  },
);

const out = (line = '') => process.stdout.write(`${line}\n`);
const TASK_QUEUE = 'orgsync-bench';

async function main(): Promise<void> {
  const employees = Number(args.employees);
  const departments = Number(args.departments);
  let t = Date.now();
  const day1 = generateOrg({ seed: Number(args.seed), employees, departments });
  const { org: day2, changes } = nextDay(day1, { seed: Number(args.seed) + 1, churn: Number(args.churn) });
  out(
    `orgsync benchmark: ${day1.employees.length} employees, ${day1.organizations.length} departments, ${day1.titles.length} grades; churn ${args.churn} (generated in ${Date.now() - t} ms)`,
  );
  out(
    `WORKPLACE_RPS ${args.rps}, ${args.concurrency} writes in flight, worker heap limit ${args['worker-heap-mb'] ? `${args['worker-heap-mb']} MB` : 'default'}, semi-space ${args['worker-semi-space-mb'] ? `${args['worker-semi-space-mb']} MB` : 'default'}, malloc arenas ${args['worker-malloc-arenas'] || 'default'}, ${process.arch} ${(await import('node:os')).cpus().length} cores`,
  );

  const sims = await startBenchSimulators(day1);
  const { knox, workplace, client } = sims;

  const dir = mkdtempSync(join(tmpdir(), 'orgsync-bench-'));
  const configFile = join(dir, 'orgsync.yaml');
  writeFileSync(configFile, `sync:\n  writeConcurrency: ${Number(args.concurrency)}\n`);
  const v8Flags = [
    ...(args['worker-heap-mb'] ? [`--max-old-space-size=${Number(args['worker-heap-mb'])}`] : []),
    ...(args['worker-semi-space-mb'] ? [`--max-semi-space-size=${Number(args['worker-semi-space-mb'])}`] : []),
  ];
  const worker = spawn(process.execPath, [...v8Flags, '--import', 'tsx', 'worker/main.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      ...sims.workerEnv({ taskQueue: TASK_QUEUE, workplaceRps: Number(args.rps) }),
      ORGSYNC_STORE_DIR: join(dir, 'store'),
      ORGSYNC_CONFIG: configFile,
      ORGSYNC_METRICS_ADDRESS: '',
      ORGSYNC_LOG_LEVEL: 'INFO',
      ...(args['worker-malloc-arenas'] ? { MALLOC_ARENA_MAX: String(Number(args['worker-malloc-arenas'])) } : {}),
    },
  });
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      if (!d.toString().includes('orgsync worker ready')) return;
      worker.stdout.off('data', onData);
      worker.stdout.resume();
      resolve();
    };
    worker.stdout.on('data', onData);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });

  try {
    for (const [day, org, label] of [
      [1, day1, 'initial sync into an empty WORKPLACE'],
      [
        2,
        day2,
        `next day: ${changes.hired.length} hired, ${changes.resigned.length} left, ${changes.transferred.length} transferred, ${changes.promoted.length} promoted, ${changes.departmentsAdded.length}+/${changes.departmentsDeleted.length}- departments`,
      ],
    ] as const) {
      knox.setOrg(org);
      const knoxBefore = knox.counters().total;
      const writesBefore = writeCount(workplace.counters().byMethod);
      const readsBefore = workplace.counters().byMethod.GET ?? 0;
      const runId = `bench-day${day}-${Date.now()}`;
      t = Date.now();
      const result = await runToEnd(client, runId);
      const wall = Date.now() - t;
      const writes = writeCount(workplace.counters().byMethod) - writesBefore;
      const reads = (workplace.counters().byMethod.GET ?? 0) - readsBefore;
      const knoxCalls = knox.counters().total - knoxBefore;
      const histories = await historyStats(client, runId);
      out();
      out(`Day ${day}: ${label}: ${result.state} in ${seconds(wall)}`);
      for (const line of table(
        [
          { header: 'stage' },
          { header: 'wall', align: 'right' },
          { header: 'created', align: 'right' },
          { header: 'updated', align: 'right' },
          { header: 'deleted', align: 'right' },
          { header: 'unchanged', align: 'right' },
          { header: 'failed', align: 'right' },
          { header: 'skipped', align: 'right' },
          { header: 'writes/s', align: 'right' },
        ],
        result.stages.map((s) => {
          const stageWrites = s.ops.create + s.ops.update + s.ops.delete;
          return [
            STAGE_TITLES[s.stage],
            seconds(s.durationMs),
            s.ops.create,
            s.ops.update,
            s.ops.delete,
            s.counts.unchanged,
            s.counts.failed,
            s.counts.skipped,
            s.durationMs ? Math.round(stageWrites / (s.durationMs / 1000)) : 0,
          ];
        }),
      ))
        out(`  ${line}`);
      out(`  WORKPLACE writes ${writes} (${Math.round(writes / (wall / 1000))}/s over the run), reads ${reads}; Knox calls ${knoxCalls}`);
      out(`  ${atProductionRates(wall, knoxCalls, writes + reads)}`);
      out(
        `  workflow runs ${histories.runs}; largest history ${histories.maxEvents} events (${histories.maxEventsWhere}); largest payload ${kb(histories.maxPayload)} (${histories.maxPayloadWhere})`,
      );
      out(`  worker peak RSS ${peakRssMb(worker.pid!)} MB`);
    }
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await sims.close();
  }
}

/** The night at --prod-knox-rps and --prod-workplace-rps: the rate-bound calls at those rates, plus what was not rate-bound here. */
function atProductionRates(wallMs: number, knoxCalls: number, workplaceRequests: number): string {
  const prodKnox = Number(args['prod-knox-rps']);
  const prodWorkplace = Number(args['prod-workplace-rps']);
  const knoxS = knoxCalls / prodKnox;
  const workplaceS = workplaceRequests / writeQueueRate(prodWorkplace);
  const overheadS = Math.max(0, wallMs / 1000 - knoxCalls / BENCH_KNOX_RPS - workplaceRequests / writeQueueRate(Number(args.rps)));
  const total = knoxS + workplaceS + overheadS;
  return `at production rates (KNOX_RPS ${prodKnox}, WORKPLACE_RPS ${prodWorkplace}): Knox ${knoxCalls} calls ${knoxS.toFixed(1)} s + WORKPLACE ${workplaceRequests} requests ${workplaceS.toFixed(1)} s + overhead ${overheadS.toFixed(1)} s = ${(total / 60).toFixed(1)} min`;
}

async function runToEnd(client: Client, workflowId: string): Promise<OrgSyncResult> {
  const handle = await client.workflow.start(orgSyncWorkflow, { taskQueue: TASK_QUEUE, workflowId, args: [{}] });
  let finished: OrgSyncResult | undefined;
  const done = handle.result().then(
    (r) => (finished = r),
    (err: unknown) => {
      if (err instanceof WorkflowFailedError && err.cause && 'details' in err.cause)
        return (finished = (err.cause as { details: OrgSyncResult[] }).details[0]!);
      throw err;
    },
  );
  while (!finished) {
    const progress = await handle.query(progressQuery).catch(() => undefined);
    if (progress?.state === 'awaiting-approval' && progress.hold) {
      out(
        `  (deletion guard held in ${progress.hold.stage}: ${progress.hold.deletions} deletions, ${progress.hold.reason}; the benchmark approves)`,
      );
      await handle.executeUpdate(approveDeletionsUpdate, { args: ['bench'] });
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 1000))]);
  }
  return finished;
}

/** Every run of the parent and of each stage child (continue-as-new included): event counts and payload sizes. */
async function historyStats(client: Client, runId: string) {
  const ids = [runId, ...new Set(PIPELINE.map((step) => stageWorkflowId(runId, step)))];
  const stats = { runs: 0, maxEvents: 0, maxEventsWhere: '', maxPayload: 0, maxPayloadWhere: '' };
  for (const id of ids) {
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${id}'` })) {
      const history = await client.workflow.getHandle(id, execution.runId).fetchHistory();
      const events = history.events ?? [];
      stats.runs++;
      if (events.length > stats.maxEvents) Object.assign(stats, { maxEvents: events.length, maxEventsWhere: id });
      for (const event of events) {
        const size = largestPayload(event);
        if (size > stats.maxPayload)
          Object.assign(stats, {
            maxPayload: size,
            maxPayloadWhere: `${id}, ${Object.keys(event).find((k) => k.endsWith('Attributes')) ?? 'event'}`,
          });
      }
    }
  }
  return stats;
}

function largestPayload(value: unknown): number {
  if (!value || typeof value !== 'object') return 0;
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && 'metadata' in record) return record.data.length;
  let best = 0;
  for (const child of Object.values(record)) best = Math.max(best, largestPayload(child));
  return best;
}

const writeCount = (byMethod: Record<string, number>) => (byMethod.POST ?? 0) + (byMethod.PUT ?? 0) + (byMethod.DELETE ?? 0);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
