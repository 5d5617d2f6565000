import { STAGE_TITLES } from '../../engine/pipeline.js';
import { csv, table } from '../format.js';
import { defineCommand, JSON_OPTION } from '../runner.js';
import { plannedItems, readRun, resolveRunId, runItems, runState } from '../runs.js';
import { runHeader, runMessage, stageRows, stageTable, withGap } from '../views.js';

const FORMATS = ['table', 'json', 'csv'] as const;
const CSV_COLUMNS = ['stage', 'key', 'name', 'operation', 'outcome', 'code', 'message'];

export const report = defineCommand({
  name: 'report',
  summary: 'per-stage summary and every failed or skipped item with its reason',
  description: [
    'Items come from the staging store (ORGSYNC_STORE_DIR or ORGSYNC_STORE_URL) when this host can read it; otherwise from the',
    "run's result, which keeps the first 100 per stage. CSV is UTF-8 with a BOM, so Excel shows Korean names.",
  ].join('\n'),
  args: [{ name: 'id', optional: true }],
  options: {
    format: { type: 'string', value: '<table|json|csv>', description: 'table (default), json, or csv' },
    ...JSON_OPTION,
  },
  examples: ['orgsync report', 'orgsync report orgsync-20261125-020000 --format csv > report.csv'],
  async run(ctx) {
    if (ctx.flags.json && ctx.flags.format && ctx.flags.format !== 'json')
      throw ctx.usage(`--json and --format ${ctx.flags.format} disagree; give one`);
    const format = ctx.flags.json ? 'json' : (ctx.flags.format ?? 'table');
    if (!(FORMATS as readonly string[]).includes(format)) throw ctx.usage(`--format is one of ${FORMATS.join(', ')}, not '${format}'`);
    const id = await resolveRunId(ctx, ctx.args[0]);
    const view = await readRun(await ctx.client(), id);
    const { items, total, source, location } = await runItems(view, ctx.store());
    // A reviewed run or a dry run: every item of its plan.
    const planned = (await plannedItems(view, ctx.store()))?.map((item) => ({
      stage: item.stage,
      key: item.key,
      ...(item.label ? { label: item.label } : {}),
      op: item.op,
      pass: item.pass,
      ...(item.changes?.length ? { changes: item.changes } : {}),
      ...(item.skip ? { skip: item.skip } : {}),
    }));
    const notes = [
      ...(view.progress ? ['the run has not ended yet; the list grows until it does'] : []),
      ...(items.length < total ? [`showing ${items.length} of ${total}; the full list is in the staging store at ${location}`] : []),
    ];

    if (format === 'json') {
      const stages = view.result?.stages.map(({ outcomes: _outcomes, ...stage }) => stage) ?? view.progress?.stages ?? [];
      ctx.json({
        runId: id,
        state: runState(view),
        dryRun: view.result?.dryRun ?? view.progress?.dryRun,
        message: view.result?.message ?? view.problem,
        stages,
        ...(planned ? { planned } : {}),
        totalItems: total,
        itemsFrom: source,
        notes,
        items,
      });
      return;
    }
    if (format === 'csv') {
      ctx.write(
        csv(
          CSV_COLUMNS,
          items.map((o) => [o.stage, o.key, o.label, o.op, o.outcome, o.code, o.message]),
        ),
      );
      for (const note of notes) ctx.note(note);
      return;
    }
    ctx.print(
      [
        ...runHeader(view),
        ...withGap(runMessage(view)),
        '',
        ...stageTable(stageRows(view)),
        '',
        items.length ? `Failed and skipped items (${total}):` : 'No item failed or was skipped.',
        ...(items.length
          ? table(
              ['STAGE', 'KEY', 'NAME', 'OPERATION', 'OUTCOME', 'CODE', 'MESSAGE'].map((header) => ({ header })),
              items.map((o) => [STAGE_TITLES[o.stage], o.key, o.label, o.op, o.outcome, o.code, o.message]),
            )
          : []),
        ...(planned
          ? [
              '',
              `Planned items (${planned.length}${view.result?.review || view.progress?.review ? ', the reviewed plan' : ', dry run'}):`,
              ...table(
                ['STAGE', 'KEY', 'NAME', 'OPERATION', 'CHANGES', 'NOTE'].map((header) => ({ header })),
                planned.map((p) => [
                  STAGE_TITLES[p.stage],
                  p.key,
                  p.label,
                  p.op,
                  p.changes?.join(', '),
                  p.skip ? `skipped: ${p.skip.message}` : undefined,
                ]),
              ),
            ]
          : []),
        ...withGap(notes),
      ].join('\n'),
    );
  },
});
