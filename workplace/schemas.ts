/**
 * WORKPLACE request bodies and responses as zod schemas, written once from workplace.md §2 and the
 * seeds. Bodies carry the documented sizes and required fields, so the client refuses a body WORKPLACE
 * would refuse, naming the field. Responses are tolerant: checked only for what orgsync uses, projected
 * to it and normalised (see "responses" below); `documentedFields` is what drift is measured against.
 */
import { z } from 'zod';
import type { FieldType } from '../lib/drift.js';
import { DEFAULT_PROTOCOL, type WorkplaceProtocol } from './assumptions.js';

// ── building blocks ───────────────────────────────────────────────────────────────────────────────

/** A documented String of at most `max` characters; required ones may not be empty. */
const text = (max: number) => z.string().max(max);
const required = (max: number) => z.string().min(1, { error: 'required' }).max(max);
/** FACT (§2): Map<Locale, String>; the locales seen are ko_KR, en_US, ja_JP, zh_CN, zh_TW, but none is refused. */
const I18nNames = z.record(z.string(), z.string());
const YesNo = z.enum(['Y', 'N']);
const isCalendarDate = (v: string) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
/** FACT (§2.5): dates in employee bodies are `yyyy-MM-dd`. */
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected yyyy-MM-dd' })
  .refine(isCalendarDate, { error: 'not a calendar date' });

// ── request bodies ────────────────────────────────────────────────────────────────────────────────
// Field names are orgsync's own (the defaults); the client renames the ones the protocol lets a
// deployment rename (employee references, department head, Reports To) on the wire.

/** §2.1 grade v2 (and §2.2 job v2, same shape): every field documented, so an unknown one is refused. */
const gradeBody = (sortOrderMayBeEmpty: boolean) =>
  z.strictObject({
    name: required(100),
    i18nNames: I18nNames.optional(),
    itemUsed: z.boolean(),
    /** A String in v2 (an int in v1); may be empty when the protocol says so. */
    sortOrder: sortOrderMayBeEmpty ? z.string() : z.string().min(1, { error: 'required' }),
  });

/** §2.4 department v2, plus deptLeaderExternalKey (Decisions "department head", an assumption). */
const departmentBody = (p: WorkplaceProtocol) =>
  z.strictObject({
    name: required(100),
    i18nNames: I18nNames.optional(),
    deptExternalKey: required(100),
    /** '#' for a top-level department. */
    parentDeptExternalKey: required(100),
    dispOrd: required(10),
    deptEmailAddress: text(100).optional(),
    externalEmailReceiveYn: z.boolean().optional(),
    deptLeaderExternalKey: text(p.departments.headMaxLength).optional(),
  });

/**
 * §2.5 employee v2, the readable part of the table, plus the reference fields of the Decisions table.
 * The table is cut off, so the client checks these fields and passes any others through when the
 * protocol says the body is open.
 */
const employeeBody = (p: WorkplaceProtocol) => {
  const { nicknameSpecials, nicknameAllowsSpaces, referenceMaxLength } = p.employees;
  const nicknameChars = new RegExp(
    `^[\\p{L}\\p{M}\\p{N}${nicknameAllowsSpaces ? ' ' : ''}${nicknameSpecials.replace(/[\]\\^-]/g, '\\$&')}]*$`,
    'u',
  );
  return z.object({
    loginId: required(100),
    emailAddress: required(100),
    employYmd: date,
    telephoneNo: text(30).optional(),
    cellphoneNo: text(100).optional(),
    birthYmd: date.optional(),
    genderCd: z.enum(['MALE', 'FEMALE']).optional(),
    empNick: text(100)
      .regex(nicknameChars, { error: `only letters, digits${nicknameAllowsSpaces ? ', spaces' : ''} and ${nicknameSpecials}` })
      .optional(),
    localeTypeCd: z.string().optional(),
    tmznTypeCd: z.string().optional(),
    zipCode: text(10).optional(),
    address: text(100).optional(),
    addressDetail: text(100).optional(),
    name: required(100),
    i18nNames: I18nNames.optional(),
    deptExternalKey: required(100),
    /** Required: [] when none (§2.5 [INFER]). */
    concurrentDeptExternalKeys: z.array(required(100)),
    gradeCdExternalKey: text(referenceMaxLength).optional(),
    jobCdExternalKey: text(referenceMaxLength).optional(),
    empTypeExternalKey: text(referenceMaxLength).optional(),
  });
};

