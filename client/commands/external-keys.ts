import { resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../config/index.js';
import { createKnoxClient } from '../../knox/index.js';
import { knoxCandidates, matchRows, KNOX_NEEDS, ENTITIES, type Entity, type MatchResult } from '../../onboarding/external-keys.js';
import { readKnoxFor } from '../../onboarding/knox.js';
import { fillKeys, readTemplate, TemplateError, writeTemplate, type Template } from '../../onboarding/sheet.js';
import { STAGE_TITLES } from '../../engine/pipeline.js';
import { csv, table } from '../format.js';
import { CliError, defineCommand } from '../runner.js';

/** As the argument is typed: kebab-case, or the stage name. */
const ENTITY_ARGS: Record<string, Entity> = Object.fromEntries(
  ENTITIES.flatMap((e) => [
    [e, e],
    [e.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), e],
  ]),
);
const ENTITY_NAMES = ENTITIES.map((e) => e.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
const REPORTS = ['csv', 'json'] as const;

export const externalKeys = defineCommand({
  name: 'external-keys',
  summary: "fill WORKPLACE's External Key template for an entity from Knox (before the first run after a data migration)",
  description: [
    'Seed 000 step 2: download the template in WORKPLACE > Developers > 조직연동 > <entity>, fill it with this, upload it.',
    "Each row gets the key orgsync uses (README's mapping table) when exactly one Knox object fits it: grades, 직책 and",
    'additional attributes by name, departments by name and parent path, employees by e-mail (any case), then login id.',
    'Other rows keep their cell as it was and are listed with the reason. Reads Knox (KNOX_*); never writes to WORKPLACE.',
    'Column headers: onboarding.sheets.<entity> in ORGSYNC_CONFIG (README "External keys").',
  ].join('\n'),
  args: [{ name: ENTITY_NAMES.join('|') }],
  options: {
    sheet: { type: 'string', value: '<file.xlsx>', description: 'the template as downloaded from WORKPLACE' },
    out: { type: 'string', value: '<file.xlsx>', description: 'where to write the filled template (not the --sheet file)' },
    report: { type: 'string', value: '<csv|json>', description: 'also write the rows left without a key, and Knox objects with no row' },
    'report-file': { type: 'string', value: '<file>', description: 'write the --report there instead of to stdout' },
  },
  examples: [
    'orgsync external-keys departments --sheet 부서.xlsx --out 부서-filled.xlsx',
    'orgsync external-keys employees --sheet employees.xlsx --out employees-filled.xlsx --report csv --report-file unmatched.csv',
  ],
  async run(ctx) {
    const entity = ENTITY_ARGS[ctx.args[0]!];
    if (!entity) throw ctx.usage(`<entity> is one of ${ENTITY_NAMES.join(', ')}, not '${ctx.args[0]}'`);
    const { sheet, out, report } = ctx.flags;
    const reportFile = ctx.flags['report-file'];
    if (!sheet) throw ctx.usage('--sheet names the template downloaded from WORKPLACE');
    if (!out) throw ctx.usage('--out names the file to write');
    if (resolve(sheet) === resolve(out)) throw ctx.usage('--out must differ from --sheet: the download stays as it was');
    if (report !== undefined && !(REPORTS as readonly string[]).includes(report))
      throw ctx.usage(`--report is csv or json, not '${report}'`);
    if (reportFile !== undefined && report === undefined) throw ctx.usage('--report-file needs --report csv or json');

    const config = loadConfig(['sync', 'onboarding'], ctx.env);
    // Additional attributes' keys are configured, not read: that entity needs no Knox settings.
    const knoxConfig = KNOX_NEEDS[entity].length > 0 ? loadConfig(['knox'], ctx.env).knox : undefined;
    const headers = config.onboarding.sheets[entity];
    const template = await asCliError(() => readTemplate(sheet, entity, headers));
    const knox = knoxConfig && (await readKnoxFor(entity, createKnoxClient(knoxConfig), knoxConfig.companyCodes));
    const result = matchRows(entity, template.rows, knoxCandidates(entity, knox?.data ?? {}, config.sync), {
      pathSeparator: 'pathSeparator' in headers ? headers.pathSeparator : undefined,
    });
    fillKeys(template, new Map(result.results.flatMap((r) => (r.status === 'matched' ? [[r.row, r.key] as const] : []))));
    await asCliError(() => writeTemplate(template, out));

    // With the report on stdout, the summary goes to stderr so a pipe gets the report alone.
    const say = (text: string) => (report && !reportFile ? ctx.note(text) : ctx.print(text));
    say(summary(result, template, out, knox?.invalid.length ?? 0).join('\n'));
    if (!report) return;
    const text = report === 'csv' ? reportCsv(result) : `${JSON.stringify(reportJson(result, template, sheet, out), null, 2)}\n`;
    if (reportFile) {
      writeFileSync(reportFile, text);
      ctx.print(`report: ${reportFile}`);
    } else ctx.write(text);
  },
});

/** A template that does not read as configured, or a file that cannot be written: the operator's to fix. */
async function asCliError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof TemplateError) throw new CliError(err.message, 2);
    if (err instanceof Error && 'code' in err && typeof err.code === 'string') throw new CliError(`${err.message.split('\n')[0]}`);
    throw err;
  }
}

function summary(result: MatchResult, template: Template, out: string, invalidKnox: number): string[] {
  const { counts } = result;
  const left = result.results.filter((r) => r.status !== 'matched');
  return [
    `${STAGE_TITLES[result.entity]}: sheet "${template.worksheet.name}" (headers in row ${template.headerRow}), ${counts.rows} rows: matched ${counts.matched}, unmatched ${counts.unmatched}, ambiguous ${counts.ambiguous}; in Knox with no row ${counts.knoxWithoutRow}`,
    ...(invalidKnox ? [`${invalidKnox} Knox record(s) failed validation and were not offered (a run's report names them)`] : []),
    ...(left.length
      ? [
          '',
          `Rows left without a key (${left.length}):`,
          ...table(
            [{ header: 'ROW', align: 'right' }, { header: 'NAME' }, { header: 'STATUS' }, { header: 'REASON' }],
            left.map((r) => [r.row, r.label, r.status, reasonOf(r)]),
          ),
          '',
        ]
      : []),
    `wrote ${out} with ${counts.matched} key(s); check it, then upload it in WORKPLACE > Developers > 조직연동`,
  ];
}

const reasonOf = (r: MatchResult['results'][number]) =>
  r.status === 'matched' ? '' : `${r.reason}${r.previous ? ` (kept the key it had: ${r.previous})` : ''}`;

const CSV_COLUMNS = ['entity', 'row', 'name', 'status', 'key', 'reason'];

function reportCsv(result: MatchResult): string {
  return csv(CSV_COLUMNS, [
    ...result.results.flatMap((r) =>
      r.status === 'matched'
        ? []
        : [[result.entity, r.row, r.label, r.status, r.status === 'ambiguous' ? r.keys.join(' | ') : '', reasonOf(r)]],
    ),
    ...result.withoutRow.map((c) => [
      result.entity,
      '',
      c.name,
      'no-row',
      c.key,
      'in Knox, and no row of the sheet is it: a first run creates it',
    ]),
  ]);
}

function reportJson(result: MatchResult, template: Template, sheet: string, out: string) {
  return {
    entity: result.entity,
    sheet,
    worksheet: template.worksheet.name,
    headerRow: template.headerRow,
    out,
    counts: result.counts,
    rows: result.results.filter((r) => r.status !== 'matched'),
    knoxWithoutRow: result.withoutRow.map(({ key, name }) => ({ key, name })),
  };
}
