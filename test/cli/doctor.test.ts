/**
 * `orgsync doctor`, the preflight, over real sockets: the shared Temporal dev server, a stack's workers,
 * and the Knox and WORKPLACE simulators (also WORKPLACEs that read the reference otherwise: no Reports
 * To route, a skewed clock). The stack is synced once first, so WORKPLACE holds what a run leaves.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../client/cli.js';
import { maskPersonalData } from '../../client/doctor/capture.js';
import { clockVerdict, doctorExitCode, listingVerdict, paceVerdict, type Check } from '../../client/doctor/verdicts.js';
import { generateOrg } from '../../generator/index.js';
import { createKnoxClient } from '../../knox/index.js';
import { startKnoxSimulator } from '../../knox/simulator/server.js';
import { createWorkplaceClient } from '../../workplace/index.js';
import { LOCAL_KNOX_SYSTEM_ID, LOCAL_WORKPLACE, localWorkplaceConfig } from '../../scripts/local-stack.js';
import { startWorkplaceSimulator, type WorkplaceSimulatorOptions } from '../../workplace/simulator/server.js';
import { sharedStack, writeCount } from '../helpers/stack.js';
import { unique } from '../helpers/temporal.js';
import { cliWith, stackEnv, type CliResult } from './helpers.js';

const org = generateOrg({ seed: 1401, employees: 40, departments: 6 });

interface DoctorJson {
  ready: boolean;
  exitCode: number;
  counts: Record<string, number>;
  checks: Check[];
  probe?: { entity: string; key: string };
  capture?: { dir: string; files: number };
}

/** Every check a full doctor makes against a synced stack, in order. */
const READ_CHECKS = [
  'config',
  'temporal.reachable',
  'temporal.workers',
  'knox.auth',
  'knox.titles',
  'knox.organizations',
  'knox.employees',
  'knox.drift',
  'workplace.signature',
  'workplace.clock',
  'workplace.list.grade',
  'workplace.list.job',
  'workplace.list.department',
  'workplace.list.employee',
  'workplace.list.addattrs',
  'workplace.list.absences',
  'workplace.paging',
  'workplace.pace',
  'workplace.get.grade',
  'workplace.get.job',
  'workplace.get.department',
  'workplace.get.employee',
  'workplace.representativeAdmin',
  'workplace.reportsTo',
  'workplace.attributeValues',
  'workplace.drift',
];

