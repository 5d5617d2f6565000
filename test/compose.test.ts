import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { ENV_VARS, StoreConfigSchema } from '../config/index.js';
import { resolvePostgresBin } from '../scripts/postgres-dev-server.js';
import { openStore } from '../store/index.js';
import { ORGSYNC_METRICS } from '../worker/metrics.js';

const COUNTERS = new Set<string>([
  ORGSYNC_METRICS.workplaceRequests,
  ORGSYNC_METRICS.knoxRequests,
  ORGSYNC_METRICS.collectionErrors,
  ORGSYNC_METRICS.activityFailures,
]);

// No Docker engine runs on our machines, so the compose file is checked for what can be checked:
// well-formed, the services and ports the README promises, env names that match config/, and the
// worker's database, made by the compose file's own setup script on the tests' PostgreSQL server.
const ComposeSchema = z.object({
  services: z.record(
    z.string(),
    z.looseObject({
      image: z.string().optional(),
      build: z.union([z.string(), z.looseObject({})]).optional(),
      environment: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      ports: z.array(z.string()).optional(),
      depends_on: z.union([z.array(z.string()), z.record(z.string(), z.looseObject({}))]).optional(),
      profiles: z.array(z.string()).optional(),
      volumes: z.array(z.string()).optional(),
      command: z.array(z.string()).optional(),
    }),
  ),
  volumes: z.record(z.string(), z.unknown()).optional(),
});

