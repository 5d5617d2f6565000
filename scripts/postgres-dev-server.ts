/**
 * A throwaway PostgreSQL server, for the tests and for trying the PostgreSQL staging store by hand:
 * initdb into a temp directory, `postgres` on a free port on 127.0.0.1, trust authentication, and no
 * fsync (the data dies with the server). PostgreSQL refuses to run as root, so as root both run as the
 * `postgres` user, which owns the temp directory.
 *
 *   npx tsx scripts/postgres-dev-server.ts    # prints ORGSYNC_STORE_URL=…, runs until Ctrl-C
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, REPO_ROOT } from './temporal-dev-server.js';

/** The directory holding initdb and postgres, installed on first use (scripts/install-postgres prints it). */
export function resolvePostgresBin(): string {
  return execFileSync('bash', [join(REPO_ROOT, 'scripts/install-postgres')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres: the superuser, so tests may create roles, databases and schemas. */
  url: string;
  stop(): Promise<void>;
}

/** Who runs the server: the `postgres` user when we are root, else ourselves. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('running as root, the throwaway PostgreSQL server needs a `postgres` user to run as (PostgreSQL refuses root)');
  }
}

function run(bin: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(bin, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} exited with ${code}:\n${output}`))));
  });
}

export async function startPostgresServer(options: { inheritLogs?: boolean; startTimeoutMs?: number } = {}): Promise<PostgresServer> {
  const bindir = resolvePostgresBin();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'orgsync-postgres-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  // -N: no fsync during initdb either; --no-locale: byte-order collation, the same on every machine.
  await run(join(bindir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '-N'], user);

  const port = await freePort();
  const child: ChildProcess = spawn(
    join(bindir, 'postgres'),
    // The socket goes in our temp directory: the default one (/var/run/postgresql) may not exist or be ours.
    [
      '-D',
      data,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    { ...user, stdio: options.inheritLogs || process.env.ORGSYNC_SERVER_LOG === '1' ? 'inherit' : 'ignore' },
  );
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGINT'); // "fast" shutdown: no waiting for clients to disconnect
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`postgres ${exited} before answering on 127.0.0.1:${port}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `postgres did not answer on 127.0.0.1:${port} within ${options.startTimeoutMs ?? 60_000} ms: ${(err as Error).message}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { url, stop };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const server = await startPostgresServer();
  console.log(`ORGSYNC_STORE_URL=${server.url}`);
  console.log('(a throwaway server: its data is deleted when it stops; Ctrl-C stops it)');
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
