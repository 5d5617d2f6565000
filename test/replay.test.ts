/**
 * Every saved history (test/histories/, recorded by `npm run record-histories`) replayed against the
 * current workflow code, loaded as the worker loads it. A change that would make an in-flight run issue
 * different commands on replay (reordered or added activities, timers, children, signals) fails here
 * with the SDK's determinism error, before it is deployed. docs/ARCHITECTURE.md, "Deploys and workflow
 * versioning", says what to do then.
 */
import { readdirSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { HISTORIES_DIR, MANIFEST_FILE, readManifest, replayAll, SCENARIOS } from '../scripts/histories.js';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this process.
}

describe('saved workflow histories', () => {
  const manifest = readManifest();

  it('are all there: every file the manifest names and no other, at least 6, covering every scenario and workflow type', () => {
    const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json') && f !== MANIFEST_FILE);
    expect(files.sort()).toEqual(manifest.histories.map((h) => h.file).sort());
    expect(manifest.histories.length).toBeGreaterThanOrEqual(6);
    expect([...new Set(manifest.histories.map((h) => h.scenario))].sort()).toEqual(Object.keys(SCENARIOS).sort());
    expect([...new Set(manifest.histories.map((h) => h.workflowType))].sort()).toEqual([
      'notifyWorkflow',
      'orgSyncWorkflow',
      'stageWorkflow',
      'syncEmployeeWorkflow',
    ]);
    // The continued-as-new scenario holds the whole chain, not only its last run.
    expect(manifest.histories.filter((h) => h.scenario === 'continued-as-new').length).toBeGreaterThanOrEqual(2);
  });

  it('replay against the current workflow code without a determinism error', async () => {
    const outcomes = await replayAll();
    expect(outcomes.map((o) => o.entry.file)).toEqual(manifest.histories.map((h) => h.file));
    const failures = outcomes
      .filter((o) => o.error)
      .map((o) => `${o.entry.file} (${o.entry.workflowId}): ${o.error!.name}: ${o.error!.message}`);
    expect(failures).toEqual([]);
  });
});
