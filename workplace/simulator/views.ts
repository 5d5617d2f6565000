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
  if (!context.realTenant) return shown;
  return {
    tenantId: uuidOf(`tenant:${context.companyId}`),
    ...withNulls(shown, context.tables[kind]),
    ...realTenantIds(kind, key, record, context),
  };
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