describe('orgsync doctor against the simulators', () => {
  const local = sharedStack(org);

  /** An operator's shell pointed at the stack: Temporal, its queue, Knox and WORKPLACE. */
  const doctorEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv =>
    stackEnv(local.stack, {
      KNOX_BASE_URL: local.stack.knoxSimulator.url,
      KNOX_SYSTEM_ID: LOCAL_KNOX_SYSTEM_ID,
      KNOX_COMPANY_CODES: org.companyCode,
      KNOX_RPS: '500',
      WORKPLACE_BASE_URL: local.stack.workplaceSimulator.url,
      WORKPLACE_COMPANY_ID: LOCAL_WORKPLACE.companyId,
      NCP_ACCESS_KEY: LOCAL_WORKPLACE.accessKey,
      NCP_SECRET_KEY: LOCAL_WORKPLACE.secretKey,
      WORKPLACE_RPS: '500',
      ...extra,
    });
  const doctor = (extra: NodeJS.ProcessEnv, ...argv: string[]) => cliWith(doctorEnv(extra))('doctor', ...argv);
  const json = (result: CliResult): DoctorJson => JSON.parse(result.stdout) as DoctorJson;
  const check = (report: DoctorJson, id: string): Check => {
    const found = report.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
    return found;
  };
  /** A second WORKPLACE holding what the stack's holds, read otherwise. */
  async function otherWorkplace(options: WorkplaceSimulatorOptions, run: (url: string) => Promise<void>) {
    const sim = await startWorkplaceSimulator({ ...LOCAL_WORKPLACE, state: local.stack.workplaceSimulator.dump(), ...options });
    try {
      await run(sim.url);
    } finally {
      await sim.close();
    }
  }

  beforeAll(async () => {
    await local.stack.sync(unique('initial'));
  });

  it('passes with a worker polling both queues: every check ok or a warning, exit 0, and by default it writes nothing', async () => {
    local.stack.workplaceSimulator.clearLog();
    const text = await doctor({});
    expect(text.code, text.stdout + text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ok +Temporal reachable: /m);
    expect(text.stdout).toMatch(/^ok +workers poll both task queues: .*-workplace-writes 1 activity poller/m);
    expect(text.stdout).toMatch(/^ok +WORKPLACE reads Reports To: \S+ reports to \S+/m);
    expect(text.stdout).toMatch(/^ready: \d+ ok, \d+ warning\(s\), 0 failed \(exit 0\)$/m);
    expect(text.stdout).not.toMatch(/^failed/m);

    const report = json(await doctor({}, '--json'));
    expect(report.ready).toBe(true);
    expect(report.exitCode).toBe(0);
    expect(report.checks.map((c) => c.id)).toEqual(READ_CHECKS);
    for (const c of report.checks) expect(['ok', 'warning'], `${c.id}: ${c.evidence}`).toContain(c.status);
    // The ones the synced stack can answer are ok outright, not merely tolerated.
    for (const id of READ_CHECKS.filter((id) => !id.endsWith('.drift')))
      expect(check(report, id).status, check(report, id).evidence).toBe('ok');
    expect(check(report, 'workplace.get.employee').evidence).toMatch(/HTTP 200/);

    // Reads only: not one POST, PUT or DELETE reached WORKPLACE in either run.
    expect(writeCount(local.stack.workplaceSimulator)).toBe(0);
    expect(local.stack.workplaceSimulator.log().length).toBeGreaterThan(20);
    // No credential in anything it printed.
    for (const secret of [LOCAL_WORKPLACE.secretKey, LOCAL_WORKPLACE.accessKey]) expect(text.stdout + text.stderr).not.toContain(secret);
  });

  it('fails, exit 1, when no worker polls the task queue, and names ORGSYNC_TASK_QUEUE', async () => {
    const lonely = unique('no-worker');
    const result = await doctor({ ORGSYNC_TASK_QUEUE: lonely }, '--json');
    expect(result.code).toBe(1);
    const report = json(result);
    expect(report.ready).toBe(false);
    const workers = check(report, 'temporal.workers');
    expect(workers).toMatchObject({ status: 'failed', configKey: 'ORGSYNC_TASK_QUEUE' });
    expect(workers.evidence).toContain(`${lonely} 0 workflow poller(s)`);
    expect(workers.evidence).toContain(`${lonely}-workplace-writes 0 activity poller(s)`);
    // Only that check failed: the rest is still read and judged.
    expect(report.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['temporal.workers']);

    const text = await doctor({ ORGSYNC_TASK_QUEUE: lonely });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^failed +workers poll both task queues: .*\n +→ change ORGSYNC_TASK_QUEUE$/m);
    expect(text.stdout).toMatch(/^not ready: .* 1 failed \(exit 1\)$/m);
  });

  it('against a WORKPLACE without the Reports To route, fails that check with the gateway 404 and names workplace.protocol.paths.reportsTo', async () => {
    await otherWorkplace({ reading: { missingRoutes: ['reportsTo'] } }, async (url) => {
      const result = await doctor({ WORKPLACE_BASE_URL: url }, '--json');
      expect(result.code).toBe(1);
      const report = json(result);
      const reportsTo = check(report, 'workplace.reportsTo');
      expect(reportsTo).toMatchObject({ status: 'failed', configKey: 'workplace.protocol.paths.reportsTo' });
      expect(reportsTo.evidence).toMatch(
        /GET \/organization\/apigw\/v1\/company\/\{companyId\}\/reportsTo\/\S+ → HTTP 404, gateway code 300/,
      );
      expect(reportsTo.evidence).toContain('a missing route, not a missing record');
      expect(report.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['workplace.reportsTo']);

      const text = await doctor({ WORKPLACE_BASE_URL: url });
      expect(text.stdout).toMatch(/^failed +WORKPLACE reads Reports To: .*\n +→ change workplace\.protocol\.paths\.reportsTo$/m);
    });
  });

  it('against a WORKPLACE that refuses a page of 500 rows, warns and names workplace.protocol.paging.pageSize; the lists still read', async () => {
    await otherWorkplace({ pageSizeMax: 100, reading: { refusesLargePages: true } }, async (url) => {
      const result = await doctor({ WORKPLACE_BASE_URL: url }, '--json');
      expect(result.code, result.stdout).toBe(0);
      const report = json(result);
      expect(check(report, 'workplace.paging')).toMatchObject({ status: 'warning', configKey: 'workplace.protocol.paging.pageSize' });
      expect(check(report, 'workplace.paging').evidence).toMatch(
        /^limit=500 refused with HTTP 400; the lists were read at paging.fallbackPageSize \(100\)/,
      );
      expect(report.checks.filter((c) => c.id.startsWith('workplace.list.')).map((c) => c.status)).toEqual(Array(6).fill('ok'));
    });
    expect(check(json(await doctor({}, '--json')), 'workplace.paging')).toMatchObject({
      status: 'ok',
      evidence: expect.stringMatching(/^limit=500 answered/) as unknown,
    });
  });

  it('tells a missing record from a missing route: nobody with a Reports To yet is ok, since the route answers', async () => {
    await otherWorkplace({ state: { ...local.stack.workplaceSimulator.dump(), reportsTo: {} } }, async (url) => {
      const report = json(await doctor({ WORKPLACE_BASE_URL: url }, '--json'));
      const reportsTo = check(report, 'workplace.reportsTo');
      expect(reportsTo.status).toBe('ok');
      expect(reportsTo.evidence).toMatch(
        /has a Reports To yet \(HTTP 200: the route answers, so it is a missing record, not a missing route\)/,
      );
    });
  });

  it("fails the clock check when WORKPLACE's clock is 3 minutes off, though signatures are still accepted", async () => {
    await otherWorkplace({ now: () => Date.now() + 3 * 60_000 }, async (url) => {
      const report = json(await doctor({ WORKPLACE_BASE_URL: url }, '--json'));
      expect(check(report, 'workplace.signature').status).toBe('ok');
      const clock = check(report, 'workplace.clock');
      expect(clock.status).toBe('failed');
      expect(clock.evidence).toMatch(/this host's clock is 1[78]\d s behind WORKPLACE's Date header; signatures are refused at 300 s/);
      expect(report.exitCode).toBe(1);
    });
  });

  it('with --write-probe says what it will create before any write, then creates, reads back, renames and deletes it, leaving nothing', async () => {
    local.stack.workplaceSimulator.clearLog();
    const before = local.stack.workplaceSimulator.dump();
    let stdout = '';
    let announced: { text: string; writesSoFar: number } | undefined;
    const code = await runCli(['doctor', '--write-probe', '--json'], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => {
        announced ??= { text: t, writesSoFar: writeCount(local.stack.workplaceSimulator) };
      },
      env: doctorEnv(),
    });
    expect(code, stdout).toBe(0);
    const report = JSON.parse(stdout) as DoctorJson;
    const key = report.probe!.key;
    expect(key).toMatch(/^orgsync-probe-\d{8}-\d{6}$/);
    expect(announced).toEqual({ text: expect.stringContaining(`--write-probe: creates grade (직급) ${key}`) as unknown, writesSoFar: 0 });

    const probes = report.checks.filter((c) => c.id.startsWith('probe.'));
    expect(probes.map((c) => [c.id, c.status])).toEqual([
      ['probe.create', 'ok'],
      ['probe.readBack', 'ok'],
      ['probe.alreadyExists', 'ok'],
      ['probe.update', 'ok'],
      ['probe.delete', 'ok'],
      ['probe.notFound', 'ok'],
    ]);
    expect(probes.find((c) => c.id === 'probe.alreadyExists')!.evidence).toMatch(
      /already exists.*matches workplace\.protocol\.messages\.alreadyExists/,
    );

    const writes = local.stack.workplaceSimulator.log().filter((e) => e.method !== 'GET');
    expect(writes.map((e) => [e.method, e.route, e.externalKey, e.status])).toEqual([
      ['POST', 'POST grade', key, 201],
      ['POST', 'POST grade', key, 400],
      ['PUT', 'PUT grade', key, 200],
      ['DELETE', 'DELETE grade', key, 200],
      ['DELETE', 'DELETE grade', key, 400],
    ]);
    const after = local.stack.workplaceSimulator.dump();
    expect(Object.keys(after.grades).filter((k) => k.startsWith('orgsync-probe'))).toEqual([]);
    expect(after).toEqual(before);
  });

  it('with --capture writes each exchange with no secret or signature, and personal data masked', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'orgsync-doctor-')), 'capture');
    const result = await doctor({}, '--capture', dir, '--json');
    expect(result.code, result.stdout).toBe(0);
    const files = readdirSync(dir).sort();
    expect(json(result).capture).toEqual({ dir, files: files.length });
    // Knox: titles, a page of organizations, one department; WORKPLACE: six lists and the reads after them.
    expect(files.length).toBeGreaterThan(12);
    expect(files[0]).toMatch(/^001-knox-GET-titles\.json$/);
    const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    const all = texts.join('\n');
    const exchanges = texts.map(
      (t) => JSON.parse(t) as { system: string; method: string; path: string; status?: number; responseBody?: unknown },
    );
    for (const e of exchanges)
      expect(e).toMatchObject({ system: expect.stringMatching(/^(knox|workplace)$/) as unknown, method: expect.any(String) as unknown });

    // Secrets, keys and signatures: no credential, no companyId, nothing shaped like a signature, no header at all.
    for (const secret of [LOCAL_WORKPLACE.secretKey, LOCAL_WORKPLACE.accessKey, LOCAL_WORKPLACE.companyId, LOCAL_KNOX_SYSTEM_ID])
      expect(all).not.toContain(secret);
    expect(all).not.toMatch(/[A-Za-z0-9+/]{43}=/);
    expect(all).not.toMatch(/x-ncp-|System-ID/i);

    // Personal data: Knox and WORKPLACE both returned employees, and none of their names, e-mails, logins or phones survive.
    expect(
      exchanges.some((e) => e.system === 'knox' && e.path.startsWith('/employees?') && JSON.stringify(e.responseBody).includes('"epId"')),
    ).toBe(true);
    expect(
      exchanges.some(
        (e) => e.system === 'workplace' && /\/employee\?/.test(e.path) && JSON.stringify(e.responseBody).includes('"loginId"'),
      ),
    ).toBe(true);
    const lower = all.toLowerCase();
    for (const e of org.employees) {
      if ([...e.fullName].length >= 3) expect(all).not.toContain(e.fullName);
      expect(lower).not.toContain(e.emailAddress.toLowerCase());
      expect(all).not.toContain(`"${e.userId}"`);
      for (const phone of [e.mobile, e.officeTelNumber]) if (phone) expect(all).not.toContain(phone);
    }
    // Masked, not dropped: the shape a simulator is held against stays.
    expect(all).toMatch(/"emailAddress": "x+@samsung\.com"/);
    expect(all).toMatch(/"fullName": "\*+/);
  });

  it('fails the Knox check, exit 1, when Knox refuses the System-ID, naming KNOX_SYSTEM_ID and never printing it', async () => {
    const wrong = 'C60WRONG9999';
    const result = await doctor({ KNOX_SYSTEM_ID: wrong }, '--json');
    expect(result.code).toBe(1);
    const report = json(result);
    const auth = check(report, 'knox.auth');
    expect(auth).toMatchObject({ status: 'failed', configKey: 'KNOX_SYSTEM_ID' });
    expect(auth.evidence).toMatch(/GET \/titles\?companyCode=\S+ failed: KNOX_AUTH \(HTTP 401\)/);
    for (const id of ['knox.titles', 'knox.organizations', 'knox.employees']) expect(check(report, id).status).toBe('skipped');
    // WORKPLACE is judged on its own.
    expect(check(report, 'workplace.signature').status).toBe('ok');
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it('reports invalid configuration as a failed check naming the key, and skips what needs it', async () => {
    const result = await doctor({ WORKPLACE_RPS: 'fast' }, '--json');
    expect(result.code).toBe(1);
    const report = json(result);
    expect(check(report, 'config')).toMatchObject({ status: 'failed', configKey: 'WORKPLACE_RPS' });
    expect(check(report, 'workplace.signature').status).toBe('skipped');
    expect(check(report, 'knox.auth').status).toBe('ok');
  });
});

