/**
 * `npm run demo`: orgsync end to end on this machine. A Temporal dev server with its Web UI, a Knox
 * simulator holding a generated company, a WORKPLACE simulator, and a worker; then a full sync, and a
 * next-day sync with churn. Prints what each stage changed, what failed and how long it took.
 *
 *   npm run demo                  # run both days, then stop everything
 *   npm run demo -- --keep        # keep it all running to explore (UI, `npx orgsync status` …); Ctrl-C stops
 *   npm run demo -- --employees 10000 --departments 800 --churn 0.02
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { resultRows, stageTable } from '../client/views.js';
import { generateOrg, nextDay } from '../generator/index.js';
import { STAGE_TITLES } from '../engine/pipeline.js';
import { approveDeletionsUpdate, progressQuery } from '../workflows/definitions.js';
import { type OrgSyncProgress, type OrgSyncResult } from '../engine/types.js';
import { orgSyncWorkflow } from '../workflows/org-sync.js';
import { startLocalStack } from './local-stack.js';
import { REPO_ROOT, startDevServer } from './temporal-dev-server.js';

const { values: args } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    employees: { type: 'string', default: '3000' },
    departments: { type: 'string', default: '250' },
    churn: { type: 'string', default: '0.01' },
    seed: { type: 'string', default: '2026' },
    port: { type: 'string', default: '7233' },
    'ui-port': { type: 'string', default: '8233' },
  },
});

const TASK_QUEUE = 'orgsync';
const DEMO_DIR = join(REPO_ROOT, '.orgsync/demo');
/** Knox has no attendance categories, so 부재항목 come from the config file; these are what a customer would list. */
const DEMO_ABSENCE_ITEMS = [
  { key: 'annual-leave', name: '연차', i18nNames: { en_US: 'Annual leave' }, halfDayYn: 'Y', sortOrder: 1 },
  { key: 'business-trip', name: '출장', i18nNames: { en_US: 'Business trip' }, sortOrder: 2 },
  { key: 'training', name: '교육', i18nNames: { en_US: 'Training' }, sortOrder: 3 },
  { key: 'sick-leave', name: '병가', i18nNames: { en_US: 'Sick leave' }, sortOrder: 4 },
];
const out = (line = '') => process.stdout.write(`${line}\n`);

Runtime.install({ logger: new DefaultLogger('ERROR') });

const cleanups: (() => Promise<unknown>)[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
  process.exit(code);
}
process.once('SIGINT', () => void stopAll(130));
process.once('SIGTERM', () => void stopAll(143));

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(DEMO_DIR, { recursive: true, force: true });
  mkdirSync(DEMO_DIR, { recursive: true });

  out('orgsync demo');
  out('  starting a Temporal dev server with its Web UI …');
  const server = await startDevServer({ port: Number(args.port), uiPort: Number(args['ui-port']) });
  cleanups.push(() => server.stop());

  const employees = Number(args.employees);
  const departments = Number(args.departments);
  const day1 = generateOrg({ seed: Number(args.seed), employees, departments });
  const { org: day2, changes } = nextDay(day1, { seed: Number(args.seed) + 1, churn: Number(args.churn) });

  const connection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  cleanups.push(() => connection.close());
  const stack = await startLocalStack({
    connection,
    client,
    taskQueue: TASK_QUEUE,
    org: day1,
    storeDir: join(DEMO_DIR, 'store'),
    workplaceRps: 500,
    settings: { absenceItems: DEMO_ABSENCE_ITEMS },
  });
  cleanups.push(() => stack.close());
  out(
    `  Knox simulator       ${stack.knoxSimulator.url}   (${day1.employees.length} employees, ${day1.organizations.length} departments, ${day1.titles.length} grades)`,
  );
  out(`  WORKPLACE simulator  ${stack.workplaceSimulator.url}`);
  out(`  Temporal             ${server.address}   Web UI: ${server.uiUrl}`);

  // One employee WORKPLACE will refuse, so the report shows what a failure looks like.
  const refused = day1.employees[7]!;
  stack.workplaceSimulator.faults.failKeys([refused.epId], 'the e-mail domain is not registered for this company');

  const first = await runDay(client, 'orgsync-demo-day1', 'Day 1: the first full sync into an empty WORKPLACE');
  out();
  out(
    `Overnight, Knox changed (churn ${Math.round(Number(args.churn) * 100)}%): ${changes.hired.length} hired, ${changes.resigned.length} left, ${changes.transferred.length} transferred, ${changes.promoted.length} promoted, ${changes.renamed.length} renamed, ${changes.departmentsAdded.length} departments added, ${changes.departmentsDeleted.length} deleted, ${changes.departmentsMoved.length} moved, ${changes.departmentsRenamed.length} renamed`,
  );
  stack.knoxSimulator.setOrg(day2);
  const second = await runDay(client, 'orgsync-demo-day2', 'Day 2: only what changed is written');

  out();
  out(
    `Done in ${seconds(Date.now() - started)}. WORKPLACE now holds ${Object.keys(stack.workplaceSimulator.dump().employees).length} employees; ${stack.workplaceSimulator.counters().total} requests reached it.`,
  );
  out(
    `Both runs are in the Temporal UI: ${server.uiUrl}/namespaces/default/workflows (each stage a child workflow, each write an activity).`,
  );
  if (!args.keep) {
    out('Run with `npm run demo -- --keep` to keep it running and explore.');
    // The generated org has one person WORKPLACE refuses, by design: completed with failures is a good demo.
    const wentThrough = (r: OrgSyncResult) => r.state === 'completed' || r.state === 'completed-with-failures';
    await stopAll(wentThrough(first) && wentThrough(second) ? 0 : 1);
  }
  out();
  out('Still running. Try, in another terminal:');
  out(`  TEMPORAL_ADDRESS=${server.address} npx orgsync list`);
  out(`  TEMPORAL_ADDRESS=${server.address} ORGSYNC_STORE_DIR=${join(DEMO_DIR, 'store')} npx orgsync report orgsync-demo-day1`);
  out('Ctrl-C stops everything.');
  await new Promise(() => undefined);
}

