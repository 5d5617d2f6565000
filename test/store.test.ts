/**
 * The staging store's contract, run against both backends: a directory, and PostgreSQL on the test run's
 * throwaway server (test/global-setup.ts). Each test gets a store of its own (a new directory, a new
 * schema); "several clients" are separate store instances on the same directory or schema, as separate
 * worker processes would hold them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { Secret, StoreConfigSchema } from '../config/index.js';
import { SyncSettingsSchema } from '../config/sync.js';
import { createKnoxClient } from '../knox/index.js';
import { LOCAL_KNOX_SYSTEM_ID, localWorkplaceConfig } from '../scripts/local-stack.js';
import { DirectoryStore, openStore, PostgresStore, type StagingStore } from '../store/index.js';
import { SCHEMA_VERSION } from '../store/postgres.js';
import { createWorkplaceClient } from '../workplace/index.js';
import { unique } from './helpers/temporal.js';

/** A place for a store, and a way to open another client on it. */
type Backend = { name: string; place(): () => Promise<StagingStore> };

const schemaName = () => unique('store').replace(/-/g, '_');

const BACKENDS: Backend[] = [
  {
    name: 'directory',
    place() {
      const dir = mkdtempSync(join(tmpdir(), 'orgsync-store-test-'));
      return async () => new DirectoryStore(dir);
    },
  },
  {
    name: 'PostgreSQL',
    place() {
      const config = StoreConfigSchema.parse({ url: inject('postgresUrl'), schema: schemaName() });
      return () => openStore(config);
    },
  },
];

const opened: StagingStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

