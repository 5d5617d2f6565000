/**
 * `npm run record-histories`: records the histories test/replay.test.ts replays. It starts a Temporal dev
 * server of its own, drives real runs of the current workflow code against the Knox and WORKPLACE
 * simulators (scripts/local-stack.ts, small generated orgs), and saves every workflow execution each run
 * made (the parent, its stage children, every run of a stage that continued as new, notification
 * children) into test/histories/ with a manifest naming their workflow ids.
 *
 * Before it replaces anything it replays what it recorded against the same code; if that fails, or a
 * scenario did not do what it is there for (no guard held, no stage continued as new, ...), the old files
 * stay and the script exits 1.
 *
 *   npm run record-histories                 # all scenarios, then replace test/histories/*.json
 *   npm run record-histories -- --out DIR    # write to DIR instead (to compare)
 *
 * When to re-record: docs/ARCHITECTURE.md, "Deploys and workflow versioning".
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { generateOrg, nextDay, type GeneratedOrg } from '../generator/index.js';
import type { OrgSyncInput, OrgSyncProgress, StageProgress } from '../engine/types.js';
import { RUN_END_STATES } from '../engine/outcomes.js';
import { eventually } from '../lib/eventually.js';
import type { StageTuning } from '../engine/pipeline.js';
import {
  approveDeletionsUpdate,
  approveRunUpdate,
  pauseSignal,
  progressQuery,
  resumeSignal,
  rollbackWorkflowId,
  stageProgressQuery,
  stageWorkflowId,
} from '../workflows/definitions.js';
import { orgSyncWorkflow } from '../workflows/org-sync.js';
import { syncEmployeeWorkflow } from '../workflows/sync-employee.js';
import { WORKFLOWS_PATH } from '../worker/workers.js';
import { HISTORIES_DIR, MANIFEST_FILE, replayAll, SCENARIOS, type HistoryEntry, type Manifest, type ScenarioName } from './histories.js';
import { LOCAL_WORKPLACE, startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack.js';
import { REPO_ROOT, startDevServer } from './temporal-dev-server.js';

const { values: args } = parseArgs({ options: { out: { type: 'string' } } });
const out = (line = '') => process.stdout.write(`${line}\n`);

/**
 * Fast failure on outages. Progress reports only when a stage's state changes (they are 3 events each,
 * and the parent's handler for them is replayed from the forced ones as well as from any other).
 */
const TUNING: Partial<StageTuning> = { sourceRetry: { initialIntervalMs: 100, maximumAttempts: 2 }, progressIntervalMs: 60_000 };
/** Churn without the guard: the guard holds for any deletion in an org this small. */
const NO_GUARD = { deletionGuard: { maxShare: 1, maxCount: 1_000_000 } };

/**
 * Small orgs keep the files small (a history is ~500 bytes an event, 6 or so per write); fixed seeds keep
 * the runs alike from one recording to the next. Knox's title list is cut to the titles someone holds on
 * either day: the full catalogue would be 27 grade writes in every first run.
 */
function smallOrgs(seed: number, employees: number, departments: number): { day1: GeneratedOrg; day2: GeneratedOrg } {
  const full1 = generateOrg({ seed, employees, departments });
  const full2 = nextDay(full1, { seed: seed + 1, churn: 0.25 }).org;
  const held = new Set([...full1.employees, ...full2.employees].map((e) => e.titleCode));
  const trim = (org: GeneratedOrg): GeneratedOrg => ({ ...org, titles: org.titles.filter((t) => held.has(t.titleCode)) });
  return { day1: trim(full1), day2: trim(full2) };
}
const { day1: DAY1, day2: DAY2 } = smallOrgs(1401, 4, 2);

interface Root {
  scenario: ScenarioName;
  workflowId: string;
}

interface Context {
  client: Client;
  stack(org: GeneratedOrg, options?: Partial<LocalStackOptions>): Promise<LocalStack>;
  /** Saves every execution of this workflow and what it led to; call it while the stack's workers still run. */
  save(scenario: ScenarioName, workflowId: string): Promise<void>;
}

