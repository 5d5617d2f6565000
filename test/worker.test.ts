/**
 * `npm run worker` as the real process it is: configuration errors, a sync through it, its Prometheus
 * endpoint, its logs, a graceful stop on SIGTERM, and two processes sharing a PostgreSQL store.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { generateOrg, nextDay } from '../generator/index.js';
import { freePort } from '../scripts/temporal-dev-server.js';
import { LOCAL_KNOX_SYSTEM_ID, LOCAL_WORKPLACE } from '../scripts/local-stack.js';
import { StoreConfigSchema } from '../config/index.js';
import { openStore } from '../store/index.js';
import { rollbackWorkflowId } from '../workflows/definitions.js';
import { orgSyncWorkflow } from '../workflows/org-sync.js';
import { eventually, unique } from './helpers/temporal.js';
import { startWorker, workerReady, workerSimulatorsFor, type WorkerProcess } from './helpers/worker-process.js';

describe('the worker process', () => {
  it('exits with 2 and names every missing variable when the environment is empty', async () => {
    const worker = startWorker({});
    expect(await worker.exited).toBe(2);
    const { stderr } = worker.output();
    for (const name of [
      'KNOX_BASE_URL',
      'KNOX_SYSTEM_ID',
      'KNOX_COMPANY_CODES',
      'WORKPLACE_COMPANY_ID',
      'NCP_ACCESS_KEY',
      'NCP_SECRET_KEY',
    ])
      expect(stderr).toContain(`- ${name}:`);
  });

  describe('configured against the simulators', () => {
    const org = generateOrg({ seed: 5, employees: 30, departments: 6 });
    const sims = workerSimulatorsFor(org);

    const newStore = () => mkdtempSync(join(tmpdir(), 'orgsync-worker-'));
    const configured = (taskQueue: string, metricsPort: number, store: string) => sims.workerEnv({ taskQueue, metricsPort, store });
    const ready = (worker: WorkerProcess) => workerReady(worker, 60_000);
    // Each test syncs the same org into an empty WORKPLACE.
    beforeEach(() => {
      sims.knox.setOrg(org);
      sims.workplace.reset();
      sims.workplace.clearLog();
      sims.workplace.faults.clear();
    });

    it('stops on SIGTERM mid-run after its in-flight writes are answered, and another worker finishes the run creating nothing twice', async () => {
      sims.workplace.faults.latencyMs(100);
      // Two writes in flight, so SIGTERM finds the employee stage with most of its work still ahead.
      const store = newStore();
      const settings = join(store, 'two-in-flight.yaml');
      writeFileSync(settings, 'sync:\n  writeConcurrency: 2\n');
      const taskQueue = unique('worker-stop');
      const first = startWorker({ ...configured(taskQueue, await freePort(), store), ORGSYNC_CONFIG: settings });
      let run;
      try {
        await ready(first);
        run = await sims.client.workflow.start(orgSyncWorkflow, { taskQueue, workflowId: unique('stopped'), args: [{}] });
        await eventually(() => Object.keys(sims.workplace.dump().employees).length >= 5, {
          timeoutMs: 60_000,
          what: 'employees being written',
        });
      } finally {
        first.child.kill('SIGTERM');
      }
      expect(await first.exited).toBe(0);
      expect(first.output().stdout).toContain('orgsync worker stopped');
      // Nothing was left half-sent: every request WORKPLACE received got its answer before the process ended.
      expect(sims.workplace.log().filter((e) => e.status === 0)).toEqual([]);
      expect(Object.keys(sims.workplace.dump().employees).length).toBeLessThan(org.employees.length);

      sims.workplace.faults.latencyMs(0);
      const second = startWorker({ ...configured(taskQueue, await freePort(), store), ORGSYNC_CONFIG: settings });
      try {
        await ready(second);
        expect((await run.result()).state).toBe('completed');
      } finally {
        second.child.kill('SIGTERM');
      }
      expect(await second.exited).toBe(0);
      const created = sims.workplace.log().filter((e) => e.route === 'POST employee' && e.status === 201).length;
      expect(created).toBe(org.employees.length);
      expect(Object.keys(sims.workplace.dump().employees)).toHaveLength(org.employees.length);
    });

    it('a rollback whose worker is killed (SIGKILL) mid-way resumes on another worker and finishes, deleting each object once', async () => {
      const store = newStore();
      const settings = join(store, 'rollback.yaml');
      // Undoing a first run deletes everything it made: over the guard, which other tests cover.
      writeFileSync(settings, 'sync:\n  writeConcurrency: 2\n  deletionGuard: { maxShare: 1, maxCount: 1000000 }\n');
      const taskQueue = unique('rollback-kill');
      const env = { ...configured(taskQueue, await freePort(), store), ORGSYNC_CONFIG: settings };
      const runId = unique('to-undo');
      const first = startWorker(env);
      let rollback;
      try {
        await ready(first);
        expect((await sims.client.workflow.execute(orgSyncWorkflow, { taskQueue, workflowId: runId, args: [{}] })).state).toBe('completed');
        sims.workplace.clearLog();
        sims.workplace.faults.latencyMs(100);
        rollback = await sims.client.workflow.start(orgSyncWorkflow, {
          taskQueue,
          workflowId: rollbackWorkflowId(runId),
          // A delete the kill cuts off is retried once its attempt times out: 10 s rather than production's minute.
          args: [{ rollback: { of: runId }, tuning: { writeTimeoutMs: 10_000 } }],
        });
        await eventually(() => Object.keys(sims.workplace.dump().employees).length <= org.employees.length - 5, {
          timeoutMs: 60_000,
          what: 'employees being deleted',
        });
      } finally {
        first.child.kill('SIGKILL');
      }
      await first.exited;
      expect(Object.keys(sims.workplace.dump().employees).length).toBeGreaterThan(0);

      sims.workplace.faults.latencyMs(0);
      const second = startWorker({ ...env, ORGSYNC_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` });
      try {
        await ready(second);
        expect((await rollback.result()).state).toBe('completed');
      } finally {
        second.child.kill('SIGTERM');
      }
      await second.exited;
      const state = sims.workplace.dump();
      expect([state.employees, state.departments, state.grades, state.jobs].map((kind) => Object.keys(kind).length)).toEqual([0, 0, 0, 0]);
      // A delete the kill cut off may be sent again; WORKPLACE then answers "not found", and only one ever succeeded.
      const deleted = new Map<string, number>();
      for (const e of sims.workplace.log())
        if (e.method === 'DELETE' && e.status < 300) deleted.set(e.path, (deleted.get(e.path) ?? 0) + 1);
      expect([...deleted].filter(([, n]) => n > 1)).toEqual([]);
      const employeesDeleted = sims.workplace.log().filter((e) => e.route === 'DELETE employee' && e.status < 300);
      expect(new Set(employeesDeleted.map((e) => e.externalKey)).size).toBe(org.employees.length);
    });

    it('syncs, serves Prometheus metrics with orgsync counters, never logs a secret, and stops gracefully on SIGTERM', async () => {
      const taskQueue = unique('worker');
      const metricsPort = await freePort();
      // A webhook URL carries its token: the worker must never log it.
      const worker = startWorker({
        ...configured(taskQueue, metricsPort, newStore()),
        ORGSYNC_NOTIFY_URL: 'http://127.0.0.1:9/hooks/T0KEN-s3cret',
      });
      try {
        await ready(worker);
        const result = await sims.client.workflow.execute(orgSyncWorkflow, { taskQueue, workflowId: unique('via-worker'), args: [{}] });
        expect(result.state).toBe('completed');
        expect(Object.keys(sims.workplace.dump().employees)).toHaveLength(org.employees.length);

        const metrics = await eventually(
          async () => {
            const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
            return text.includes('orgsync_items_total') && text.includes('orgsync_task_queue_pollers') ? text : undefined;
          },
          { what: 'orgsync counters on /metrics' },
        );
        const employeesWritten = metrics
          .split('\n')
          .find(
            (l) =>
              l.startsWith('orgsync_items_total{') &&
              l.includes('op="create"') &&
              l.includes('outcome="written"') &&
              l.includes('stage="employees"'),
          );
        expect(employeesWritten?.split(' ').at(-1)).toBe(String(org.employees.length));
        expect(metrics).toContain('temporal_');
        // The collector's gauges share the endpoint: this worker polls both queues.
        expect(metrics).toMatch(new RegExp(`orgsync_task_queue_pollers\\{[^}]*queue="writes"[^}]*taskQueue="${taskQueue}"[^}]*\\} [1-9]`));
        expect(metrics).toContain(`orgsync_workplace_rate_limit_requests_per_second{namespace="default",taskQueue="${taskQueue}"} 200`);
      } finally {
        worker.child.kill('SIGTERM');
      }
      expect(await worker.exited).toBe(0);
      const { stdout, stderr } = worker.output();
      expect(stdout).toContain('orgsync worker stopped');
      for (const secret of [LOCAL_WORKPLACE.secretKey, LOCAL_WORKPLACE.accessKey, LOCAL_KNOX_SYSTEM_ID, 'T0KEN-s3cret'])
        expect(stdout + stderr).not.toContain(secret);
      // Logs are one JSON object per line.
      for (const line of stdout.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
    });

    /** Activity tasks this worker process received, by activity type (the SDK's own counter, on its /metrics). */
    async function activitiesReceived(metricsPort: number): Promise<Record<string, number>> {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const received: Record<string, number> = {};
      for (const line of text.split('\n')) {
        const match = /^temporal_activity_task_received(?:_total)?\{.*activity_type="(\w+)".*\} (\d+)$/.exec(line);
        if (match) received[match[1]!] = (received[match[1]!] ?? 0) + Number(match[2]);
      }
      return received;
    }

    /** Per object (its path: an attribute value's names the employee and the attribute), how often it was POSTed. */
    const postsPerObject = () => {
      const count = new Map<string, number>();
      for (const e of sims.workplace.log()) if (e.method === 'POST') count.set(e.path, (count.get(e.path) ?? 0) + 1);
      return count;
    };
    const keysPosted = (route: string) =>
      [...new Set(sims.workplace.log().flatMap((e) => (e.route === route ? [e.externalKey] : [])))].sort();

    it('runs as two processes on one task queue with directories of their own and one PostgreSQL store: day 1 and day 2 together, each object created once', async () => {
      const day1 = generateOrg({ seed: 21, employees: 120, departments: 12 });
      const { org: day2, changes } = nextDay(day1, { seed: 22, churn: 0.05 });
      sims.knox.setOrg(day1);
      const settings = join(newStore(), 'no-guard.yaml');
      writeFileSync(settings, 'sync:\n  deletionGuard: { maxShare: 1, maxCount: 1000000 }\n');
      const taskQueue = unique('two-workers');
      // A password in the URL (the test server trusts any) that no log line may show.
      const storeUrl = new URL(inject('postgresUrl'));
      storeUrl.password = 'pg-password-in-url';
      const shared = {
        ORGSYNC_STORE_URL: storeUrl.toString(),
        ORGSYNC_STORE_SCHEMA: unique('two_workers').replace(/-/g, '_'),
        ORGSYNC_CONFIG: settings,
      };
      const processes = await Promise.all(
        [0, 1].map(async () => {
          const metricsPort = await freePort();
          const dir = newStore();
          return { dir, metricsPort, worker: startWorker({ ...configured(taskQueue, metricsPort, dir), ...shared }) };
        }),
      );
      try {
        await Promise.all(processes.map((p) => ready(p.worker)));
        /** Syncs what Knox serves through the two processes: the run completes, and no object is posted twice. */
        const syncDay = async (day: string) => {
          const result = await sims.client.workflow.execute(orgSyncWorkflow, {
            taskQueue,
            workflowId: unique(`two-workers-${day}`),
            args: [{}],
          });
          expect(result.state).toBe('completed');
          expect([...postsPerObject()].filter(([, n]) => n > 1)).toEqual([]);
        };

        await syncDay('day1');
        expect(keysPosted('POST employee')).toEqual(day1.employees.map((e) => e.epId).sort());
        expect(keysPosted('POST department')).toEqual(day1.organizations.map((o) => o.departmentCode).sort());
        expect(postsPerObject().size).toBeGreaterThan(day1.employees.length + day1.organizations.length);

        sims.workplace.clearLog();
        sims.knox.setOrg(day2);
        await syncDay('day2');
        expect(keysPosted('POST employee')).toEqual([...changes.hired].sort());
        expect(keysPosted('POST department')).toEqual([...changes.departmentsAdded].sort());

        // Which process took which task is the server's choice (sticky workflow tasks, eager activities), so the
        // test asserts the totals. The SDK's counters end in _total (countersTotalSuffix).
        const received = await Promise.all(processes.map((p) => activitiesReceived(p.metricsPort)));
        expect(received.reduce((sum, ran) => sum + (ran.applyWrite ?? 0), 0)).toBeGreaterThan(0);
        // Seven stages planned each day, each once, by one process or the other.
        expect(received.reduce((sum, ran) => sum + (ran.planStage ?? 0), 0)).toBe(14);
      } finally {
        for (const p of processes) p.worker.child.kill('SIGTERM');
      }
      for (const p of processes) {
        expect(await p.worker.exited).toBe(0);
        const { stdout, stderr } = p.worker.output();
        expect(stdout).toContain(`"store":"postgres://${storeUrl.host}/postgres/${shared.ORGSYNC_STORE_SCHEMA}"`);
        expect(stdout + stderr).not.toContain('pg-password-in-url');
      }
      // Neither process wrote to its own directory: both runs are in the shared store.
      for (const p of processes) expect(readdirSync(p.dir)).toEqual([]);
      const store = await openStore(StoreConfigSchema.parse({ url: shared.ORGSYNC_STORE_URL, schema: shared.ORGSYNC_STORE_SCHEMA }));
      try {
        expect(await store.list('runs')).toHaveLength(2);
      } finally {
        await store.close();
      }
    });
  });
});
