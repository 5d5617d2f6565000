/**
 * How orgsync maps and applies: the `sync:` section of the ORGSYNC_CONFIG file. Every field has a safe
 * default, so a deployment with no file runs the documented default mapping (README, "Mapping").
 */
import { z } from 'zod';
import { STAGES, type StageName } from '../lib/stages.js';

const Locales = z.partialRecord(z.enum(['ko_KR', 'en_US', 'ja_JP', 'zh_CN', 'zh_TW']), z.string());

/** One additional attribute (추가정보): a WORKPLACE definition plus the Knox attribute that fills it. */
export const AdditionalAttributeSchema = z
  .object({
    /** External key of the definition in WORKPLACE (≤ 36 chars). */
    key: z.string().min(1).max(36),
    /** The Knox employee attribute the value comes from, e.g. employeeType. */
    source: z.string().min(1),
    fieldType: z.enum(['INPUT', 'DATE', 'YESNO', 'SELECT']),
    name: z.string().min(1).max(100),
    i18nNames: Locales.optional(),
    searchDispYn: z.enum(['Y', 'N']).default('Y'),
    userDispYn: z.enum(['Y', 'N']).default('Y'),
    userMod: z.enum(['CHANGE', 'UNCHANGED', 'INVISIBLE']).default('UNCHANGED'),
    /** SELECT only: Knox value → choice. A Knox value with no choice leaves the attribute empty. */
    items: z
      .array(z.object({ value: z.string(), key: z.string().min(1).max(36), name: z.string().min(1), i18nNames: Locales.optional() }))
      .default([]),
  })
  .refine((a) => a.fieldType !== 'SELECT' || a.items.length > 0, { error: 'a SELECT attribute needs items' });

export const AbsenceItemSchema = z.object({
  key: z.string().min(1).max(36),
  name: z.string().min(1).max(100),
  i18nNames: Locales.optional(),
  halfDayYn: z.enum(['Y', 'N']).default('N'),
  sortOrder: z.number().int().nonnegative().default(0),
});

export type AdditionalAttribute = z.infer<typeof AdditionalAttributeSchema>;
export type AbsenceItem = z.infer<typeof AbsenceItemSchema>;

const DEFAULT_ATTRIBUTES: z.input<typeof AdditionalAttributeSchema>[] = [
  {
    key: 'employeeType',
    source: 'employeeType',
    fieldType: 'SELECT',
    name: '임직원 구분',
    i18nNames: { ko_KR: '임직원 구분', en_US: 'Employee type' },
    items: [
      { value: 'N', key: 'employeeType-N', name: '정규직', i18nNames: { en_US: 'Regular' } },
      { value: 'U', key: 'employeeType-U', name: '협력직', i18nNames: { en_US: 'Contractor' } },
      { value: 'X', key: 'employeeType-X', name: '협력직(@samsung.com)', i18nNames: { en_US: 'Contractor (@samsung.com)' } },
      { value: 'C', key: 'employeeType-C', name: '자회사', i18nNames: { en_US: 'Subsidiary' } },
      { value: 'Y', key: 'employeeType-Y', name: '자회사(@samsung.com)', i18nNames: { en_US: 'Subsidiary (@samsung.com)' } },
      { value: 'T', key: 'employeeType-T', name: '임시직', i18nNames: { en_US: 'Temporary' } },
      { value: 'Z', key: 'employeeType-Z', name: '임시직(@samsung.com)', i18nNames: { en_US: 'Temporary (@samsung.com)' } },
    ],
  },
  {
    key: 'executiveYn',
    source: 'executiveYn',
    fieldType: 'YESNO',
    name: '임원 여부',
    i18nNames: { ko_KR: '임원 여부', en_US: 'Executive' },
  },
  { key: 'busiName', source: 'busiName', fieldType: 'INPUT', name: '사업장', i18nNames: { ko_KR: '사업장', en_US: 'Business site' } },
];

export const SyncSettingsSchema = z
  .object({
    /** Per-stage ON/OFF, as WORKPLACE's Developers > 조직연동 switches. */
    stages: z
      .object(Object.fromEntries(STAGES.map((s) => [s, z.boolean().default(true)])) as Record<StageName, z.ZodDefault<z.ZodBoolean>>)
      .prefault({}),
    /** What happens to an employee Knox no longer returns (workplace.md "leavers"). Always behind the deletion guard. */
    leavers: z.enum(['delete', 'keep']).default('delete'),
    /** Knox departments with hiddenDepartmentYn=T: synced like any other, or left out (with their members). */
    hiddenDepartments: z.enum(['include', 'exclude']).default('include'),
    /** Where 직책 (job title) comes from: Knox gradeName (직위, default) or jobCode/jobName (직무). README explains. */
    jobTitleSource: z.enum(['gradeName', 'job']).default('gradeName'),
    deletionGuard: z
      .object({
        /** A stage planning more deletions than maxShare of its objects OR more than maxCount waits for an operator. */
        maxShare: z.number().min(0).max(1).default(0.05),
        maxCount: z.number().int().nonnegative().default(20),
        /** How long to wait for approve/reject; silence rejects. Milliseconds or a duration string ('24h'). */
        decisionTimeout: z.union([z.number().int().positive(), z.string().regex(/^\d+(ms|s|m|h|d)$/)]).default('24h'),
      })
      .prefault({}),
    /**
     * Seed 000 (각 단계에서 실패 시 롤백 프로세스는 고객사의 사내 정책에 맞게 적용): when a stage fails as a whole, stop
     * (default), undo that stage's writes (rollback-stage) or the whole run's (rollback-run), then stop.
     */
    onStageFailure: z.enum(['stop', 'rollback-stage', 'rollback-run']).default('stop'),
    /** A stage fails as a whole when more than this share of its attempted items fail (1 = only when all fail). */
    maxFailureShare: z.number().min(0).max(1).default(1),
    /**
     * How often the employees are read department by department, the read that is complete by
     * construction (docs/knox.md, "Reading employees"); the other reads go title by title, with
     * completeness checks, in about 40 times fewer calls. A whole number N: every Nth employee read
     * (1 = always per department; 7 = weekly for a nightly schedule). A duration ('7d', '36h'): when the
     * last complete read is at least that old. `orgsync run --full-read` forces one.
     */
    fullReadEvery: z.union([z.number().int().min(1), z.string().regex(/^\d+(ms|s|m|h|d)$/)]).default(7),
    /** WORKPLACE writes in flight per stage; the global rate is WORKPLACE_RPS regardless. */
    writeConcurrency: z.number().int().min(1).max(500).default(32),
    additionalAttributes: z.array(AdditionalAttributeSchema).prefault(DEFAULT_ATTRIBUTES),
    /** 부재항목: Knox has none, so they come from this file. Empty = nothing to sync. */
    absenceItems: z.array(AbsenceItemSchema).default([]),
  })
  .refine((s) => !s.stages.additionalAttributes || s.stages.employees, {
    error: 'additional attributes need the employees stage on (seed 000: 추가정보 requires 사원 연동)',
    path: ['stages', 'additionalAttributes'],
  })
  .prefault({});

export type SyncSettings = z.infer<typeof SyncSettingsSchema>;
