/**
 * `orgsync`: the operator CLI. `runCli` runs one command in-process and returns its exit code (the
 * tests call it directly); `main` is the process entry (bin/orgsync.js, `npm run orgsync`).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './commands/index.js';
import { runCommands, type Io } from './runner.js';

export const processIo = (): Io => ({
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
});

export function runCli(argv: readonly string[], io: Io = processIo()): Promise<number> {
  return runCommands(COMMANDS, argv, io);
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  const code = await runCli(argv);
  // Let a piped stdout drain before exiting, or a long report is cut short.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) await main();