/** Seed 003, addattr add (the edit body is the same without fieldUsedType). */
export const AttributeDefinitionBodySchema = z.strictObject({
  fieldType: z.enum(['INPUT', 'DATE', 'YESNO', 'SELECT']),
  name: required(100),
  i18nNames: I18nNames.optional(),
  /** Add only; regular employees = MEM. */
  fieldUsedType: text(100).optional(),
  searchDispYn: YesNo,
  userDispYn: YesNo,
  userMod: z.enum(['CHANGE', 'UNCHANGED', 'INVISIBLE']),
  attrItemList: z
    .array(
      z.strictObject({
        /** The itemExternalKey a SELECT value sends as fieldData (§2.8). */
        externalKey: z.string().optional(),
        itemName: z.string().optional(),
        i18nItemNames: I18nNames.optional(),
        fieldTypeItemOrd: z.number().int().optional(),
      }),
    )
    .optional(),
});

/** §2.8: the value; for SELECT the chosen item's external key. */
export const AttributeValueBodySchema = z.strictObject({ fieldData: z.string().nullish() });

/** Decisions "Reports To" (an assumption): the manager's employee key. */
const reportsToBody = (p: WorkplaceProtocol) => z.strictObject({ reportsToExternalKey: required(p.keys.maxLength) });

/** Decisions "absence items" (an assumption). orgsync's sortOrder is a number; the client sends a String if the protocol says so. */
export const AbsenceBodySchema = z.strictObject({
  name: required(100),
  i18nNames: I18nNames.optional(),
  halfDayYn: YesNo,
  sortOrder: z.number().int(),
});

export const GradeBodySchema = gradeBody(DEFAULT_PROTOCOL.grades.sortOrderMayBeEmpty);
export const JobBodySchema = GradeBodySchema;
export const DepartmentBodySchema = departmentBody(DEFAULT_PROTOCOL);
export const EmployeeBodySchema = employeeBody(DEFAULT_PROTOCOL);
export const ReportsToBodySchema = reportsToBody(DEFAULT_PROTOCOL);

/** The body checks of the protocol in force (sizes, the nickname rule, empty sort orders, an open employee body). */
export function bodySchemas(p: WorkplaceProtocol) {
  const employee = employeeBody(p);
  return {
    grade: gradeBody(p.grades.sortOrderMayBeEmpty) as z.ZodType<GradeBody>,
    job: gradeBody(p.jobs.sortOrderMayBeEmpty) as z.ZodType<JobBody>,
    department: departmentBody(p) as z.ZodType<DepartmentBody>,
    employee: (p.employees.bodyIsOpen ? employee.loose() : employee.strict()) as z.ZodType<EmployeeBody>,
    attributeDefinition: AttributeDefinitionBodySchema,
    attributeValue: AttributeValueBodySchema,
    reportsTo: reportsToBody(p) as z.ZodType<ReportsToBody>,
    absence: AbsenceBodySchema,
  };
}

export type GradeBody = z.infer<typeof GradeBodySchema>;
export type JobBody = z.infer<typeof JobBodySchema>;
export type DepartmentBody = z.infer<typeof DepartmentBodySchema>;
export type EmployeeBody = z.infer<typeof EmployeeBodySchema>;
export type AttributeDefinitionBody = z.infer<typeof AttributeDefinitionBodySchema>;
export type AttributeValueBody = z.infer<typeof AttributeValueBodySchema>;
export type ReportsToBody = z.infer<typeof ReportsToBodySchema>;
export type AbsenceBody = z.infer<typeof AbsenceBodySchema>;

// ── responses ─────────────────────────────────────────────────────────────────────────────────────
// Tolerant (issue 10): each record is checked only for what orgsync uses. The key is strict; a field
// orgsync compares or carries over may be absent or null (it reads as empty) and, where a number and a
// string are both plausible readings, either; any other field may be anything and is dropped, so what
// the planner sees is a small record in orgsync's own field names. Values orgsync compares come out
// normalised: a null root parent reads as the root mark, 1 and "1.0" read as "1".

const notSet = (v: unknown) => (v === null ? undefined : v);
/** Absent or null: not set. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(notSet, schema.optional());
/** Absent or null: "" (a name WORKPLACE does not show is one orgsync should write). */
const orEmpty = z.preprocess((v) => v ?? '', z.string());
/** A documented String holding a number (dispOrd, sortOrder): 1 and "1.0" read as "1"; other text as it is. */
const numberText = z
  .preprocess((v) => (typeof v === 'number' ? String(v) : notSet(v)), z.string().optional())
  .transform((v) => {
    const integral = v === undefined ? null : /^\s*(-?\d+)\.0+\s*$/.exec(v);
    return integral ? integral[1]! : v;
  });
