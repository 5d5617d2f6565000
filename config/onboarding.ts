/**
 * The `onboarding:` section of the ORGSYNC_CONFIG file: how `orgsync external-keys` finds its columns in
 * the External Key templates WORKPLACE's admin console exports (Developers > 조직연동 > <entity> >
 * 다운로드, seed 000). Those templates are not public, so the header texts are our best reading, each with
 * Korean and English alternatives; a value given here replaces that column's list. Headers are compared
 * ignoring case, spaces and a required-field `*`.
 */
import { z } from 'zod';

/** One header text, or several alternatives: the first that appears in the sheet wins. */
const headers = (defaults: readonly string[]) =>
  z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .transform((v) => (typeof v === 'string' ? [v] : v))
    .default([...defaults]);

const EXTERNAL_KEY = ['External Key', 'ExternalKey', '외부키', '외부 키', '연동키'] as const;

/** Where in the workbook: the worksheet (default: the first with the headers) and how far down the headers may sit. */
const placement = {
  sheet: z.string().min(1).optional(),
  headerSearchRows: z.number().int().min(1).max(100).default(20),
  externalKey: headers(EXTERNAL_KEY),
};

const GradeSheetSchema = z
  .object({ ...placement, name: headers(['직급명', '직급', '이름', '명칭', 'Grade name', 'Grade', 'Name']) })
  .prefault({});
const JobTitleSheetSchema = z
  .object({ ...placement, name: headers(['직책명', '직책', '이름', '명칭', 'Job title name', 'Job title', 'Position', 'Name']) })
  .prefault({});
const DepartmentSheetSchema = z
  .object({
    ...placement,
    name: headers(['부서명', '부서', '조직명', 'Department name', 'Department', 'Name']),
    /** The parent's name, or its path (split by pathSeparator); empty = a top-level department. */
    parent: headers(['상위부서', '상위부서명', '상위 부서', '상위조직', 'Parent department', 'Parent']),
    /** The department's full path, itself included, as an alternative to parent. */
    path: headers(['부서경로', '부서 경로', '전체경로', '조직경로', 'Department path', 'Path', 'Full path']),
    pathSeparator: z.string().min(1).default('>'),
  })
  .prefault({});
const EmployeeSheetSchema = z
  .object({
    ...placement,
    email: headers(['이메일', '업무메일', '업무 메일', '메일', 'E-mail', 'Email', 'Email address', 'Work email']),
    loginId: headers(['로그인 ID', '로그인아이디', '아이디', 'ID', 'Login ID', 'Login']),
    /** Shown in the report only. */
    name: headers(['이름', '성명', '사원명', 'Name', 'Employee name']),
  })
  .prefault({});
const AttributeSheetSchema = z
  .object({ ...placement, name: headers(['추가정보명', '추가정보', '항목명', '항목', 'Attribute name', 'Attribute', 'Name']) })
  .prefault({});

export const OnboardingSettingsSchema = z
  .object({
    sheets: z
      .object({
        grades: GradeSheetSchema,
        jobTitles: JobTitleSheetSchema,
        departments: DepartmentSheetSchema,
        employees: EmployeeSheetSchema,
        additionalAttributes: AttributeSheetSchema,
      })
      .prefault({}),
  })
  .prefault({});

export type OnboardingSettings = z.infer<typeof OnboardingSettingsSchema>;
export type SheetSettings = OnboardingSettings['sheets'];
