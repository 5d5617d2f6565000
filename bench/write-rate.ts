/**
 * Benchmark: how close the apply phases come to WORKPLACE_RPS, and whether any second goes over it, with one
 * and with two worker processes (`worker/main.ts`, as deployed) on one task queue and one PostgreSQL store,
 * against a local Temporal dev server, a throwaway PostgreSQL and the simulators (in this process).
 *
 *   npx tsx bench/write-rate.ts                          # WORKPLACE_RPS 50, 1 and 2 processes, ~8 minutes
 *   npx tsx bench/write-rate.ts --rps 10 --workers 2 --employees 100 --departments 10
 *
 * Each case syncs a generated org into an empty WORKPLACE, sits idle for --idle seconds (the server's
 * task-queue limiter refills meanwhile) and syncs a churn day. Printed per case and day: per apply phase (a run
 * of writes to one WORKPLACE entity), the writes, the requests in its span (reads too: the gateway counts them),
 * the span (first to last arrival), requests/s ÷ WORKPLACE_RPS and the writes in the phase's first second (the
 * write queue was idle while the stage planned); the most requests of any kind in one second at the simulator,
 * and in the second right after the pause.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { right, table } from '../client/format.js';
import { DEFAULT_PACE_MARGIN_MS } from '../config/index.js';
import { startPostgresServer } from '../scripts/postgres-dev-server.js';
import { REPO_ROOT } from '../scripts/temporal-dev-server.js';
import { maxInAnySecond, type RequestLogEntry } from '../workplace/simulator/request-log.js';
import { orgSyncWorkflow } from '../workflows/org-sync.js';
import { benchArgs, twoDays } from './args.js';
import { startBenchSimulators } from './simulators.js';

const args = benchArgs(
  { employees: 1000, departments: 100, churn: 0.3, seed: 7 },
  {
    rps: 50,
    /** Comma-separated process counts, one case each. */
    workers: '1,2',
    /** Seconds idle between the two days. */
    idle: 5,
    /** WORKPLACE_PACE_MARGIN_MS; the config's default when absent. */
    'pace-margin-ms': undefined,
  },
);

const out = (line = '') => process.stdout.write(`${line}\n`);
const RPS = Number(args.rps);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function main(): Promise<void> {
  const { day1, day2 } = twoDays(args);
  out(
    `orgsync write-rate benchmark: WORKPLACE_RPS ${RPS}, WORKPLACE_PACE_MARGIN_MS ${args['pace-margin-ms'] ?? DEFAULT_PACE_MARGIN_MS}; ${day1.employees.length} employees, ${day1.organizations.length} departments; churn ${args.churn}; idle ${args.idle} s between days; ${(await import('node:os')).cpus().length} cores`,
  );
  const postgres = await startPostgresServer();
  const sims = await startBenchSimulators(day1);
  const { knox, workplace, client } = sims;
  const dir = mkdtempSync(join(tmpdir(), 'orgsync-write-rate-'));
  const configFile = join(dir, 'orgsync.yaml');
  writeFileSync(configFile, 'sync:\n  deletionGuard: { maxShare: 1, maxCount: 1000000 }\n');
  const summary: (string | number)[][] = [];

  try {
    for (const count of args.workers.split(',').map(Number)) {
      const taskQueue = `orgsync-write-rate-${count}-${Date.now()}`;
      const env = {
        ...process.env,
        ...sims.workerEnv({
          taskQueue,
          workplaceRps: RPS,
          ...(args['pace-margin-ms'] === undefined ? {} : { paceMarginMs: Number(args['pace-margin-ms']) }),
        }),
        ORGSYNC_STORE_URL: postgres.url,
        ORGSYNC_STORE_SCHEMA: `write_rate_${count}_${Date.now()}`,
        ORGSYNC_CONFIG: configFile,
        ORGSYNC_METRICS_ADDRESS: '',
      };
      const workers = Array.from({ length: count }, (_, i) =>
        spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...env, ORGSYNC_STORE_DIR: join(dir, `own-${count}-${i}`) },
        }),
      );
      try {
        await Promise.all(workers.map(ready));
        workplace.reset();
        workplace.clearLog();
        out();
        out(`${count} worker process${count === 1 ? '' : 'es'}`);
        let after: number | undefined;
        for (const [day, org] of [
          [1, day1],
          [2, day2],
        ] as const) {
          if (day === 2) await new Promise((r) => setTimeout(r, Number(args.idle) * 1000));
          knox.setOrg(org);
          const from = workplace.log().length;
          const result = await client.workflow.execute(orgSyncWorkflow, { taskQueue, workflowId: `${taskQueue}-day${day}`, args: [{}] });
          const log = workplace.log().slice(from);
          if (day === 2) after = log[0]?.at;
          const stats = applyStats(log);
          out(`  day ${day} (${result.state}): max requests in any 1 s ${maxInAnySecond(log.map((e) => e.at))}`);
          for (const line of table(
            [{ header: 'entity' }, ...['writes', 'requests', 'span', 'requests/s', 'of RPS', '1st second'].map(right)],
            stats.rows.map((r) => [
              r.entity,
              r.writes,
              r.requests,
              `${(r.spanMs / 1000).toFixed(1)} s`,
              r.rate.toFixed(1),
              pct(r.rate / RPS),
              r.firstSecond,
            ]),
          ))
            out(`    ${line}`);
          out(
            `    apply phases: ${stats.writes} writes, ${stats.rate.toFixed(1)} requests/s = ${pct(stats.rate / RPS)} of WORKPLACE_RPS (phases of ${Math.min(RPS, 25)}+ writes)`,
          );
          summary.push([
            `${count} process${count === 1 ? '' : 'es'}, day ${day}`,
            stats.writes,
            pct(stats.rate / RPS),
            maxInAnySecond(log.map((e) => e.at)),
          ]);
        }
        const all = workplace.log().map((e) => e.at);
        const resumed = after === undefined ? 0 : all.filter((t) => t >= after && t < after + 1000).length;
        out(
          `  both days: max requests in any 1 s ${maxInAnySecond(all)} (limit ${RPS}); in the first second after the ${args.idle} s pause ${resumed}`,
        );
      } finally {
        for (const w of workers) w.kill('SIGTERM');
        await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode === null ? w.once('exit', r) : r(undefined)))));
      }
    }
    out();
    out(`Summary (WORKPLACE_RPS ${RPS}):`);
    for (const line of table([{ header: 'case' }, ...['writes', 'apply rate ÷ RPS', 'max in 1 s'].map(right)], summary)) out(`  ${line}`);
  } finally {
    await sims.close();
    await postgres.stop();
  }
}

