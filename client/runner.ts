/**
 * The one place that owns the CLI's arguments, connection, output and exit codes (antfu/ni's runner):
 * command files declare options and a `run(ctx)` and never parse, connect, catch or exit themselves.
 * Exit codes: 0 done; 1 the run failed or the command could not do what it was asked; 2 bad usage or
 * configuration. An error is one line; --verbose adds the stack.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection, isGrpcServiceError, ScheduleNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { ConfigError, loadConfig, type Config, type TemporalConfig } from '../config/index.js';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  /** The value's placeholder in help, e.g. `<cron>`. */
  value?: string;
}
export type Options = Record<string, OptionSpec>;
export type Values<O extends Options> = { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };

export interface Arg {
  name: string;
  optional?: boolean;
}

export interface CommandSpec<O extends Options = Options> {
  name: string;
  summary: string;
  /** Longer help, a few lines. */
  description?: string;
  args?: readonly Arg[];
  options?: O;
  /** At least one; shown under "Examples". */
  examples: readonly string[];
  /** A command with subcommands (e.g. `schedule create`) dispatches to them and has no run of its own. */
  subcommands?: readonly Command[];
  run?(ctx: Context<O>): Promise<number | void>;
}
// Method syntax keeps `run` bivariant, so commands with their own option types share one table.
export type Command = CommandSpec<Options>;

/** Keeps a command's option names and types for its `run`. */
export const defineCommand = <const O extends Options>(spec: CommandSpec<O>): Command => spec;

export interface Context<O extends Options = Options> {
  /** e.g. `orgsync schedule create` */
  command: string;
  args: string[];
  flags: Values<O>;
  env: NodeJS.ProcessEnv;
  /** One line (or several) to stdout. */
  print(text?: string): void;
  /** Raw text to stdout, no newline added (CSV). */
  write(text: string): void;
  /** Notes and progress to stderr, so stdout stays clean for pipes. */
  note(text: string): void;
  json(value: unknown): void;
  temporal(): TemporalConfig;
  store(): Config['store'];
  client(): Promise<Client>;
  /** A usage error for this command: exit 2 with its usage line. */
  usage(message: string): UsageError;
}

/** Bad arguments: exit 2, with the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command?: Command,
    readonly path?: string,
  ) {
    super(message);
  }
}

/** A failure the command explains itself: exit `exitCode` (1 unless said otherwise) with this one line. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const GLOBAL_OPTIONS = {
  verbose: { type: 'boolean', description: 'on an error, print the stack too' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies Options;

/** Shared by every read command. */
export const JSON_OPTION = { json: { type: 'boolean', description: 'print JSON instead of text' } } as const satisfies Options;

export const EXIT_CODES = 'Exit codes: 0 done · 1 the run failed, or the command could not do it · 2 bad usage or configuration';

