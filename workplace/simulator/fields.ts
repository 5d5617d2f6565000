/**
 * The request-body tables of workplace.md §2 and the seeds, transcribed as data (type, size, required),
 * and the one check that applies them. Written from the reference, not from the client's schemas: a
 * shared mistake would otherwise agree with itself.
 */
import type { WorkplaceProtocol } from '../assumptions.js';

type FieldType = 'String' | 'boolean' | 'Int' | 'Map' | 'List' | 'StringList';

export interface Field {
  name: string;
  type: FieldType;
  size?: number;
  required: boolean;
  /** Allowed values (an enum in the table). */
  values?: readonly string[];
  format?: { pattern: RegExp; says: string };
  /** The columns of a List's elements. */
  items?: readonly Field[];
  /** A required String that may be "" (present, but empty). */
  mayBeEmpty?: boolean;
}

const f = (name: string, type: FieldType, size: number | undefined, required: 'Y' | 'N', more: Partial<Field> = {}): Field => ({
  name,
  type,
  ...(size === undefined ? {} : { size }),
  required: required === 'Y',
  ...more,
});

const YN = ['Y', 'N'] as const;
/** FACT (§2.5): dates in employee bodies are `yyyy-MM-dd`. */
const DATE = { pattern: /^\d{4}-\d{2}-\d{2}$/, says: 'yyyy-MM-dd' };

export type BodyTables = Record<
  'grade' | 'job' | 'department' | 'employee' | 'attributeDefinition' | 'attributeValue' | 'reportsTo' | 'absence',
  readonly Field[]
>;

/** The tables, with the field names, sizes and readings of the protocol in force. */
export function bodyTables(protocol: WorkplaceProtocol): BodyTables {
  const { employees, departments } = protocol;
  const escaped = employees.nicknameSpecials.replace(/[\]\\^-]/g, '\\$&');
  const nickname = {
    pattern: new RegExp(`^[\\p{L}\\p{M}\\p{N}${employees.nicknameAllowsSpaces ? ' ' : ''}${escaped}]*$`, 'u'),
    says: `letters, digits and ${employees.nicknameSpecials} only`,
  };

  /** §2.1 grade v2 and §2.2 job v2 (identical tables). */
  const grade = (mayBeEmpty: boolean): readonly Field[] => [
    f('name', 'String', 100, 'Y'),
    f('i18nNames', 'Map', undefined, 'N'),
    f('itemUsed', 'boolean', undefined, 'Y'),
    f('sortOrder', 'String', undefined, 'Y', { mayBeEmpty }),
  ];

  return {
    grade: grade(protocol.grades.sortOrderMayBeEmpty),
    job: grade(protocol.jobs.sortOrderMayBeEmpty),
    /** §2.4 department v2 add body (plus the head, an assumption of the Decisions table). */
    department: [
      f('name', 'String', 100, 'Y'),
      f('i18nNames', 'Map', undefined, 'N'),
      f('deptExternalKey', 'String', 100, 'Y'),
      f('parentDeptExternalKey', 'String', 100, 'Y'),
      f('deptEmailAddress', 'String', 100, 'N'),
      f('externalEmailReceiveYn', 'boolean', undefined, 'N'),
      f('dispOrd', 'String', 10, 'Y'),
      f(departments.headField, 'String', departments.headMaxLength, 'N'),
    ],
    /** §2.5 employee v2, the readable rows, plus the reference fields third-party clients send. */
    employee: [
      f('loginId', 'String', 100, 'Y'),
      f('emailAddress', 'String', 100, 'Y'),
      f('employYmd', 'String', 10, 'Y', { format: DATE }),
      f('telephoneNo', 'String', 30, 'N'),
      f('cellphoneNo', 'String', 100, 'N'),
      f('birthYmd', 'String', 30, 'N', { format: DATE }),
      f('genderCd', 'String', 30, 'N', { values: ['MALE', 'FEMALE'] }),
      f('empNick', 'String', 100, 'N', { format: nickname }),
      f('localeTypeCd', 'String', undefined, 'N'),
      f('tmznTypeCd', 'String', undefined, 'N'),
      f('zipCode', 'String', 10, 'N'),
      f('address', 'String', 100, 'N'),
      f('addressDetail', 'String', 100, 'N'),
      f('name', 'String', 100, 'Y'),
      f('i18nNames', 'Map', undefined, 'N'),
      f('deptExternalKey', 'String', 100, 'Y'),
      f('concurrentDeptExternalKeys', 'StringList', 100, 'Y'),
      ...Object.values(employees.referenceFields).map((name) => f(name, 'String', employees.referenceMaxLength, 'N')),
    ],
    /** Seed 003, addattr add (edit: the same without fieldUsedType, which is then ignored). */
    attributeDefinition: [
      f('fieldType', 'String', 50, 'Y', { values: ['INPUT', 'DATE', 'YESNO', 'SELECT'] }),
      f('name', 'String', 100, 'Y'),
      f('i18nNames', 'Map', undefined, 'N'),
      f('fieldUsedType', 'String', 100, 'N'),
      f('searchDispYn', 'String', 1, 'Y', { values: YN }),
      f('userDispYn', 'String', 1, 'Y', { values: YN }),
      f('userMod', 'String', 20, 'Y', { values: ['CHANGE', 'UNCHANGED', 'INVISIBLE'] }),
      f('attrItemList', 'List', undefined, 'N', {
        items: [
          f('externalKey', 'String', undefined, 'N'),
          f('itemName', 'String', undefined, 'N'),
          f('i18nItemNames', 'Map', undefined, 'N'),
          f('fieldTypeItemOrd', 'Int', undefined, 'N'),
        ],
      }),
    ],
    /** §2.8: fieldData is a String, not required. */
    attributeValue: [f('fieldData', 'String', undefined, 'N')],
    /** Decisions "Reports To" (assumption): the manager's employee key. */
    reportsTo: [f(protocol.reportsTo.field, 'String', protocol.keys.maxLength, 'Y')],
    /** Decisions "absence items" (assumption). */
    absence: [
      f('name', 'String', 100, 'Y'),
      f('i18nNames', 'Map', undefined, 'N'),
      f('halfDayYn', 'String', 1, 'Y', { values: YN }),
      f('sortOrder', protocol.absences.sortOrderIsInteger ? 'Int' : 'String', undefined, 'Y'),
    ],
  };
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first way `value` breaks the table, as "field: problem"; undefined when it keeps every row. */
export function tableViolation(table: readonly Field[], value: unknown, at = ''): string | undefined {
  if (!isMap(value)) return `${at || 'body'}: expected a JSON object`;
  for (const field of table) {
    const name = `${at}${field.name}`;
    const v = value[field.name];
    if (v === undefined || v === null) {
      if (field.required) return `${name}: required`;
      continue;
    }
    const problem = cellViolation(field, v, name);
    if (problem) return problem;
  }
  return undefined;
}

