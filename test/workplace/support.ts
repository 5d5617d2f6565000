/**
 * WORKPLACE test fixtures: a fresh simulator on port 0 per test, a client already pointed at it,
 * teardown built in (got's with-server style); a scripted raw server for answers the simulator never
 * gives (HTML, echoed credentials, hanging); bodies that keep every documented rule.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test as base } from 'vitest';
import { DEFAULT_PACE_MARGIN_MS, Secret, type WorkplaceConfig } from '../../config/index.js';
import {
  createWorkplaceClient,
  type DepartmentBody,
  type EmployeeBody,
  type GradeBody,
  type WorkplaceClient,
  type WorkplaceClientOptions,
} from '../../workplace/index.js';
import { startWorkplaceSimulator, type WorkplaceSimulator, type WorkplaceSimulatorOptions } from '../../workplace/simulator/server.js';

/** Made-up credentials, distinctive enough that a test can prove none of them leaks. */
export const CREDENTIALS = {
  companyId: '578c7009-bdad-4493-9835-72302cf988c6',
  accessKey: 'TESTACCESSKEY0000XYZ',
  secretKey: 'TEST-SECRET-never-printed-0123456789',
  apiKey: 'TEST-API-KEY-never-printed-9876543210',
} as const;

export function workplaceConfig(url: string, overrides: Partial<WorkplaceConfig> = {}): WorkplaceConfig {
  return {
    baseUrl: url,
    companyId: CREDENTIALS.companyId,
    accessKey: new Secret(CREDENTIALS.accessKey),
    secretKey: new Secret(CREDENTIALS.secretKey),
    rps: 1000,
    paceMarginMs: DEFAULT_PACE_MARGIN_MS,
    signatureVersion: 'v2',
    ...overrides,
  };
}

/** A clock the test moves by hand, for the simulator and the client alike. */
export function manualClock(start = Date.now()): { now: () => number; advance(ms: number): void } {
  let ms = start;
  return { now: () => ms, advance: (by) => void (ms += by) };
}

interface WorkplaceFixtures {
  /** Options for this test's simulator; override with test.override(). */
  simulatorOptions: Partial<WorkplaceSimulatorOptions>;
  simulator: WorkplaceSimulator;
  client: WorkplaceClient;
  /** Another client for this test's simulator; the limiter is off unless asked for. */
  clientWith: (config?: Partial<WorkplaceConfig>, options?: WorkplaceClientOptions) => WorkplaceClient;
}

export const test = base.extend<WorkplaceFixtures>({
  simulatorOptions: [{}, { injected: false }],
  simulator: async ({ simulatorOptions }, use) => {
    const simulator = await startWorkplaceSimulator({
      companyId: CREDENTIALS.companyId,
      accessKey: CREDENTIALS.accessKey,
      secretKey: CREDENTIALS.secretKey,
      ...simulatorOptions,
    });
    await use(simulator);
    await simulator.close();
  },
  clientWith: async ({ simulator }, use) => {
    await use((config = {}, options = {}) =>
      createWorkplaceClient(workplaceConfig(simulator.url, config), { rateLimit: false, ...options }),
    );
  },
  client: async ({ clientWith }, use) => {
    await use(clientWith());
  },
});

// ── bodies that keep every documented rule ────────────────────────────────────────────────────────

export const gradeBody = (name: string, sortOrder = '1'): GradeBody => ({
  name,
  i18nNames: { ko_KR: name, en_US: `${name} (en)` },
  itemUsed: true,
  sortOrder,
});

export const departmentBody = (key: string, parent = '#', name = `Department ${key}`): DepartmentBody => ({
  name,
  i18nNames: { ko_KR: name },
  deptExternalKey: key,
  parentDeptExternalKey: parent,
  dispOrd: '1',
});

export const employeeBody = (key: string, department: string, more: Partial<EmployeeBody> = {}): EmployeeBody => ({
  loginId: `${key.toLowerCase()}@example.com`,
  emailAddress: `${key.toLowerCase()}@example.com`,
  employYmd: '2024-03-01',
  name: `Person ${key}`,
  deptExternalKey: department,
  concurrentDeptExternalKeys: [],
  ...more,
});

/** A department D1 under the root and employees in it, written through the client. */
export async function smallOrg(client: WorkplaceClient, employees: readonly string[] = ['E1', 'E2']): Promise<void> {
  await client.departments.create('D1', departmentBody('D1'));
  for (const key of employees) await client.employees.create(key, employeeBody(key, 'D1'));
}

// ── a scripted raw server ─────────────────────────────────────────────────────────────────────────

export interface Captured {
  method: string;
  /** The request target as received. */
  target: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedServer {
  url: string;
  requests: Captured[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A node:http server that records each request and answers with `reply` (which may also never answer). */
export async function startScriptedServer(reply: (request: Captured, res: ServerResponse) => void): Promise<ScriptedServer> {
  const requests: Captured[] = [];
  let connections = 0;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured = {
        method: req.method ?? '',
        target: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      reply(captured, res);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
