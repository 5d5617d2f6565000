/**
 * The staging store in PostgreSQL (ORGSYNC_STORE_URL), for workers on several hosts. Two tables in the
 * configured schema: `objects` holds each written key whole (JSON as text: a 100,000-employee snapshot is
 * tens of MB, and jsonb would parse what we only ever read back whole), and `lines` holds one row per
 * append, so an append is one INSERT (atomic, never interleaved) and its identity keeps appends in order.
 * Keys sort bytewise (COLLATE "C"), so the keys under `a/b` are the range ['a/b/', 'a/b0') of the index.
 * A third, `rate_slots`, holds the WORKPLACE pacer's next free slot (`rateSlots`).
 */
import pg from 'pg';
import type { Secret } from '../config/index.js';
import type { SlotSource } from '../lib/pacer.js';
import type { StagingStore } from './index.js';
import { checkKey, isRewritten } from './keys.js';

/**
 * Applied in order, each once, recorded in schema_version. Workers of the previous release keep running
 * during a rolling upgrade, so a migration adds; it never renames or drops what that release reads.
 */
const MIGRATIONS: readonly ((schema: string) => string)[] = [
  (s) => `
    CREATE TABLE ${s}.objects (
      key text COLLATE "C" PRIMARY KEY,
      value text NOT NULL,
      written_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE ${s}.lines (
      key text COLLATE "C" NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      body text NOT NULL,
      written_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (key, seq)
    );
    -- lz4 compresses a snapshot several times faster than the default pglz; a server built without it keeps pglz.
    DO $$ BEGIN
      EXECUTE 'ALTER TABLE ${s}.objects ALTER COLUMN value SET COMPRESSION lz4';
      EXECUTE 'ALTER TABLE ${s}.lines ALTER COLUMN body SET COMPRESSION lz4';
    EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL;
    END $$;`,
  // The WORKPLACE pacer's next free slot (lib/pacer.ts), shared by every worker process on this store.
  (s) => `
    CREATE TABLE ${s}.rate_slots (
      name text COLLATE "C" PRIMARY KEY,
      next_free timestamptz NOT NULL
    );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
const UNDEFINED_TABLE = '42P01';
const INVALID_SCHEMA_NAME = '3F000';

/** The keys under `key`, as an index range (bytewise, '0' follows '/'); its first bound is `key` itself. */
const subtree = (key: string) => [checkKey(key), `${key}/`, `${key}0`];
const UNDER = `(key = $1 OR (key >= $2 AND key < $3))`;

export class PostgresStore implements StagingStore {
  readonly root: string;
  readonly #pool: pg.Pool;
  readonly #schema: string;
  #migrated: Promise<void> | undefined;

  constructor(url: Secret, schema: string) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad store schema name: ${schema}`);
    const { hostname, port, pathname } = new URL(url.reveal());
    this.root = `postgres://${hostname}${port ? `:${port}` : ''}${pathname}/${schema}`;
    this.#schema = pg.escapeIdentifier(schema);
    this.#pool = new pg.Pool({ connectionString: url.reveal(), application_name: 'orgsync', connectionTimeoutMillis: 10_000 });
    // An idle connection the server dropped (restart, failover) leaves the pool; the next query opens another.
    this.#pool.on('error', () => undefined);
  }

  /**
   * Brings the schema to SCHEMA_VERSION; idempotent. Workers starting together take turns on an advisory
   * lock (per schema), held by the migrating transaction only. Runs once per store, before its first query.
   */
  migrate(): Promise<void> {
    this.#migrated ??= this.#migrate().catch((err: unknown) => {
      this.#migrated = undefined; // the next call tries again (the database may come up later)
      throw err;
    });
    return this.#migrated;
  }

  async #migrate(): Promise<void> {
    const s = this.#schema;
    // Up to date already (the common case): no lock, no DDL, so a read-only user (a reporting host) gets by.
    if ((await this.#version(this.#pool)) >= MIGRATIONS.length) return;
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('orgsync staging store'), hashtext($1))`, [s]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${s}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      for (let version = (await this.#version(client)) + 1; version <= MIGRATIONS.length; version++) {
        await client.query(MIGRATIONS[version - 1]!(s));
        await client.query(`INSERT INTO ${s}.schema_version (version) VALUES ($1)`, [version]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** The schema's version; 0 before the first migration made its schema or table. */
  async #version(db: pg.Pool | pg.PoolClient): Promise<number> {
    try {
      const { rows } = await db.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${this.#schema}.schema_version`);
      return rows[0]?.version ?? 0;
    } catch (err) {
      if (err instanceof pg.DatabaseError && (err.code === UNDEFINED_TABLE || err.code === INVALID_SCHEMA_NAME)) return 0;
      throw err;
    }
  }

  async #query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    await this.migrate();
    return (await this.#pool.query<R>(sql, params)).rows;
  }

  async readJson<T>(key: string): Promise<T | undefined> {
    const rows = await this.#query<{ value: string }>(`SELECT value FROM ${this.#schema}.objects WHERE key = $1`, [checkKey(key)]);
    return rows[0] ? (JSON.parse(rows[0].value) as T) : undefined;
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    const onConflict = isRewritten(key) ? 'DO UPDATE SET value = excluded.value, written_at = now()' : 'DO NOTHING';
    await this.#query(`INSERT INTO ${this.#schema}.objects (key, value) VALUES ($1, $2) ON CONFLICT (key) ${onConflict}`, [
      checkKey(key),
      JSON.stringify(value),
    ]);
  }

  async appendLines(key: string, values: readonly unknown[]): Promise<void> {
    if (values.length === 0) return;
    // JSON.stringify escapes newlines inside strings, so '\n' separates lines unambiguously.
    await this.#query(`INSERT INTO ${this.#schema}.lines (key, body) VALUES ($1, $2)`, [
      checkKey(key),
      values.map((v) => JSON.stringify(v)).join('\n'),
    ]);
  }

  async readLines<T>(key: string): Promise<T[]> {
    const rows = await this.#query<{ body: string }>(`SELECT body FROM ${this.#schema}.lines WHERE key = $1 ORDER BY seq`, [checkKey(key)]);
    return rows.flatMap((row) => row.body.split('\n').map((line) => JSON.parse(line) as T));
  }

  async exists(key: string): Promise<boolean> {
    const s = this.#schema;
    const rows = await this.#query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${s}.objects WHERE ${UNDER}) OR EXISTS (SELECT 1 FROM ${s}.lines WHERE ${UNDER}) AS found`,
      subtree(key),
    );
    return rows[0]?.found === true;
  }

  async list(prefix: string): Promise<string[]> {
    const s = this.#schema;
    const [, from, to] = subtree(prefix);
    const rows = await this.#query<{ name: string }>(
      `SELECT DISTINCT split_part(substr(key, $3), '/', 1) AS name FROM (
         SELECT key FROM ${s}.objects WHERE key >= $1 AND key < $2
         UNION ALL SELECT key FROM ${s}.lines WHERE key >= $1 AND key < $2) AS under`,
      [from, to, prefix.length + 2],
    );
    return rows.map((row) => row.name).sort();
  }

  async remove(key: string): Promise<void> {
    const s = this.#schema;
    // One statement, so one transaction: no reader sees half a subtree removed.
    await this.#query(`WITH gone AS (DELETE FROM ${s}.objects WHERE ${UNDER}) DELETE FROM ${s}.lines WHERE ${UNDER}`, subtree(key));
  }

  /** Write times are the database's clock, so keys written from several hosts order alike; `now` is the caller's. */
  async ageMs(key: string, now = Date.now()): Promise<number | undefined> {
    const s = this.#schema;
    const rows = await this.#query<{ ms: number | null }>(
      `SELECT (extract(epoch FROM max(written_at)) * 1000)::float8 AS ms FROM (
         SELECT written_at FROM ${s}.objects WHERE ${UNDER}
         UNION ALL SELECT written_at FROM ${s}.lines WHERE ${UNDER}) AS under`,
      subtree(key),
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? undefined : now - ms;
  }

  /**
   * A pacer's slots (lib/pacer.ts) in one row, shared by every process on this store: one statement
   * reserves the next slot (`reserveSlot`'s rule, by the database's clock, so the hosts' clocks do not
   * matter) under the row's lock and answers how long to wait for it.
   */
  rateSlots(name: string): SlotSource {
    const s = this.#schema;
    const sql = `
      INSERT INTO ${s}.rate_slots AS r (name, next_free) VALUES ($1, clock_timestamp() + $2::float8 * interval '1 millisecond')
      ON CONFLICT (name) DO UPDATE SET next_free = greatest(r.next_free, clock_timestamp()) + $2::float8 * interval '1 millisecond'
      RETURNING (extract(epoch FROM r.next_free - clock_timestamp()) * 1000 - $2::float8)::float8 AS wait_ms`;
    return {
      reserve: async (intervalMs) => {
        const rows = await this.#query<{ wait_ms: number }>(sql, [name, intervalMs]);
        return rows[0]!.wait_ms;
      },
    };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
