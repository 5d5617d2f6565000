/**
 * Knox calls of a night's employee read, in both modes, through the engine's own snapshot (takeSnapshot,
 * engine/knox-read.ts) against the simulator: day 1 per department (no earlier complete read), day 2 (1%
 * churn) by title with its completeness checks, and day 2 again per department (--full-read), which must
 * find the same people. Calls, not timings. Figures quoted in docs/knox.md and README "Sizing".
 *   npx tsx bench/knox-calls.ts [--employees 10000] [--departments 1000] [--churn 0.01] [--seed 1]
 * The last lines read "Knox calls by department N" and "Knox calls by title N".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyncSettingsSchema } from '../config/sync.js';
import { readSnapshot, takeSnapshot } from '../engine/knox-snapshot.js';
import { createKnoxClient, type KnoxEmployee } from '../knox/index.js';
import { startKnoxSimulator } from '../knox/simulator/server.js';
import { DirectoryStore } from '../store/index.js';
import { benchArgs, twoDays } from './args.js';

const values = benchArgs({ employees: 10000, departments: 1000, churn: 0.01, seed: 1 });
const { day1, day2, changes } = twoDays(values);
console.log(
  `${day1.employees.length} employees, ${day1.organizations.length} departments, ${day1.titles.length} titles; day 2 at churn ${values.churn}: ${changes.hired.length} hired, ${changes.resigned.length} resigned`,
);

const simulator = await startKnoxSimulator({ org: day1 });
const dir = mkdtempSync(join(tmpdir(), 'orgsync-knox-calls-'));
try {
  const knox = createKnoxClient(
    { baseUrl: simulator.url, systemId: 'BENCH', companyCodes: [day1.companyCode], rps: 1000, headers: {} },
    { rateLimit: false, concurrency: 8 },
  );
  const store = new DirectoryStore(dir);
  const deps = { knox, store, settings: SyncSettingsSchema.parse({}), companyCodes: [day1.companyCode] };

  const night = async (runId: string, org: typeof day1, fullRead = false) => {
    simulator.setOrg(org);
    simulator.clearLog();
    await takeSnapshot(deps, runId, 'employees', { fullRead });
    const stored = (await readSnapshot<KnoxEmployee>(store, runId, 'employees'))!;
    const read = stored.read!;
    const { total, byPath } = simulator.counters();
    const checks = read.checks
      ? `; checks: ${read.checks.lookedUp} looked up, ${read.checks.missed} missed, ${read.checks.departmentsReread} departments again`
      : '';
    console.log(
      `${runId}: ${read.mode} (${read.reason}): ${total} calls (titles ${byPath['/titles'] ?? 0}, organizations ${byPath['/organizations'] ?? 0}, employees ${byPath['/employees'] ?? 0})${checks}; ${stored.rows.length} employees`,
    );
    return { total, ids: new Set(stored.rows.map((r) => r.epId)) };
  };

  await night('day-1', day1);
  const byTitle = await night('day-2', day2);
  const complete = await night('day-2-full', day2, true);
  const same = byTitle.ids.size === complete.ids.size && [...byTitle.ids].every((id) => complete.ids.has(id));
  if (!same) throw new Error(`the read by title found ${byTitle.ids.size} people, the complete read ${complete.ids.size}`);
  console.log(
    `both reads of day 2 found the same ${complete.ids.size} people; the employees stage then confirms its ${changes.resigned.length} leavers by epId (${Math.ceil(changes.resigned.length / 100)} calls more)`,
  );
  console.log(`at KNOX_RPS 10: by department ${(complete.total / 10 / 60).toFixed(1)} min, by title ${(byTitle.total / 10).toFixed(0)} s`);
  console.log(`Knox calls by department ${complete.total}`);
  console.log(`Knox calls by title ${byTitle.total}`);
} finally {
  await simulator.close();
  rmSync(dir, { recursive: true, force: true });
}