export async function runCommands(table: readonly Command[], argv: readonly string[], io: Io): Promise<number> {
  const out =
    (stream: 'stdout' | 'stderr') =>
    (text = '') =>
      io[stream](`${text}\n`);
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(globalHelp(table));
    return 2;
  }
  // `orgsync help <command>` is `orgsync <command> --help`, an unknown command included.
  if ((first === '-h' || first === '--help' || first === 'help') && rest[0] !== undefined)
    return runCommands(table, [rest[0], '--help'], io);
  if (first === '-h' || first === '--help' || first === 'help') {
    io.stdout(globalHelp(table));
    return 0;
  }

  let verbose = argv.includes('--verbose');
  let connection: Connection | undefined;
  try {
    let command = table.find((c) => c.name === first);
    if (!command) throw new UsageError(`unknown command '${first}'${suggest(first, table)}`);
    let path = `orgsync ${command.name}`;
    let args = rest;
    while (command.subcommands) {
      const [sub, ...after] = args;
      if (sub === '-h' || sub === '--help') {
        io.stdout(commandHelp(command, path));
        return 0;
      }
      const next: Command | undefined = sub === undefined ? undefined : command.subcommands.find((c) => c.name === sub);
      if (!next)
        throw new UsageError(
          sub === undefined
            ? `missing subcommand: one of ${command.subcommands.map((c) => c.name).join(', ')}`
            : `unknown subcommand '${sub}'${suggest(sub, command.subcommands)}`,
          command,
          path,
        );
      command = next;
      path = `${path} ${next.name}`;
      args = after;
    }
    const current = command;
    const options: Options = { ...command.options, ...GLOBAL_OPTIONS };
    let parsed;
    try {
      parsed = parseArgs({
        args: [...args],
        options: Object.fromEntries(
          Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]),
        ),
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new UsageError(parseArgsMessage(err), current, path);
    }
    const flags = parsed.values as Values<Options> & { verbose?: boolean; help?: boolean };
    verbose = flags.verbose ?? false;
    if (flags.help) {
      io.stdout(commandHelp(current, path));
      return 0;
    }
    const declared = current.args ?? [];
    const required = declared.filter((a) => !a.optional).length;
    if (parsed.positionals.length < required) throw new UsageError(`missing <${declared[parsed.positionals.length]!.name}>`, current, path);
    if (parsed.positionals.length > declared.length)
      throw new UsageError(`unexpected argument '${parsed.positionals[declared.length]}'`, current, path);
    for (const [name, value] of Object.entries(flags)) {
      if (options[name]?.type === 'string' && value === '') throw new UsageError(`--${name} needs a value`, current, path);
    }

    let temporal: TemporalConfig | undefined;
    const ctx: Context = {
      command: path,
      args: parsed.positionals,
      flags,
      env: io.env,
      print: out('stdout'),
      write: (text) => io.stdout(text),
      note: out('stderr'),
      json: (value) => io.stdout(`${JSON.stringify(value, null, 2)}\n`),
      temporal: () => (temporal ??= loadConfig(['temporal'], io.env).temporal),
      store: () => loadConfig(['store'], io.env).store,
      async client() {
        const { address, namespace } = ctx.temporal();
        if (!connection) {
          try {
            connection = await Connection.connect({ address, connectTimeout: '5 seconds' });
          } catch (err) {
            throw new CliError(`cannot reach Temporal at ${address}: ${firstLine(err)} (set TEMPORAL_ADDRESS)`);
          }
        }
        return new Client({ connection, namespace });
      },
      usage: (message) => new UsageError(message, current, path),
    };
    if (!current.run) throw new Error(`${path} has no run`);
    return (await current.run(ctx)) ?? 0;
  } catch (err) {
    const { message, exitCode, usage } = explain(err);
    io.stderr(`orgsync: ${message}\n`);
    if (usage)
      io.stderr(
        `usage: ${usage.command ? usageLine(usage.command, usage.path) : `${usage.path} <command> [arguments] [options]`}\n(${usage.path} --help ${usage.command ? 'shows options and an example' : 'lists the commands'})\n`,
      );
    if (verbose && err instanceof Error && err.stack) io.stderr(`${stackWithCauses(err)}\n`);
    return exitCode;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** One line for any error the CLI meets, and its exit code. */
function explain(err: unknown): { message: string; exitCode: number; usage?: { command: Command | undefined; path: string } } {
  if (err instanceof UsageError) {
    return { message: err.message, exitCode: 2, usage: { command: err.command, path: err.path ?? 'orgsync' } };
  }
  if (err instanceof ConfigError) return { message: `configuration: ${err.problems.join('; ')}`, exitCode: 2 };
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof WorkflowNotFoundError) return { message: `no run ${err.workflowId} in this namespace`, exitCode: 1 };
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return { message: `a run with id ${err.workflowId} already exists; pick another --id`, exitCode: 1 };
  if (err instanceof ScheduleNotFoundError)
    return { message: `no schedule ${err.scheduleId}; create it with \`orgsync schedule create\``, exitCode: 1 };
  if (err instanceof WorkflowUpdateFailedError) return { message: firstLine(err.cause ?? err), exitCode: 1 };
  return { message: firstLine(err), exitCode: 1 };
}

