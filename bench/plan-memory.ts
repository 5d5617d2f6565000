/**
 * Benchmark: the memory of reading Knox and planning, the worker's peak, without Temporal. The engine runs in a
 * child process with the worker's heap limit (--worker-heap-mb), the simulators in this one, so a figure is the
 * engine's alone: the process's peak RSS (VmHWM) and V8 heap after each step, for day 1 (an empty WORKPLACE)
 * and day 2 (WORKPLACE holding day 1's plan as written, Knox after a churn day).
 *
 *   npx tsx bench/plan-memory.ts --employees 100000 --departments 10000 --worker-heap-mb 384
 *
 * A run of bench/sync.ts takes half an hour at 100k; this one takes minutes, to find where the peak is. Add
 * the worker's own ~230 MB (node, the Temporal native bridge and workers, idle: docs/ARCHITECTURE.md) to
 * compare with bench/sync.ts's "worker peak RSS".
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { takeSnapshot } from '../engine/knox-snapshot.js';
import { planStage } from '../engine/plan-stage.js';
import { readPlanItems, readPlanMeta, recordStageState } from '../engine/plan-store.js';
import { STAGE_SPECS } from '../engine/stages/index.js';
import { STAGES, type StageName } from '../engine/pipeline.js';
import { createKnoxClient } from '../knox/index.js';
import { startKnoxSimulator } from '../knox/simulator/server.js';
import { LOCAL_KNOX_SYSTEM_ID, LOCAL_WORKPLACE, simulatorWorkerEnv } from '../scripts/local-stack.js';
import { openStore } from '../store/index.js';
import { createWorkplaceClient } from '../workplace/index.js';
import { startWorkplaceSimulator, type SimState } from '../workplace/simulator/server.js';
import { benchArgs, twoDays } from './args.js';
import { peakRssMb } from './memory.js';

const args = benchArgs(
  { employees: 10_000, departments: 1_000, churn: 0.01, seed: 42 },
  {
    'worker-heap-mb': 384,
    /** Any value: collect garbage before each figure, so "heap used" is what the step keeps (the peaks then differ from a worker's). */
    live: undefined,
    /** More V8 flags for the engine's process, space-separated (e.g. '--heap-growing-percent=30'). */
    'worker-v8-flags': '',
    /** Internal: this process is the engine's child, planning one day. */
    child: undefined,
  },
);

const out = (line = '') => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

interface ChildInput {
  env: Record<string, string>;
  runId: string;
}
interface ChildReport {
  plans: Partial<Record<StageName, string>>;
}

/** The engine's side: snapshot Knox and plan every stage in order, printing memory after each step. */
async function child(input: ChildInput): Promise<ChildReport> {
  Object.assign(process.env, input.env);
  const config = loadConfig(['knox', 'workplace', 'store', 'sync']);
  const deps = {
    knox: createKnoxClient(config.knox),
    workplace: createWorkplaceClient(config.workplace),
    store: await openStore(config.store),
    settings: config.sync,
    companyCodes: config.knox.companyCodes,
  };
  const io = { signal: new AbortController().signal, heartbeat: () => {}, today: '2026-12-03' };
  const step = (name: string, t: number) => {
    (globalThis as { gc?: () => void }).gc?.();
    const heap = process.memoryUsage();
    out(
      `  ${name.padEnd(28)} ${String(Date.now() - t).padStart(6)} ms  peak RSS ${String(peakRssMb('self')).padStart(4)} MB  RSS ${String(mb(heap.rss)).padStart(4)} MB  heap used ${String(mb(heap.heapUsed)).padStart(4)} MB  external ${mb(heap.external + heap.arrayBuffers)} MB`,
    );
  };
  step('start', Date.now());
  for (const dataset of ['titles', 'organizations', 'employees'] as const) {
    const t = Date.now();
    await takeSnapshot(deps, input.runId, dataset, { signal: io.signal });
    step(`Knox ${dataset}`, t);
  }
  const plans: Partial<Record<StageName, string>> = {};
  for (const stage of STAGES.filter((s) => s !== 'absenceItems')) {
    const t = Date.now();
    const summary = await planStage(deps, { runId: input.runId, stage, earlierPlans: { ...plans } }, io);
    plans[stage] = summary.planRef;
    step(`plan ${stage} (${summary.ops.main.create + summary.ops.main.update + summary.ops.main.delete} writes)`, t);
    if (STAGE_SPECS[stage].target !== 'recorded') continue;
    // As if every write succeeded: the next day plans against this state instead of reading WORKPLACE.
    const r = Date.now();
    await recordStageState(deps.store, { runId: input.runId, stage, planRef: summary.planRef, attemptedThrough: Infinity });
    step(`record ${stage}`, r);
  }
  await deps.store.close();
  return { plans };
}