/** Each driver runs on stacks of its own and saves what its scenarios are about. */
const DRIVERS: { name: string; drive(ctx: Context): Promise<void> }[] = [
  {
    // Day 1, day 2 and the on-demand sync share one stack: each builds on the WORKPLACE the last one left.
    name: 'day 1, day 2 and an on-demand employee sync',
    async drive(ctx) {
      const stack = await ctx.stack(DAY1, { settings: NO_GUARD });
      try {
        await expectState(stack.sync('replay-day1', { tuning: TUNING }), 'replay-day1');
        await ctx.save('day1', 'replay-day1');
        stack.knoxSimulator.setOrg(DAY2);
        // The stages whose day 2 differs in kind from day 1 (updates, moves, follow-up deletions); the other stages
        // run the same workflow code with another spec, and the files stay small.
        await expectState(stack.sync('replay-day2', { tuning: TUNING, stages: ['jobTitles', 'departments', 'employees'] }), 'replay-day2');
        await ctx.save('day2', 'replay-day2');
        const person = DAY2.employees[1]!;
        stack.knoxSimulator.setOrg({
          ...DAY2,
          employees: DAY2.employees.map((e) => (e.epId === person.epId ? { ...e, fullName: '홍길동' } : e)),
        });
        const id = 'replay-sync-employee';
        const one = await ctx.client.workflow.execute(syncEmployeeWorkflow, {
          taskQueue: stack.taskQueue,
          workflowId: id,
          args: [{ epId: person.epId }],
        });
        if (!one.changes.some((c) => c.outcome === 'done')) throw new Error(`${id} wrote nothing: ${JSON.stringify(one)}`);
        out(`    ${id}: ${one.changes.map((c) => `${c.what} ${c.op} ${c.outcome}`).join(', ')}`);
        await ctx.save('sync-employee', id);
      } finally {
        await stack.close();
      }
    },
  },
  {
    // One leaver in an org of five is 20% of the employee stage's objects: over the guard's 5%.
    name: 'a held deletion guard, approved',
    async drive(ctx) {
      const stack = await ctx.stack(DAY1, { settings: { deletionGuard: { decisionTimeout: '10m' } } });
      try {
        await expectState(stack.sync('replay-deletion-setup', { tuning: TUNING }), 'replay-deletion-setup (day 1, not saved)');
        const heads = new Set(DAY1.organizations.map((o) => o.managerId));
        const leaver = DAY1.employees.find((e) => !heads.has(e.userId))!;
        stack.knoxSimulator.setOrg({ ...DAY1, employees: DAY1.employees.filter((e) => e !== leaver) });
        const id = 'replay-deletion-approved';
        const input: OrgSyncInput = { tuning: TUNING, stages: ['employees'] };
        const run = await ctx.client.workflow.start(orgSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: id, args: [input] });
        const held: string[] = [];
        for (;;) {
          const p = await until(async () => {
            const now = await run.query(progressQuery);
            return now.state === 'awaiting-approval' || RUN_END_STATES.includes(now.state) ? now : undefined;
          }, 'a held deletion guard or the run to end');
          if (p.state !== 'awaiting-approval') break;
          held.push(p.hold!.stage);
          await run.executeUpdate(approveDeletionsUpdate, { args: ['record-histories'] });
        }
        await expectState(run.result(), id);
        if (held.length === 0) throw new Error(`${id}: no deletion guard held, so the scenario recorded nothing it is there for`);
        if (stack.workplaceSimulator.dump().employees[leaver.epId]) throw new Error(`${id}: the approved deletion did not happen`);
        out(`    the guard held and was approved in: ${held.join(', ')}`);
        await ctx.save('deletion-approved', id);
      } finally {
        await stack.close();
      }
    },
  },
  {
    // The pause reaches the stage through the parent (a relayed signal), as an operator's does.
    name: 'a run paused mid-stage and resumed',
    async drive(ctx) {
      const { day1: org } = smallOrgs(1403, 8, 2);
      const stack = await ctx.stack(org);
      try {
        // Slow answers and one write at a time keep the stage going long enough to pause it mid-way.
        stack.workplaceSimulator.faults.latencyMs(300);
        const id = 'replay-paused-resumed';
        const input: OrgSyncInput = { tuning: { ...TUNING, writeConcurrency: 1 }, stages: ['grades'] };
        const run = await ctx.client.workflow.start(orgSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: id, args: [input] });
        const stage = ctx.client.workflow.getHandle(stageWorkflowId(id, { stage: 'grades', pass: 'main' }));
        await until(async () => (await stage.query(stageProgressQuery)).counts.done >= 2, 'the stage to have written 2');
        await run.signal(pauseSignal);
        const paused = await until(async () => {
          const p: StageProgress = await stage.query(stageProgressQuery);
          return p.state === 'paused' && p.inFlight === 0 ? p : undefined;
        }, 'the stage to be paused with nothing in flight');
        const progress: OrgSyncProgress = await run.query(progressQuery);
        if (progress.state !== 'paused') throw new Error(`${id}: the run says ${progress.state}, not paused`);
        if (paused.counts.done >= paused.counts.planned) throw new Error(`${id}: the stage had written everything before the pause`);
        out(`    paused after ${paused.counts.done} of ${paused.counts.planned} writes`);
        await new Promise((r) => setTimeout(r, 500));
        stack.workplaceSimulator.faults.latencyMs(0);
        await run.signal(resumeSignal);
        await expectState(run.result(), id);
        await ctx.save('paused-resumed', id);
      } finally {
        await stack.close();
      }
    },
  },
  {
    name: 'a stage that continues as new',
    async drive(ctx) {
      const stack = await ctx.stack(smallOrgs(1404, 5, 2).day1);
      try {
        const id = 'replay-continued-as-new';
        // A stage continues as new once its history passes maxHistoryEvents (8,000 in production): here after
        // about two writes, so the stage's six grades take several runs.
        const tuning = { ...TUNING, maxHistoryEvents: 30, writeConcurrency: 1 };
        await expectState(stack.sync(id, { tuning, stages: ['grades'] }), id);
        const grades = ctx.client.workflow.getHandle(stageWorkflowId(id, { stage: 'grades', pass: 'main' }));
        const first = (await grades.fetchHistory()).events?.[0];
        if (!first?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId)
          throw new Error(`${id}: the grades stage did not continue as new; lower maxHistoryEvents`);
        // The stage's chain of runs only: its parent is a plain run, as in day 1.
        await ctx.save('continued-as-new', grades.workflowId);
      } finally {
        await stack.close();
      }
    },
  },
  {
    // The two other shapes of a run: a reviewed one (its dry-run children, the wait, the approved apply), and a
    // rollback of it. Grades only: every stage runs the same stage code.
    name: 'a reviewed run, approved, then rolled back',
    async drive(ctx) {
      const stack = await ctx.stack(DAY1, { settings: NO_GUARD });
      try {
        const id = 'replay-reviewed';
        const run = await ctx.client.workflow.start(orgSyncWorkflow, {
          taskQueue: stack.taskQueue,
          workflowId: id,
          args: [{ tuning: TUNING, review: true, stages: ['grades'] }],
        });
        await until(async () => (await run.query(progressQuery)).state === 'awaiting-review', 'the run to wait for its review');
        await run.executeUpdate(approveRunUpdate, { args: ['record-histories'] });
        await expectState(run.result(), id);
        await ctx.save('reviewed-approved', id);
        const rollback = rollbackWorkflowId(id);
        await expectState(
          ctx.client.workflow.execute(orgSyncWorkflow, {
            taskQueue: stack.taskQueue,
            workflowId: rollback,
            args: [{ tuning: TUNING, rollback: { of: id }, stages: ['grades'] }],
          }),
          rollback,
        );
        if (Object.keys(stack.workplaceSimulator.dump().grades).length > 0)
          throw new Error(`${rollback}: the grades it should have deleted remain`);
        await ctx.save('rollback', rollback);
      } finally {
        await stack.close();
      }
    },
  },
];

