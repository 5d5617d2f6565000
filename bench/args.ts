/**
 * The command line of the bench scripts. Each script names its options with their defaults, the generated org's
 * (--employees, --departments, --seed, and --churn where there is a next day) apart from its own; every option
 * takes a string, as parseArgs gives it (printed as given), and the figures are read with Number().
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { generateOrg, nextDay } from '../generator/index.js';

/** An option's default; undefined: none (the option is then string | undefined). */
type Defaults = Record<string, number | string | undefined>;
type Values<D extends Defaults> = { [K in keyof D]: undefined extends D[K] ? string | undefined : string };

/** Parses process.argv against the org's options and the script's own; an unknown option or a positional fails, as parseArgs does. */
export function benchArgs<const O extends Defaults, const D extends Defaults = Record<never, never>>(org: O, own?: D): Values<O & D> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, value] of Object.entries({ ...org, ...own }))
    options[name] = value === undefined ? { type: 'string' } : { type: 'string', default: String(value) };
  return parseArgs({ options }).values as Values<O & D>;
}

interface OrgArgs {
  seed: string;
  employees: string;
  departments: string;
}

/** generateOrg's options from --seed, --employees and --departments. */
export const orgSize = (args: OrgArgs) => ({
  seed: Number(args.seed),
  employees: Number(args.employees),
  departments: Number(args.departments),
});

/** Day 1 as orgSize says, and its next day from --seed + 1 at --churn. */
export function twoDays(args: OrgArgs & { churn: string }) {
  const day1 = generateOrg(orgSize(args));
  const { org: day2, changes } = nextDay(day1, { seed: Number(args.seed) + 1, churn: Number(args.churn) });
  return { day1, day2, changes };
}