/** A documented Int that may come as a numeric string: 3 and "3" read as 3. */
const integer = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*-?\d+(\.0+)?\s*$/.test(v) ? Number(v) : notSet(v)),
  z.number().int().optional(),
);
/** Localised names; a null name inside is dropped. */
const i18nRead = optional(
  z.record(z.string(), z.string().nullable()).transform((names) => {
    const kept = Object.entries(names).filter((e): e is [string, string] => e[1] !== null);
    return kept.length ? Object.fromEntries(kept) : undefined;
  }),
);
const key = z.string().min(1, { error: 'required' });

/** The response schemas for the protocol in force (its root mark, whether attribute lists show keys). */
export function responseSchemas(p: WorkplaceProtocol) {
  /** Grade and job (§2.1, §2.2). */
  const grade = z.object({
    externalKey: key,
    name: orEmpty,
    i18nNames: i18nRead,
    itemUsed: optional(z.boolean()),
    sortOrder: numberText,
  });
  /** §2.4: a top-level department's parent may come back null (§6): it reads as the root mark. */
  const department = z.object({
    externalKey: key,
    name: orEmpty,
    i18nNames: i18nRead,
    parentDeptExternalKey: z.preprocess((v) => (v === null || v === undefined || v === '' ? p.departments.root : v), z.string()),
    dispOrd: numberText,
    deptLeaderExternalKey: optional(z.string()),
  });
  /** §2.5: what the planner compares, and what an update carries over (hire date, hand-kept references). */
  const employee = z.object({
    externalKey: key,
    loginId: orEmpty,
    emailAddress: orEmpty,
    name: orEmpty,
    deptExternalKey: orEmpty,
    employYmd: optional(z.string()),
    i18nNames: i18nRead,
    concurrentDeptExternalKeys: optional(z.array(z.string())),
    gradeCdExternalKey: optional(z.string()),
    jobCdExternalKey: optional(z.string()),
    telephoneNo: optional(z.string()),
    cellphoneNo: optional(z.string()),
    empNick: optional(z.string()),
  });
  const attributeItem = z.object({
    externalKey: optional(z.string()),
    itemName: optional(z.string()),
    i18nItemNames: i18nRead,
    fieldTypeItemOrd: integer,
  });
  /** Seed 003's list element: no externalKey unless the protocol says lists show keys; `userModYn` rather than `userMod`. */
  const attributeDefinition = z.object({
    externalKey: p.attributeDefinitions.listShowsKeys ? key : optional(z.string()),
    name: orEmpty,
    fieldType: optional(z.string()),
    i18nNames: i18nRead,
    searchDispYn: optional(z.string()),
    userDispYn: optional(z.string()),
    userMod: optional(z.string()),
    userModYn: optional(z.string()),
    dispOrd: integer,
    attrItemList: optional(z.array(attributeItem)),
  });
  const absence = z.object({
    externalKey: key,
    name: orEmpty,
    i18nNames: i18nRead,
    halfDayYn: optional(z.string()),
    sortOrder: integer,
  });
  return { grade, job: grade, department, employee, attributeDefinition, absence };
}

const DEFAULT_RESPONSES = responseSchemas(DEFAULT_PROTOCOL);
export const GradeSchema = DEFAULT_RESPONSES.grade;
export const JobSchema = DEFAULT_RESPONSES.job;
export const DepartmentSchema = DEFAULT_RESPONSES.department;
export const EmployeeSchema = DEFAULT_RESPONSES.employee;
export const AttributeDefinitionSchema = DEFAULT_RESPONSES.attributeDefinition;
export const AbsenceSchema = DEFAULT_RESPONSES.absence;

export const AttributeValueSchema = z.looseObject({ fieldData: z.string().nullish() });
export const ReportsToSchema = z.looseObject({ reportsToExternalKey: optional(z.string()) });
/** §2.11: `{ companyId, externalKey, reprYn }`. */
export const RepresentativeAdminSchema = z.looseObject({ reprYn: z.string() });

export type Grade = z.infer<typeof GradeSchema>;
export type Job = z.infer<typeof JobSchema>;
export type Department = z.infer<typeof DepartmentSchema>;
export type Employee = z.infer<typeof EmployeeSchema>;
export type AttributeDefinition = z.infer<typeof AttributeDefinitionSchema>;
export type Absence = z.infer<typeof AbsenceSchema>;

/**
 * The fields the reference documents for each listed record, by JSON type, on the wire (the
 * protocol's names): what drift is measured against (lib/drift.ts). `optional` ones are not reported
 * when absent. The ids only third-party clients show (tenantId, deptNo, parentDeptNo, deptLeaderEmpId)
 * are not documented, so a tenant sending them shows up as drift.
 */