async function runDay(client: Client, workflowId: string, title: string): Promise<OrgSyncResult> {
  out();
  out(title);
  const handle = await client.workflow.start(orgSyncWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId,
    args: [{}],
    staticSummary: `orgsync demo: ${title}`,
  });
  const result = await follow(handle);
  out();
  // The per-stage table `orgsync report` prints, so the demo shows what an operator will read.
  for (const line of stageTable(resultRows(result))) out(`  ${line}`);
  const failed = result.stages.flatMap((s) => s.outcomes).filter((o) => o.outcome === 'failed');
  for (const o of failed.slice(0, 5)) out(`  ✗ ${STAGE_TITLES[o.stage]} ${o.op} ${o.key}${o.label ? ` (${o.label})` : ''}: ${o.message}`);
  out(`  ${result.state} in ${seconds(result.durationMs)}`);
  return result;
}

/** Prints each stage as it finishes, and decides a held deletion guard the way an operator would. */
async function follow(handle: WorkflowHandle<typeof orgSyncWorkflow>): Promise<OrgSyncResult> {
  const reported = new Set<string>();
  const done = handle.result().then(
    (r) => r,
    (err: unknown) => {
      if (err instanceof WorkflowFailedError && err.cause && 'details' in err.cause)
        return (err.cause as { details: OrgSyncResult[] }).details[0]!;
      throw err;
    },
  );
  let finished: OrgSyncResult | undefined;
  void done.then((r) => (finished = r));
  // One more query after the run ends, so the last stage's line is printed too.
  for (let last = false; !last;) {
    last = finished !== undefined;
    const progress: OrgSyncProgress | undefined = await handle.query(progressQuery).catch(() => undefined);
    for (const stage of progress?.stages ?? []) {
      const key = `${stage.stage}.${stage.pass}`;
      if (['completed', 'failed', 'cancelled'].includes(stage.state) && !reported.has(key)) {
        reported.add(key);
        const c = stage.counts;
        const name = stage.pass === 'followUp' ? `${STAGE_TITLES[stage.stage]} follow-up (heads, deletions)` : STAGE_TITLES[stage.stage];
        out(`  ${name}: ${stage.state}, ${c.done} written, ${c.failed} failed, ${c.skipped} skipped, ${c.unchanged} unchanged`);
      }
    }
    if (progress?.state === 'awaiting-approval' && progress.hold) {
      out(`  ⚠ deletion guard: ${STAGE_TITLES[progress.hold.stage]} plans ${progress.hold.deletions} deletions (${progress.hold.reason}).`);
      out('    An operator would check and run `orgsync approve-deletions`; the demo approves.');
      await handle.executeUpdate(approveDeletionsUpdate, { args: ['demo'] });
    }
    if (!last) await Promise.race([done, new Promise((r) => setTimeout(r, 500))]);
  }
  return finished!;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

main().catch(async (err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll(1);
});
