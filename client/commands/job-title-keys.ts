import { jobTitleKey } from '../../engine/stages/mapping.js';
import { defineCommand, JSON_OPTION } from '../runner.js';

const SOURCES = ['gradeName', 'job'] as const;

export const jobTitleKeys = defineCommand({
  name: 'job-title-keys',
  summary: "print the external key orgsync gives each 직책, for a data migration's key mapping",
  description: [
    'Knox has no code for 직책, so orgsync derives each key from the 직위 name (README "Why 직위").',
    "Before the first run after a manual data migration, map these keys onto WORKPLACE's 직책 (the external-key",
    'Excel of 조직연동), so the run updates them instead of failing to create a second 직책 of the same name.',
    'With --source job (sync.jobTitleSource: job), give each jobCode, or the jobName where the code is empty.',
  ].join('\n'),
  args: [{ name: 'names' }],
  options: {
    source: {
      type: 'string',
      value: '<gradeName|job>',
      description: 'what the keys derive from, as sync.jobTitleSource (default gradeName)',
    },
    ...JSON_OPTION,
  },
  examples: ['orgsync job-title-keys 사원,선임,책임,수석', 'orgsync job-title-keys --source job SW01,HW02 --json'],
  async run(ctx) {
    const source = ctx.flags.source ?? 'gradeName';
    if (!(SOURCES as readonly string[]).includes(source)) throw ctx.usage(`--source is gradeName or job, not ${source}`);
    const names = ctx.args[0]!.split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    if (names.length === 0) throw ctx.usage('<names> lists no name');
    const keys = names.map((name) => ({ name, key: jobTitleKey(source as (typeof SOURCES)[number], name) }));
    if (ctx.flags.json) ctx.json(keys);
    else ctx.print(keys.map(({ name, key }) => `${name}\t${key}`).join('\n'));
  },
});
