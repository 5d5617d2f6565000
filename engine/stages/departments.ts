/**
 * 부서 departments. Source: Knox /organizations of each company. Key: departmentCode; parent:
 * uprDepartmentCode, or '#' at the top (workplace.md §2.4).
 * - main pass: creates and updates, parents before children (one wave per tree depth). The head
 *   already in WORKPLACE is kept as it is, because the new head may not exist yet.
 * - follow-up pass (after employees): heads (deptLeaderExternalKey, Decisions table), then deletions,
 *   deepest first, once their people have moved.
 */
import type { Department, DepartmentBody } from '../../workplace/index.js';
import type { ItemOutcome } from '../types.js';
import { treeDepths, type DesiredEntry, type DraftItem } from '../plan.js';
import { departmentIdentity, flagCollisions } from '../collisions.js';
import { departmentHeads, departmentScope } from './mapping.js';
import { defineStage, keyedApply, i18n, invalidOutcomes, listedRollback, listedTarget, type StageDraft } from './spec.js';

const ROOT = '#';
const FIELDS = ['name', 'i18nNames', 'parentDeptExternalKey', 'dispOrd'] as const;

type Desired = Omit<DepartmentBody, 'deptLeaderExternalKey'>;
/** Names repeat across branches, so a create collides only with a department of its name under the same parent. */
export const DEPARTMENT_IDENTITY = departmentIdentity(ROOT);

export const departments = defineStage<DepartmentBody>(
  { stage: 'departments', knox: ['organizations', 'employees'], target: 'listed', upsert: true },
  {
    async plan(ctx): Promise<StageDraft<DepartmentBody>> {
      const [organizations, unreadable] = await Promise.all([ctx.knox.organizations(), ctx.knox.invalid('organizations')]);
      const { included } = departmentScope(organizations, ctx.settings);
      const invalid: ItemOutcome[] = invalidOutcomes('departments', unreadable);
      const desired = new Map<string, DesiredEntry<Desired>>();
      for (const org of included.values()) {
        const parent = org.uprDepartmentCode?.trim() || ROOT;
        if (parent !== ROOT && !included.has(parent)) {
          // Not an excluded hidden parent (departmentScope excludes the whole subtree): Knox names a parent it does not list.
          invalid.push({
            stage: 'departments',
            key: org.departmentCode,
            label: org.departmentName,
            op: 'read',
            outcome: 'failed',
            code: 'KNOX_UNKNOWN_PARENT',
            message: `parent department ${parent} is not in Knox's organization list`,
          });
          continue;
        }
        desired.set(org.departmentCode, {
          label: org.departmentName,
          value: {
            name: org.departmentName,
            i18nNames: i18n({ ko_KR: org.departmentName, en_US: org.enDepartmentName }),
            deptExternalKey: org.departmentCode,
            parentDeptExternalKey: parent,
            dispOrd: String(org.departmentOrder?.trim() || '0'),
          },
          dependsOn: parent === ROOT ? [] : [{ stage: 'departments', key: parent, role: 'parent department' }],
        });
      }
      // A child whose parent is invalid cannot be created either: drop it, and report why.
      for (let changed = true; changed;) {
        changed = false;
        for (const [code, entry] of desired) {
          const parent = entry.value.parentDeptExternalKey;
          if (parent !== ROOT && !desired.has(parent)) {
            desired.delete(code);
            invalid.push({
              stage: 'departments',
              key: code,
              label: entry.label,
              op: 'read',
              outcome: 'failed',
              code: 'KNOX_UNKNOWN_PARENT',
              message: `parent department ${parent} cannot be synced`,
            });
            changed = true;
          }
        }
      }

      const target = await listedTarget('departments', ctx.workplace.departments, ctx.signal);
      const current = target.current;
      invalid.push(...target.outcomes);
      const { items, unchanged } = target.delta(desired, {
        fields: FIELDS,
        // Keep the head WORKPLACE has: the follow-up pass sets the new one once it exists.
        body: (_key, value, existing): DepartmentBody => ({
          ...value,
          ...(existing?.deptLeaderExternalKey ? { deptLeaderExternalKey: existing.deptLeaderExternalKey } : {}),
        }),
        protect: new Set(invalid.map((i) => i.key)),
        // A department record without a readable code could be any of WORKPLACE's: delete none this run.
        deletes: !unreadable.some((r) => !r.key),
        deleteLabel: (_key, d) => d.name,
      });

      const desiredDepth = treeDepths(new Map([...desired].map(([code, e]) => [code, e.value.parentDeptExternalKey])));
      const currentDepth = treeDepths(new Map([...current].map(([code, d]) => [code, d.parentDeptExternalKey])));
      const deepest = Math.max(0, ...currentDepth.values());
      for (const item of items) {
        if (item.op === 'delete') {
          item.pass = 'followUp';
          // Children before parents; heads (wave 0) before any deletion.
          item.wave = 1 + deepest - Math.max(0, currentDepth.get(item.key) ?? 0);
        } else item.wave = Math.max(0, desiredDepth.get(item.key) ?? 0);
      }

      flagCollisions(items, target, new Set([...desired.keys(), ...invalid.map((i) => i.key)]), DEPARTMENT_IDENTITY);
      items.push(...headUpdates(desired, current, departmentHeads(included.values(), await ctx.knox.employees())));
      return { items, unchanged, sourceCount: desired.size, targetCount: current.size, invalid, drift: [target.drift] };
    },

    apply: keyedApply((client) => client.departments),

    rollback: listedRollback({
      api: (client) => client.departments,
      fields: [...FIELDS, 'deptLeaderExternalKey'],
      restore: (key, before): DepartmentBody => {
        const d = before as Department;
        return {
          name: d.name,
          i18nNames: d.i18nNames,
          deptExternalKey: key,
          parentDeptExternalKey: d.parentDeptExternalKey,
          dispOrd: d.dispOrd ?? '0',
          ...(d.deptLeaderExternalKey ? { deptLeaderExternalKey: d.deptLeaderExternalKey } : {}),
        };
      },
      place: placeRollback,
    }),
  },
);

