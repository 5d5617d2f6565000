/**
 * The parts of the configuration a run's workflows need, captured once when the run starts, so a
 * config change mid-run does not change a run halfway. No secrets.
 */
import ms from 'ms';
import type { SyncSettings } from '../config/index.js';
import { STAGES, type KnoxDataset, type StageName } from './pipeline.js';
import { STAGE_SPECS } from './stages/index.js';
import type { RunPolicy } from './types.js';

export function runPolicy(settings: SyncSettings, companyCodes: readonly string[]): RunPolicy {
  return {
    stages: STAGES.filter((s) => settings.stages[s]),
    companyCodes: [...companyCodes],
    leavers: settings.leavers,
    maxFailureShare: settings.maxFailureShare,
    decisionTimeoutMs: durationMs(settings.deletionGuard.decisionTimeout),
    guard: { maxShare: settings.deletionGuard.maxShare, maxCount: settings.deletionGuard.maxCount },
    writeConcurrency: settings.writeConcurrency,
    onStageFailure: settings.onStageFailure,
    knoxDatasets: Object.fromEntries(STAGES.map((s) => [s, [...STAGE_SPECS[s].knox]])) as Record<StageName, KnoxDataset[]>,
  };
}

/** Milliseconds, or a duration such as '24h' or '90m' (the config's form). */
export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const parsed = ms(value as ms.StringValue);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed)) throw new Error(`not a duration: ${value}`);
  return parsed;
}