async function expectState(result: Promise<{ state: string }>, what: string): Promise<void> {
  const { state } = await result;
  if (state !== 'completed' && state !== 'completed-with-failures') throw new Error(`${what} ended ${state}`);
  out(`    ${what}: ${state}`);
}

/** Waits for a recorded scenario's next step; a loaded machine gets two minutes. */
const until = <T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 120_000): Promise<T> =>
  eventually(check, { timeoutMs, intervalMs: 50, what });

/**
 * Every execution a root workflow led to, each once it has closed: children (stages, notifications) from
 * their start events, and each continued-as-new run from the event that ended the one before.
 */
async function collect(client: Client, root: Root, dir: string): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  // From the root's first run: a root that continued as new names its newest run.
  const latest = (await client.workflow.getHandle(root.workflowId).fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
  const queue: { workflowId: string; runId?: string; run: number }[] = [
    { workflowId: root.workflowId, ...(latest?.firstExecutionRunId ? { runId: latest.firstExecutionRunId } : {}), run: 1 },
  ];
  while (queue.length) {
    const next = queue.shift()!;
    const handle = client.workflow.getHandle(next.workflowId, next.runId);
    const description = await until(async () => {
      const d = await handle.describe();
      return d.status.name === 'RUNNING' ? undefined : d;
    }, `${next.workflowId} to close`);
    const history = await client.workflow.getHandle(next.workflowId, description.runId).fetchHistory();
    const events = history.events ?? [];
    for (const e of events) {
      const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId && child.runId) queue.push({ workflowId: child.workflowId, runId: child.runId, run: 1 });
      const continued = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (continued) queue.push({ workflowId: next.workflowId, runId: continued, run: next.run + 1 });
    }
    const below =
      next.workflowId === root.workflowId ? description.type : next.workflowId.slice(root.workflowId.length + 1).replace(/\//g, '.');
    const file = `${root.scenario}.${below}${next.run > 1 ? `.run${next.run}` : ''}.json`;
    // The SDK's JSON form (historyFromJSON reads it back), without its indentation: a third of the size.
    writeFileSync(join(dir, file), `${JSON.stringify(JSON.parse(historyToJSON(history)))}\n`);
    entries.push({
      file,
      scenario: root.scenario,
      workflowId: next.workflowId,
      runId: description.runId,
      workflowType: description.type,
      events: events.length,
    });
  }
  return entries;
}

