/**
 * The Prometheus alert rules (ops/prometheus/alerts.yml): promtool checks them and runs their unit tests
 * (alerts.test.yml, one firing and one silent case per alert). promtool comes with Debian's `prometheus`
 * package (`bash scripts/install-promtool`, which .ci/run calls); without it these tests skip, saying so.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const DIR = fileURLToPath(new URL('../ops/prometheus/', import.meta.url));

function findPromtool(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
const promtool = findPromtool();
if (!promtool)
  console.warn('test/alerts.test.ts: promtool is not installed, so the alert rules are not checked (bash scripts/install-promtool)');

const RulesSchema = z.object({ groups: z.array(z.object({ rules: z.array(z.looseObject({ alert: z.string(), expr: z.string() })) })) });
const TestsSchema = z.object({
  tests: z.array(z.object({ alert_rule_test: z.array(z.object({ alertname: z.string(), exp_alerts: z.array(z.unknown()) })) })),
});

describe.skipIf(!promtool)('Prometheus alert rules', () => {
  const run = (...args: string[]) => spawnSync(promtool!, args, { cwd: DIR, encoding: 'utf8' });

  it('pass promtool check rules', () => {
    const checked = run('check', 'rules', 'alerts.yml');
    expect(checked.stdout + checked.stderr).toContain('SUCCESS: 6 rules found');
    expect(checked.status).toBe(0);
  });

  it('pass their unit tests under promtool test rules', () => {
    const tested = run('test', 'rules', 'alerts.test.yml');
    expect(tested.stderr + tested.stdout).toContain('SUCCESS');
    expect(tested.status).toBe(0);
  });
});

describe('alert rule tests', () => {
  it('have, for every alert, a case where it fires and one where it does not', () => {
    const alerts = RulesSchema.parse(parse(readFileSync(`${DIR}alerts.yml`, 'utf8'))).groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual([
      'OrgSyncNoSuccessfulRun',
      'OrgSyncLastRunFailed',
      'OrgSyncDecisionWaiting',
      'OrgSyncWriteFailuresHigh',
      'OrgSyncRateLimited',
      'OrgSyncNoWritePoller',
    ]);
    const cases = TestsSchema.parse(parse(readFileSync(`${DIR}alerts.test.yml`, 'utf8'))).tests.flatMap((t) => t.alert_rule_test);
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${alert} fires somewhere`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${alert} stays silent somewhere`,
      ).toBe(true);
    }
  });
});
