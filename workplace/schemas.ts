/**
 * WORKPLACE request bodies and responses as zod schemas, written once from workplace.md §2 and the
 * seeds. Bodies carry the documented sizes and required fields, so the client refuses a body WORKPLACE
 * would refuse, naming the field. Responses are loose (unknown fields kept) and tolerate null for absent.
 */
import { z } from 'zod';
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

/** In a response, null and absent both mean "not set": normalised to absent, never cast. */
const opt = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema.optional());

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

/** Grade and job as WORKPLACE returns them: the body's fields plus the key, anything else kept. */
export const GradeSchema = z.looseObject({
  externalKey: z.string(),
  name: z.string(),
  i18nNames: opt(I18nNames),
  itemUsed: opt(z.boolean()),
  sortOrder: opt(z.string()),
});
export const JobSchema = GradeSchema;

/** §2.4 responses also carry tenantId, companyId, deptNo, parentDeptNo, deptLeaderEmpId (kept as unknown fields). */
export const DepartmentSchema = z.looseObject({
  externalKey: z.string(),
  name: z.string(),
  i18nNames: opt(I18nNames),
  parentDeptExternalKey: z.string(),
  dispOrd: opt(z.string()),
  deptLeaderExternalKey: opt(z.string()),
  deptEmailAddress: opt(z.string()),
  externalEmailReceiveYn: opt(z.boolean()),
});

/** §2.5 responses: the request fields plus empId and deptNo (kept as unknown fields). */
export const EmployeeSchema = z.looseObject({
  externalKey: z.string(),
  loginId: z.string(),
  emailAddress: z.string(),
  name: z.string(),
  deptExternalKey: z.string(),
  employYmd: opt(z.string()),
  i18nNames: opt(I18nNames),
  concurrentDeptExternalKeys: opt(z.array(z.string())),
  gradeCdExternalKey: opt(z.string()),
  jobCdExternalKey: opt(z.string()),
  empTypeExternalKey: opt(z.string()),
  telephoneNo: opt(z.string()),
  cellphoneNo: opt(z.string()),
  empNick: opt(z.string()),
});

const AttributeItemSchema = z.looseObject({
  externalKey: opt(z.string()),
  itemName: opt(z.string()),
  i18nItemNames: opt(I18nNames),
  fieldTypeItemOrd: opt(z.number()),
});

/** Seed 003's list element: no externalKey (ATTRIBUTE_LIST_SHOWS_KEYS), `userModYn` rather than `userMod`. */
export const AttributeDefinitionSchema = z.looseObject({
  externalKey: opt(z.string()),
  name: z.string(),
  fieldType: opt(z.string()),
  i18nNames: opt(I18nNames),
  searchDispYn: opt(z.string()),
  userDispYn: opt(z.string()),
  userMod: opt(z.string()),
  userModYn: opt(z.string()),
  dispOrd: opt(z.number()),
  attrItemList: opt(z.array(AttributeItemSchema)),
});

export const AbsenceSchema = z.looseObject({
  externalKey: z.string(),
  name: z.string(),
  i18nNames: opt(I18nNames),
  halfDayYn: opt(z.string()),
  sortOrder: opt(z.number()),
});

export const AttributeValueSchema = z.looseObject({ fieldData: z.string().nullish() });
export const ReportsToSchema = z.looseObject({ reportsToExternalKey: opt(z.string()) });
/** §2.11: `{ companyId, externalKey, reprYn }`. */
export const RepresentativeAdminSchema = z.looseObject({ reprYn: z.string() });

export type Grade = z.infer<typeof GradeSchema>;
export type Job = z.infer<typeof JobSchema>;
export type Department = z.infer<typeof DepartmentSchema>;
export type Employee = z.infer<typeof EmployeeSchema>;
export type AttributeDefinition = z.infer<typeof AttributeDefinitionSchema>;
export type Absence = z.infer<typeof AbsenceSchema>;

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
