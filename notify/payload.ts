/**
 * The one JSON message orgsync sends to every webhook (and, as text, by mail). Documented in README
 * "Monitoring and alerts"; a receiver can parse it with this schema. `text` is one ready-made line in the
 * configured language, so a chat webhook (Slack, Teams, Google Chat, Dooray!) can post it as it is; the
 * other fields are for receivers that want to build their own. No secret and no personal data beyond
 * the keys and names the run's report already shows.
 */
import { z } from 'zod';
import { STAGES } from '../engine/pipeline.js';

export const NOTIFICATION_SCHEMA_ID = 'orgsync.notification/v1' as const;

const Stage = z.enum(STAGES);

const StageTallySchema = z.object({
  stage: Stage,
  /** e.g. "부서 departments" */
  title: z.string(),
  state: z.enum(['completed', 'failed', 'cancelled', 'skipped']),
  done: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
});

const base = {
  schema: z.literal(NOTIFICATION_SCHEMA_ID),
  /** The orgsync run id (= Temporal workflow id), e.g. orgsync-20261125-020000. */
  runId: z.string(),
  /** When it happened (ISO 8601). */
  at: z.iso.datetime(),
  language: z.enum(['ko', 'en']),
  /** Short, for a mail subject or a card title. */
  title: z.string(),
  /** One line, ready to post: what happened, what to do, and the link. */
  text: z.string(),
  /** The run in the Temporal Web UI, when ORGSYNC_UI_URL is set. */
  link: z.url().optional(),
  dryRun: z.boolean(),
  /** The CLI commands that act on it, by name (approve, reject, report, status). */
  commands: z.record(z.string(), z.string()),
};

const DecisionSchema = z.object({
  stage: Stage,
  title: z.string(),
  deletions: z.number().int(),
  existing: z.number().int(),
  reason: z.string(),
  /** When silence becomes a rejection (ISO 8601). */
  decideBy: z.iso.datetime(),
});

export const NotificationSchema = z.discriminatedUnion('event', [
  z.object({ ...base, event: z.literal('awaiting-decision'), decision: DecisionSchema }),
  z.object({ ...base, event: z.literal('decision-deadline-near'), decision: DecisionSchema }),
  z.object({
    ...base,
    event: z.literal('run-failed'),
    failure: z.object({
      stage: Stage.optional(),
      /** Why the stage (and so the run) failed. */
      message: z.string(),
      /** The first failed item, with WORKPLACE's message. */
      firstItem: z
        .object({
          stage: Stage,
          key: z.string(),
          label: z.string().optional(),
          op: z.enum(['create', 'update', 'delete', 'read']),
          code: z.string(),
          message: z.string(),
        })
        .optional(),
    }),
    stages: z.array(StageTallySchema),
  }),
  z.object({
    ...base,
    event: z.literal('run-completed-with-problems'),
    totals: z.object({ failed: z.number().int(), skipped: z.number().int() }),
    stages: z.array(StageTallySchema),
  }),
  z.object({
    ...base,
    event: z.literal('rollback-finished'),
    rollback: z.object({
      of: z.string(),
      state: z.enum(['completed', 'failed', 'cancelled']),
      undone: z.number().int(),
      failed: z.number().int(),
      skipped: z.number().int(),
      message: z.string().optional(),
    }),
  }),
]);

export type Notification = z.infer<typeof NotificationSchema>;