describe('the sample reads doctor makes', () => {
  it('a Knox organizations read with pages: 1 stops after the first 500 rows, and without it reads them all', async () => {
    const big = generateOrg({ seed: 1402, employees: 620, departments: 620 });
    const sim = await startKnoxSimulator({ systemId: LOCAL_KNOX_SYSTEM_ID, org: big });
    try {
      const knox = createKnoxClient({
        baseUrl: sim.url,
        systemId: LOCAL_KNOX_SYSTEM_ID,
        companyCodes: [big.companyCode],
        rps: 500,
        headers: {},
      });
      const sample = await knox.listOrganizations(big.companyCode, { pages: 1 });
      expect(sample).toMatchObject({ calls: 1, invalid: [] });
      expect(sample.rows).toHaveLength(500);
      const all = await knox.listOrganizations(big.companyCode);
      expect(all.calls).toBe(2);
      expect(all.rows).toHaveLength(big.organizations.length);
    } finally {
      await sim.close();
    }
  });

  it('a WORKPLACE list with pages: 1 reads one page, and without it every page', async () => {
    const grades = Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [`G${i}`, { name: `grade ${i}`, itemUsed: true, sortOrder: String(i) }]),
    );
    const sim = await startWorkplaceSimulator({ ...LOCAL_WORKPLACE, state: { grades } });
    try {
      const workplace = createWorkplaceClient(localWorkplaceConfig(sim.url, { rps: 500 }));
      expect((await workplace.grades.list({ pageSize: 10, pages: 1 })).rows.map((g) => g.externalKey)).toEqual(
        Object.keys(grades).slice(0, 10),
      );
      expect(sim.log()).toHaveLength(1);
      expect((await workplace.grades.list({ pageSize: 10 })).rows).toHaveLength(25);
    } finally {
      await sim.close();
    }
  });
});

