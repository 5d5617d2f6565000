/**
 * The first-run collision check (issue 16 item 2). After a data migration (seed 000 step 1, 데이터 이관)
 * WORKPLACE holds objects orgsync did not make: with no external key until someone maps them (step 2),
 * or under another key. A create of Knox's copy of such an object would be refused (a grade, 직책 or
 * employee: WORKPLACE keeps their names, e-mails and login ids unique) or make a second copy (a
 * department). So a planned create whose identity an existing object already has is skipped with
 * COLLIDES_WITH_EXISTING, naming both objects and the fix: map the key, then run again.
 *
 * Pure: the stage specs give their plan items, WORKPLACE's objects as listed, and their identity rule
 * (declared next to each spec). Names and addresses are compared as `orgsync external-keys` matches them
 * (onboarding/external-keys.ts), so every object this flags is one the key-filling sheet can map.
 */
import { normalEmail, normalName } from './stages/mapping.js';
import type { UnmappedRecord } from '../workplace/index.js';
import type { Pass, StageName } from './pipeline.js';
import type { DraftItem } from './plan.js';

export const COLLIDES_WITH_EXISTING = 'COLLIDES_WITH_EXISTING';

/** One thing WORKPLACE allows only one object to have: what it is (for the message) and the text compared. */
export interface Identity {
  field: string;
  value: string;
}

/** How a stage's objects are the same object to WORKPLACE, besides their external key. */
export interface IdentityRule<V> {
  /** The `orgsync external-keys` entity whose sheet maps these objects: the fix. */
  entity: Extract<StageName, 'grades' | 'jobTitles' | 'departments' | 'employees'>;
  noun: string;
  name(value: V): string;
  /** What WORKPLACE keeps unique, normalised as onboarding matches. */
  identities(value: V): Identity[];
  /** Unique only among siblings (departments): the parent's key, `root` at the top. */
  parent?: { key(value: V): string; root: string };
}

/** Grades and 직책: one object per name (workplace.md §2.1, §2.2 "duplicates not allowed"). */
export const byName = (entity: IdentityRule<unknown>['entity'], noun: string): IdentityRule<{ name: string }> => ({
  entity,
  noun,
  name: (v) => v.name,
  identities: (v) => [{ field: 'name', value: normalName(v.name) }],
});

/** What a stage lists of WORKPLACE: objects by key, and those without one. */
export interface CollisionTarget<T> {
  current: ReadonlyMap<string, T>;
  unmapped: readonly UnmappedRecord<T>[];
  /** Keyed departments under a parent without a key: key → that parent's WORKPLACE id. */
  unmappedParents?: ReadonlyMap<string, string>;
}

/** An object WORKPLACE already holds that a create would collide with. */
export interface ExistingObject {
  /** Its external key, when it has one (a key Knox does not have). */
  key?: string;
  /** WORKPLACE's own id (deptNo, empId), when the list shows one. */
  id?: string;
  name: string;
}

export interface Collision {
  /** The Knox key whose create is skipped. */
  key: string;
  name: string;
  field: string;
  existing: ExistingObject;
}

interface Holder {
  ref: string;
  object: ExistingObject;
  /** A keyed object this plan deletes: when before the create, it frees the identity first (a leaver's e-mail). */
  deletion?: DraftItem<unknown>;
}

const PASS_ORDER: Record<Pass, number> = { main: 0, followUp: 1 };
const runsBefore = (a: DraftItem<unknown>, b: DraftItem<unknown>) =>
  PASS_ORDER[a.pass ?? 'main'] - PASS_ORDER[b.pass ?? 'main'] || (a.wave ?? 0) - (b.wave ?? 0);

/**
 * Skips every create in `items` whose identity an object in WORKPLACE already has, under a key Knox does
 * not have or under none (mutates the items: `skip`), and returns the collisions. Objects under Knox's own
 * keys are not counted: they are Knox's, and this plan moves or renames them. A keyed object the plan
 * would delete later is kept too (its delete is skipped): it is most likely Knox's object under a wrong key.
 */
