/**
 * Notifications over real sockets: HTTP receivers on port 0 take the JSON, a real SMTP server (smtp-server)
 * takes the mail, and notifyWorkflow runs on a real worker against the shared dev server. A target that is
 * down is retried and given up on; the run that announced never waits for it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyActivities } from '../../activities/notify.js';
import { Secret, type NotifyConfig } from '../../config/index.js';
import { awaitingDecision, runEnded, type NotifyEvent } from '../../notify/events.js';
import { NotificationSchema, type Notification } from '../../notify/payload.js';
import type { OrgSyncResult } from '../../engine/types.js';
import { announcingWorkflow, decidedSignal, holdingWorkflow, notifyWorkflow } from '../fixtures/notify-workflows.js';
import { bundleOnce, connectTestEnv, eventually, unique } from '../helpers/temporal.js';
import { refusedDepartment, runResult, stageResult } from '../helpers/results.js';

interface Receiver {
  url: string;
  received: Notification[];
  /** Requests whose answer is still held back (see `hold`). */
  pending: number;
  release(): void;
  close(): Promise<void>;
}

/** A webhook receiver answering `status`; with `hold`, it keeps each request open until release(). */
async function startReceiver(status: number, options: { hold?: boolean } = {}): Promise<Receiver> {
  const waiting: (() => void)[] = [];
  let released = !options.hold;
  const r: Receiver = {
    url: '',
    received: [],
    pending: 0,
    release() {
      released = true;
      waiting.splice(0).forEach((answer) => answer());
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      r.received.push(NotificationSchema.parse(JSON.parse(body)));
      const answer = () => {
        r.pending--;
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      };
      r.pending++;
      if (released) answer();
      else waiting.push(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A path with a token in it, as chat webhooks have: it must never show up in a log or a failure.
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T0KEN-s3cret`;
  return r;
}

/** A real SMTP server that wants a login, and the mails it accepted, parsed. */
async function startSmtp(): Promise<{ port: number; mails: ParsedMail[]; logins: string[]; close(): Promise<void> }> {
  const mails: ParsedMail[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'orgsync' && auth.password === 'smtp-pa55') {
        logins.push(auth.username);
        callback(null, { user: auth.username });
      } else callback(new Error('bad login'));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, logins, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A run that failed in its department stage, both of whose creates WORKPLACE refused. */
const result = (over: Partial<OrgSyncResult>): OrgSyncResult =>
  runResult({
    state: 'failed',
    startedAt: new Date().toISOString(),
    durationMs: 1000,
    message: 'stopped',
    stages: [
      stageResult({
        stage: 'departments',
        state: 'failed',
        counts: { planned: 2, done: 0, failed: 2, skipped: 0, unchanged: 0 },
        plannedOps: { create: 2, update: 0, delete: 0 },
        durationMs: 500,
        message: 'all 2 attempted writes failed; the last: deptName is required',
        outcomes: [refusedDepartment('deptName is required')],
      }),
    ],
    ...over,
  });

describe('notifications', () => {
  let env: TestWorkflowEnvironment;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const bundle = bundleOnce(new URL('../fixtures/notify-workflows.ts', import.meta.url));

  beforeAll(async () => {
    env = await connectTestEnv();
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await Promise.all([env?.teardown(), smtp?.close()]);
  });

  const config = (webhooks: Receiver[], over: Partial<NotifyConfig> = {}): NotifyConfig => ({
    webhooks: webhooks.map((w) => new Secret(w.url)),
    language: 'en',
    deadlineWarning: '2h',
    uiUrl: 'http://temporal-ui:8080',
    smtp: {
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      user: 'orgsync',
      password: new Secret('smtp-pa55'),
      from: 'orgsync@example.com',
      to: ['ops@example.com', 'hr-it@example.com'],
    },
    ...over,
  });

  /** A worker with the notify activities for `notify`, on a task queue of its own, while `fn` runs. */
  async function withWorker<T>(notify: NotifyConfig, fn: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = unique('notify');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundle,
      activities: createNotifyActivities({ notify, namespace: 'default', timeoutMs: 5_000 }),
    });
    return worker.runUntil(fn(taskQueue));
  }

  it('a run that fails tells every webhook and the mailbox once, and ends without waiting for a receiver that is slow to answer', async () => {
    const quick = await startReceiver(200);
    const slow = await startReceiver(204, { hold: true });
    const mailsBefore = smtp.mails.length;
    try {
      const event = runEnded(result({}), new Date())!;
      await withWorker(config([quick, slow]), async (taskQueue) => {
        const workflowId = unique('orgsync-run');
        // The run ends while the slow receiver still holds its request: it did not wait for it.
        expect(await env.client.workflow.execute(announcingWorkflow, { taskQueue, workflowId, args: [event] })).toBe('ended');
        expect(slow.received.length - slow.pending).toBe(0);
        await eventually(() => slow.pending === 1, { what: 'the slow receiver to get the message' });
        slow.release();
        const notified = await env.client.workflow.getHandle<typeof notifyWorkflow>(`${workflowId}/notify-run-failed`).result();
        expect(notified.undelivered).toEqual([]);
        expect(notified.delivered.sort()).toEqual([
          'run-failed → mail (127.0.0.1:' + smtp.port + ', 2 recipients)',
          `run-failed → webhook-1 (${new URL(quick.url).host})`,
          `run-failed → webhook-2 (${new URL(slow.url).host})`,
        ]);
      });
      for (const r of [quick, slow]) {
        expect(r.received).toHaveLength(1);
        expect(r.received[0]).toMatchObject({
          event: 'run-failed',
          runId: 'orgsync-20261125-020000',
          text: 'orgsync run orgsync-20261125-020000 failed in 부서 departments: all 2 attempted writes failed; the last: deptName is required · first failure: D100 (인사팀) create: WORKPLACE_VALIDATION: deptName is required · report: orgsync report orgsync-20261125-020000 · http://temporal-ui:8080/namespaces/default/workflows/orgsync-20261125-020000',
        });
      }
      const mails = smtp.mails.slice(mailsBefore);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('orgsync run orgsync-20261125-020000 failed in 부서 departments');
      expect(mails[0]!.text?.trim()).toBe(
        [
          quick.received[0]!.text,
          '',
          'orgsync report orgsync-20261125-020000',
          '',
          'http://temporal-ui:8080/namespaces/default/workflows/orgsync-20261125-020000',
          '',
          '-- orgsync (run-failed, orgsync-20261125-020000)',
        ].join('\n'),
      );
      expect(mails[0]!.to && !Array.isArray(mails[0]!.to) ? mails[0]!.to.text : '').toBe('ops@example.com, hr-it@example.com');
      expect(smtp.logins.at(-1)).toBe('orgsync');
    } finally {
      await Promise.all([quick.close(), slow.close()]);
    }
  });

  it('retries a receiver that answers 500, then gives up and says so; the others get the message exactly once', async () => {
    const down = await startReceiver(500);
    const refusing = await startReceiver(400);
    const up = await startReceiver(200);
    try {
      const event = runEnded(result({ state: 'completed', message: undefined, stages: [] }), new Date());
      expect(event).toBeUndefined();
      const failed = runEnded(result({}), new Date())!;
      const outcome = await withWorker(config([down, refusing, up], { smtp: undefined }), (taskQueue) =>
        env.client.workflow.execute(notifyWorkflow, {
          taskQueue,
          workflowId: unique('notify-down'),
          args: [failed, { retry: { initialIntervalMs: 200, maximumAttempts: 3 } }],
        }),
      );
      expect(down.received).toHaveLength(3);
      // A 400 will not change on a retry.
      expect(refusing.received).toHaveLength(1);
      expect(up.received).toHaveLength(1);
      expect(outcome.delivered).toEqual([`run-failed → webhook-3 (${new URL(up.url).host})`]);
      expect(outcome.undelivered).toEqual([
        {
          target: `run-failed → webhook-1 (${new URL(down.url).host})`,
          reason: `webhook-1 (${new URL(down.url).host}) answered HTTP 500`,
        },
        {
          target: `run-failed → webhook-2 (${new URL(refusing.url).host})`,
          reason: `webhook-2 (${new URL(refusing.url).host}) answered HTTP 400`,
        },
      ]);
      expect(JSON.stringify(outcome)).not.toContain('T0KEN');
    } finally {
      await Promise.all([down.close(), refusing.close(), up.close()]);
    }
  });

  it('a held deletion decision is told at once, and again deadlineWarning (here 6 s) before its deadline', async () => {
    const receiver = await startReceiver(200);
    const mailsBefore = smtp.mails.length;
    try {
      const now = Date.now();
      const hold = { stage: 'departments', deletions: 130, existing: 2600, reason: '130 deletions is more than 20' } as const;
      const event: NotifyEvent = awaitingDecision(
        'orgsync-20261125-020000',
        { ...hold, decideBy: new Date(now + 12_000).toISOString() },
        new Date(now),
      );
      const outcome = await withWorker(config([receiver], { deadlineWarning: '6s' }), (taskQueue) =>
        env.client.workflow.execute(notifyWorkflow, { taskQueue, workflowId: unique('notify-hold'), args: [event] }),
      );
      expect(outcome.reminder).toBe('sent');
      expect(receiver.received.map((n) => n.event)).toEqual(['awaiting-decision', 'decision-deadline-near']);
      const reminder = receiver.received[1]!;
      // Sent six seconds before the deadline, give or take a workflow task.
      expect(Date.parse(event.hold.decideBy) - Date.parse(reminder.at)).toBeGreaterThan(4_000);
      expect(reminder.text).toMatch(
        /^orgsync run orgsync-20261125-020000 still waits for a deletion decision: 부서 departments, 130 of 2600; without one by .* KST \(in [0-9]m\) the deletions are rejected · Approve: orgsync approve-deletions orgsync-20261125-020000 --by <name> · Reject: orgsync reject-deletions orgsync-20261125-020000 · http/,
      );
      const mails = smtp.mails.slice(mailsBefore);
      expect(mails.map((m) => m.subject)).toEqual([
        'orgsync orgsync-20261125-020000 waits for a deletion decision (부서 departments)',
        'orgsync orgsync-20261125-020000: the deletion decision is due soon (부서 departments)',
      ]);
      expect(mails[0]!.text).toContain(
        'orgsync approve-deletions orgsync-20261125-020000 --by <name>\norgsync reject-deletions orgsync-20261125-020000\n',
      );
    } finally {
      await receiver.close();
    }
  });

  it('a decision withdraws the reminder: the announcement ends with only the first message sent', async () => {
    const receiver = await startReceiver(200);
    try {
      const hold = { stage: 'employees', deletions: 40, existing: 787, reason: '40 deletions is more than 20' } as const;
      const event = awaitingDecision(
        'orgsync-20261125-020000',
        { ...hold, decideBy: new Date(Date.now() + 3_600_000).toISOString() },
        new Date(),
      );
      await withWorker(config([receiver], { smtp: undefined, deadlineWarning: '30m' }), async (taskQueue) => {
        const workflowId = unique('orgsync-stage');
        const stage = await env.client.workflow.start(holdingWorkflow, { taskQueue, workflowId, args: [event] });
        await eventually(() => receiver.received.length === 1, { what: 'the awaiting-decision message' });
        const announcement = env.client.workflow.getHandle<typeof notifyWorkflow>(`${workflowId}/notify-awaiting-decision`);
        await stage.signal(decidedSignal);
        expect(await stage.result()).toBe('decided');
        expect(await announcement.result()).toEqual({
          delivered: [`awaiting-decision → webhook-1 (${new URL(receiver.url).host})`],
          undelivered: [],
          reminder: 'withdrawn',
        });
      });
      expect(receiver.received.map((n) => n.event)).toEqual(['awaiting-decision']);
    } finally {
      await receiver.close();
    }
  });
});
