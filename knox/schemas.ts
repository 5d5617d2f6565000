/**
 * Knox records as the seed (shared/seeds/001) describes them: one zod schema each, types by z.infer.
 * - ★/* attributes are required: present as strings. Keys other code joins on (epId, userId,
 *   employeeNumber, emailAddress, companyCode, departmentCode, titleCode, names) must also be non-empty;
 *   the other ★ attributes may be '' (the seed leaves e.g. subOrgCode's sample empty).
 * - Coded attributes accept the values the seed documents; optional ones also accept '' (not set).
 * - Optional attributes may be absent, '' or null (null reads as absent).
 * - Objects are loose: an attribute the seed does not list survives parsing untouched.
 */
import { z } from 'zod';

const required = z.string({ error: (issue) => (issue.input === undefined || issue.input === null ? 'required' : 'expected a string') });
const key = required.min(1, { error: 'must not be empty' });
const optional = z.preprocess((v) => (v === null ? undefined : v), z.string({ error: 'expected a string' }).optional());

function code<const V extends readonly [string, ...string[]]>(values: V) {
  return z.enum(values, {
    error: (issue) => (issue.input === undefined || issue.input === null ? 'required' : `expected one of ${values.join('/')}`),
  });
}
function optionalCode<const V extends readonly [string, ...string[]]>(values: V) {
  return z.preprocess(
    (v) => (v === null ? undefined : v),
    z.enum([...values, ''], { error: `expected one of ${values.join('/')} or empty` }).optional(),
  );
}

const SECURITY_LEVELS = ['1', '2', '3', '4', '5', '9'] as const;
const GRADE_TITLE_INDI = ['G', 'T', 'B'] as const;

/** 직급 (seed "직급 조회"). The seed marks nothing; titleCode and titleName are what a title is, so they are required. */
export const KnoxTitleSchema = z.looseObject({
  companyCode: optional,
  titleCode: key,
  titleName: required,
  enTitleName: optional,
  sortOrder: optional,
});

/** 부서 (seed "조직 조회", attributes 6–30, * = always present). */
export const KnoxOrganizationSchema = z.looseObject({
  companyCode: key,
  companyName: required,
  departmentCode: key,
  departmentLevel: optional,
  departmentName: key,
  departmentOrder: optional,
  enCompanyName: required,
  enDepartmentName: required,
  enManagerTitle: optional,
  enSubOrgCode: required,
  inDepartmentCode: required,
  lowDepartmentYn: optionalCode(['T', 'F']),
  managerId: optional,
  managerName: optional,
  managerTitle: optional,
  preferredLanguage: required,
  subOrgCode: required,
  subOrgName: required,
  uprDepartmentCode: optional,
  enUprDepartmentName: optional,
  uprDepartmentName: optional,
  hiddenDepartmentYn: optionalCode(['T', 'F']),
  corpCode: optional,
  corpName: optional,
  enCorpName: optional,
});