/** Who is at the keyboard, for notes and decisions on record. */
export function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'an operator';
  }
}

export function firstLine(err: unknown): string {
  let e: unknown = err;
  // The SDK wraps gRPC errors ("Failed to query workflow"); the cause says what happened.
  while (e instanceof Error && e.cause instanceof Error && (isGrpcServiceError(e.cause) || /^Failed to /.test(e.message))) e = e.cause;
  const text = e instanceof Error ? (isGrpcServiceError(e) ? e.details || e.message : e.message) : String(e);
  return text.split('\n')[0]!.trim() || (e instanceof Error ? e.name : 'error');
}

function stackWithCauses(err: Error): string {
  const parts = [err.stack ?? String(err)];
  for (let e: unknown = err.cause; e instanceof Error; e = e.cause) parts.push(`caused by: ${e.stack ?? e.message}`);
  return parts.join('\n');
}

function parseArgsMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const option = /'(-[^'\s]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option)
    return /argument missing/.test(message) ? `${option} needs a value` : `${option} takes no value`;
  return message.split('.')[0]!;
}

function suggest(word: string, commands: readonly Command[]): string {
  const close = commands.filter((c) => c.name.startsWith(word.slice(0, 3)) || word.startsWith(c.name.slice(0, 3)));
  return close.length ? `; did you mean ${close.map((c) => c.name).join(' or ')}?` : '';
}

function usageLine(command: Command, path: string): string {
  if (command.subcommands) return `${path} <${command.subcommands.map((c) => c.name).join('|')}> [options]`;
  const args = (command.args ?? []).map((a) => (a.optional ? `[${a.name}]` : `<${a.name}>`));
  const options = Object.entries(command.options ?? {}).map(([name, o]) =>
    o.type === 'boolean' ? `[--${name}]` : `[--${name} ${o.value ?? `<${name}>`}]`,
  );
  return [path, ...args, ...options].join(' ');
}

function commandHelp(command: Command, path: string): string {
  const lines = [`${path}: ${command.summary}`, '', `Usage: ${usageLine(command, path)}`];
  if (command.description) lines.push('', command.description);
  if (command.subcommands) {
    const width = Math.max(...command.subcommands.map((c) => c.name.length));
    lines.push('', 'Commands:', ...command.subcommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`));
  } else {
    const options: [string, OptionSpec][] = [...Object.entries(command.options ?? {}), ...Object.entries(GLOBAL_OPTIONS)];
    const names = options.map(
      ([name, o]) => `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? `<${name}>`}` : ''}`,
    );
    const width = Math.max(...names.map((n) => n.length));
    lines.push('', 'Options:', ...options.map(([, o], i) => `  ${names[i]!.padEnd(width)}  ${o.description}`));
  }
  lines.push('', command.examples.length > 1 ? 'Examples:' : 'Example:', ...command.examples.map((e) => `  ${e}`));
  if (command.subcommands) lines.push('', `${path} <command> --help shows a command's options.`);
  return `${lines.join('\n')}\n`;
}

function globalHelp(table: readonly Command[]): string {
  const width = Math.max(...table.map((c) => c.name.length));
  return [
    "orgsync: keeps WORKPLACE's org chart in step with Knox Portal, on Temporal.",
    '',
    'Usage: orgsync <command> [arguments] [options]',
    '',
    'Commands:',
    ...table.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Examples:',
    '  orgsync run --wait',
    '  orgsync status',
    '  orgsync report --format csv > report.csv',
    '',
    "orgsync <command> --help shows a command's options and an example. Read commands take --json.",
    'Connection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ORGSYNC_TASK_QUEUE (or ORGSYNC_CONFIG); see README "Configuration".',
    EXIT_CODES,
    '',
  ].join('\n');
}
