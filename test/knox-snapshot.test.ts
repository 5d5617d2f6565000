/**
 * The run's Knox snapshot over the Knox simulator's real socket, for several companies: one company
 * answering empty must stop the read, never become a snapshot that deletes that company's part of WORKPLACE.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncSettingsSchema } from '../config/sync.js';
import { readSnapshot, SNAPSHOT_CHUNK_ROWS, snapshotReader, takeSnapshot } from '../engine/knox-snapshot.js';
import { createKnoxClient } from '../knox/index.js';
import { generateOrg } from '../generator/index.js';
import { startKnoxSimulator, type KnoxSimulator } from '../knox/simulator/server.js';
import { DirectoryStore } from '../store/index.js';

const SYSTEM_ID = 'C60REST0001';
const SNAPSHOT_KEY = (dataset: string) => `runs/run-1/knox/${dataset}.json`;
const c60 = generateOrg({ seed: 5, employees: 80, departments: 8, companyCode: 'C60' });
const c10 = generateOrg({ seed: 6, employees: 60, departments: 6, companyCode: 'C10' });

let simulator: KnoxSimulator | undefined;
afterEach(async () => {
  await simulator?.close();
});

async function snapshotOf(companyCodes: string[], dataset: 'titles' | 'organizations' | 'employees') {
  const knox = createKnoxClient({ baseUrl: simulator!.url, systemId: SYSTEM_ID, companyCodes, rps: 1000, headers: {} });
  const store = new DirectoryStore(mkdtempSync(join(tmpdir(), 'orgsync-snapshot-')));
  const deps = { knox, store, settings: SyncSettingsSchema.parse({}), companyCodes };
  const summary = await takeSnapshot(deps, 'run-1', dataset).catch((err: unknown) => err as Error);
  return { summary, store };
}

describe('the Knox snapshot of several companies', () => {
  it('holds every company’s rows, counted per company', async () => {
    simulator = await startKnoxSimulator({ org: [c60, c10], systemId: SYSTEM_ID });
    const { summary, store } = await snapshotOf(['C60', 'C10'], 'employees');
    expect(summary).toMatchObject({
      rows: c60.employees.length + c10.employees.length,
      perCompany: { C60: c60.employees.length, C10: c10.employees.length },
    });
    expect(await store.readJson(SNAPSHOT_KEY('employees'))).toMatchObject({ perCompany: { C10: c10.employees.length } });
  });

  // C10 as Knox might answer it on a bad night: without the dataset (and what hangs off it).
  const without = {
    titles: { ...c10, titles: [] },
    organizations: { ...c10, organizations: [], employees: [] },
    employees: { ...c10, employees: [] },
  };

  it.each(['titles', 'organizations', 'employees'] as const)(
    'refuses %s when one company answers empty while another answers, and stores nothing',
    async (dataset) => {
      simulator = await startKnoxSimulator({ org: [c60, without[dataset]], systemId: SYSTEM_ID });
      const { summary, store } = await snapshotOf(['C60', 'C10'], dataset);
      expect(summary).toBeInstanceOf(Error);
      expect((summary as Error).message).toMatch(new RegExp(`no ${dataset} for C10 .*KNOX_COMPANY_CODES`));
      expect(await store.readJson(SNAPSHOT_KEY(dataset))).toBeUndefined();
    },
  );
});

describe('the stored snapshot', () => {
  // More than one chunk's worth, in few departments so the read stays quick.
  const big = generateOrg({ seed: 7, employees: SNAPSHOT_CHUNK_ROWS + 1_200, departments: 12, companyCode: 'C60' });

  it('is kept in chunks of SNAPSHOT_CHUNK_ROWS rows, never one value, and reads back every row in order', async () => {
    simulator = await startKnoxSimulator({ org: big, systemId: SYSTEM_ID });
    const { summary, store } = await snapshotOf(['C60'], 'employees');
    expect(summary).toMatchObject({ rows: big.employees.length });
    const stored = await store.readJson<{ rows?: unknown; rowsRef: string; rowCount: number; chunks: number }>(SNAPSHOT_KEY('employees'));
    expect(stored).toMatchObject({ rowCount: big.employees.length, chunks: 2 });
    expect(stored!.rows).toBeUndefined();
    expect(await store.list(stored!.rowsRef)).toEqual(['rows-0.json', 'rows-1.json']);
    expect((await store.readJson<unknown[]>(`${stored!.rowsRef}/rows-1.json`))!.length).toBe(1_200);
    const reference = await createKnoxClient({
      baseUrl: simulator.url,
      systemId: SYSTEM_ID,
      companyCodes: ['C60'],
      rps: 1000,
      headers: {},
    }).listEmployees('C60', { departmentCodes: big.organizations.map((o) => o.departmentCode) });
    const rows = await snapshotReader(store, 'run-1').employees();
    expect(rows.map((r) => r.epId)).toEqual(reference.rows.map((r) => r.epId));
  });

  it('with a chunk missing is an error that names it, never a shorter snapshot (whose missing people would look like leavers)', async () => {
    simulator = await startKnoxSimulator({ org: big, systemId: SYSTEM_ID });
    const { store } = await snapshotOf(['C60'], 'employees');
    const { rowsRef } = (await store.readJson<{ rowsRef: string }>(SNAPSHOT_KEY('employees')))!;
    await store.remove(`${rowsRef}/rows-1.json`);
    await expect(readSnapshot(store, 'run-1', 'employees')).rejects.toThrow(/employees snapshot has no chunk 1/);
  });

  it('reads a snapshot stored before chunks, rows inline (a run in flight across the upgrade)', async () => {
    const store = new DirectoryStore(mkdtempSync(join(tmpdir(), 'orgsync-snapshot-')));
    const rows = c60.titles.slice(0, 3);
    await store.writeJson(SNAPSHOT_KEY('titles'), {
      dataset: 'titles',
      readAt: 'then',
      calls: 1,
      rows,
      invalid: [],
      perCompany: { C60: 3 },
    });
    expect(await snapshotReader(store, 'run-1').titles()).toEqual(rows);
  });
});
