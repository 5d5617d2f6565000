/**
 * A rolling upgrade (issue 14 item 3): a run is mid-way through writing when a new worker process starts
 * beside the old one, and the old one is then stopped the way a deploy stops it (SIGTERM: in-flight writes
 * are answered, then it exits). The new process picks up the run's workflows from their histories and
 * finishes the run, and WORKPLACE sees every object written once.
 *
 * test/worker.test.ts ("stops on SIGTERM mid-run … another worker finishes the run") covers the stop-then-
 * start order (a restart). This file covers the overlap a rolling deploy has, where both processes poll
 * the same queues for a while. The new process runs the same code; test/replay.test.ts proves the current
 * code replays recorded histories.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateOrg } from '../generator/index.js';
import { freePort } from '../scripts/temporal-dev-server.js';
import { progressQuery } from '../workflows/definitions.js';
import { orgSyncWorkflow } from '../workflows/org-sync.js';
import { actualWorkplace, expectedWorkplace } from './helpers/stack.js';
import { eventually, unique } from './helpers/temporal.js';
import { startWorker, workerReady, workerSimulatorsFor, type WorkerProcess } from './helpers/worker-process.js';

describe('a rolling upgrade', () => {
  const org = generateOrg({ seed: 141, employees: 40, departments: 6 });
  const sims = workerSimulatorsFor(org);

  it('finishes a run whose worker is replaced mid-write by a new process (old one SIGTERMed after the new one is up), writing each object once', async () => {
    // The processes share one host's store directory, as a rolling restart on one host does.
    const store = mkdtempSync(join(tmpdir(), 'orgsync-rolling-'));
    const settings = join(store, 'four-in-flight.yaml');
    // Four writes in flight. Answers slow down to a second each from the department stage on, so the run is
    // certain to be mid-way through its writes while the new process starts, however long starting takes on
    // a loaded machine (it has some 200 writes, about 50 s, to do it in); they speed up again once the old one is gone.
    writeFileSync(settings, 'sync:\n  writeConcurrency: 4\n');
    sims.workplace.faults.latencyMs(0);
    const taskQueue = unique('rolling');
    const env = async () => ({ ...sims.workerEnv({ taskQueue, store, metricsPort: await freePort() }), ORGSYNC_CONFIG: settings });
    const ready = (worker: WorkerProcess) => workerReady(worker, 90_000);
    const written = () => sims.workplace.log().filter((e) => e.method !== 'GET').length;

    const old = startWorker(await env());
    let replacement: WorkerProcess | undefined;
    try {
      await ready(old);
      const run = await sims.client.workflow.start(orgSyncWorkflow, { taskQueue, workflowId: unique('rolling'), args: [{}] });
      await eventually(() => Object.keys(sims.workplace.dump().departments).length >= 1, {
        timeoutMs: 90_000,
        what: 'departments being written',
      });
      sims.workplace.faults.latencyMs(1000);
      // Mid-apply: departments written, employees being written.
      await eventually(() => Object.keys(sims.workplace.dump().employees).length >= 3, {
        timeoutMs: 90_000,
        what: 'employees being written',
      });

      replacement = startWorker(await env());
      await ready(replacement);
      // Both processes now poll the run's queues. The run is still going: that is what makes this an upgrade mid-run.
      const during = await run.query(progressQuery);
      expect(during.state).toBe('running');

      old.child.kill('SIGTERM');
      expect(await old.exited).toBe(0);
      expect(old.output().stdout).toContain('orgsync worker stopped');
      const writtenWhenOldStopped = written();
      // Nothing the old process sent was left unanswered when it exited. (Requests still open now are the
      // new process's: both poll the same queues.)
      expect(sims.workplace.log().filter((e) => e.abandoned)).toEqual([]);
      sims.workplace.faults.latencyMs(0);

      const result = await run.result();
      expect(result.state).toBe('completed');
      // The new process did the rest: there was a rest, and it was written after the old process had gone.
      expect(written()).toBeGreaterThan(writtenWhenOldStopped);
    } finally {
      if (old.child.exitCode === null) old.child.kill('SIGTERM');
      replacement?.child.kill('SIGTERM');
    }
    expect(await replacement.exited).toBe(0);

    // Each object written once: no request (method and path: an object, or one of its attribute values)
    // was sent twice, every employee and department was created exactly once, and WORKPLACE is what Knox says.
    const writes = new Map<string, number>();
    for (const e of sims.workplace.log())
      if (e.method !== 'GET') writes.set(`${e.method} ${e.path}`, (writes.get(`${e.method} ${e.path}`) ?? 0) + 1);
    expect([...writes].filter(([, n]) => n > 1)).toEqual([]);
    const created = (route: string) =>
      sims.workplace
        .log()
        .filter((e) => e.route === route && e.status === 201)
        .map((e) => e.externalKey)
        .sort();
    expect(created('POST employee')).toEqual(org.employees.map((e) => e.epId).sort());
    expect(created('POST department')).toEqual(org.organizations.map((o) => o.departmentCode).sort());
    expect(actualWorkplace(sims.workplace.dump())).toEqual(expectedWorkplace(org));
  }, 240_000);
});
