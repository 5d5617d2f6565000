/**
 * Starts `temporal server start-dev` from the project's pinned CLI and waits until it answers.
 * We start it ourselves rather than through TestWorkflowEnvironment.createLocal(): the SDK gives a new
 * server 5 seconds, which a loaded 2-core CI box can miss (TEMPORAL-NOTES §0.3).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { ORGSYNC_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The pinned `temporal` binary, installed on first use (scripts/install-temporal prints its path). */
export function resolveTemporalCli(): string {
  return execFileSync('bash', [join(REPO_ROOT, 'scripts/install-temporal')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const CLI_TYPE_NAMES = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
} as const;

export interface DevServerOptions {
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; undefined = headless. */
  uiPort?: number;
  /** SQLite file for persistence; undefined = in-memory. */
  dbFile?: string;
  /** How long to wait for the server to answer. */
  startTimeoutMs?: number;
  /** Where the server's own log goes; default: discarded unless ORGSYNC_SERVER_LOG=1. */
  inheritLogs?: boolean;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  cli: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = resolveTemporalCli();
  const port = options.port || (await freePort());
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    'warn',
    // The SDK's createLocal passes these too; without the first the server phones home on start.
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    // One partition per task queue makes maxTaskQueueActivitiesPerSecond exact on a single node.
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
    ...ORGSYNC_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]),
  ];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }

  const child = spawn(cli, args, {
    stdio: options.inheritLogs || process.env.ORGSYNC_SERVER_LOG === '1' ? 'inherit' : 'ignore',
    env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`temporal server start-dev ${exited} before answering on ${address}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
      } finally {
        await connection.close();
      }
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `temporal server start-dev did not answer on ${address} within ${options.startTimeoutMs ?? 60_000} ms: ${(err as Error).message}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { address, uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined, cli, process: child, stop };
}
