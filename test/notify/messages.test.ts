/**
 * The messages operators read: every event, in both languages, word for word, and the payload each one
 * makes parses with the documented schema.
 */
import { describe, expect, it } from 'vitest';
import { awaitingDecision, NOTIFY_EVENTS, rollbackEnded, rollbackFinished, runEnded, type NotifyEvent } from '../../notify/events.js';
import { notificationFor, type MessageContext } from '../../notify/messages.js';
import { NotificationSchema } from '../../notify/payload.js';
import type { DeletionGuardHold } from '../../engine/types.js';
import { refusedDepartment, RUN_ID, runResult, stageResult } from '../helpers/results.js';

const RUN = RUN_ID;
const LINK = `http://temporal-ui:8080/namespaces/default/workflows/${RUN}`;
const en: MessageContext = { language: 'en', namespace: 'default', uiUrl: 'http://temporal-ui:8080' };
const ko: MessageContext = { ...en, language: 'ko' };

const hold: DeletionGuardHold = {
  stage: 'departments',
  deletions: 130,
  existing: 2600,
  reason: '130 deletions is more than 20',
  decideBy: '2026-11-25T17:10:00.000Z',
};

const counts = (done: number, failed: number, skipped: number) => ({
  planned: done + failed + skipped,
  done,
  failed,
  skipped,
  unchanged: 0,
});

const failedRun = runResult({
  state: 'failed',
  message:
    '부서 departments failed, so the run stopped before the next stage: all 43 attempted writes failed; the last: deptName is required',
  stages: [
    stageResult({ stage: 'grades', counts: counts(3, 0, 0) }),
    stageResult({
      stage: 'departments',
      state: 'failed',
      counts: counts(0, 43, 1),
      message: 'all 43 attempted writes failed; the last: deptName is required',
      outcomes: [
        {
          stage: 'departments',
          key: 'D099',
          op: 'create',
          outcome: 'skipped',
          code: 'DEPENDENCY_FAILED',
          message: 'parent D100 was not created',
        },
        refusedDepartment(
          'WORKPLACE POST /organization/apigw/v2/company/{companyId}/department (key D100) failed: WORKPLACE_VALIDATION (HTTP 400): deptName is required',
        ),
      ],
    }),
  ],
});

const problemRun = runResult({
  stages: [
    stageResult({ stage: 'grades', counts: counts(3, 0, 0) }),
    stageResult({ stage: 'employees', counts: counts(780, 3, 2) }),
    stageResult({ stage: 'reportsTo', counts: counts(700, 0, 2) }),
  ],
});

const at = new Date('2026-11-24T17:10:00.000Z');
const events: Record<string, NotifyEvent> = {
  awaiting: awaitingDecision(RUN, hold, at),
  deadline: { ...awaitingDecision(RUN, hold, new Date('2026-11-25T15:10:00.000Z')), event: 'decision-deadline-near' },
  failed: runEnded(failedRun, at)!,
  problems: runEnded(problemRun, at)!,
  rollback: rollbackFinished('orgsync-rollback-20261125-090000', { of: RUN, state: 'completed', undone: 120, failed: 2, skipped: 0 }, at),
};

const approve = `orgsync approve-deletions ${RUN} --by <name>`;
const reject = `orgsync reject-deletions ${RUN}`;
const FIRST = `D100 (인사팀) create: WORKPLACE_VALIDATION: WORKPLACE POST /organization/apigw/v2/company/{companyId}/department (key D100) failed: WORKPLACE_VALIDATION (HTTP 400): deptName is required`;