describe.each(BACKENDS)('the $name staging store', (backend) => {
  /** `n` clients of one new store. */
  async function clients(n: number): Promise<StagingStore[]> {
    const open = backend.place();
    const stores = await Promise.all(Array.from({ length: n }, open));
    opened.push(...stores);
    return stores;
  }
  const store = async () => (await clients(1))[0]!;

  it('reads back what it wrote, and undefined for a key never written', async () => {
    const s = await store();
    const value = { name: '김삼성', note: 'line one\nline two', n: 1.5, list: [1, null, true], nested: { empty: {} } };
    await s.writeJson('runs/r1/plans/p/meta.json', value);
    await s.writeJson('runs/r1/plain.json', 'just a string');
    expect(await s.readJson('runs/r1/plans/p/meta.json')).toEqual(value);
    expect(await s.readJson('runs/r1/plain.json')).toBe('just a string');
    expect(await s.readJson('runs/r1/plans/p/other.json')).toBeUndefined();
  });

  it('keeps the first value of a key written twice, but the last one under state/', async () => {
    const [first, second] = await clients(2);
    await first!.writeJson('runs/r1/knox/employees.json', { readAt: 'first' });
    await second!.writeJson('runs/r1/knox/employees.json', { readAt: 'second' });
    expect(await first!.readJson('runs/r1/knox/employees.json')).toEqual({ readAt: 'first' });

    await first!.writeJson('state/reportsTo.json', { E1: 'E2' });
    await second!.writeJson('state/reportsTo.json', { E1: 'E3' });
    expect(await first!.readJson('state/reportsTo.json')).toEqual({ E1: 'E3' });
  });

  it('lets clients racing to write one key agree on a single value', async () => {
    const stores = await clients(4);
    await Promise.all(stores.map((s, i) => s.writeJson('runs/r1/checkpoints/reportsTo/0.json', { writer: i })));
    const seen = await Promise.all(stores.map((s) => s.readJson<{ writer: number }>('runs/r1/checkpoints/reportsTo/0.json')));
    expect(new Set(seen.map((v) => v?.writer)).size).toBe(1);
    expect([0, 1, 2, 3]).toContain(seen[0]?.writer);
  });

  it('appends lines in order, and reads [] for a key never appended to', async () => {
    const s = await store();
    await s.appendLines('runs/r1/outcomes/employees.jsonl', [{ key: 'E1' }, { key: 'E2', message: 'has\na newline' }]);
    await s.appendLines('runs/r1/outcomes/employees.jsonl', []);
    await s.appendLines('runs/r1/outcomes/employees.jsonl', [{ key: 'E3' }]);
    expect(await s.readLines('runs/r1/outcomes/employees.jsonl')).toEqual([
      { key: 'E1' },
      { key: 'E2', message: 'has\na newline' },
      { key: 'E3' },
    ]);
    expect(await s.readLines('runs/r1/outcomes/grades.jsonl')).toEqual([]);
    await s.appendLines('runs/r1/outcomes/grades.jsonl', []);
    expect(await s.exists('runs/r1/outcomes/grades.jsonl')).toBe(false);
  });

  it('keeps concurrent appends from several clients whole, and each client’s appends in order', async () => {
    const stores = await clients(4);
    const APPENDS = 25;
    await Promise.all(
      stores.map(async (s, client) => {
        for (let append = 0; append < APPENDS; append++) {
          await s.appendLines(
            'runs/r1/outcomes/employees.jsonl',
            [0, 1, 2].map((line) => ({ client, append, line, padding: 'x'.repeat(2_000) })),
          );
        }
      }),
    );
    const lines = await stores[0]!.readLines<{ client: number; append: number; line: number }>('runs/r1/outcomes/employees.jsonl');
    expect(lines).toHaveLength(4 * APPENDS * 3);
    for (let i = 0; i < lines.length; i += 3) {
      const [a, b, c] = lines.slice(i, i + 3);
      expect([a!.line, b!.line, c!.line]).toEqual([0, 1, 2]);
      expect(new Set([a!.client, b!.client, c!.client]).size).toBe(1);
      expect(new Set([a!.append, b!.append, c!.append]).size).toBe(1);
    }
    for (let client = 0; client < 4; client++) {
      const order = lines.filter((l) => l.client === client && l.line === 0).map((l) => l.append);
      expect(order).toEqual(Array.from({ length: APPENDS }, (_, i) => i));
    }
  });

  it('lists the immediate children of a prefix once each, sorted, whatever lies below them', async () => {
    const s = await store();
    await s.writeJson('runs/b/knox/titles.json', []);
    await s.writeJson('runs/b/plans/grades-1/meta.json', {});
    await s.appendLines('runs/a/outcomes/grades.jsonl', [{}]);
    await s.writeJson('runs/c.json', {});
    await s.writeJson('runsx/z.json', {});
    await s.writeJson('state/grades.json', {});
    expect(await s.list('runs')).toEqual(['a', 'b', 'c.json']);
    expect(await s.list('runs/b')).toEqual(['knox', 'plans']);
    expect(await s.list('runs/a/outcomes')).toEqual(['grades.jsonl']);
    expect(await s.list('runs/none')).toEqual([]);
    expect(await s.list('nothing')).toEqual([]);
  });

  it('tells whether a key or anything under it exists, not a sibling that shares its first letters', async () => {
    const s = await store();
    await s.writeJson('runs/ab/knox/titles.json', []);
    await s.appendLines('runs/log/outcomes/grades.jsonl', [{}]);
    expect(await s.exists('runs/ab/knox/titles.json')).toBe(true);
    expect(await s.exists('runs/ab')).toBe(true);
    expect(await s.exists('runs/log/outcomes/grades.jsonl')).toBe(true);
    expect(await s.exists('runs/log')).toBe(true);
    expect(await s.exists('runs/a')).toBe(false);
    expect(await s.exists('runs/ab/knox/titles')).toBe(false);
  });

  it('removes a key and its whole subtree, objects and line logs alike, and nothing beside it', async () => {
    const [s, other] = await clients(2);
    await s!.writeJson('runs/a/knox/titles.json', []);
    await s!.writeJson('runs/a/plans/grades-1/items-0.json', []);
    await s!.appendLines('runs/a/outcomes/grades.jsonl', [{}]);
    await s!.writeJson('runs/ab/knox/titles.json', ['kept']);
    await s!.writeJson('runs/b.json', 'kept');
    await other!.remove('runs/a');
    await other!.remove('runs/never-written');
    expect(await s!.list('runs')).toEqual(['ab', 'b.json']);
    expect(await s!.exists('runs/a')).toBe(false);
    expect(await s!.readLines('runs/a/outcomes/grades.jsonl')).toEqual([]);
    expect(await s!.readJson('runs/ab/knox/titles.json')).toEqual(['kept']);
    await s!.remove('runs/b.json');
    expect(await s!.list('runs')).toEqual(['ab']);
    // A removed write-once key can be written again (a run id reused after pruning).
    await s!.writeJson('runs/a/knox/titles.json', ['again']);
    expect(await s!.readJson('runs/a/knox/titles.json')).toEqual(['again']);
  });

  it('ages keys by write time', async () => {
    const s = await store();
    expect(await s.ageMs('runs/a')).toBeUndefined();
    const before = Date.now();
    await s.writeJson('runs/a/knox/titles.json', []);
    const after = Date.now();
    // Measured from a moment a minute on; file systems stamp times with a coarse clock, hence the slack.
    const age = (await s.ageMs('runs/a/knox/titles.json', after + 60_000))!;
    expect(age).toBeGreaterThanOrEqual(60_000 - 50);
    expect(age).toBeLessThanOrEqual(after + 60_000 - before + 50);

    // Two runs written 50 ms apart: the older one is older, by its folder as by its keys.
    await new Promise((r) => setTimeout(r, 50));
    await s.appendLines('runs/b/outcomes/grades.jsonl', [{}]);
    const now = Date.now();
    expect((await s.ageMs('runs/a', now))!).toBeGreaterThan((await s.ageMs('runs/b', now))!);
    expect((await s.ageMs('runs/a/knox/titles.json', now))!).toBeGreaterThan((await s.ageMs('runs/b/outcomes/grades.jsonl', now))!);
  });

  it('is pruned by the pruneStore activity as it is: the newest runs and state/ stay', async () => {
    const s = await store();
    for (const run of ['r1', 'r2', 'r3', 'r4']) {
      await s.writeJson(`runs/${run}/knox/titles.json`, []);
      await new Promise((r) => setTimeout(r, 30));
    }
    await s.writeJson('state/grades.json', { G1: 'kept' });
    const activities = createActivities({
      // Real clients, never called: pruning reads only the store.
      knox: createKnoxClient({ baseUrl: 'http://127.0.0.1:9', systemId: LOCAL_KNOX_SYSTEM_ID, companyCodes: ['C1'], rps: 1, headers: {} }),
      workplace: createWorkplaceClient(localWorkplaceConfig('http://127.0.0.1:9', { rps: 1 })),
      store: s,
      settings: SyncSettingsSchema.parse({}),
      companyCodes: ['C1'],
    });
    // keepRuns 2 with r1 (the oldest) running: r1 stays as the current run, plus the newest other, r4.
    expect(await activities.pruneStore({ keepRuns: 2, currentRunId: 'r1' })).toBe(2);
    expect(await s.list('runs')).toEqual(['r1', 'r4']);
    expect(await s.readJson('state/grades.json')).toEqual({ G1: 'kept' });
  });

  it('refuses keys with empty or .. parts', async () => {
    const s = await store();
    for (const key of ['', '/abs', 'runs//x', 'runs/../state', 'runs/x/']) {
      await expect(s.writeJson(key, 1), key).rejects.toThrow(/bad store key/);
      await expect(s.list(key), key).rejects.toThrow(/bad store key/);
    }
  });

  it('stores and reads back a snapshot of about 20 MB', async () => {
    const s = await store();
    const rows = Array.from({ length: 40_000 }, (_, i) => ({
      epId: `E${String(i).padStart(6, '0')}`,
      fullName: `직원 ${i}`,
      departmentCode: `D${i % 997}`,
      emailAddress: `user${i}@example.com`,
      busiName: `사업장 ${i % 13} `.repeat(60),
    }));
    const snapshot = { dataset: 'employees', rows };
    expect(JSON.stringify(snapshot).length).toBeGreaterThan(15_000_000);
    await s.writeJson('runs/big/knox/employees.json', snapshot);
    const back = await s.readJson<typeof snapshot>('runs/big/knox/employees.json');
    expect(back?.rows).toHaveLength(40_000);
    expect(back?.rows[39_999]).toEqual(rows[39_999]);
  });
});

