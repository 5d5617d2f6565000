/**
 * The stages orgsync syncs, by name: the one table every layer shares (the config's ON/OFF switches, the
 * engine's pipeline, the CLI's flags). Its order is WORKPLACE's (seed 000: 직급 → 직책 → 부서 → 사원 →
 * Reports To → 추가정보), then 부재항목. Pure data: safe in workflow code.
 */
export const STAGES = ['grades', 'jobTitles', 'departments', 'employees', 'reportsTo', 'additionalAttributes', 'absenceItems'] as const;
export type StageName = (typeof STAGES)[number];
