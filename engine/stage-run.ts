/**
 * One run of one stage as state: its counts, its carry (what survives a continue-as-new), its outcomes,
 * the operator's controls, the failure policy and the result. The stage workflow (workflows/stage.ts)
 * drives it from handlers and activities; everything here is pure, so tests call it without Temporal.
 */
import { emptyCounts, emptyOperationCounts, keepOutcomes, sumOps, totalOps } from './outcomes.js';
import type { DriftReport } from '../lib/drift.js';
import { canaryFailure, type CanaryAnswer } from './canary.js';
import type { WriteRecord } from './plan-store.js';
import { STAGE_TITLES, type Operation, type PipelineStep } from './pipeline.js';
import type {
  DeletionGuardHold,
  EmployeeReadReport,
  ItemDescriptor,
  ItemOutcome,
  OperationCounts,
  PlanSummary,
  RunPolicy,
  StageCounts,
  StageProgress,
  StageResult,
  StageState,
} from './types.js';

/** What a stage keeps of its plan: where it is and how it is laid out. */
export type PlannedStage = Pick<PlanSummary, 'planRef' | 'waves' | 'ops' | 'unchanged' | 'alwaysSent'>;

export type DeletionVerdict = 'approved' | 'rejected';

/** Travels in every continue-as-new input: small by construction (bounded outcomes, no plan items). */
export interface Carry {
  plan: PlannedStage;
  /** Next item to schedule; every item before it has finished. */
  cursor: number;
  counts: StageCounts;
  ops: OperationCounts;
  outcomes: ItemOutcome[];
  /** Bytes of `outcomes` as JSON (see keepOutcomes). */
  outcomeBytes: number;
  startedAt: number;
  deletions: DeletionVerdict;
  guard?: StageResult['guard'];
  /** Writes attempted and failed so far, for the failure policy. */
  attempted: number;
  writeFailures: number;
  /** Bounded (boundDrift): a few fields per dataset. */
  drift?: DriftReport[];
  /** Kinds of write whose canary WORKPLACE has answered (engine/canary.ts): they no longer go alone. */
  canaries?: Operation[];
  /** How this stage's snapshot read Knox's employees, when it was the one that read them. */
  knoxRead?: EmployeeReadReport;
}

/** The stage fails as a whole when this many first writes all failed: something systemic is wrong. */
export const EARLY_FAILURE_WINDOW = 50;

/** Where to look when credentials are refused. */
const CHECK_CREDENTIALS = {
  WORKPLACE: "NCP_ACCESS_KEY, NCP_SECRET_KEY (and NCP_API_KEY) and the worker's clock",
  Knox: 'KNOX_SYSTEM_ID and KNOX_HEADERS',
} as const;

/** One message for credentials refused, whichever side refused them: every further call would fail too. */
export function credentialsMessage(system: keyof typeof CHECK_CREDENTIALS, detail: string): string {
  return `${system} refused orgsync's credentials, so the run stops here (every further call would fail): ${detail}. Check ${CHECK_CREDENTIALS[system]}.`;
}

/** A stage that fails as a whole (seed 000): the run stops before the next stage. */
export class StageFailure extends Error {
  override readonly name = 'StageFailure';
}

/** Why a stage that could not read Knox or WORKPLACE, or plan, fails as a whole, by the failure's code. */
export function planFailure(code: string, message: string): StageFailure {
  if (code === 'WORKPLACE_AUTH') return new StageFailure(credentialsMessage('WORKPLACE', message));
  if (code === 'KNOX_AUTH') return new StageFailure(credentialsMessage('Knox', message));
  if (code === 'KNOX_SOURCE_UNUSABLE') return new StageFailure(message);
  return new StageFailure(`could not read the source or the current state: ${message}`);
}

export function stageTitle(step: PipelineStep): string {
  return `${STAGE_TITLES[step.stage]}${step.pass === 'followUp' ? ' (follow-up)' : ''}`;
}