describe('notificationFor', () => {
  it.each([
    [
      'awaiting',
      en,
      `orgsync run ${RUN} waits for a deletion decision: 부서 departments would delete 130 of 2600 (130 deletions is more than 20) · Approve: ${approve} · Reject: ${reject} · no decision by 2026-11-26 02:10 KST rejects the deletions · ${LINK}`,
    ],
    [
      'awaiting',
      ko,
      `orgsync ${RUN}: 삭제 결정 대기 중 - 부서 departments 2600개 중 130개 삭제 예정 (130 deletions is more than 20) · 승인: ${approve} · 거부: ${reject} · 2026-11-26 02:10 KST까지 결정이 없으면 삭제하지 않습니다 · ${LINK}`,
    ],
    [
      'deadline',
      en,
      `orgsync run ${RUN} still waits for a deletion decision: 부서 departments, 130 of 2600; without one by 2026-11-26 02:10 KST (in 2h) the deletions are rejected · Approve: ${approve} · Reject: ${reject} · ${LINK}`,
    ],
    [
      'deadline',
      ko,
      `orgsync ${RUN}: 삭제 결정 마감 임박 - 부서 departments 2600개 중 130개, 2026-11-26 02:10 KST(2시간 후)까지 결정이 없으면 삭제하지 않습니다 · 승인: ${approve} · 거부: ${reject} · ${LINK}`,
    ],
    [
      'failed',
      en,
      `orgsync run ${RUN} failed in 부서 departments: all 43 attempted writes failed; the last: deptName is required · first failure: ${FIRST} · report: orgsync report ${RUN} · ${LINK}`,
    ],
    [
      'failed',
      ko,
      `orgsync ${RUN} 실패 (부서 departments): all 43 attempted writes failed; the last: deptName is required · 첫 실패: ${FIRST} · 보고서: orgsync report ${RUN} · ${LINK}`,
    ],
    [
      'problems',
      en,
      `orgsync run ${RUN} completed with problems: 사원 employees 3 failed, 2 skipped; Reports To 0 failed, 2 skipped · report: orgsync report ${RUN} · ${LINK}`,
    ],
    [
      'problems',
      ko,
      `orgsync ${RUN} 완료, 문제 있음: 사원 employees 실패 3, 건너뜀 2; Reports To 실패 0, 건너뜀 2 · 보고서: orgsync report ${RUN} · ${LINK}`,
    ],
  ])('%s (%o) reads as listed', (name, ctx, text) => {
    const n = notificationFor(events[name]!, ctx);
    expect(n.text).toBe(text);
    expect(n.link).toBe(LINK);
    expect(NotificationSchema.parse(n)).toEqual(n);
  });

  it('says when a rollback finished, without a link when no UI URL is configured', () => {
    const noUi = { language: 'en', namespace: 'default' } as const;
    const n = notificationFor(events.rollback!, noUi);
    expect(n.text).toBe(
      `orgsync rollback orgsync-rollback-20261125-090000 of run ${RUN} completed: 120 changes undone, 2 failed, 0 skipped · report: orgsync report orgsync-rollback-20261125-090000`,
    );
    expect(n.link).toBeUndefined();
    expect(notificationFor(events.rollback!, { ...noUi, language: 'ko' }).text).toBe(
      `orgsync 롤백 orgsync-rollback-20261125-090000 (대상 실행 ${RUN}) 완료: 120건 되돌림, 실패 2, 건너뜀 0 · 보고서: orgsync report orgsync-rollback-20261125-090000`,
    );
    expect(NotificationSchema.parse(n)).toEqual(n);
  });

  it("reports a rollback run's end from its result: the run it undid, and writes, failures and skips summed over its stages", () => {
    const result = runResult({
      runId: `${RUN_ID}/rollback`,
      rollbackOf: RUN_ID,
      state: 'completed-with-failures',
      stages: [
        stageResult({ stage: 'departments', counts: counts(5, 1, 0) }),
        stageResult({ stage: 'employees', counts: counts(7, 0, 2) }),
      ],
    });
    expect(rollbackEnded(result, at)).toEqual(
      rollbackFinished(`${RUN_ID}/rollback`, { of: RUN_ID, state: 'completed', undone: 12, failed: 1, skipped: 2 }, at),
    );
    expect(rollbackEnded({ ...result, state: 'failed', message: 'stopped' }, at)).toMatchObject({
      rollback: { state: 'failed', message: 'stopped' },
    });
  });

  it('gives mail subjects, the commands by name, and the structured fields a receiver can use', () => {
    const awaiting = notificationFor(events.awaiting!, en);
    expect(awaiting).toMatchObject({
      schema: 'orgsync.notification/v1',
      event: 'awaiting-decision',
      runId: RUN,
      at: '2026-11-24T17:10:00.000Z',
      title: `orgsync ${RUN} waits for a deletion decision (부서 departments)`,
      commands: { approve, reject, status: `orgsync status ${RUN}` },
      decision: { stage: 'departments', title: '부서 departments', deletions: 130, existing: 2600, decideBy: hold.decideBy },
      dryRun: false,
    });
    const failed = notificationFor(events.failed!, ko);
    expect(failed.title).toBe(`orgsync ${RUN}: 실패 (부서 departments)`);
    expect(failed).toMatchObject({
      failure: { stage: 'departments', firstItem: { key: 'D100', label: '인사팀', code: 'WORKPLACE_VALIDATION' } },
      stages: [
        { stage: 'grades', state: 'completed', done: 3, failed: 0, skipped: 0 },
        { stage: 'departments', state: 'failed', done: 0, failed: 43, skipped: 1 },
      ],
    });
    const problems = notificationFor(events.problems!, en);
    expect(problems.title).toBe(`orgsync run ${RUN} completed with 3 failed and 4 skipped`);
    expect(problems).toMatchObject({ totals: { failed: 3, skipped: 4 } });
  });

  it('marks a dry run in the text', () => {
    const event = runEnded({ ...failedRun, dryRun: true }, at)!;
    expect(notificationFor(event, en).text).toMatch(new RegExp(`^orgsync run ${RUN} \\(dry run\\) failed in`));
    expect(notificationFor(event, ko).text).toMatch(new RegExp(`^orgsync ${RUN} \\(모의 실행\\) 실패`));
  });

  it('the schema knows exactly the events workflows can announce', () => {
    expect(NotificationSchema.options.map((o) => o.shape.event.value)).toEqual([...NOTIFY_EVENTS]);
  });
});

