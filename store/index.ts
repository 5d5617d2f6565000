/**
 * The staging store: where bulk data lives so that workflow history carries only references to it
 * (Knox snapshots, plans, the full list of failed items, the state recorded for entities WORKPLACE
 * cannot list). Keys are slash-separated paths. Two backends with one contract (test/store.test.ts):
 * a directory, the embedded default for one host, and a PostgreSQL database (ORGSYNC_STORE_URL), which
 * workers on several hosts share.
 */
import type { StoreConfig } from '../config/index.js';
import { DirectoryStore } from './directory.js';
import { PostgresStore } from './postgres.js';

export { DirectoryStore } from './directory.js';
export { PostgresStore } from './postgres.js';

export interface StagingStore {
  /**
   * Where the keys live, stable across processes and free of credentials: a directory's absolute path,
   * or postgres://host:port/database/schema. Per-process caches key on it; messages show it.
   */
  readonly root: string;
  /** The value written at `key`, or undefined when there is none. */
  readJson<T>(key: string): Promise<T | undefined>;
  /**
   * Writes `key` whole, atomically: a reader sees the old value or the new one, never part of it. Keys
   * are written once: a second write of a key that exists keeps the first value (two workers racing on
   * one snapshot or checkpoint agree on what every later reader sees). Keys under `state/` are the
   * exception: each write replaces them, the last writer wins.
   */
  writeJson(key: string, value: unknown): Promise<void>;
  /** Appends JSON lines to `key` as one atomic step: concurrent appends never interleave, one client's appends keep their order. */
  appendLines(key: string, values: readonly unknown[]): Promise<void>;
  /** Every line appended to `key`, oldest append first; [] when there is none. */
  readLines<T>(key: string): Promise<T[]>;
  /** Whether `key` was written, or anything under it. */
  exists(key: string): Promise<boolean>;
  /** The names of the immediate children of `prefix`, sorted (like readdir); [] when there are none. */
  list(prefix: string): Promise<string[]>;
  /** Removes `key` and everything under it. */
  remove(key: string): Promise<void>;
  /** How long ago `key` (or, for a prefix, what is under it) was last written, in ms; undefined when absent. */
  ageMs(key: string, now?: number): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The store the configuration names: PostgreSQL when it has a URL (migrated before this returns), else the directory. */
export async function openStore(config: Pick<StoreConfig, 'dir' | 'url' | 'schema'>): Promise<StagingStore> {
  if (!config.url) return new DirectoryStore(config.dir);
  const store = new PostgresStore(config.url, config.schema);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** Workflow ids may contain '/', ':' and spaces; a run's folder name must not. */
export function runFolder(runId: string): string {
  return `runs/${runId.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
}
