/**
 * The saved workflow histories in test/histories/: one JSON file per workflow execution (the SDK's
 * historyToJSON format, the same as `temporal workflow show --output json`), and manifest.json naming
 * each file's workflow id, which replay needs (a child's history does not carry its own id, and the
 * parent's commands name its children by id). scripts/record-histories.ts writes them;
 * test/replay.test.ts replays them against the current workflow code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { workflowCodeOptions } from '../worker/workers.js';
import { REPO_ROOT } from './temporal-dev-server.js';

export const HISTORIES_DIR = join(REPO_ROOT, 'test/histories');
export const MANIFEST_FILE = 'manifest.json';

/** What each recorded scenario is; every one must be in the manifest (test/replay.test.ts checks). */
export const SCENARIOS = {
  day1: 'a first run into an empty WORKPLACE: the parent and every stage child (all stages on)',
  day2: 'the next day with churn (hires, leavers, transfers, department moves and deletions): job titles, departments and employees',
  'deletion-approved': 'a run whose deletion guard held (with its awaiting-decision notification) until an operator approved',
  'paused-resumed': 'a run paused through the parent mid-way through a stage, then resumed',
  'continued-as-new': 'a stage that continued as new (a small maxHistoryEvents): every run of its chain',
  'sync-employee': 'an on-demand sync of one changed employee',
  'reviewed-approved': 'a run --review: its dry-run stages, the wait for the decision, and the approved plan applied',
  rollback: "a rollback of a run's grades: the journal undone, the run's creates deleted",
} as const;
export type ScenarioName = keyof typeof SCENARIOS;

export interface HistoryEntry {
  file: string;
  scenario: ScenarioName;
  workflowId: string;
  runId: string;
  workflowType: string;
  events: number;
}

export interface Manifest {
  /** How to make these files again. */
  recordedBy: string;
  recordedAt: string;
  temporalSdk: string;
  scenarios: Record<string, string>;
  histories: HistoryEntry[];
}

export function readManifest(dir = HISTORIES_DIR): Manifest {
  return JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
}

/** The manifest's histories, parsed, in the shape Worker.runReplayHistories takes. */
export function* loadHistories(
  dir = HISTORIES_DIR,
  manifest = readManifest(dir),
): Generator<HistoryAndWorkflowId & { entry: HistoryEntry }> {
  for (const entry of manifest.histories) {
    yield { entry, workflowId: entry.workflowId, history: historyFromJSON(JSON.parse(readFileSync(join(dir, entry.file), 'utf8'))) };
  }
}

/** Replay loads the workflow code exactly as the main worker does (worker/workers.ts). */
export function replayOptions(): ReplayWorkerOptions {
  return { ...workflowCodeOptions(), replayName: 'orgsync-replay' };
}

export interface ReplayOutcome {
  entry: HistoryEntry;
  error?: Error;
}

/** Replays every saved history against the current workflow code; one outcome per history, errors included. */
export async function replayAll(dir = HISTORIES_DIR, options: ReplayWorkerOptions = replayOptions()): Promise<ReplayOutcome[]> {
  const manifest = readManifest(dir);
  const entries = manifest.histories;
  const outcomes: ReplayOutcome[] = [];
  let i = 0;
  for await (const result of Worker.runReplayHistories(options, loadHistories(dir, manifest))) {
    const entry = entries[i++]!;
    outcomes.push(result.error ? { entry, error: result.error } : { entry });
  }
  return outcomes;
}