function ready(worker: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      if (!d.toString().includes('orgsync worker ready')) return;
      worker.stdout!.off('data', onData);
      worker.stdout!.resume();
      resolve();
    };
    worker.stdout!.on('data', onData);
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

/**
 * The apply phases: maximal runs of writes to one WORKPLACE entity (the route without its verb) in arrival order,
 * so a stage's follow-up pass (departments' deletions and heads, after the employees) is a phase of its own. A
 * phase's rate is (writes − 1) ÷ (last − first arrival); phases of fewer than min(RPS, 25) writes say little and
 * are left out of the total.
 */
function applyStats(log: readonly RequestLogEntry[]) {
  const phases: { entity: string; nth: number; times: number[] }[] = [];
  for (const e of log) {
    if (e.method === 'GET') continue;
    const entity = e.route.replace(/^\w+ /, '');
    const last = phases.at(-1);
    if (last?.entity === entity) last.times.push(e.at);
    else phases.push({ entity, nth: phases.filter((p) => p.entity === entity).length + 1, times: [e.at] });
  }
  const rows = phases.map(({ entity: name, nth, times }) => {
    const entity = nth > 1 ? `${name} (${nth})` : name;
    const first = times[0]!;
    const spanMs = times.at(-1)! - first;
    // Reads in the phase take slots too (each employee delete first asks whether that is the representative admin).
    const requests = log.filter((e) => e.at >= first && e.at <= first + spanMs).length;
    return {
      entity,
      writes: times.length,
      requests,
      spanMs,
      rate: spanMs > 0 ? ((requests - 1) * 1000) / spanMs : 0,
      // The phase's first second: the write queue sat idle while the stage planned, so this is where a burst would be.
      firstSecond: times.filter((t) => t < first + 1000).length,
    };
  });
  const counted = rows.filter((r) => r.writes >= Math.min(RPS, 25));
  const intervals = counted.reduce((sum, r) => sum + r.requests - 1, 0);
  const spanMs = counted.reduce((sum, r) => sum + r.spanMs, 0);
  return { rows, writes: rows.reduce((sum, r) => sum + r.writes, 0), rate: spanMs ? (intervals * 1000) / spanMs : 0 };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
