/**
 * The one place that owns the CLI's arguments, connection, output and exit codes (antfu/ni's runner):
 * command files declare options and a `run(ctx)` and never parse, connect, catch or exit themselves.
 * commander parses argv; this file turns the command table into its program and owns what it cannot
 * know: the Context, the wording of usage errors, and `explain()`.
 * Exit codes (EXIT): 0 done; 1 the run failed or the command could not do what it was asked; 2 bad usage
 * or configuration; 3 the run completed but some items failed; 4 the run was cancelled (or its review rejected). An error is one
 * line; --verbose adds the stack.
 */
import { userInfo } from 'node:os';
import { Command as Program, CommanderError, Option } from 'commander';
import { Client, Connection, isGrpcServiceError, ScheduleNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { ConfigError, loadConfig, type Config, type TemporalConfig } from '../config/index.js';
import { commandHelp, GLOBAL_OPTIONS, globalHelp, suggest, usageLine } from './help.js';

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

/** The CLI's exit codes, one per outcome a script must tell apart (README "Exit codes"). */
export const EXIT = { ok: 0, failed: 1, usage: 2, completedWithFailures: 3, cancelled: 4 } as const;

// A rejected review wrote nothing, as a cancelled run did; a run rolled back after a failure still failed.

/** How a run's end state exits `orgsync run --wait` (and whatever else waits for a run). */
export function exitCodeOf(state: string): number {
  if (state === 'completed') return EXIT.ok;
  if (state === 'completed-with-failures') return EXIT.completedWithFailures;
  if (state === 'cancelled' || state === 'rejected') return EXIT.cancelled;
  return EXIT.failed;
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

/** Shared by every read command. */
export const JSON_OPTION = { json: { type: 'boolean', description: 'print JSON instead of text' } } as const satisfies Options;

export async function runCommands(table: readonly Command[], argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  // `orgsync help <command>` is `orgsync <command> --help`, an unknown command included.
  if ((first === '-h' || first === '--help' || first === 'help') && rest[0] !== undefined)
    return runCommands(table, [rest[0], '--help'], io);
  if (first === '-h' || first === '--help' || first === 'help') {
    io.stdout(globalHelp(table));
    return 0;
  }

  let verbose = argv.includes('--verbose');
  let connection: Connection | undefined;
  let exitCode = 0;
  const out =
    (stream: 'stdout' | 'stderr') =>
    (text = '') =>
      io[stream](`${text}\n`);

  async function invoke(command: Command, path: string, args: string[], flags: Values<Options>): Promise<number> {
    let temporal: TemporalConfig | undefined;
    const ctx: Context = {
      command: path,
      args,
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
      usage: (message) => new UsageError(message, command, path),
    };
    if (!command.run) throw new Error(`${path} has no run`);
    return (await command.run(ctx)) ?? 0;
  }

  try {
    const program = buildProgram(table, io, async (command, path, words, values) => {
      const { args, flags } = checkUsage(command, path, words, values);
      verbose = flags.verbose === true;
      exitCode = await invoke(command, path, args, flags);
    });
    program.action(() => {
      const word = program.args[0];
      if (word !== undefined) throw new UsageError(`unknown command '${word}'${suggest(word, table)}`);
      io.stderr(globalHelp(table));
      exitCode = 2;
    });
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    // commander throws once it has printed help (exit 0); exits happen in one place, main().
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
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

type Invoke = (command: Command, path: string, words: string[], values: Record<string, unknown>) => Promise<void>;

/**
 * The command table as a commander program. commander tokenises (long and short options, `--x=v`, `--`),
 * dispatches to commands and subcommands and shows our help. It parses leniently: unknown options and
 * extra words reach `checkUsage`, so every usage error is worded by the CLI, not read out of commander's.
 */
function buildProgram(table: readonly Command[], io: Io, invoke: Invoke): Program {
  const helpOf = new WeakMap<Program, () => string>();
  const program = new Program('orgsync')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text), outputError: () => undefined })
    .configureHelp({ formatHelp: (cmd) => helpOf.get(cmd)?.() ?? '' })
    .helpCommand(false)
    // The program's own help is handled above; here `stauts --help` is an unknown command, not the global help.
    .helpOption(false)
    .enablePositionalOptions()
    .allowUnknownOption()
    .allowExcessArguments();

  const attach = (parent: Program, command: Command, path: string) => {
    const cmd = parent
      .command(command.name)
      .helpOption(`-${GLOBAL_OPTIONS.help.short}, --help`, GLOBAL_OPTIONS.help.description)
      .allowUnknownOption()
      .allowExcessArguments();
    helpOf.set(cmd, () => commandHelp(command, path));
    if (command.subcommands) {
      for (const sub of command.subcommands) attach(cmd, sub, `${path} ${sub.name}`);
      cmd.action(() => {
        const sub = cmd.args[0];
        throw new UsageError(
          sub === undefined
            ? `missing subcommand: one of ${command.subcommands!.map((c) => c.name).join(', ')}`
            : `unknown subcommand '${sub}'${suggest(sub, command.subcommands!)}`,
          command,
          path,
        );
      });
      return;
    }
    // A value option's value is optional to commander, so a missing one is ours to word (`--id needs a value`).
    const declared: Options = { ...command.options, verbose: GLOBAL_OPTIONS.verbose };
    const options = Object.entries(declared).map(([name, o]) => {
      const option = new Option(`${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ' [value]' : ''}`);
      cmd.addOption(option);
      return [name, option] as const;
    });
    cmd.action(() =>
      invoke(
        command,
        path,
        cmd.args,
        Object.fromEntries(options.map(([name, option]) => [name, cmd.getOptionValue(option.attributeName())])),
      ),
    );
  };
  for (const command of table) attach(program, command, `orgsync ${command.name}`);
  return program;
}

/** The words and option values commander handed back, checked against the command's declaration. */
function checkUsage(
  command: Command,
  path: string,
  words: readonly string[],
  values: Record<string, unknown>,
): { args: string[]; flags: Values<Options> & { verbose?: boolean } } {
  const options: Options = { ...command.options, ...GLOBAL_OPTIONS };
  const usage = (message: string) => new UsageError(message, command, path);
  // Unknown options, and everything after the first, are left among the words.
  const stray = words.find((w) => w.length > 1 && w.startsWith('-'));
  if (stray !== undefined) {
    const [flag, value] = stray.split(/=(.*)/s);
    throw usage(
      value !== undefined && options[flag!.replace(/^--/, '')]?.type === 'boolean' ? `${flag} takes no value` : `unknown option ${flag}`,
    );
  }
  const declared = command.args ?? [];
  const required = declared.filter((a) => !a.optional).length;
  if (words.length < required) throw usage(`missing <${declared[words.length]!.name}>`);
  if (words.length > declared.length) throw usage(`unexpected argument '${words[declared.length]}'`);
  const flags: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (options[name]?.type === 'boolean') flags[name] = value === true;
    else if (typeof value === 'string' && value !== '') flags[name] = value;
    else throw usage(`--${name} needs a value`);
  }
  // Each value was checked against its declared type just above.
  return { args: [...words], flags: flags as Values<Options> & { verbose?: boolean } };
}

/** One line for any error the CLI meets, and its exit code. */
function explain(err: unknown): { message: string; exitCode: number; usage?: { command: Command | undefined; path: string } } {
  if (err instanceof UsageError) {
    return { message: err.message, exitCode: 2, usage: { command: err.command, path: err.path ?? 'orgsync' } };
  }
  // Only a parse the runner does not word itself (none known) gets commander's own sentence.
  if (err instanceof CommanderError)
    return { message: err.message.replace(/^error: /, ''), exitCode: 2, usage: { command: undefined, path: 'orgsync' } };
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
