/**
 * What orgsync reads of each Knox record, and how strictly: one zod object per kind, one line per field
 * orgsync uses. These three shapes are the table of used fields (KNOX_USED_FIELDS); nothing else of a
 * record is checked, and parsing drops the rest (a record is projected to what orgsync uses).
 * - key: names the record or joins records: a non-empty string, else the record is invalid.
 * - needed: a WORKPLACE write cannot do without it (a name): a non-empty string, else invalid.
 * - email: a valid address, else invalid.
 * - text: orgsync can do without it: absent, null, '' (or a non-text value) reads as undefined; a number
 *   reads as its digits (a backend may type departmentOrder as an int).
 * - T/F: a flag whose value changes what is synced: T, F, or unset; any other value is invalid.
 * Everything the seed documents, used or not, is in seed-attributes.ts: drift is measured against that.
 */
import { z } from 'zod';
import { DriftCounter, type FieldType } from '../lib/drift.js';
import { SEED_ATTRIBUTES } from './seed-attributes.js';

const unset = (v: unknown) => v === undefined || v === null;
const key = z.string({ error: (issue) => (unset(issue.input) ? 'required' : 'expected a string') }).min(1, { error: 'must not be empty' });
const needed = key;
const email = z.email({ error: (issue) => (unset(issue.input) ? 'required' : 'invalid email') });
const text = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : typeof v === 'string' && v !== '' ? v : undefined),
  z.string().optional(),
);
const flag = z.preprocess((v) => (v === null || v === '' ? undefined : v), z.enum(['T', 'F'], { error: 'expected one of T/F' }).optional());

/** 직급 → WORKPLACE grade (engine/stages/grades.ts). */
export const KnoxTitleSchema = z.object({
  titleCode: key, // the grade's external key; employees join on it
  titleName: needed, // the grade's name
  enTitleName: text, // its en_US name
  sortOrder: text, // its order
  companyCode: text, // names the company in a conflict report
});

/** 부서 → WORKPLACE department (stages/departments.ts, mapping.ts). */
export const KnoxOrganizationSchema = z.object({
  companyCode: key, // which company's snapshot the department belongs to
  departmentCode: key, // the department's external key; employees and children join on it
  departmentName: needed, // its name
  enDepartmentName: text, // its en_US name
  uprDepartmentCode: text, // its parent; unset at the top
  departmentOrder: text, // its display order
  managerId: text, // the head's userId (department heads, Reports To)
  hiddenDepartmentYn: flag, // T = hidden (sync.hiddenDepartments)
  companyName: text, // the top of a department path in an External Key sheet (orgsync external-keys)
});

/** 임직원 → WORKPLACE employee (stages/employees.ts, job-titles.ts, reports-to.ts, mapping.ts). */
export const KnoxEmployeeSchema = z.object({
  epId: key, // the employee's external key
  userId: key, // heads are named by it (managerId)
  emailAddress: email, // login id and e-mail
  fullName: needed, // name
  enFullName: text, // en_US name
  companyCode: key, // on-demand sync reads this company's departments
  departmentCode: key, // department
  titleCode: key, // grade (직급)
  titleSortOrder: text, // order of the job title (직책) they hold
  gradeName: text, // 직책 from 직위 (jobTitleSource gradeName)
  enGradeName: text, // its en_US name
  jobCode: text, // 직책 from 직무 (jobTitleSource job)
  jobName: text,
  officeTelNumber: text, // phone
  mobile: text, // mobile
  nickName: text, // nickname, when WORKPLACE's character rule allows it
});

export type KnoxTitle = z.infer<typeof KnoxTitleSchema>;
export type KnoxOrganization = z.infer<typeof KnoxOrganizationSchema>;
/**
 * An employee as orgsync holds it. Also carries the extra attributes it was read with (the configured
 * additional attributes' sources) as Knox sent them, when a string or a number; read them by name.
 */
export type KnoxEmployee = z.infer<typeof KnoxEmployeeSchema>;