async function main(): Promise<number> {
  const started = Date.now();
  // Errors only: a held guard and the write worker's empty workflow list warn by design; a failed scenario throws.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const target = args.out ?? HISTORIES_DIR;
  const staging = mkdtempSync(join(tmpdir(), 'orgsync-histories-'));
  out(`recording workflow histories into ${target}`);
  out('  starting a Temporal dev server of its own …');
  const server = await startDevServer();
  const connection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const cleanups: (() => Promise<unknown>)[] = [() => server.stop(), () => connection.close(), () => client.connection.close()];
  try {
    const bundle: WorkflowBundleWithSourceMap = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      logger: new DefaultLogger('WARN'),
    });
    let queues = 0;
    const histories: HistoryEntry[] = [];
    const ctx: Context = {
      client,
      stack: (org, options = {}) =>
        startLocalStack({ connection, client, taskQueue: `record-${++queues}`, org, workflowBundle: bundle, ...options }),
      save: async (scenario, workflowId) => void histories.push(...(await collect(client, { scenario, workflowId }, staging))),
    };

    for (const driver of DRIVERS) {
      out(`  ${driver.name} …`);
      await driver.drive(ctx);
    }
    const missing = Object.keys(SCENARIOS).filter((name) => !histories.some((h) => h.scenario === name));
    if (missing.length) throw new Error(`no history saved for ${missing.join(', ')}`);

    const manifest: Manifest = {
      recordedBy: 'npm run record-histories (scripts/record-histories.ts)',
      recordedAt: new Date().toISOString(),
      temporalSdk: (
        JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@temporalio/worker/package.json'), 'utf8')) as { version: string }
      ).version,
      scenarios: SCENARIOS,
      histories,
    };
    writeFileSync(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

    for (const file of readdirSync(staging)) {
      const text = readFileSync(join(staging, file), 'utf8');
      for (const secret of [LOCAL_WORKPLACE.secretKey, LOCAL_WORKPLACE.accessKey])
        if (text.includes(secret)) throw new Error(`${file} contains a credential; histories must not`);
    }

    out('  replaying them against the current code …');
    const failed = (await replayAll(staging)).filter((o) => o.error);
    for (const f of failed) out(`    ${f.entry.file}: ${f.error!.name}: ${f.error!.message}`);
    if (failed.length) throw new Error(`${failed.length} recorded histories do not replay; left in ${staging}`);

    // Replace the old set whole, so a scenario dropped from this script leaves no stale file behind.
    mkdirSync(target, { recursive: true });
    for (const file of readdirSync(target)) if (file.endsWith('.json')) rmSync(join(target, file));
    for (const file of readdirSync(staging)) renameSync(join(staging, file), join(target, file));
    rmSync(staging, { recursive: true, force: true });

    let total = 0;
    for (const h of histories) {
      const bytes = readFileSync(join(target, h.file)).length;
      total += bytes;
      out(`    ${h.file.padEnd(60)} ${String(h.events).padStart(5)} events ${(bytes / 1024).toFixed(1).padStart(7)} KB`);
    }
    out(`  ${histories.length} histories, ${(total / 1024).toFixed(1)} KB, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return 0;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`record-histories failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