describe('the PostgreSQL staging store', () => {
  const url = (password = '') => {
    const u = new URL(inject('postgresUrl'));
    u.password = password;
    return new Secret(u.toString());
  };

  it('names its root without credentials: host, port, database and schema', async () => {
    const schema = schemaName();
    const store = new PostgresStore(url('s3cret-password'), schema);
    opened.push(store);
    const { port } = new URL(inject('postgresUrl'));
    expect(store.root).toBe(`postgres://127.0.0.1:${port}/postgres/${schema}`);
  });

  it('migrates once however many workers start together, and again is a no-op', async () => {
    const schema = schemaName();
    const config = { dir: 'unused', url: url(), schema };
    const stores = await Promise.all(Array.from({ length: 6 }, () => openStore(config)));
    opened.push(...stores);
    await stores[0]!.writeJson('runs/r1/x.json', 1);
    opened.push(await openStore(config));

    const client = new pg.Client(inject('postgresUrl'));
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_version ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      expect((await client.query(`SELECT key FROM ${schema}.objects`)).rows).toEqual([{ key: 'runs/r1/x.json' }]);
    } finally {
      await client.end();
    }
  });

  it('migrates on first use when nobody migrated it first', async () => {
    const store = new PostgresStore(url(), schemaName());
    opened.push(store);
    expect(await store.list('runs')).toEqual([]);
    await store.writeJson('runs/r1/x.json', 1);
    expect(await store.readJson('runs/r1/x.json')).toBe(1);
  });

  it('opens a migrated store for a user who may only read it (a reporting host)', async () => {
    const schema = schemaName();
    const owner = await openStore({ dir: 'unused', url: url(), schema });
    opened.push(owner);
    await owner.appendLines('runs/r1/outcomes/grades.jsonl', [{ key: 'G1' }]);
    const reader = `reader_${schema}`;
    const admin = new pg.Client(inject('postgresUrl'));
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${reader} LOGIN`);
      await admin.query(`GRANT USAGE ON SCHEMA ${schema} TO ${reader}`);
      await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${reader}`);
    } finally {
      await admin.end();
    }
    const asReader = new URL(inject('postgresUrl'));
    asReader.username = reader;
    const store = await openStore({ dir: 'unused', url: new Secret(asReader.toString()), schema });
    opened.push(store);
    expect(await store.readLines('runs/r1/outcomes/grades.jsonl')).toEqual([{ key: 'G1' }]);
    await expect(store.writeJson('runs/r1/x.json', 1)).rejects.toThrow(/permission denied/);
  });

  it('keeps schemas apart: one database can hold several stores', async () => {
    const a = await openStore({ dir: 'unused', url: url(), schema: schemaName() });
    const b = await openStore({ dir: 'unused', url: url(), schema: schemaName() });
    opened.push(a, b);
    await a.writeJson('runs/r1/x.json', 'a');
    expect(await b.readJson('runs/r1/x.json')).toBeUndefined();
    expect(await b.list('runs')).toEqual([]);
  });

  it('fails to open with a message that carries no password', async () => {
    const { port } = new URL(inject('postgresUrl'));
    const err = await openStore({
      dir: 'unused',
      url: new Secret(`postgres://postgres:hunter2-password@127.0.0.1:${port}/no_such_database`),
      schema: 'orgsync',
    }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/no_such_database/);
    expect(`${(err as Error).message} ${(err as Error).stack}`).not.toContain('hunter2');
  });
});