const compose = ComposeSchema.parse(parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Temporal on it, the Web UI and the orgsync worker built from the repo', () => {
    const always = Object.entries(compose.services).filter(([, service]) => !service.profiles);
    expect(always.map(([name]) => name).sort()).toEqual(['orgsync-db-setup', 'orgsync-worker', 'postgresql', 'temporal', 'temporal-ui']);
    expect(compose.services.temporal?.image).toMatch(/^temporalio\/auto-setup:\d/);
    expect(compose.services.temporal?.environment?.DB).toBe('postgres12');
    expect(compose.services.temporal?.environment?.POSTGRES_SEEDS).toBe('postgresql');
    expect(compose.services['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(compose.services['orgsync-worker']?.build).toBe('.');
    expect(readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')).toMatch(/CMD \["npx", "tsx", "worker\/main.ts"\]/);
  });

  it('publishes the ports the README names', () => {
    expect(compose.services.temporal?.ports).toContain('7233:7233');
    expect(compose.services['temporal-ui']?.ports).toContain('8080:8080');
    expect(compose.services['orgsync-worker']?.ports).toContain('9464:9464');
    expect(readme).toContain('http://localhost:8080');
  });

  it('gives the worker exactly the variables config/ reads, and the README documents each', () => {
    const workerEnv = Object.keys(compose.services['orgsync-worker']?.environment ?? {});
    const known = [...Object.keys(ENV_VARS), 'ORGSYNC_CONFIG'];
    expect(workerEnv.filter((name) => !known.includes(name))).toEqual([]);
    expect(known.filter((name) => !workerEnv.includes(name))).toEqual([]);
    for (const name of known) expect(readme, `README documents ${name}`).toContain(`\`${name}\``);
  });

  it('keeps secrets out of the compose file: they come from .env', () => {
    const env = compose.services['orgsync-worker']?.environment ?? {};
    for (const secret of ['NCP_SECRET_KEY', 'NCP_ACCESS_KEY', 'NCP_API_KEY', 'KNOX_HEADERS', 'ORGSYNC_NOTIFY_URL'])
      expect(String(env[secret])).toMatch(/^\$\{/);
  });

  it('has an optional monitoring profile: Prometheus scraping the worker with the alert rules, Grafana with the dashboard', () => {
    const monitoring = Object.entries(compose.services).filter(([, service]) => service.profiles?.includes('monitoring'));
    expect(monitoring.map(([name]) => name).sort()).toEqual(['grafana', 'prometheus']);
    const { prometheus, grafana } = compose.services;
    expect(prometheus?.volumes).toContain('./ops/prometheus:/etc/prometheus/orgsync:ro');
    expect(prometheus?.command).toContain('--config.file=/etc/prometheus/orgsync/prometheus.yml');
    const scrape = z
      .object({
        rule_files: z.array(z.string()),
        scrape_configs: z.array(z.object({ static_configs: z.array(z.object({ targets: z.array(z.string()) })) })),
      })
      .parse(parse(readFileSync(new URL('../ops/prometheus/prometheus.yml', import.meta.url), 'utf8')));
    expect(scrape.rule_files).toEqual(['alerts.yml']);
    // The worker's metrics port, as the compose file publishes it.
    expect(scrape.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets))).toEqual(['orgsync-worker:9464']);
    expect(compose.services['orgsync-worker']?.environment?.ORGSYNC_METRICS_ADDRESS).toBe('0.0.0.0:9464');

    expect(grafana?.volumes).toEqual(
      expect.arrayContaining([
        './ops/grafana/provisioning:/etc/grafana/provisioning:ro',
        './ops/grafana/orgsync.json:/var/lib/grafana/dashboards/orgsync.json:ro',
      ]),
    );
    const datasource = z
      .object({ datasources: z.array(z.object({ type: z.string(), url: z.string(), isDefault: z.boolean() })) })
      .parse(parse(readFileSync(new URL('../ops/grafana/provisioning/datasources/prometheus.yml', import.meta.url), 'utf8')));
    expect(datasource.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true }),
    ]);
    const provider = z
      .object({ providers: z.array(z.object({ options: z.object({ path: z.string() }) })) })
      .parse(parse(readFileSync(new URL('../ops/grafana/provisioning/dashboards/orgsync.yml', import.meta.url), 'utf8')));
    expect(provider.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards');
    for (const port of ['9090:9090', '3000:3000']) expect([...(prometheus?.ports ?? []), ...(grafana?.ports ?? [])]).toContain(port);
  });

  it('ships a dashboard whose every orgsync metric is one the worker exports', () => {
    const dashboard = z
      .object({ uid: z.string(), panels: z.array(z.object({ title: z.string(), targets: z.array(z.object({ expr: z.string() })) })) })
      .parse(JSON.parse(readFileSync(new URL('../ops/grafana/orgsync.json', import.meta.url), 'utf8')));
    const exported = [
      ...Object.values(ORGSYNC_METRICS).map((name) => (COUNTERS.has(name) ? `${name}_total` : name)),
      'orgsync_items_total',
      'orgsync_runs_total',
      'orgsync_notifications_total',
    ];
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/orgsync_[a-z_]+/g) ?? [])));
    expect([...used].filter((name) => !exported.includes(name))).toEqual([]);
    expect(dashboard.panels.map((p) => p.title)).toEqual(
      expect.arrayContaining([
        'Runs per day, by outcome',
        'WORKPLACE writes per stage',
        'WORKPLACE request rate against WORKPLACE_RPS',
        'Knox calls',
      ]),
    );
  });

  it('gives the worker a database and user of its own on that PostgreSQL, made before it starts', async () => {
    const worker = compose.services['orgsync-worker']!;
    const setup = compose.services['orgsync-db-setup']!;
    expect(worker.depends_on).toMatchObject({ 'orgsync-db-setup': { condition: 'service_completed_successfully' } });
    expect(setup.depends_on).toMatchObject({ postgresql: { condition: 'service_healthy' } });
    expect(setup.environment).toMatchObject({ PGHOST: 'postgresql', PGUSER: compose.services.postgresql?.environment?.POSTGRES_USER });
    expect(worker.environment?.ORGSYNC_STORE_URL).toBe('postgres://orgsync:${ORGSYNC_DB_PASSWORD:-orgsync}@postgresql:5432/orgsync');
    // No volume for the store: it is the database now, shared by workers on any host.
    expect(worker.volumes?.filter((v) => v.includes('/var/lib/orgsync'))).toEqual([]);

    // The setup script, run twice as compose would on every `up`, against a server with Temporal's superuser.
    const mount = setup.volumes?.find((v) => v.endsWith(`:${setup.command?.at(-1)}:ro`));
    const script = new URL(`../${mount!.split(':')[0]!.replace(/^\.\//, '')}`, import.meta.url).pathname;
    const server = new URL(inject('postgresUrl'));
    const admin = new pg.Client(server.toString());
    await admin.connect();
    try {
      await admin.query(`DO $$ BEGIN CREATE ROLE temporal SUPERUSER LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    } finally {
      await admin.end();
    }
    const env = {
      PATH: `${resolvePostgresBin()}:${process.env.PATH}`,
      PGHOST: server.hostname,
      PGPORT: server.port,
      PGUSER: 'temporal',
      ORGSYNC_DB_PASSWORD: 'orgsync',
    };
    for (let i = 0; i < 2; i++) expect((await promisify(execFile)('sh', [script], { env })).stdout).toContain('is ready');

    // The worker's URL, pointed at the test server, opens a store as the unprivileged orgsync user.
    const url = worker
      .environment!.ORGSYNC_STORE_URL!.toString()
      .replace('${ORGSYNC_DB_PASSWORD:-orgsync}', 'orgsync')
      .replace('postgresql:5432', server.host);
    const store = await openStore(StoreConfigSchema.parse({ url, schema: 'orgsync' }));
    try {
      await store.writeJson('state/grades.json', { G1: 'x' });
      expect(await store.readJson('state/grades.json')).toEqual({ G1: 'x' });
    } finally {
      await store.close();
    }
    const asWorker = new pg.Client(url);
    await asWorker.connect();
    try {
      const { rows } = await asWorker.query<{ owner: string; superuser: boolean }>(
        `SELECT pg_get_userbyid(datdba) AS owner, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser
         FROM pg_database WHERE datname = current_database()`,
      );
      expect(rows).toEqual([{ owner: 'orgsync', superuser: false }]);
    } finally {
      await asWorker.end();
    }
  });
});
