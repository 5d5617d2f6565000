/**
 * Running the orgsync CLI in-process, as an operator would from a shell: argv in; exit code, stdout and
 * stderr out. The environment is the CLI's only input besides argv, so each test hands it the dev
 * server's address and its own stack's task queue and store.
 */
import type { Client } from '@temporalio/client';
import { inject } from 'vitest';
import { runCli } from '../../client/cli.js';
import type { StoreConfig } from '../../config/index.js';
import type { GeneratedOrg } from '../../generator/index.js';
import type { LocalStack, LocalStackOptions } from '../../scripts/local-stack.js';
import { sharedStack, type SharedStack } from '../helpers/stack.js';
import { progressQuery } from '../../workflows/definitions.js';
import { type OrgSyncProgress } from '../../engine/types.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Cli = (...argv: string[]) => Promise<CliResult>;

export function cliWith(env: NodeJS.ProcessEnv): Cli {
  return async (...argv) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env });
    return { code, stdout, stderr };
  };
}

/** The environment of an operator's shell pointed at this stack (no ORGSYNC_CONFIG, so nothing else leaks in). */
export function stackEnv(stack: LocalStack, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    ORGSYNC_TASK_QUEUE: stack.taskQueue,
    ...storeEnv(stack.storeConfig),
    ...extra,
  };
}

/** The file's shared stack (test/helpers/stack.ts sharedStack) and `cli`, the CLI in an operator's shell pointed at it. */
export function cliStack(org: GeneratedOrg, options: Partial<LocalStackOptions> = {}): SharedStack & { cli: Cli } {
  const shared = sharedStack(org, options);
  return {
    get env() {
      return shared.env;
    },
    get stack() {
      return shared.stack;
    },
    cli: (...argv) => cliWith(stackEnv(shared.stack))(...argv),
  };
}

/** The variables that name `config`'s store, as an operator would set them. */
export function storeEnv(config: StoreConfig): NodeJS.ProcessEnv {
  return config.url ? { ORGSYNC_STORE_URL: config.url.reveal(), ORGSYNC_STORE_SCHEMA: config.schema } : { ORGSYNC_STORE_DIR: config.dir };
}

/**
 * Terminates every run still going on `taskQueue`: a run a failed test left going would make the next
 * test's `orgsync run` refuse to overlap it.
 */
export async function terminateRunning(client: Client, taskQueue: string): Promise<void> {
  for await (const run of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` }))
    await client.workflow
      .getHandle(run.workflowId)
      .terminate('test ended')
      .catch(() => undefined);
}

export const progressOf = (client: Client, workflowId: string): Promise<OrgSyncProgress> =>
  client.workflow.getHandle(workflowId).query(progressQuery);

/** The run id `orgsync run` printed: `started <id> …`. */
export function startedId(result: CliResult): string {
  const id = /^started (\S+)/m.exec(result.stdout)?.[1];
  if (!id) throw new Error(`no run id in: ${result.stdout}${result.stderr}`);
  return id;
}

/** RFC 4180 rows, for reading back what `report --format csv` wrote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}
