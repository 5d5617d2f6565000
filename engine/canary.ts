/**
 * The first write of each kind (create, update, delete) in a stage is a canary: it goes alone, and if
 * WORKPLACE's answer shows that every write of that kind will be refused the same way — the route does
 * not exist, or a field orgsync sends on every such write is refused (or one it never sends is required)
 * — the stage fails at once with that answer and the config key to look at, instead of after 50
 * failures (issue 10). An answer about this item's own data passes the canary. Pure: workflow-safe.
 */
import type { Operation, StageName } from './pipeline.js';

/** The `workplace.protocol` keys that shape each stage's requests (config/workplace-protocol.ts). */
const PROTOCOL_KEYS: Record<StageName, string> = {
  grades: 'workplace.protocol.paths.grade, workplace.protocol.extraFields.grades',
  jobTitles: 'workplace.protocol.paths.job, workplace.protocol.extraFields.jobs',
  departments: 'workplace.protocol.paths.department, workplace.protocol.departments, workplace.protocol.extraFields.departments',
  employees: 'workplace.protocol.paths.employee, workplace.protocol.employees.referenceFields, workplace.protocol.extraFields.employees',
  reportsTo: 'workplace.protocol.paths.reportsTo, workplace.protocol.reportsTo',
  additionalAttributes:
    'workplace.protocol.paths.attributeDefinition, workplace.protocol.paths.attributeValue, workplace.protocol.extraFields.attributeDefinitions, workplace.protocol.extraFields.attributeValues',
  absenceItems: 'workplace.protocol.paths.absence, workplace.protocol.extraFields.absences',
};

/** "… is required", "필수 …", "missing …": WORKPLACE wants a field. */
const REQUIRED = /\b(required|missing|must not be (null|empty|blank))\b|필수|누락/i;
const IDENTIFIER = /\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g;

export interface CanaryAnswer {
  code: string;
  message: string;
}

/**
 * Whether WORKPLACE's answer to a stage's first write of `op` means every such write will fail, and
 * then the stage's failure message; undefined when the answer is about this item only.
 * `alwaysSent` is the fields every body of this kind in the plan carries.
 */
export function canaryFailure(stage: StageName, op: Operation, answer: CanaryAnswer, alwaysSent: readonly string[]): string | undefined {
  const first = `the first ${op} of the stage was refused in a way every ${op} would be`;
  if (answer.code === 'WORKPLACE_NO_ROUTE') return `${first}: ${answer.message}`;
  if (answer.code !== 'WORKPLACE_VALIDATION') return undefined;
  const named = answer.message.match(IDENTIFIER) ?? [];
  // orgsync checks every documented size and format before it sends, so WORKPLACE refusing a field it
  // always sends is a protocol mismatch; so is WORKPLACE requiring a field orgsync never sends.
  const refusedSent = named.find((field) => alwaysSent.includes(field));
  const requiredUnsent = REQUIRED.test(answer.message) ? named.find((field) => !alwaysSent.includes(field)) : undefined;
  const field = refusedSent ?? requiredUnsent;
  if (!field) return undefined;
  const why = refusedSent
    ? `WORKPLACE refuses the field ${field}, which orgsync always sends`
    : `WORKPLACE requires ${field}, which orgsync does not send`;
  return `${first} (${why}): ${answer.message}. Check ${PROTOCOL_KEYS[stage]}`;
}

/** The fields every body of a kind carries: what "a field orgsync always sends" means for a plan. */
export function alwaysSentFields(items: Iterable<{ op: Operation; body?: unknown }>): Partial<Record<Operation, string[]>> {
  const sent = new AlwaysSent();
  for (const item of items) sent.add(item);
  return sent.fields();
}

/** `alwaysSentFields`, item by item, for a plan that is written as it is made. */
export class AlwaysSent {
  readonly #common: Partial<Record<Operation, Set<string>>> = {};

  add(item: { op: Operation; body?: unknown }): void {
    if (item.body === null || typeof item.body !== 'object') return;
    const keys = Object.keys(item.body).filter((k) => (item.body as Record<string, unknown>)[k] !== undefined);
    const seen = this.#common[item.op];
    if (!seen) this.#common[item.op] = new Set(keys);
    else for (const key of seen) if (!keys.includes(key)) seen.delete(key);
  }

  fields(): Partial<Record<Operation, string[]>> {
    return Object.fromEntries(Object.entries(this.#common).map(([op, keys]) => [op, [...keys].sort()]));
  }
}
