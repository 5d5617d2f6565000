/**
 * Config-loading tests: a config file to point ORGSYNC_CONFIG at, and the problems a ConfigError names.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../config/index.js';

/** A config file `name` holding `text`, in a directory of its own; its path. */
export function configFile(text: string, name = 'orgsync.yaml'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'orgsync-config-')), name);
  writeFileSync(file, text);
  return file;
}

/** What the ConfigError `load` throws names, or nothing when it loads; any other error is thrown on. */
export function configProblems(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}