/** Every StageResult is built here: a stage's own end, its failure, and a stage the parent saw end abnormally. */
export function stageResult(
  step: PipelineStep,
  state: StageResult['state'],
  fields: Partial<Omit<StageResult, 'stage' | 'pass' | 'state'>> = {},
): StageResult {
  return {
    stage: step.stage,
    pass: step.pass,
    state,
    counts: fields.counts ?? emptyCounts(),
    ops: fields.ops ?? emptyOperationCounts(),
    plannedOps: fields.plannedOps ?? emptyOperationCounts(),
    durationMs: fields.durationMs ?? 0,
    outcomes: fields.outcomes ?? [],
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
  };
}

export class StageRun {
  state: StageState;
  paused: boolean;
  stopping = false;
  decision: { approved: boolean; by?: string } | undefined;
  hold: DeletionGuardHold | undefined;
  /** Set once the stage has a plan (or from the previous run, after a continue-as-new). */
  carry: Carry | undefined;
  inFlight = 0;
  preview: StageResult['preview'];
  /** Outcomes not yet written to the store. */
  readonly pending: ItemOutcome[] = [];
  /** Successful writes not yet journalled in the store. */
  readonly pendingWrites: WriteRecord[] = [];
  /** Drift in what this stage read first; it travels in the carry once there is one. */
  readonly drift: DriftReport[];
  /** How the employees were read, when this stage's snapshot read them; it travels in the carry too. */
  knoxRead: EmployeeReadReport | undefined;
  #authFailure: ItemOutcome | undefined;
  /** A canary's answer showed every write of its kind will fail: the stage's failure message. */
  #systemic: string | undefined;
  /** WORKPLACE's answer to the latest failed write in this run of the stage. */
  #lastFailure: string | undefined;

  constructor(
    readonly step: PipelineStep,
    readonly dryRun: boolean,
    readonly policy: Pick<RunPolicy, 'maxFailureShare'>,
    options: { paused: boolean; carry?: Carry; startedAt: number },
  ) {
    this.paused = options.paused;
    this.carry = options.carry;
    this.state = options.carry ? 'running' : 'planning';
    this.drift = options.carry?.drift ?? [];
    this.knoxRead = options.carry?.knoxRead;
    this.startedAt = options.carry?.startedAt ?? options.startedAt;
  }

  readonly startedAt: number;

  get title(): string {
    return stageTitle(this.step);
  }