function cellViolation(field: Field, v: unknown, name: string): string | undefined {
  switch (field.type) {
    case 'String':
      if (typeof v !== 'string') return `${name}: expected a String`;
      if (field.required && v === '' && !field.mayBeEmpty) return `${name}: required`;
      if (field.size !== undefined && v.length > field.size) return `${name}: longer than ${field.size} characters`;
      if (field.values && !field.values.includes(v)) return `${name}: one of ${field.values.join(', ')}`;
      if (field.format && !field.format.pattern.test(v)) return `${name}: expected ${field.format.says}`;
      return undefined;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `${name}: expected a boolean`;
    case 'Int':
      return Number.isInteger(v) ? undefined : `${name}: expected an Int`;
    case 'Map':
      return isMap(v) && Object.values(v).every((s) => typeof s === 'string') ? undefined : `${name}: expected a Map<Locale, String>`;
    case 'StringList':
      if (!Array.isArray(v)) return `${name}: expected a list`;
      return v.map((item, i) => cellViolation({ ...field, type: 'String', required: true }, item, `${name}[${i}]`)).find(Boolean);
    case 'List':
      if (!Array.isArray(v)) return `${name}: expected a list`;
      return v.map((item, i) => tableViolation(field.items ?? [], item, `${name}[${i}].`)).find(Boolean);
  }
}

/** The body as stored: only the table's fields (Spring ignores unknown ones), or everything for an open table. */
export function stored(table: readonly Field[], body: Record<string, unknown>, open = false): Record<string, unknown> {
  if (open) return structuredClone(body);
  return Object.fromEntries(
    table.flatMap((field) => (body[field.name] === undefined ? [] : [[field.name, structuredClone(body[field.name])]])),
  );
}
