import { readFileSync, writeFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { configFile, configProblems } from './helpers/config.js';

const REQUIRED = ['KNOX_BASE_URL', 'KNOX_SYSTEM_ID', 'KNOX_COMPANY_CODES', 'WORKPLACE_COMPANY_ID', 'NCP_ACCESS_KEY', 'NCP_SECRET_KEY'];
const complete = {
  KNOX_BASE_URL: 'https://knox.example.com/api/',
  KNOX_SYSTEM_ID: 'C60REST0001',
  KNOX_COMPANY_CODES: 'C60, C10',
  WORKPLACE_COMPANY_ID: 'c1798784-9a47-4751-ab9f-b9629825ab93',
  NCP_ACCESS_KEY: 'D78BB444D6D3C84CA38D',
  NCP_SECRET_KEY: 'TEST_SECRET_KEY_0123456789abcdefghijklmn',
};

const problems = (env: NodeJS.ProcessEnv): string[] =>
  configProblems(() => loadConfig(['temporal', 'knox', 'workplace', 'store', 'telemetry', 'sync'], env));

describe('loadConfig', () => {
  it('names every missing required variable in one error', () => {
    const found = problems({});
    expect(found.map((p) => p.split(':')[0])).toEqual(REQUIRED);
  });

  it('applies the documented defaults and parses lists and numbers', () => {
    const config = loadConfig(['temporal', 'knox', 'workplace', 'store'], complete);
    expect(config.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'orgsync' });
    expect(config.knox.companyCodes).toEqual(['C60', 'C10']);
    expect(config.knox.baseUrl).toBe('https://knox.example.com/api');
    expect(config.workplace.baseUrl).toBe('https://workplace.apigw.ntruss.com');
    expect(config.workplace.rps).toBe(10);
    expect(config.workplace.signatureVersion).toBe('v2');
    expect(config.workplace.apiKey).toBeUndefined();
  });

  it('reports a bad value by variable name without echoing the value', () => {
    const found = problems({
      ...complete,
      KNOX_RPS: 'fast',
      WORKPLACE_SIGNATURE: 'v3',
      KNOX_HEADERS: '{not json',
      NCP_SECRET_KEY: 'hunter2-secret',
    });
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/^KNOX_RPS: .*\nKNOX_HEADERS: .*\nWORKPLACE_SIGNATURE: expected v2 or v1$/);
    expect(found.join('\n')).not.toContain('fast');
    expect(found.join('\n')).not.toContain('{not json');
  });

  it('never prints a secret, however the config is logged', () => {
    const config = loadConfig(['knox', 'workplace'], { ...complete, KNOX_HEADERS: '{"Authorization":"Bearer knox-token-xyz"}' });
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 10 }), `${String(config.workplace.secretKey)}`]) {
      expect(shown).not.toContain(complete.NCP_SECRET_KEY);
      expect(shown).not.toContain('knox-token-xyz');
    }
    expect(config.workplace.secretKey.reveal()).toBe(complete.NCP_SECRET_KEY);
    expect(config.knox.headers.Authorization?.reveal()).toBe('Bearer knox-token-xyz');
  });

  it('selects the PostgreSQL store by ORGSYNC_STORE_URL, a credential, and reports a bad one without echoing it', () => {
    expect(loadConfig(['store'], {}).store).toEqual({ dir: '.orgsync/store', schema: 'orgsync' });
    const url = 'postgres://orgsync:pg-password-42@db.internal:5432/orgsync';
    const { store } = loadConfig(['store'], { ORGSYNC_STORE_URL: url, ORGSYNC_STORE_SCHEMA: 'tenant_a' });
    expect(store.url?.reveal()).toBe(url);
    expect(store.schema).toBe('tenant_a');
    for (const shown of [JSON.stringify(store), inspect(store, { depth: 10 })]) expect(shown).not.toContain('pg-password-42');

    const found = problems({ ...complete, ORGSYNC_STORE_URL: 'mysql://u:pg-password-42@db/x', ORGSYNC_STORE_SCHEMA: 'Bad-Name' });
    expect(found).toEqual([
      expect.stringMatching(/^ORGSYNC_STORE_URL: expected a postgres:\/\/ URL/),
      expect.stringMatching(/^ORGSYNC_STORE_SCHEMA: /),
    ]);
    expect(found.join('\n')).not.toContain('pg-password-42');
  });

  it.each([
    ['JSON', 'orgsync.json', '{ "workplace": { "secretKey": TOPSECRET-0123 } }'],
    ['JSON', 'orgsync.json', '{ "workplace": { "accessKey": "AK" "secretKey": "TOPSECRET-0123" } }'],
    ['YAML', 'orgsync.yaml', 'workplace:\n  secretKey: "TOPSECRET-0123\n  accessKey: [AK'],
  ])('says where a %s config file is broken without quoting it (it may hold secrets)', (kind, name, text) => {
    const file = configFile(text, name);
    const [problem, ...rest] = problems({ ...complete, ORGSYNC_CONFIG: file });
    expect(rest).toEqual([]);
    expect(problem).toContain(`${file} is not valid ${kind}`);
    expect(problem).not.toContain('TOPSECRET');
  });

  it('reads the Knox protocol assumptions from the file, and refuses a path without its slash by name', () => {
    const file = configFile(
      'knox:\n  protocol:\n    paths: { employees: /v2/employees }\n    employeesMethod: GET\n    errorFields: { code: code }\n',
    );
    const config = loadConfig(['knox'], { ...complete, ORGSYNC_CONFIG: file });
    expect(config.knox.protocol).toEqual({ paths: { employees: '/v2/employees' }, employeesMethod: 'GET', errorFields: { code: 'code' } });
    writeFileSync(file, 'knox:\n  protocol:\n    paths: { titles: titles }\n');
    expect(problems({ ...complete, ORGSYNC_CONFIG: file })).toEqual([
      expect.stringMatching(/^knox\.protocol\.paths\.titles.*expected a path starting with \//),
    ]);
  });

  it('merges a YAML file under the environment, which wins', () => {
    const file = configFile(
      [
        'knox:',
        '  systemId: FROM-FILE',
        '  rps: 3',
        'sync:',
        '  leavers: keep',
        '  absenceItems:',
        '    - { key: vac, name: 휴가, halfDayYn: Y }',
      ].join('\n'),
    );
    const config = loadConfig(['knox', 'workplace', 'sync'], { ...complete, KNOX_SYSTEM_ID: '', ORGSYNC_CONFIG: file, KNOX_RPS: '5' });
    expect(config.knox.systemId).toBe('FROM-FILE');
    expect(config.knox.rps).toBe(5);
    expect(config.sync.leavers).toBe('keep');
    expect(config.sync.absenceItems).toEqual([{ key: 'vac', name: '휴가', halfDayYn: 'Y', sortOrder: 0 }]);
  });

  it('loads the sync: example README.md documents', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = /```yaml\n(sync:[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const config = loadConfig(['sync'], { ORGSYNC_CONFIG: configFile(example!) });
    expect(config.sync.additionalAttributes.map((a) => a.key)).toEqual(['busiName']);
    expect(config.sync.absenceItems[0]).toEqual({
      key: 'vacation',
      name: '연차',
      i18nNames: { en_US: 'Annual leave' },
      halfDayYn: 'Y',
      sortOrder: 1,
    });
    expect(config.sync.deletionGuard).toEqual({ maxShare: 0.05, maxCount: 20, decisionTimeout: '24h' });
  });

  it('turns metrics off with an empty ORGSYNC_METRICS_ADDRESS, over the default and over the file, while other empty variables stay unset', () => {
    expect(loadConfig(['telemetry'], {}).telemetry.metricsAddress).toBe('127.0.0.1:9464');
    const file = configFile('telemetry:\n  metricsAddress: 0.0.0.0:9464\n');
    const config = loadConfig(['telemetry', 'knox', 'workplace'], {
      ...complete,
      ORGSYNC_CONFIG: file,
      ORGSYNC_METRICS_ADDRESS: '',
      NCP_API_KEY: '',
      KNOX_HEADERS: '',
      KNOX_RPS: '',
    });
    expect(config.telemetry.metricsAddress).toBe('');
    expect(config.workplace.apiKey).toBeUndefined();
    expect(config.knox.headers).toEqual({});
    expect(config.knox.rps).toBe(10);
  });

  it('reads notification targets: webhook URLs are secrets, the SMTP password too, and a bad URL is named, never echoed', () => {
    expect(loadConfig(['notify'], {}).notify).toEqual({ webhooks: [], language: 'ko', deadlineWarning: '2h' });
    const file = configFile(
      [
        'notify:',
        '  language: en',
        '  deadlineWarning: 90m',
        '  smtp: { host: smtp.example.com, user: orgsync, password: smtp-pass-123, from: orgsync@example.com, to: [ops@example.com] }',
      ].join('\n'),
    );
    const { notify } = loadConfig(['notify'], {
      ORGSYNC_CONFIG: file,
      ORGSYNC_NOTIFY_URL: 'https://hooks.slack.com/services/T0/B0/tok3n, http://127.0.0.1:9000/hook',
      ORGSYNC_UI_URL: 'http://temporal-ui:8080/',
    });
    expect(notify.webhooks.map((w) => w.reveal())).toEqual(['https://hooks.slack.com/services/T0/B0/tok3n', 'http://127.0.0.1:9000/hook']);
    expect(notify).toMatchObject({ language: 'en', deadlineWarning: '90m', uiUrl: 'http://temporal-ui:8080' });
    expect(notify.smtp).toMatchObject({ host: 'smtp.example.com', port: 587, secure: false, to: ['ops@example.com'] });
    expect(notify.smtp?.password?.reveal()).toBe('smtp-pass-123');
    expect(JSON.stringify(notify) + inspect(notify, { depth: 5 })).not.toMatch(/tok3n|smtp-pass-123/);

    expect(configProblems(() => loadConfig(['notify'], { ORGSYNC_NOTIFY_URL: 'hooks.slack.com/services/T0/B0/tok3n' }))).toEqual([
      'ORGSYNC_NOTIFY_URL: expected http(s) URLs, comma-separated',
    ]);
  });

  it('refuses additional attributes without the employee stage (seed 000)', () => {
    const file = configFile(JSON.stringify({ sync: { stages: { employees: false } } }), 'orgsync.json');
    expect(problems({ ...complete, ORGSYNC_CONFIG: file })).toEqual([
      'sync.stages.additionalAttributes (config file): additional attributes need the employees stage on (seed 000: 추가정보 requires 사원 연동)',
    ]);
  });
});
