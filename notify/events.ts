/**
 * What a workflow tells the notifier: small, self-contained events built from the workflow's own types.
 * Workflow-safe (types and pure functions only), so org-sync.ts and stage.ts can build them; the wording,
 * the language and the link are added later by the notify activity (notify/messages.ts), which has the
 * config. An event carries counts and the first failure, never a whole result: it goes into history.
 */
import type { DeletionGuardHold, ItemOutcome, OrgSyncResult, StageResult } from '../engine/types.js';
import type { StageName } from '../engine/pipeline.js';

export const NOTIFY_EVENTS = [
  'awaiting-decision',
  'decision-deadline-near',
  'run-failed',
  'run-completed-with-problems',
  'rollback-finished',
] as const;
export type NotifyEventName = (typeof NOTIFY_EVENTS)[number];

/** One stage's counts, as the report shows them. */
export interface StageTally {
  stage: StageName;
  state: StageResult['state'];
  done: number;
  failed: number;
  skipped: number;
}

/** The first failed item: its key and name (already in the report) and WORKPLACE's message. */
export type FirstFailure = Pick<ItemOutcome, 'stage' | 'key' | 'label' | 'op' | 'code' | 'message'>;

/** What a finished rollback reports (the rollback feature builds this; its own run id is `runId`). */
export interface RollbackFinished {
  /** The run whose writes were rolled back. */
  of: string;
  state: 'completed' | 'failed' | 'cancelled';
  /** Changes undone. */
  undone: number;
  failed: number;
  skipped: number;
  message?: string;
}

interface EventBase {
  runId: string;
  /** When it happened (ISO): workflow time, so every target gets the same message. */
  at: string;
  dryRun?: boolean;
}

/** A deletion guard holds: the first message, and the reminder before its deadline. */
export type DecisionEvent = EventBase & { event: 'awaiting-decision' | 'decision-deadline-near'; hold: DeletionGuardHold };

export type NotifyEvent =
  | DecisionEvent
  | (EventBase & { event: 'run-failed'; stage?: StageName; message: string; firstFailure?: FirstFailure; stages: StageTally[] })
  | (EventBase & { event: 'run-completed-with-problems'; stages: StageTally[] })
  | (EventBase & { event: 'rollback-finished'; rollback: RollbackFinished });

/** Messages in an event are cut here: a webhook posts one line, and history keeps the event. */
const MAX_MESSAGE = 500;

const cut = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text);

export function awaitingDecision(runId: string, hold: DeletionGuardHold, at: Date, dryRun = false): DecisionEvent {
  return {
    event: 'awaiting-decision',
    runId,
    at: at.toISOString(),
    hold: { ...hold, reason: cut(hold.reason) },
    ...(dryRun ? { dryRun } : {}),
  };
}

/**
 * The event a finished run announces, if any: `run-failed`, `run-completed-with-problems` (failed or
 * skipped items), or nothing for a clean or cancelled run.
 */
export function runEnded(result: OrgSyncResult, at: Date): NotifyEvent | undefined {
  const base = { runId: result.runId, at: at.toISOString(), ...(result.dryRun ? { dryRun: true } : {}) };
  const stages = result.stages.map(tally);
  if (result.state === 'failed') {
    const failedStage = result.stages.findLast((s) => s.state === 'failed');
    const first = firstFailure(failedStage ? [failedStage, ...result.stages] : result.stages);
    return {
      ...base,
      event: 'run-failed',
      ...(failedStage ? { stage: failedStage.stage } : {}),
      message: cut(failedStage?.message ?? result.message ?? 'failed'),
      ...(first ? { firstFailure: first } : {}),
      stages,
    };
  }
  if (result.state !== 'cancelled' && stages.some((s) => s.failed + s.skipped > 0)) {
    return { ...base, event: 'run-completed-with-problems', stages };
  }
  return undefined;
}

export function rollbackFinished(runId: string, rollback: RollbackFinished, at: Date): NotifyEvent {
  return {
    event: 'rollback-finished',
    runId,
    at: at.toISOString(),
    rollback: { ...rollback, ...(rollback.message ? { message: cut(rollback.message) } : {}) },
  };
}

/** A rollback run's end (its result's `rollbackOf` names the run it undid). */
export function rollbackEnded(result: OrgSyncResult, at: Date): NotifyEvent {
  const sum = (pick: (s: StageResult) => number) => result.stages.reduce((n, s) => n + pick(s), 0);
  const state = result.state === 'cancelled' ? 'cancelled' : result.state === 'failed' ? 'failed' : 'completed';
  return rollbackFinished(
    result.runId,
    {
      of: result.rollbackOf ?? result.runId,
      state,
      undone: sum((s) => s.counts.done),
      failed: sum((s) => s.counts.failed),
      skipped: sum((s) => s.counts.skipped),
      ...(result.message ? { message: result.message } : {}),
    },
    at,
  );
}

function tally(s: StageResult): StageTally {
  return { stage: s.stage, state: s.state, done: s.counts.done, failed: s.counts.failed, skipped: s.counts.skipped };
}

function firstFailure(stages: readonly StageResult[]): FirstFailure | undefined {
  for (const s of stages) {
    const o = s.outcomes.find((x) => x.outcome === 'failed');
    if (o) return { stage: o.stage, key: o.key, ...(o.label ? { label: o.label } : {}), op: o.op, code: o.code, message: cut(o.message) };
  }
  return undefined;
}