export function flagCollisions<V, B extends V, T extends V>(
  items: DraftItem<B>[],
  target: CollisionTarget<T>,
  desiredKeys: ReadonlySet<string>,
  rule: IdentityRule<V>,
): Collision[] {
  const deletions = new Map(items.filter((i) => i.op === 'delete').map((i) => [i.key, i]));
  const creates = items.filter((i) => i.op === 'create' && !i.skip).sort((a, b) => runsBefore(a, b));
  const createdKeys = new Set(creates.map((i) => i.key));
  // Where a create's parent will be: an existing object's ref (its own, or the one its create collided with).
  const placedAt = new Map<string, string>();
  const root = rule.parent?.root;
  const createScope = (parentKey: string | undefined): string => {
    if (parentKey === undefined || parentKey === root) return parentKey === undefined ? '' : '#';
    return placedAt.get(parentKey) ?? (createdKeys.has(parentKey) ? `new:${parentKey}` : `key:${parentKey}`);
  };
  // An unmapped department under an unmapped parent shows no parent key, only the parent's id.
  const existingScope = (parentKey: string | undefined, parentId: string | undefined): string => {
    if (parentKey === undefined) return '';
    if (parentKey !== root) return `key:${parentKey}`;
    return parentId && parentId !== root ? `id:${parentId}` : '#';
  };

  const holders = new Map<string, Holder[]>();
  const hold = (value: T | Omit<T, 'externalKey'>, holder: Holder, parentId?: string) => {
    const scope = existingScope(rule.parent?.key(value as T), parentId);
    for (const identity of rule.identities(value as T)) {
      if (!identity.value) continue;
      const at = `${identity.field}\u0000${scope}\u0000${identity.value}`;
      holders.set(at, [...(holders.get(at) ?? []), holder]);
    }
  };
  for (const [key, row] of target.current) {
    if (desiredKeys.has(key)) continue;
    const deletion = deletions.get(key);
    hold(
      row,
      { ref: `key:${key}`, object: { key, name: rule.name(row) }, ...(deletion ? { deletion } : {}) },
      target.unmappedParents?.get(key),
    );
  }
  for (const record of target.unmapped) {
    const ref = record.id ? `id:${record.id}` : `row:${record.index}`;
    hold(record.row, { ref, object: { ...(record.id ? { id: record.id } : {}), name: rule.name(record.row as T) } }, record.parentId);
  }

  const collisions: Collision[] = [];
  for (const item of creates) {
    const body = item.body as B;
    const scope = createScope(rule.parent?.key(body));
    for (const identity of rule.identities(body)) {
      const found = (holders.get(`${identity.field}\u0000${scope}\u0000${identity.value}`) ?? []).find(
        (h) => !(h.deletion && !h.deletion.skip && runsBefore(h.deletion, item) < 0),
      );
      if (!found) continue;
      const collision = { key: item.key, name: rule.name(body), field: identity.field, existing: found.object };
      collisions.push(collision);
      item.skip = { code: COLLIDES_WITH_EXISTING, message: collisionMessage(rule, collision) };
      placedAt.set(item.key, found.ref);
      if (found.deletion && !found.deletion.skip) {
        // Reported by the main pass: a follow-up pass with nothing left to write does not run.
        found.deletion.pass = 'main';
        found.deletion.skip = {
          code: COLLIDES_WITH_EXISTING,
          message: `not deleted: Knox's ${rule.noun} ${item.key} "${collision.name}" has its ${identity.field}, so this is most likely that ${rule.noun} under another key. ${fix(rule, item.key)}`,
        };
      }
      break;
    }
  }
  return collisions;
}

/** What the report, status and the Temporal UI show for a skipped create. */
export function collisionMessage(rule: Pick<IdentityRule<unknown>, 'noun' | 'entity'>, c: Collision): string {
  const existing = [
    c.existing.key ? `external key ${c.existing.key}` : 'no external key',
    ...(c.existing.id ? [`id ${c.existing.id}`] : []),
  ];
  return (
    `not created: Knox's ${rule.noun} ${c.key} "${c.name}" collides with WORKPLACE's ${rule.noun} "${c.existing.name}" ` +
    `(${existing.join(', ')}): same ${c.field}. ${fix(rule, c.key)}`
  );
}

const fix = (rule: Pick<IdentityRule<unknown>, 'entity'>, key: string) =>
  `Fix: map the key, giving WORKPLACE's object the external key ${key} (\`orgsync external-keys ${rule.entity}\`, then upload the sheet in the admin console, or set it there by hand), then run again.`;

/** The employee identity (workplace.md §2.5; the simulator's EMPLOYEE_UNIQUE_FIELDS): e-mail and login id, case-insensitively. */
export const employeeIdentity = (): IdentityRule<{ name: string; emailAddress: string; loginId: string }> => ({
  entity: 'employees',
  noun: 'employee',
  name: (v) => v.name,
  identities: (v) => [
    { field: 'e-mail', value: normalEmail(v.emailAddress) },
    { field: 'login id', value: normalEmail(v.loginId) },
  ],
});

/** Departments: a name is unique among one parent's children only (names repeat across branches). */
export const departmentIdentity = (root: string): IdentityRule<{ name: string; parentDeptExternalKey: string }> => ({
  entity: 'departments',
  noun: 'department',
  name: (v) => v.name,
  identities: (v) => [{ field: 'name under the same parent department', value: normalName(v.name) }],
  parent: { key: (v) => v.parentDeptExternalKey, root },
});