function runChild(input: ChildInput): Promise<ChildReport> {
  const proc = fork(process.argv[1]!, ['--child', 'yes'], {
    execArgv: [
      `--max-old-space-size=${Number(args['worker-heap-mb'])}`,
      ...String(args['worker-v8-flags']).split(' ').filter(Boolean),
      ...(args.live ? ['--expose-gc'] : []),
      '--import',
      'tsx',
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  proc.send(input);
  return new Promise((resolve, reject) => {
    proc.once('message', (report) => resolve(report as ChildReport));
    proc.once('exit', (code) => (code ? reject(new Error(`the engine's process exited with ${code}`)) : undefined));
  });
}

async function main(): Promise<void> {
  const { day1, day2 } = twoDays(args);
  out(
    `orgsync plan memory: ${day1.employees.length} employees, ${day1.organizations.length} departments; heap limit ${args['worker-heap-mb']} MB`,
  );
  const knox = await startKnoxSimulator({ port: 0, systemId: LOCAL_KNOX_SYSTEM_ID, org: day1 });
  const workplace = await startWorkplaceSimulator({ port: 0, ...LOCAL_WORKPLACE });
  const storeDir = join(mkdtempSync(join(tmpdir(), 'orgsync-plan-memory-')), 'store');
  const env = {
    ...simulatorWorkerEnv({
      temporalAddress: '127.0.0.1:1',
      taskQueue: 'unused',
      knoxUrl: knox.url,
      companyCode: day1.companyCode,
      knoxRps: 1000,
      workplaceUrl: workplace.url,
      workplaceRps: 1000,
    }),
    ORGSYNC_STORE_DIR: storeDir,
  };
  try {
    out('Day 1: an empty WORKPLACE');
    const first = await runChild({ env, runId: 'plan-memory-day1' });
    // WORKPLACE as day 1 would leave it: every planned body, written (the simulator keeps bodies as sent).
    const store = await openStore({ dir: storeDir, schema: 'orgsync' });
    const state: Partial<SimState> = {};
    for (const [stage, collection] of [
      ['grades', 'grades'],
      ['jobTitles', 'jobs'],
      ['departments', 'departments'],
      ['employees', 'employees'],
    ] as const) {
      const ref = first.plans[stage]!;
      const items = await readPlanItems(store, ref, 0, (await readPlanMeta(store, ref)).total);
      state[collection] = Object.fromEntries(items.map((item) => [item.key, { ...(item.body as object), externalKey: item.key }]));
    }
    workplace.seed(state);
    knox.setOrg(day2);
    out('Day 2: WORKPLACE holds day 1, Knox after a churn day');
    await runChild({ env, runId: 'plan-memory-day2' });
  } finally {
    await Promise.all([knox.close(), workplace.close()]);
  }
}

if (args.child) {
  process.once('message', (input) => {
    child(input as ChildInput).then(
      (report) => process.send!(report, () => process.exit(0)),
      (err: unknown) => {
        console.error(err instanceof Error ? err.stack : String(err));
        process.exit(1);
      },
    );
  });
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    },
  );
}
