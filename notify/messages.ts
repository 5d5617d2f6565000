/**
 * Events become the documented message (payload.ts): a title, one ready-made line of text in Korean or
 * English, the link to the run in the Temporal UI, and the exact CLI commands (client/commands/). Pure.
 */
import { seoulParts } from '../lib/seoul-time.js';
import { STAGE_TITLES } from '../engine/pipeline.js';
import type { NotifyEvent, StageTally } from './events.js';
import { NOTIFICATION_SCHEMA_ID, type Notification } from './payload.js';

export type Language = 'ko' | 'en';

export interface MessageContext {
  language: Language;
  /** The Temporal namespace, for the link. */
  namespace: string;
  /** The Temporal Web UI (ORGSYNC_UI_URL), without a trailing slash. */
  uiUrl?: string | undefined;
}

/** The Temporal UI's page of a workflow: its id, since an orgsync run id is the workflow id. */
export function runLink(ctx: MessageContext, runId: string): string | undefined {
  return ctx.uiUrl ? `${ctx.uiUrl}/namespaces/${encodeURIComponent(ctx.namespace)}/workflows/${encodeURIComponent(runId)}` : undefined;
}

/** The commands as an operator types them (client/commands/control.ts, report.ts). */
export const commandsFor = {
  decision: (runId: string) => ({
    approve: `orgsync approve-deletions ${runId} --by <name>`,
    reject: `orgsync reject-deletions ${runId}`,
    status: `orgsync status ${runId}`,
  }),
  report: (runId: string) => ({ report: `orgsync report ${runId}` }),
};