export function documentedFields(
  p: WorkplaceProtocol,
): Record<
  'grade' | 'job' | 'department' | 'employee' | 'attributeDefinition' | 'absence',
  { types: Record<string, FieldType>; optional: string[] }
> {
  const grade = {
    types: {
      externalKey: 'string',
      name: 'string',
      i18nNames: 'object',
      itemUsed: 'boolean',
      sortOrder: 'string',
      companyId: 'string',
    } as Record<string, FieldType>,
    optional: ['i18nNames', 'companyId'],
  };
  const refs = p.employees.referenceFields;
  return {
    grade,
    job: grade,
    department: {
      types: {
        externalKey: 'string',
        name: 'string',
        i18nNames: 'object',
        deptExternalKey: 'string',
        parentDeptExternalKey: 'string',
        dispOrd: 'string',
        [p.departments.headField]: 'string',
        deptEmailAddress: 'string',
        externalEmailReceiveYn: 'boolean',
        companyId: 'string',
      },
      optional: ['i18nNames', 'deptExternalKey', p.departments.headField, 'deptEmailAddress', 'externalEmailReceiveYn', 'companyId'],
    },
    employee: {
      types: {
        externalKey: 'string',
        loginId: 'string',
        emailAddress: 'string',
        employYmd: 'string',
        telephoneNo: 'string',
        cellphoneNo: 'string',
        birthYmd: 'string',
        genderCd: 'string',
        empNick: 'string',
        localeTypeCd: 'string',
        tmznTypeCd: 'string',
        zipCode: 'string',
        address: 'string',
        addressDetail: 'string',
        name: 'string',
        i18nNames: 'object',
        deptExternalKey: 'string',
        concurrentDeptExternalKeys: 'array',
        [refs.grade]: 'string',
        [refs.job]: 'string',
        [refs.empType]: 'string',
        companyId: 'string',
        empId: 'string',
        deptNo: 'string',
      },
      optional: [
        'telephoneNo',
        'cellphoneNo',
        'birthYmd',
        'genderCd',
        'empNick',
        'localeTypeCd',
        'tmznTypeCd',
        'zipCode',
        'address',
        'addressDetail',
        'i18nNames',
        refs.grade,
        refs.job,
        refs.empType,
        'companyId',
        'empId',
        'deptNo',
      ],
    },
    attributeDefinition: {
      types: {
        externalKey: 'string',
        fieldType: 'string',
        searchDispYn: 'string',
        userDispYn: 'string',
        userMod: 'string',
        userModYn: 'string',
        dispOrd: 'number',
        name: 'string',
        i18nNames: 'object',
        attrItemList: 'array',
      },
      optional: [...(p.attributeDefinitions.listShowsKeys ? [] : ['externalKey']), 'userDispYn', 'userMod', 'attrItemList'],
    },
    absence: {
      types: {
        externalKey: 'string',
        name: 'string',
        i18nNames: 'object',
        halfDayYn: 'string',
        sortOrder: p.absences.sortOrderIsInteger ? 'number' : 'string',
        companyId: 'string',
      },
      optional: ['i18nNames', 'companyId'],
    },
  };
}

// ── envelopes, lists and error bodies (§1.7, §1.8) ────────────────────────────────────────────────

/** §1.8.1: an object with `body` and at least one other envelope field is an envelope; anything else is bare. */
export function unwrapEnvelope(json: unknown, fields: readonly string[] = DEFAULT_PROTOCOL.envelopeFields): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('body' in json)) return json;
  return fields.some((field) => field in json) ? json.body : json;
}

/** §1.8.4: a v2 list page, read as `{ elements, totalCount }`. (A bare array, §1.8.3, is told apart before this schema is used.) */
export function listPageSchema(names: WorkplaceProtocol['listFields']) {
  return z
    .looseObject({
      [names.elements]: z.array(z.unknown()),
      [names.totalCount]: z.number().int().nonnegative(),
    })
    .transform((page) => ({ elements: page[names.elements] as unknown[], totalCount: page[names.totalCount] as number }));
}

/** §1.7: the API Gateway's error body. errorCode is typed Integer but shown as a string. */
export const GatewayErrorBodySchema = z.object({
  error: z.looseObject({
    errorCode: z.union([z.string(), z.number()]).transform(String),
    message: z.string().nullish(),
    details: z.unknown(),
  }),
});

/** §1.8.6: WORKPLACE's own errors, most likely the envelope with `message` filled. */
export const EnvelopeErrorBodySchema = z.looseObject({
  status: z.number().optional(),
  error: z.string().nullish(),
  message: z.string().nullish(),
});

/** `elements[3].name`: where a zod issue is, as a field path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(body)';
}
