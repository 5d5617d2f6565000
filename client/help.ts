/**
 * The CLI's help text, written from the command table: the global list, one command's usage, options and
 * examples, and a suggestion for a mistyped name. The runner hands these to commander as its help.
 */
import type { Command, OptionSpec, Options } from './runner.js';

/** Every command takes these; they come last in its help. */
export const GLOBAL_OPTIONS = {
  verbose: { type: 'boolean', description: 'on an error, print the stack too' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies Options;

export const EXIT_CODES = 'Exit codes: 0 done · 1 the run failed, or the command could not do it · 2 bad usage or configuration';

/** `; did you mean status?` for `stauts`, or nothing. */
export function suggest(word: string, commands: readonly Command[]): string {
  const close = commands.filter((c) => c.name.startsWith(word.slice(0, 3)) || word.startsWith(c.name.slice(0, 3)));
  return close.length ? `; did you mean ${close.map((c) => c.name).join(' or ')}?` : '';
}

export function usageLine(command: Command, path: string): string {
  if (command.subcommands) return `${path} <${command.subcommands.map((c) => c.name).join('|')}> [options]`;
  const args = (command.args ?? []).map((a) => (a.optional ? `[${a.name}]` : `<${a.name}>`));
  const options = Object.entries(command.options ?? {}).map(([name, o]) =>
    o.type === 'boolean' ? `[--${name}]` : `[--${name} ${o.value ?? `<${name}>`}]`,
  );
  return [path, ...args, ...options].join(' ');
}

export function commandHelp(command: Command, path: string): string {
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

export function globalHelp(table: readonly Command[]): string {
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