describe('doctor verdicts', () => {
  it.each([
    [0, 'ok'],
    [-29_000, 'ok'],
    [31_000, 'warning'],
    [-149_000, 'warning'],
    [150_000, 'failed'],
    [-400_000, 'failed'],
  ] as const)('a clock %i ms off is %s against a 5-minute window', (skew, status) => {
    expect(clockVerdict(skew, 300_000).status).toBe(status);
  });

  it.each([
    [[40, 42, 75], 50, 'ok'],
    [[40, 42, 90], 50, 'ok'],
    [[40, 42, 91], 50, 'warning'],
    [[12, 230], 100, 'warning'],
    [[40], 50, 'warning'],
    [[], 50, 'warning'],
  ] as const)('round trips %j against a %i ms pace margin are %s', (trips, margin, status) => {
    expect(paceVerdict(trips, margin).status).toBe(status);
  });

  it('a spread beyond the pace margin names the setting and the spread to set', () => {
    const verdict = paceVerdict([30, 31, 33, 170], 50);
    expect(verdict).toMatchObject({
      evidence: '4 identical reads took 30–170 ms (spread 140 ms); WORKPLACE_PACE_MARGIN_MS is 50 ms',
      configKey: 'WORKPLACE_PACE_MARGIN_MS',
    });
    expect(verdict.hint).toContain('set it to 140 or more');
  });

  it('an unknown skew (no Date header) is a warning, not a pass', () => {
    expect(clockVerdict(undefined, 300_000).status).toBe('warning');
  });

  it('exits 0 with warnings and 1 with any failure', () => {
    const c = (status: Check['status']): Check => ({ id: status, title: status, status, evidence: '' });
    expect(doctorExitCode([c('ok'), c('warning')])).toBe(0);
    expect(doctorExitCode([c('ok'), c('failed')])).toBe(1);
    expect(doctorExitCode([c('ok'), c('skipped')])).toBe(1);
  });

  it('a listing with some unreadable records is a warning naming them, with none readable a failure', () => {
    expect(listingVerdict('grades', 3, []).status).toBe('ok');
    const some = listingVerdict('grades', 3, [{ key: 'G9', issues: ['externalKey: required'] }]);
    expect(some).toMatchObject({ status: 'warning', evidence: '4 grades, 1 unreadable', details: ['G9: externalKey: required'] });
    expect(listingVerdict('grades', 0, [{ issues: ['(record): expected object'] }]).status).toBe('failed');
  });

  it('masks names, e-mails, logins and phones of people, keeps keys, nulls, types and department names', () => {
    const person = { externalKey: 'E1', name: '김삼성', i18nNames: { en_US: 'Kim' }, empNick: null };
    const contact = { loginId: 'kim@samsung.com', cellphoneNo: '+82-10-1234-5678' };
    const department = { externalKey: 'D1', name: '인사팀', deptLeaderExternalKey: 'E1' };
    const head = { managerId: 'kim', managerName: '김삼성', note: 'ask kim@samsung.com' };
    const organization = { departmentCode: 'D1', departmentName: '인사팀', ...head };
    expect(maskPersonalData({ elements: [{ ...person, ...contact }, department], organizations: [organization] })).toEqual({
      elements: [
        { ...person, name: '***', loginId: 'xxx@samsung.com', cellphoneNo: '+00-00-0000-0000', i18nNames: { en_US: '***' } },
        department,
      ],
      organizations: [{ ...organization, managerId: '***', managerName: '***', note: 'ask xxx@samsung.com' }],
    });
  });
});
