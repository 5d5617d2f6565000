/**
 * What an operator sees before anything reaches Temporal: help, usage errors (exit 2), configuration
 * errors (exit 2), an unreachable server (exit 1), one line each unless --verbose. The address points
 * at a closed port, so a command that tried to connect before checking its arguments would exit 1.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../client/commands/index.js';
import { csv, displayWidth, formatDuration, parseDuration, table } from '../../client/format.js';
import { calendarToCron } from '../../client/commands/schedule.js';
import { cliWith, parseCsv } from './helpers.js';

const NOWHERE = '127.0.0.1:1';
const cli = cliWith({ TEMPORAL_ADDRESS: NOWHERE });

describe('usage', () => {
  it.each([
    [[], 'Usage: orgsync <command>'],
    [['bogus'], "unknown command 'bogus'"],
    [['help', 'stauts'], 'did you mean status'],
    [['stauts'], 'did you mean status'],
    [['run', 'now'], "unexpected argument 'now'"],
    [['run', '--stages', 'grades,bogus'], 'unknown stage bogus'],
    [['run', '--stages', ','], '--stages lists no stage'],
    [['run', '--wait=yes'], '--wait takes no value'],
    [['run', '--id'], '--id needs a value'],
    [['status', 'a', 'b'], "unexpected argument 'b'"],
    [['status', '--bogus'], 'unknown option --bogus'],
    [['pause', 'a', 'b'], "unexpected argument 'b'"],
    [['resume', '--now'], 'unknown option --now'],
    [['cancel', 'a', 'b'], "unexpected argument 'b'"],
    [['approve-deletions', '--by'], '--by needs a value'],
    [['reject-deletions', 'a', 'b'], "unexpected argument 'b'"],
    [['report', '--format', 'xml'], '--format is one of table, json, csv'],
    [['report', '--json', '--format', 'csv'], '--json and --format csv disagree'],
    [['list', '--limit', '0'], '--limit is a whole number'],
    [['list', '--limit', 'many'], '--limit is a whole number'],
    [['schedule'], 'missing subcommand'],
    [['schedule', 'explode'], "unknown subcommand 'explode'"],
    [['schedule', 'create', '--overlap', 'sometimes'], '--overlap is one of skip'],
    [['schedule', 'create', '--timezone', 'Mars/Olympus'], "unknown time zone 'Mars/Olympus'"],
    [['schedule', 'create', '--catchup-window', 'soon'], "--catchup-window 'soon' is not a duration"],
    [['schedule', 'create', '--cron', 'daily'], "--cron 'daily' is not a cron expression"],
    [['schedule', 'update'], 'nothing to change'],
    [['schedule', 'describe', 'extra'], "unexpected argument 'extra'"],
    [['schedule', 'pause', '--cron', '* * * * *'], 'unknown option --cron'],
    [['schedule', 'unpause', 'x'], "unexpected argument 'x'"],
    [['schedule', 'trigger', 'now'], "unexpected argument 'now'"],
    [['schedule', 'delete', '--force'], 'unknown option --force'],
    [['sync-employee'], 'missing <epId>'],
    [['sync-employee', 'E1', 'E2'], "unexpected argument 'E2'"],
    [['job-title-keys'], 'missing <names>'],
    [['job-title-keys', ','], '<names> lists no name'],
    [['job-title-keys', '--source', 'title', '책임'], '--source is gradeName or job, not title'],
    [['worker', 'extra'], "unexpected argument 'extra'"],
    [['external-keys'], 'missing <grades|job-titles|departments|employees|additional-attributes>'],
    [
      ['external-keys', 'titles', '--sheet', 'a.xlsx', '--out', 'b.xlsx'],
      "<entity> is one of grades, job-titles, departments, employees, additional-attributes, not 'titles'",
    ],
    [['external-keys', 'grades', '--out', 'b.xlsx'], '--sheet names the template'],
    [['external-keys', 'grades', '--sheet', 'a.xlsx'], '--out names the file to write'],
    [['external-keys', 'grades', '--sheet', 'a.xlsx', '--out', './a.xlsx'], '--out must differ from --sheet'],
    [['external-keys', 'grades', '--sheet', 'a.xlsx', '--out', 'b.xlsx', '--report', 'xml'], "--report is csv or json, not 'xml'"],
    [['external-keys', 'grades', '--sheet', 'a.xlsx', '--out', 'b.xlsx', '--report-file', 'r.csv'], '--report-file needs --report'],
  ])('orgsync %j prints usage and exits 2: %s', async (argv, message) => {
    const { code, stdout, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toMatch(/^usage: orgsync|^Usage: orgsync/m);
  });

  const paths = COMMANDS.flatMap((c) => (c.subcommands ? [[c.name], ...c.subcommands.map((s) => [c.name, s.name])] : [[c.name]]));
  it.each(paths)('orgsync %s --help shows usage and an example, and exits 0', async (...path) => {
    const { code, stdout, stderr } = await cli(...path, '--help');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain(`Usage: orgsync ${path.join(' ')}`);
    expect(stdout).toMatch(new RegExp(`Examples?:\\n  orgsync ${path[0]}`));
  });

  it.each(COMMANDS.map((c) => c.name))('the global help lists %s with its summary, and exits 0', async (name) => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(stdout).toContain('Exit codes: 0');
  });
});

describe('errors', () => {
  it('reports a configuration problem in one line with exit 2, and its stack only with --verbose', async () => {
    const broken = cliWith({ ORGSYNC_CONFIG: '/nonexistent/orgsync.yaml' });
    const plain = await broken('status');
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe('orgsync: configuration: ORGSYNC_CONFIG: cannot read /nonexistent/orgsync.yaml (ENOENT)\n');
    const verbose = await broken('status', '--verbose');
    expect(verbose.code).toBe(2);
    expect(verbose.stderr.split('\n')[0]).toBe(plain.stderr.trimEnd());
    expect(verbose.stderr).toMatch(/\n\s+at .*config\/index\.ts/);
  });

  it('says which Temporal it could not reach, in one line with exit 1', async () => {
    const { code, stdout, stderr } = await cli('list');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^orgsync: cannot reach Temporal at ${NOWHERE}: .+ \\(set TEMPORAL_ADDRESS\\)\\n$`));
  });

  it("exits with the runner's code from the installed bin (bin/orgsync.js)", () => {
    const bin = fileURLToPath(new URL('../../bin/orgsync.js', import.meta.url));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: NOWHERE } });
    const help = run('report', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: orgsync report [id] [--format <table|json|csv>] [--json]');
    const bad = run('report', '--format', 'pdf');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('orgsync: --format is one of table, json, csv');
  });
});

describe('output formats', () => {
  it('aligns table columns by terminal width, Hangul counting two cells', () => {
    const lines = table(
      [{ header: 'NAME' }, { header: 'N', align: 'right' }],
      [
        ['김삼성', 1],
        ['Kim', 22],
      ],
    );
    expect(lines).toEqual(['NAME     N', '김삼성   1', 'Kim     22']);
    expect(lines.map(displayWidth)).toEqual([10, 10, 10]);
  });

  it('writes CSV that Excel reads as UTF-8: a BOM, CRLF, and quotes where RFC 4180 needs them', () => {
    const text = csv(
      ['key', 'message'],
      [
        ['E1', 'name "김" is, well\nlong'],
        ['E2', 'plain'],
      ],
    );
    expect(text.startsWith('\uFEFFkey,message\r\n')).toBe(true);
    expect(text).toContain('E1,"name ""김"" is, well\nlong"\r\n');
    expect(parseCsv(text.slice(1))).toEqual([
      ['key', 'message'],
      ['E1', 'name "김" is, well\nlong'],
      ['E2', 'plain'],
    ]);
  });

  it.each([
    ['1 hour', 3_600_000],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2 days', 172_800_000],
    ['soon', undefined],
  ])('reads the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    [850, '850ms'],
    [12_000, '12s'],
    [192_000, '3m 12s'],
    [180_000, '3m'],
    [3_600_000, '1h'],
    [3_840_000, '1h 4m'],
  ])('prints %i ms as people say it: %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    {
      cron: '0 2 * * *',
      minute: { start: 0, end: 0, step: 1 },
      hour: { start: 2, end: 2, step: 1 },
      dayOfWeek: { start: 'SUNDAY', end: 'SATURDAY', step: 1 },
    },
    {
      cron: '*/15 9-18 * * 1-5',
      minute: { start: 0, end: 59, step: 15 },
      hour: { start: 9, end: 18, step: 1 },
      dayOfWeek: { start: 'MONDAY', end: 'FRIDAY', step: 1 },
    },
  ] as const)("reads the server's calendar form of $cron back as cron", ({ cron, minute, hour, dayOfWeek }) => {
    expect(
      calendarToCron({
        second: [{ start: 0, end: 0, step: 1 }],
        minute: [minute],
        hour: [hour],
        dayOfMonth: [{ start: 1, end: 31, step: 1 }],
        month: [{ start: 'JANUARY', end: 'DECEMBER', step: 1 }],
        year: [],
        dayOfWeek: [dayOfWeek],
      }),
    ).toBe(cron);
  });
});
