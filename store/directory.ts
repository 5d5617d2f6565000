/**
 * The staging store as a directory: the embedded default, for workers on one host. A value is written to
 * a temp file first and then given its name, so a reader never sees half a file: by link(2), which fails
 * when the name exists (a key is written once), or for `state/` by rename(2), which replaces it. Outcome
 * lines are single O_APPEND writes.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, link, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { StagingStore } from './index.js';
import { checkKey, isRewritten } from './keys.js';

const isErrno = (err: unknown, code: string) => (err as NodeJS.ErrnoException).code === code;

export class DirectoryStore implements StagingStore {
  readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  #path(key: string): string {
    return join(this.root, checkKey(key));
  }

  async readJson<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.#path(key), 'utf8')) as T;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(value));
    if (isRewritten(key)) return rename(temp, path);
    try {
      await link(temp, path);
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    } finally {
      await unlink(temp);
    }
  }

  async appendLines(key: string, values: readonly unknown[]): Promise<void> {
    if (values.length === 0) return;
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    // One write(2) with O_APPEND: concurrent writers do not interleave lines.
    await appendFile(path, values.map((v) => `${JSON.stringify(v)}\n`).join(''));
  }

  async readLines<T>(key: string): Promise<T[]> {
    let text: string;
    try {
      text = await readFile(this.#path(key), 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
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
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.#path(key), { recursive: true, force: true });
  }

  /** By mtime: a directory's changes when an entry is added to it, so a run's folder ages from its last new part. */
  async ageMs(key: string, now = Date.now()): Promise<number | undefined> {
    try {
      return now - (await stat(this.#path(key))).mtimeMs;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {}
}