/** Which attribute names each kind of record by (for invalid-record reports and duplicate checks). */
export const RECORD_KEYS = { title: 'titleCode', organization: 'departmentCode', employee: 'epId' } as const;

export type KnoxRecordKind = keyof typeof RECORD_KEYS;

/** The fields orgsync uses of each kind of record: the table above. Employees are asked for these (resultType optional). */
export const KNOX_USED_FIELDS = {
  title: Object.keys(KnoxTitleSchema.shape),
  organization: Object.keys(KnoxOrganizationSchema.shape),
  employee: Object.keys(KnoxEmployeeSchema.shape),
} as const satisfies Record<KnoxRecordKind, readonly string[]>;

/** Reads one kind of record: validation, projection, and the reference drift is counted against. */
export interface KnoxReader<T> {
  kind: KnoxRecordKind;
  /** Validates `row` for what orgsync uses, then projects it to that (plus the extra attributes asked for). */
  read(row: unknown): { record: T } | { issues: string[] };
  /** A fresh count of where rows differ from the seed, for one dataset. */
  drift(): DriftCounter;
}

const DATASETS = { title: 'Knox titles', organization: 'Knox organizations', employee: 'Knox employees' } as const;

function reader<T>(
  kind: KnoxRecordKind,
  schema: z.ZodType<T>,
  extras: readonly string[],
  reference: { documented: Readonly<Record<string, FieldType>>; optional: readonly string[] },
): KnoxReader<T> {
  return {
    kind,
    read(row) {
      const parsed = schema.safeParse(row);
      if (!parsed.success) return { issues: formatIssues(parsed.error) };
      // Unset fields are left out rather than kept as undefined: the snapshot holds only what Knox gave.
      const record: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(parsed.data as Record<string, unknown>)) if (value !== undefined) record[field] = value;
      const raw = row as Record<string, unknown>;
      for (const extra of extras)
        if ((typeof raw[extra] === 'string' && raw[extra] !== '') || typeof raw[extra] === 'number') record[extra] = raw[extra];
      return { record: record as T };
    },
    drift: () => new DriftCounter(DATASETS[kind], reference.documented, reference.optional),
  };
}

const asDocumented = (kind: KnoxRecordKind) => {
  const { documented, always } = SEED_ATTRIBUTES[kind];
  return { documented, optional: Object.keys(documented).filter((a) => !always.has(a)) };
};

export const titleReader: KnoxReader<KnoxTitle> = reader('title', KnoxTitleSchema, [], asDocumented('title'));
export const organizationReader: KnoxReader<KnoxOrganization> = reader(
  'organization',
  KnoxOrganizationSchema,
  [],
  asDocumented('organization'),
);

const fullEmployeeReader = reader('employee', KnoxEmployeeSchema, [], asDocumented('employee'));

/**
 * The reader of employees fetched with `attributes` (resultType optional): Knox returns only those, so
 * only the used ones among them are checked, the other ones asked for are kept as extras, and drift
 * counts against what was asked (★ ones expected present). Without attributes (resultType basic): every
 * used field, against everything the seed documents.
 */
export function employeeReader(attributes?: readonly string[]): KnoxReader<KnoxEmployee> {
  if (!attributes) return fullEmployeeReader;
  const asked = [...new Set(attributes)];
  const used = new Set<string>(KNOX_USED_FIELDS.employee);
  const mask = Object.fromEntries(asked.filter((a) => used.has(a)).map((a) => [a, true] as const)) as Partial<
    Record<keyof KnoxEmployee, true>
  >;
  // The narrowed record really lacks what was not asked for; callers that narrow know which they asked for.
  const schema = KnoxEmployeeSchema.pick(mask) as z.ZodType<KnoxEmployee>;
  const always = SEED_ATTRIBUTES.employee.always;
  return reader(
    'employee',
    schema,
    asked.filter((a) => !used.has(a)),
    { documented: Object.fromEntries(asked.map((a) => [a, 'string' as const])), optional: asked.filter((a) => !always.has(a)) },
  );
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : 'record'}: ${issue.message}`);
}
