import { describe, expect, it } from 'vitest';
import { keepOutcomes, MAX_OUTCOME_BYTES_PER_STAGE, MAX_OUTCOMES_PER_STAGE, outcomeBytes } from '../engine/outcomes.js';
import { STAGES } from '../engine/pipeline.js';
import { type ItemOutcome } from '../engine/types.js';

const outcome = (i: number, message: string): ItemOutcome => ({
  stage: 'employees',
  key: `D${String(i).padStart(19, '0')}`,
  label: '김삼성',
  op: 'update',
  outcome: 'failed',
  code: 'WORKPLACE_VALIDATION',
  message,
});
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('the failed and skipped items a result keeps', () => {
  it('are measured as the UTF-8 JSON they add to a payload', () => {
    for (const message of ['ascii only', '입사일 형식이 올바르지 않습니다', 'emoji 🙂 and 한글']) {
      expect(outcomeBytes(outcome(1, message))).toBe(bytes(outcome(1, message)) + 1);
    }
  });

  it('stop at the count bound when the items are short', () => {
    const kept: ItemOutcome[] = [];
    keepOutcomes(
      kept,
      0,
      Array.from({ length: MAX_OUTCOMES_PER_STAGE + 50 }, (_, i) => outcome(i, 'no')),
    );
    expect(kept).toHaveLength(MAX_OUTCOMES_PER_STAGE);
  });

  it('stop at the byte bound when WORKPLACE answers at length in Korean, added one at a time as a stage does', () => {
    const long = '부서가 존재하지 않습니다. '.repeat(30).slice(0, 500);
    const kept: ItemOutcome[] = [];
    let running = 0;
    for (let i = 0; i < 1_000; i++) running = keepOutcomes(kept, running, [outcome(i, long)]);
    expect(kept.length).toBeLessThan(MAX_OUTCOMES_PER_STAGE);
    expect(bytes(kept)).toBeLessThanOrEqual(MAX_OUTCOME_BYTES_PER_STAGE);
    expect(bytes(kept) + outcomeBytes(outcome(0, long))).toBeGreaterThan(MAX_OUTCOME_BYTES_PER_STAGE);
    expect(running).toBe(kept.reduce((sum, o) => sum + outcomeBytes(o), 0));
  });

  it('keep a run’s result of every stage at its worst under 256 KB', () => {
    const long = '사원 정보가 올바르지 않습니다 '.repeat(40).slice(0, 500);
    const stages = STAGES.map((stage) => {
      const kept: ItemOutcome[] = [];
      keepOutcomes(
        kept,
        0,
        Array.from({ length: 500 }, (_, i) => ({ ...outcome(i, long), stage, label: '가'.repeat(200) })),
      );
      return { stage, outcomes: kept };
    });
    expect(bytes(stages)).toBeLessThan(256 * 1024);
  });
});