export function notificationFor(event: NotifyEvent, ctx: MessageContext): Notification {
  const ko = ctx.language === 'ko';
  const link = runLink(ctx, event.runId);
  const dryRun = event.dryRun ?? false;
  const run = `${event.runId}${dryRun ? (ko ? ' (모의 실행)' : ' (dry run)') : ''}`;
  const base = {
    schema: NOTIFICATION_SCHEMA_ID,
    runId: event.runId,
    at: event.at,
    language: ctx.language,
    dryRun,
    ...(link ? { link } : {}),
  };
  const line = (...parts: string[]) => [...parts, ...(link ? [link] : [])].join(' · ');

  switch (event.event) {
    case 'awaiting-decision':
    case 'decision-deadline-near': {
      const { hold } = event;
      const title = STAGE_TITLES[hold.stage];
      const commands = commandsFor.decision(event.runId);
      const deadline = seoulTime(hold.decideBy);
      const decision = {
        stage: hold.stage,
        title,
        deletions: hold.deletions,
        existing: hold.existing,
        reason: hold.reason,
        decideBy: hold.decideBy,
      };
      const act = ko
        ? [`승인: ${commands.approve}`, `거부: ${commands.reject}`]
        : [`Approve: ${commands.approve}`, `Reject: ${commands.reject}`];
      if (event.event === 'awaiting-decision') {
        return {
          ...base,
          event: event.event,
          decision,
          commands,
          title: ko ? `orgsync ${run}: 삭제 결정 대기 (${title})` : `orgsync ${run} waits for a deletion decision (${title})`,
          text: ko
            ? line(
                `orgsync ${run}: 삭제 결정 대기 중 - ${title} ${hold.existing}개 중 ${hold.deletions}개 삭제 예정 (${hold.reason})`,
                ...act,
                `${deadline}까지 결정이 없으면 삭제하지 않습니다`,
              )
            : line(
                `orgsync run ${run} waits for a deletion decision: ${title} would delete ${hold.deletions} of ${hold.existing} (${hold.reason})`,
                ...act,
                `no decision by ${deadline} rejects the deletions`,
              ),
        };
      }
      const left = remaining(Date.parse(hold.decideBy) - Date.parse(event.at), ctx.language);
      return {
        ...base,
        event: event.event,
        decision,
        commands,
        title: ko ? `orgsync ${run}: 삭제 결정 마감 임박 (${title})` : `orgsync ${run}: the deletion decision is due soon (${title})`,
        text: ko
          ? line(
              `orgsync ${run}: 삭제 결정 마감 임박 - ${title} ${hold.existing}개 중 ${hold.deletions}개, ${deadline}(${left} 후)까지 결정이 없으면 삭제하지 않습니다`,
              ...act,
            )
          : line(
              `orgsync run ${run} still waits for a deletion decision: ${title}, ${hold.deletions} of ${hold.existing}; without one by ${deadline} (in ${left}) the deletions are rejected`,
              ...act,
            ),
      };
    }

    case 'run-failed': {
      const commands = commandsFor.report(event.runId);
      const where = event.stage ? STAGE_TITLES[event.stage] : undefined;
      const f = event.firstFailure;
      const first = f ? `${f.key}${f.label ? ` (${f.label})` : ''} ${f.op}: ${f.code}: ${f.message}` : undefined;
      const parts = ko
        ? [
            `orgsync ${run} 실패${where ? ` (${where})` : ''}: ${event.message}`,
            ...(first ? [`첫 실패: ${first}`] : []),
            `보고서: ${commands.report}`,
          ]
        : [
            `orgsync run ${run} failed${where ? ` in ${where}` : ''}: ${event.message}`,
            ...(first ? [`first failure: ${first}`] : []),
            `report: ${commands.report}`,
          ];
      return {
        ...base,
        event: event.event,
        failure: {
          ...(event.stage ? { stage: event.stage } : {}),
          message: event.message,
          ...(f
            ? {
                firstItem: {
                  stage: f.stage,
                  key: f.key,
                  ...(f.label ? { label: f.label } : {}),
                  op: f.op,
                  code: f.code,
                  message: f.message,
                },
              }
            : {}),
        },
        stages: event.stages.map(titled),
        commands,
        title: ko ? `orgsync ${run}: 실패${where ? ` (${where})` : ''}` : `orgsync run ${run} failed${where ? ` in ${where}` : ''}`,
        text: line(...parts),
      };
    }

    case 'run-completed-with-problems': {
      const commands = commandsFor.report(event.runId);
      const totals = event.stages.reduce((t, s) => ({ failed: t.failed + s.failed, skipped: t.skipped + s.skipped }), {
        failed: 0,
        skipped: 0,
      });
      const perStage = event.stages
        .filter((s) => s.failed + s.skipped > 0)
        .map((s) =>
          ko
            ? `${STAGE_TITLES[s.stage]} 실패 ${s.failed}, 건너뜀 ${s.skipped}`
            : `${STAGE_TITLES[s.stage]} ${s.failed} failed, ${s.skipped} skipped`,
        )
        .join('; ');
      return {
        ...base,
        event: event.event,
        totals,
        stages: event.stages.map(titled),
        commands,
        title: ko
          ? `orgsync ${run}: 완료, 실패 ${totals.failed} · 건너뜀 ${totals.skipped}`
          : `orgsync run ${run} completed with ${totals.failed} failed and ${totals.skipped} skipped`,
        text: ko
          ? line(`orgsync ${run} 완료, 문제 있음: ${perStage}`, `보고서: ${commands.report}`)
          : line(`orgsync run ${run} completed with problems: ${perStage}`, `report: ${commands.report}`),
      };
    }

    case 'rollback-finished': {
      const r = event.rollback;
      const commands = commandsFor.report(event.runId);
      const state = ko ? { completed: '완료', failed: '실패', cancelled: '취소됨' }[r.state] : r.state;
      const counts = ko
        ? `${r.undone}건 되돌림, 실패 ${r.failed}, 건너뜀 ${r.skipped}`
        : `${r.undone} changes undone, ${r.failed} failed, ${r.skipped} skipped`;
      const said = r.message ? `: ${r.message}` : '';
      return {
        ...base,
        event: event.event,
        rollback: {
          of: r.of,
          state: r.state,
          undone: r.undone,
          failed: r.failed,
          skipped: r.skipped,
          ...(r.message ? { message: r.message } : {}),
        },
        commands,
        title: ko ? `orgsync 롤백 ${run} (${r.of}): ${state}` : `orgsync rollback ${run} of ${r.of} ${state}`,
        text: ko
          ? line(`orgsync 롤백 ${run} (대상 실행 ${r.of}) ${state}: ${counts}${said}`, `보고서: ${commands.report}`)
          : line(`orgsync rollback ${run} of run ${r.of} ${state}: ${counts}${said}`, `report: ${commands.report}`),
      };
    }
  }
}

function titled(s: StageTally) {
  return { stage: s.stage, title: STAGE_TITLES[s.stage], state: s.state, done: s.done, failed: s.failed, skipped: s.skipped };
}

/** "2026-11-26 02:10 KST": times as operators in Korea speak of them. */
function seoulTime(iso: string): string {
  const p = seoulParts(new Date(iso));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} KST`;
}

/** "2h", "1h 30m", "45m" (ko: "2시간", "1시간 30분", "45분"), rounded to the minute, never negative. */
function remaining(ms: number, language: Language): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const [hu, mu, sep] = language === 'ko' ? ['시간', '분', ' '] : ['h', 'm', ' '];
  if (h && m) return `${h}${hu}${sep}${m}${mu}`;
  return h ? `${h}${hu}` : `${m}${mu}`;
}