/** 임직원 (seed "임직원 조회", response attributes 6–89, in the seed's order; ★ = required). */
export const KnoxEmployeeSchema = z.looseObject({
  accountStatus: optionalCode(['A', 'W', 'M']),
  busiCode: optional,
  busiName: optional,
  companyCode: key, // ★
  companyName: required, // ★
  country: optional,
  defaultCompanyCode: optionalCode(['O', 'S']),
  departmentCode: key, // ★
  departmentName: required, // ★
  description: required, // ★
  emailAddress: z.email({ error: (issue) => (issue.input === undefined || issue.input === null ? 'required' : 'invalid email') }), // ★
  employeeNumber: key, // ★
  employeeStatus: code(['B', 'V']), // ★ B 재직, V 휴직
  employeeType: optionalCode(['N', 'U', 'C', 'T', 'X', 'Y', 'Z']),
  enBusiName: optional,
  enCompanyName: required, // ★
  enDepartmentName: required, // ★
  enDiscription: required, // ★ (sic)
  enFullName: required, // ★
  enGivenName: required, // ★
  enGradeName: required, // ★
  enOfficeAddress: optional,
  enRegionName: optional,
  enSendBusiName: optional,
  enSendCompanyName: optional,
  enSendDepartmentName: optional,
  enSendGradeName: optional,
  enSendRegionName: optional,
  enSendSubOrgName: optional,
  enSendTitleName: optional,
  enSirName: required, // ★
  enSubOrgName: optional,
  enTitleName: required, // ★
  epId: key, // ★
  executiveYn: optionalCode(['Y', 'N']),
  externalEmailAddress: optional,
  fullName: key, // ★
  givenName: required, // ★
  gradeName: required, // ★ 직위
  gradeTitleIndiCode: code(GRADE_TITLE_INDI), // ★
  inDepartmentCode: optional,
  inDepartmentName: optional,
  jobName: required, // ★
  jobCode: optional,
  localStaffYn: optionalCode(['Y', 'N']),
  mobile: optional,
  nickName: optional,
  officeAddress: optional,
  officeDetailAddress: optional,
  officeFaxNumber: optional,
  officeZipCode: optional,
  officeTelNumber: optional,
  preferredLanguage: optional,
  realNameYn: code(['R', 'V']), // ★
  regionCode: optional,
  regionName: optional,
  securityLevel: code(SECURITY_LEVELS), // ★
  sendBusiCde: optional, // (sic)
  sendCompanyCode: optional,
  sendCompanyName: optional,
  sendDepartmentCode: optional,
  sendDepartmentName: optional,
  sendGradeName: optional,
  sendGradeTitleIndiCode: optionalCode(GRADE_TITLE_INDI),
  sendRegionCode: optional,
  sendSecurityLevel: optionalCode(SECURITY_LEVELS),
  sendSubOrgCode: optional,
  sendSubOrgName: optional,
  sendTitleName: optional,
  sendTitleCode: optional,
  sendTitleSortOrder: optional,
  serverLocation: code(['KR', 'GB', 'US']), // ★
  sirName: required, // ★
  subOrgCode: optional,
  subOrgName: optional,
  titleName: required, // ★
  titleCode: key, // ★
  titleSortOrder: required, // ★
  openCode: optional,
  userId: key, // ★
  voipNumber: optional,
  withdrawDate: optional,
  epIdExpiryDate: z.preprocess(
    (v) => (v === null ? undefined : v),
    z
      .string()
      .regex(/^(\d{8})?$/, { error: 'expected yyyyMMdd' })
      .optional(),
  ),
  timeZone: optional, // absent in name searches
});

export type KnoxTitle = z.infer<typeof KnoxTitleSchema>;
export type KnoxOrganization = z.infer<typeof KnoxOrganizationSchema>;
export type KnoxEmployee = z.infer<typeof KnoxEmployeeSchema>;
export type KnoxEmployeeAttribute = keyof typeof KnoxEmployeeSchema.shape;

/** The 84 employee attributes of the seed, in its order. */
export const EMPLOYEE_ATTRIBUTES = Object.keys(KnoxEmployeeSchema.shape) as KnoxEmployeeAttribute[];

/** Which attribute names each kind of record by (for invalid-record reports and duplicate checks). */
export const RECORD_KEYS = { title: 'titleCode', organization: 'departmentCode', employee: 'epId' } as const;

export type KnoxRecordKind = keyof typeof RECORD_KEYS;

const narrowed = new Map<string, z.ZodType<KnoxEmployee>>();

/**
 * The schema for employees fetched with `attributes`: Knox returns only those, so only those are checked
 * (requested ∩ required stay required, requested ∩ optional stay optional; names the seed does not know
 * pass through). Without attributes, the full schema.
 */
export function employeeSchemaFor(attributes?: readonly string[]): z.ZodType<KnoxEmployee> {
  if (!attributes) return KnoxEmployeeSchema;
  const known = [...new Set(attributes)].filter((a): a is KnoxEmployeeAttribute => a in KnoxEmployeeSchema.shape).sort();
  const cacheKey = known.join(',');
  let schema = narrowed.get(cacheKey);
  if (!schema) {
    // The narrowed record really lacks the other attributes; callers that narrow know which they asked for.
    const mask: Partial<Record<KnoxEmployeeAttribute, true>> = Object.fromEntries(known.map((a) => [a, true] as const));
    schema = KnoxEmployeeSchema.pick(mask);
    narrowed.set(cacheKey, schema);
  }
  return schema;
}