describe('runEnded', () => {
  it('announces nothing for a clean run or a cancelled one', () => {
    expect(runEnded(runResult({ stages: [stageResult({ stage: 'grades', counts: counts(3, 0, 0) })] }), at)).toBeUndefined();
    expect(
      runEnded(
        runResult({ state: 'cancelled', stages: [stageResult({ stage: 'grades', state: 'cancelled', counts: counts(1, 1, 0) })] }),
        at,
      ),
    ).toBeUndefined();
  });

  it('keeps counts and the first failure, never the outcome lists', () => {
    const event = runEnded(failedRun, at);
    expect(event).toEqual({
      event: 'run-failed',
      runId: RUN,
      at: at.toISOString(),
      stage: 'departments',
      message: 'all 43 attempted writes failed; the last: deptName is required',
      firstFailure: {
        stage: 'departments',
        key: 'D100',
        label: '인사팀',
        op: 'create',
        code: 'WORKPLACE_VALIDATION',
        message:
          'WORKPLACE POST /organization/apigw/v2/company/{companyId}/department (key D100) failed: WORKPLACE_VALIDATION (HTTP 400): deptName is required',
      },
      stages: [
        { stage: 'grades', state: 'completed', done: 3, failed: 0, skipped: 0 },
        { stage: 'departments', state: 'failed', done: 0, failed: 43, skipped: 1 },
      ],
    });
  });

  it('cuts a long message so one line stays one line', () => {
    const long = runResult({ state: 'failed', message: 'x'.repeat(2_000), stages: [] });
    const event = runEnded(long, at);
    expect(event?.event === 'run-failed' && event.message.length).toBe(500);
  });
});
