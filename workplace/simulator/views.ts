/**
 * How the simulated WORKPLACE shows a stored record in GET answers, echoes and lists. Two readings:
 *  - ours (the default): the stored body, its key and the ids the reference documents for responses
 *    (companyId; an employee's empId and deptNo, §2.5);
 *  - a real tenant's (`realTenantLists`, workplace.md §6): WORKPLACE's own ids beside ours (tenantId,
 *    deptNo, parentDeptNo "#" at the top, deptLeaderEmpId), the top department's parent as null,
 *    dispOrd as "1.0", and null for every optional field never set.
 */
import { createHash } from 'node:crypto';
import type { JsonValue, WorkplaceProtocol } from '../assumptions.js';
import type { BodyTables } from './fields.js';
import type { Kind, SimRecord } from './store.js';

export interface ViewContext {
  protocol: WorkplaceProtocol;
  tables: BodyTables;
  companyId: string;
  realTenant: boolean;
  /** Whether a record is one a data migration left without an external key (store.ts `unmapped`). */
  unmapped?: (collection: 'grades' | 'jobs' | 'departments' | 'employees', id: string) => boolean;
}

const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** A stable UUID-shaped id for WORKPLACE's own keys (deptNo, empId, tenantId). */
export function uuidOf(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `order` (creation order) only shows in the attribute list. */
export function served(kind: Kind, key: string, record: SimRecord, order: number, context: ViewContext): Record<string, unknown> {
  if (kind === 'attributeDefinition') return attributeListElement(key, record, order, context);
  const shown: Record<string, unknown> = { externalKey: key, ...record, companyId: context.companyId };
  if (kind === 'employee') {
    shown.empId = uuidOf(`employee:${key}`);
    shown.deptNo = uuidOf(`department:${str(record.deptExternalKey)}`);
  }
  const migrated = unmappedView(kind, key, record, context);
  if (!context.realTenant) return { ...shown, ...migrated };
  return {
    tenantId: uuidOf(`tenant:${context.companyId}`),
    ...withNulls(shown, context.tables[kind]),
    ...realTenantIds(kind, key, record, context),
    ...migrated,
  };
}

/**
 * A record without an external key, or one that refers to such a record: no key where there is none
 * (null), and WORKPLACE's own ids instead, which is all a list can say about it (§2.4 deptNo and
 * parentDeptNo, §2.5 empId and deptNo). Such a record's id is the one it is kept under.
 */
function unmappedView(kind: Kind, key: string, record: SimRecord, { unmapped, protocol }: ViewContext): Record<string, unknown> {
  if (!unmapped) return {};
  const out: Record<string, unknown> = {};
  const collection = ({ grade: 'grades', job: 'jobs', department: 'departments', employee: 'employees' } as const)[kind as string];
  if (collection && unmapped(collection, key)) {
    out.externalKey = null;
    if (kind === 'department') out.deptNo = key;
    if (kind === 'employee') out.empId = key;
  }
  const parent = str(record.parentDeptExternalKey) ?? protocol.departments.root;
  // Only where a key is missing: a fully keyed record looks as it always did.
  if (kind === 'department' && (out.externalKey === null || unmapped('departments', parent))) {
    out.parentDeptNo = parent === protocol.departments.root || unmapped('departments', parent) ? parent : uuidOf(`department:${parent}`);
    if (unmapped('departments', parent)) out.parentDeptExternalKey = null;
  }
  if (kind === 'employee') {
    const department = str(record.deptExternalKey);
    if (department && unmapped('departments', department)) {
      out.deptExternalKey = null;
      out.deptNo = department;
    }
    const references = protocol.employees.referenceFields;
    if (unmapped('grades', str(record[references.grade]) ?? '')) out[references.grade] = null;
    if (unmapped('jobs', str(record[references.job]) ?? '')) out[references.job] = null;
  }
  return out;
}

/** §6: unset optional fields come back as null. */
function withNulls(shown: Record<string, unknown>, table: BodyTables[Kind]): Record<string, unknown> {
  const out = { ...shown };
  for (const field of table) if (!field.required && out[field.name] === undefined) out[field.name] = null;
  return out;
}

function realTenantIds(kind: Kind, key: string, record: SimRecord, { protocol }: ViewContext): Record<string, unknown> {
  if (kind !== 'department') return {};
  const { root, headField } = protocol.departments;
  const parent = str(record.parentDeptExternalKey);
  const head = str(record[headField]);
  const order = record.dispOrd;
  return {
    parentDeptExternalKey: parent === root ? null : parent,
    deptNo: uuidOf(`department:${key}`),
    parentDeptNo: parent === root ? root : uuidOf(`department:${parent}`),
    deptLeaderEmpId: head ? uuidOf(`employee:${head}`) : null,
    // A Java double on the way out: "1" is stored, "1.0" is shown.
    dispOrd: typeof order === 'string' && /^-?\d+$/.test(order) ? `${order}.0` : (order ?? null),
  };
}

/** Seed 003's list element: userModYn instead of userMod, a numeric dispOrd, keys only if the protocol says lists show them. */
function attributeListElement(
  key: string,
  record: SimRecord,
  order: number,
  { protocol, realTenant }: ViewContext,
): Record<string, unknown> {
  const showsKeys = protocol.attributeDefinitions.listShowsKeys;
  const items = (record.attrItemList as SimRecord[] | undefined) ?? [];
  return {
    ...(showsKeys ? { externalKey: key } : {}),
    fieldType: record.fieldType,
    searchDispYn: record.searchDispYn,
    userModYn: record.userMod === 'CHANGE' ? 'Y' : 'N',
    dispOrd: order,
    name: record.name,
    i18nNames: record.i18nNames ?? (realTenant ? null : {}),
    attrItemList: items.map((item, i) => ({
      ...(showsKeys && item.externalKey !== undefined ? { externalKey: item.externalKey } : {}),
      fieldTypeItemOrd: item.fieldTypeItemOrd ?? i,
      itemName: item.itemName,
      i18nItemNames: item.i18nItemNames ?? (realTenant ? null : {}),
    })),
  };
}