/**
 * A department rollback in the run's own order: restores and re-creates first, parents before children,
 * keeping the head WORKPLACE has (the old head may be re-created only by the employee stage); then, in
 * the follow-up pass, the old heads and the deletions, deepest first.
 */
function placeRollback(items: DraftItem<DepartmentBody>[], now: ReadonlyMap<string, unknown>): DraftItem<DepartmentBody>[] {
  const current = now as ReadonlyMap<string, Department>;
  const parents = new Map([...current].map(([code, d]) => [code, d.parentDeptExternalKey]));
  for (const item of items) if (item.body) parents.set(item.key, item.body.parentDeptExternalKey);
  const after = treeDepths(parents);
  const before = treeDepths(new Map([...current].map(([code, d]) => [code, d.parentDeptExternalKey])));
  const deepest = Math.max(0, ...before.values());
  const placed: DraftItem<DepartmentBody>[] = [];
  for (const item of items) {
    if (item.skip) {
      placed.push(item);
      continue;
    }
    if (item.op === 'delete') {
      placed.push({ ...item, pass: 'followUp', wave: 1 + deepest - Math.max(0, before.get(item.key) ?? 0) });
      continue;
    }
    const { deptLeaderExternalKey: head, ...body } = item.body!;
    const headNow = current.get(item.key)?.deptLeaderExternalKey || undefined;
    const kept = { ...body, ...(headNow ? { deptLeaderExternalKey: headNow } : {}) };
    const changes = (item.changes ?? []).filter((field) => field !== 'deptLeaderExternalKey');
    if (item.op === 'create' || changes.length > 0)
      placed.push({ ...item, body: kept, changes, pass: 'main', wave: Math.max(0, after.get(item.key) ?? 0) });
    if (head !== headNow)
      placed.push({
        ...item,
        op: item.op === 'create' ? 'update' : item.op,
        body: { ...body, ...(head ? { deptLeaderExternalKey: head } : {}) },
        changes: ['deptLeaderExternalKey'],
        pass: 'followUp',
        wave: 0,
      });
  }
  return placed;
}

/**
 * Follow-up items that set a department's head where Knox's differs from WORKPLACE's. A head Knox
 * names but whose employee record it does not return is left as it is rather than cleared.
 */
function headUpdates(
  desired: ReadonlyMap<string, DesiredEntry<Desired>>,
  current: ReadonlyMap<string, { deptLeaderExternalKey?: string | null | undefined }>,
  heads: ReturnType<typeof departmentHeads>,
): DraftItem<DepartmentBody>[] {
  const items: DraftItem<DepartmentBody>[] = [];
  for (const [code, entry] of desired) {
    const head = heads.get(code);
    if (head && 'unresolved' in head) continue;
    const wanted = head?.epId;
    const existing = current.get(code)?.deptLeaderExternalKey || undefined;
    if (wanted === existing) continue;
    items.push({
      op: 'update',
      key: code,
      label: entry.label,
      pass: 'followUp',
      wave: 0,
      body: { ...entry.value, ...(wanted ? { deptLeaderExternalKey: wanted } : {}) },
      changes: ['deptLeaderExternalKey'],
      before: current.get(code),
      dependsOn: [
        { stage: 'departments', key: code, role: 'department' },
        ...(wanted ? [{ stage: 'employees' as const, key: wanted, role: 'head' }] : []),
      ],
    });
  }
  return items;
}