  #c(): Carry {
    if (!this.carry) throw new Error(`${this.title}: no plan yet`);
    return this.carry;
  }

  /** The plan is known: counting starts. */
  start(plan: PlannedStage, deletions: DeletionVerdict): void {
    const ops = plan.ops[this.step.pass];
    this.carry = {
      // Only the layout: the carry travels in every continue-as-new input.
      plan: {
        planRef: plan.planRef,
        waves: plan.waves,
        ops: plan.ops,
        unchanged: plan.unchanged,
        ...(plan.alwaysSent ? { alwaysSent: plan.alwaysSent } : {}),
      },
      cursor: plan.waves[this.step.pass][0]?.start ?? 0,
      counts: { ...emptyCounts(), planned: totalOps(ops), unchanged: this.step.pass === 'main' ? plan.unchanged : 0 },
      ops: emptyOperationCounts(),
      outcomes: [],
      outcomeBytes: 0,
      startedAt: this.startedAt,
      deletions,
      attempted: 0,
      writeFailures: 0,
      ...(this.drift.length ? { drift: this.drift } : {}),
      ...(this.knoxRead ? { knoxRead: this.knoxRead } : {}),
    };
  }

  /** The main pass's plan: Knox records that could not be mapped count as failed items; a dry run keeps the preview. */
  planned(summary: PlanSummary): void {
    this.drift.push(...(summary.drift ?? []));
    this.start(summary, 'approved');
    const c = this.#c();
    c.counts.failed += summary.invalid;
    c.outcomeBytes = keepOutcomes(c.outcomes, c.outcomeBytes, summary.invalidSample);
    if (!this.dryRun) return;
    // What the run would skip (collisions above all) is the point of a dry run: counted and kept like a run's skips.
    c.counts.skipped += summary.planSkipped ?? 0;
    c.outcomeBytes = keepOutcomes(c.outcomes, c.outcomeBytes, summary.planSkippedSample ?? []);
    this.preview = summary.preview.map(({ op, key, label, changes }) => ({
      op,
      key,
      ...(label ? { label } : {}),
      ...(changes ? { changes } : {}),
    }));
    if (summary.guard.holds) c.guard = { deletions: summary.guard.deletions, decision: 'dry-run' };
    this.state = 'completed';
  }

  holdFor(summary: PlanSummary, decideBy: string): void {
    this.state = 'awaiting-approval';
    this.hold = {
      stage: this.step.stage,
      deletions: summary.guard.deletions,
      existing: summary.guard.existing,
      reason: summary.guard.reason,
      decideBy,
    };
  }

  /** The operator decided, or the timeout did (`decided` false): silence rejects. */
  decided(summary: PlanSummary, decided: boolean): void {
    const c = this.#c();
    this.hold = undefined;
    c.deletions = this.decision?.approved ? 'approved' : 'rejected';
    c.guard = {
      deletions: summary.guard.deletions,
      decision: this.decision ? (this.decision.approved ? 'approved' : 'rejected') : decided ? 'rejected' : 'timed-out',
    };
    this.state = 'running';
  }

  progress(): StageProgress {
    return {
      stage: this.step.stage,
      pass: this.step.pass,
      state: this.paused && (this.state === 'running' || this.state === 'planning') ? 'paused' : this.state,
      counts: this.carry?.counts ?? emptyCounts(),
      ops: this.carry?.ops ?? emptyOperationCounts(),
      inFlight: this.inFlight,
      ...(this.hold ? { hold: this.hold } : {}),
    };
  }

  /** A failed or skipped item. */
  record(outcome: ItemOutcome): void {
    const c = this.#c();
    if (outcome.outcome === 'failed') c.counts.failed++;
    else c.counts.skipped++;
    c.outcomeBytes = keepOutcomes(c.outcomes, c.outcomeBytes, [outcome]);
    this.pending.push(outcome);
  }

  /** Why an item is not attempted at all, decided before any request: a plan-time skip or rejected deletions. */
  skipReason(item: ItemDescriptor): { code: string; message: string } | undefined {
    if (item.skip) return item.skip;
    const c = this.#c();
    if (item.op === 'delete' && c.deletions === 'rejected') {
      return {
        code: 'DELETION_REJECTED',
        message: `not deleted: the deletion guard held and the deletions were ${c.guard?.decision ?? 'rejected'}`,
      };
    }
    return undefined;
  }

  written(i: number, op: Operation): void {
    const c = this.#c();
    c.attempted++;
    c.counts.done++;
    c.ops[op]++;
    this.pendingWrites.push({ planRef: c.plan.planRef, i, op });
  }

  /** A request that WORKPLACE (or the check before it) refused. */
  writeFailed(outcome: ItemOutcome): void {
    const c = this.#c();
    c.attempted++;
    c.writeFailures++;
    this.#lastFailure = outcome.message;
    if (outcome.code === 'WORKPLACE_AUTH') this.#authFailure ??= outcome;
    this.record(outcome);
  }

  /** Whether this item's write is the first of its kind, which goes alone (engine/canary.ts). */
  isCanary(item: ItemDescriptor): boolean {
    return !(this.#c().canaries ?? []).includes(item.op) && !this.skipReason(item);
  }

  /** WORKPLACE answered a canary: with success (`refused` undefined) or a refusal that may be systemic. */
  canaryAnswered(op: Operation, refused?: CanaryAnswer): void {
    const c = this.#c();
    const verdict = refused && canaryFailure(this.step.stage, op, refused, c.plan.alwaysSent?.[op] ?? []);
    if (verdict) this.#systemic ??= verdict;
    else if (!(c.canaries ?? []).includes(op)) c.canaries = [...(c.canaries ?? []), op];
  }

  shouldStop(): boolean {
    return this.stopping || this.#authFailure !== undefined || this.#systemic !== undefined || this.#earlyFailure();
  }

  #earlyFailure(): boolean {
    const c = this.#c();
    return c.attempted >= EARLY_FAILURE_WINDOW && c.writeFailures === c.attempted;
  }

  /** …or, right after a continue-as-new, the latest one the carry kept. */
  #latestFailure(): string {
    return this.#lastFailure ?? this.carry?.outcomes.findLast((o) => o.outcome === 'failed')?.message ?? 'unknown';
  }

  /** Throws StageFailure when the stage fails as a whole; `final` once every write has finished. */
  checkFailurePolicy(final = false): void {
    const c = this.#c();
    if (this.#authFailure) throw new StageFailure(credentialsMessage('WORKPLACE', this.#authFailure.message));
    if (this.#systemic) throw new StageFailure(this.#systemic);
    if (this.#earlyFailure()) throw new StageFailure(`the first ${c.attempted} writes all failed; the last: ${this.#latestFailure()}`);
    if (!final || this.stopping || c.attempted === 0) return;
    if (c.writeFailures === c.attempted)
      throw new StageFailure(`all ${c.attempted} attempted writes failed; the last: ${this.#latestFailure()}`);
    const share = this.policy.maxFailureShare;
    if (share < 1 && c.writeFailures / c.attempted > share) {
      throw new StageFailure(`${c.writeFailures} of ${c.attempted} writes failed, more than the allowed ${Math.round(share * 100)}%`);
    }
  }

  /** Whether the recorded state may be written: the stage applied its plan as far as it goes. */
  get finishedCleanly(): boolean {
    return !this.stopping && !this.#authFailure && !this.#systemic;
  }

  lastIndex(): number {
    return this.#c().plan.waves[this.step.pass].at(-1)?.end ?? 0;
  }

  /** The stage's result: how it ended ('failed' with the reason), its counts and what it kept of its outcomes. */
  toResult(now: number, failure?: string): StageResult {
    const c = this.carry;
    const state: StageResult['state'] = failure ? 'failed' : this.stopping ? 'cancelled' : 'completed';
    this.state = state;
    const durationMs = now - (c?.startedAt ?? now);
    if (failure) {
      return stageResult(this.step, 'failed', {
        ...(c
          ? { counts: c.counts, ops: c.ops, plannedOps: c.plan.ops[this.step.pass], outcomes: c.outcomes, planRef: c.plan.planRef }
          : {}),
        durationMs,
        message: failure,
        drift: this.drift.length ? this.drift : undefined,
        knoxRead: this.knoxRead,
      });
    }
    // A dry run reports the whole plan, follow-up included; a real pass reports its own part.
    const plannedOps = c
      ? this.dryRun
        ? sumOps(c.plan.ops.main, c.plan.ops.followUp)
        : c.plan.ops[this.step.pass]
      : emptyOperationCounts();
    const notAttempted = c ? Math.max(0, c.counts.planned - c.counts.done - c.counts.failed - c.counts.skipped) : 0;
    return stageResult(this.step, state, {
      counts: c ? { ...c.counts, planned: totalOps(plannedOps) } : emptyCounts(),
      ops: c?.ops,
      plannedOps,
      preview: this.dryRun ? this.preview : undefined,
      drift: this.drift.length ? this.drift : undefined,
      knoxRead: this.knoxRead,
      durationMs,
      outcomes: c?.outcomes,
      planRef: c?.plan.planRef,
      guard: c?.guard,
      followUpItems: c && this.step.pass === 'main' && !this.dryRun ? totalOps(c.plan.ops.followUp) : undefined,
      message: this.stopping ? `stopped on request after ${c?.counts.done ?? 0} writes; ${notAttempted} not attempted` : undefined,
    });
  }
}
