/**
 * The staging store: where bulk data lives so that workflow history carries only references to it
 * (Knox snapshots, plans, the full list of failed items, the state recorded for entities WORKPLACE
 * cannot list). A directory: local by default; workers on several hosts mount one shared NFS/NAS
 * export at ORGSYNC_STORE_DIR. Writes are atomic (temp file + rename) so a reader on another host
 * never sees half a file, and files are never rewritten in place except `state/`, whose writer is
 * the single finishing stage of a run.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export class StagingStore {
  readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  #path(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '')) throw new Error(`bad store key: ${key}`);
    return join(this.root, key);
  }

  async readJson<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.#path(key), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(value));
    await rename(temp, path);
  }

  /** Appends JSON lines; each append is one write(2) with O_APPEND, so concurrent writers do not interleave lines. */
  async appendLines(key: string, values: readonly unknown[]): Promise<void> {
    if (values.length === 0) return;
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, values.map((v) => `${JSON.stringify(v)}\n`).join(''));
  }

  async readLines<T>(key: string): Promise<T[]> {
    let text: string;
    try {
      text = await readFile(this.#path(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as T);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.#path(key));
      return true;
    } catch {
      return false;
    }
  }

  async list(prefix: string): Promise<string[]> {
    try {
      return (await readdir(this.#path(prefix))).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.#path(key), { recursive: true, force: true });
  }

  /** Age of a key in ms (by mtime), or undefined when absent. */
  async ageMs(key: string, now = Date.now()): Promise<number | undefined> {
    try {
      return now - (await stat(this.#path(key))).mtimeMs;
    } catch {
      return undefined;
    }
  }
}

/** Workflow ids may contain '/', ':' and spaces; a run's folder name must not. */
export function runFolder(runId: string): string {
  return `runs/${runId.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
}
