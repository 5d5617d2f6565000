import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENV_VARS } from '../config/index.js';

// No Docker engine runs on our machines, so the compose file is checked for what can be checked:
// well-formed, the services and ports the README promises, and env names that match config/.
const ComposeSchema = z.object({
  services: z.record(
    z.string(),
    z.looseObject({
      image: z.string().optional(),
      build: z.union([z.string(), z.looseObject({})]).optional(),
      environment: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      ports: z.array(z.string()).optional(),
      depends_on: z.union([z.array(z.string()), z.record(z.string(), z.looseObject({}))]).optional(),
    }),
  ),
  volumes: z.record(z.string(), z.unknown()).optional(),
});

const compose = ComposeSchema.parse(parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Temporal on it, the Web UI and the orgsync worker built from the repo', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['orgsync-worker', 'postgresql', 'temporal', 'temporal-ui']);
    expect(compose.services.temporal?.image).toMatch(/^temporalio\/auto-setup:\d/);
    expect(compose.services.temporal?.environment?.DB).toBe('postgres12');
    expect(compose.services.temporal?.environment?.POSTGRES_SEEDS).toBe('postgresql');
    expect(compose.services['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(compose.services['orgsync-worker']?.build).toBe('.');
    expect(readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')).toMatch(/CMD \["npx", "tsx", "worker\/main.ts"\]/);
  });

  it('publishes the ports the README names', () => {
    expect(compose.services.temporal?.ports).toContain('7233:7233');
    expect(compose.services['temporal-ui']?.ports).toContain('8080:8080');
    expect(compose.services['orgsync-worker']?.ports).toContain('9464:9464');
    expect(readme).toContain('http://localhost:8080');
  });

  it('gives the worker exactly the variables config/ reads, and the README documents each', () => {
    const workerEnv = Object.keys(compose.services['orgsync-worker']?.environment ?? {});
    const known = [...Object.keys(ENV_VARS), 'ORGSYNC_CONFIG'];
    expect(workerEnv.filter((name) => !known.includes(name))).toEqual([]);
    expect(known.filter((name) => !workerEnv.includes(name))).toEqual([]);
    for (const name of known) expect(readme, `README documents ${name}`).toContain(`\`${name}\``);
  });

  it('keeps secrets out of the compose file: they come from .env', () => {
    const env = compose.services['orgsync-worker']?.environment ?? {};
    for (const secret of ['NCP_SECRET_KEY', 'NCP_ACCESS_KEY', 'NCP_API_KEY', 'KNOX_HEADERS']) expect(String(env[secret])).toMatch(/^\$\{/);
  });
});
