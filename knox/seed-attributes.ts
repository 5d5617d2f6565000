/**
 * What the seed (shared/seeds/001) documents of each Knox record: every attribute, in the seed's order,
 * with its own marker: `*` (★) = always present. Every one is documented as a String. This is the
 * reference drift is measured against (lib/drift.ts); what orgsync actually reads is schemas.ts.
 */
import type { FieldType } from '../lib/drift.js';

/** 직급 (seed "직급 조회", attributes 3–7). The seed marks nothing; titleCode and titleName are what a title is (ASSUMPTION). */
const TITLE = ['companyCode', 'titleCode*', 'titleName*', 'enTitleName', 'sortOrder'] as const;

/** 부서 (seed "조직 조회", attributes 6–30). */
const ORGANIZATION = [
  ...['companyCode*', 'companyName*', 'departmentCode*', 'departmentLevel', 'departmentName*', 'departmentOrder', 'enCompanyName*'],
  ...['enDepartmentName*', 'enManagerTitle', 'enSubOrgCode*', 'inDepartmentCode*', 'lowDepartmentYn', 'managerId', 'managerName'],
  ...['managerTitle', 'preferredLanguage*', 'subOrgCode*', 'subOrgName*', 'uprDepartmentCode', 'enUprDepartmentName'],
  ...['uprDepartmentName', 'hiddenDepartmentYn', 'corpCode', 'corpName', 'enCorpName'],
] as const;

/** 임직원 (seed "임직원 조회", response attributes 6–89; sic: enDiscription, sendBusiCde). */
const EMPLOYEE = [
  ...['accountStatus', 'busiCode', 'busiName', 'companyCode*', 'companyName*', 'country', 'defaultCompanyCode', 'departmentCode*'],
  ...['departmentName*', 'description*', 'emailAddress*', 'employeeNumber*', 'employeeStatus*', 'employeeType', 'enBusiName'],
  ...['enCompanyName*', 'enDepartmentName*', 'enDiscription*', 'enFullName*', 'enGivenName*', 'enGradeName*', 'enOfficeAddress'],
  ...['enRegionName', 'enSendBusiName', 'enSendCompanyName', 'enSendDepartmentName', 'enSendGradeName', 'enSendRegionName'],
  ...['enSendSubOrgName', 'enSendTitleName', 'enSirName*', 'enSubOrgName', 'enTitleName*', 'epId*', 'executiveYn'],
  ...['externalEmailAddress', 'fullName*', 'givenName*', 'gradeName*', 'gradeTitleIndiCode*', 'inDepartmentCode', 'inDepartmentName'],
  ...['jobName*', 'jobCode', 'localStaffYn', 'mobile', 'nickName', 'officeAddress', 'officeDetailAddress', 'officeFaxNumber'],
  ...['officeZipCode', 'officeTelNumber', 'preferredLanguage', 'realNameYn*', 'regionCode', 'regionName', 'securityLevel*'],
  ...['sendBusiCde', 'sendCompanyCode', 'sendCompanyName', 'sendDepartmentCode', 'sendDepartmentName', 'sendGradeName'],
  ...['sendGradeTitleIndiCode', 'sendRegionCode', 'sendSecurityLevel', 'sendSubOrgCode', 'sendSubOrgName', 'sendTitleName'],
  ...['sendTitleCode', 'sendTitleSortOrder', 'serverLocation*', 'sirName*', 'subOrgCode', 'subOrgName', 'titleName*', 'titleCode*'],
  ...['titleSortOrder*', 'openCode', 'userId*', 'voipNumber', 'withdrawDate', 'epIdExpiryDate', 'timeZone'],
] as const;

type Always<F> = F extends `${infer N}*` ? N : never;
type Optional<F> = F extends `${string}*` ? never : F;
/** A record as the seed documents it: ★ attributes present, the others possibly absent, every one a string. */
type SeedRecord<F extends string> = { [A in Always<F>]: string } & { [A in Optional<F>]?: string };

/** Records as the seed documents them: what the generator builds and the simulator serves. */
export type KnoxTitleRecord = SeedRecord<(typeof TITLE)[number]>;
export type KnoxOrganizationRecord = SeedRecord<(typeof ORGANIZATION)[number]>;
export type KnoxEmployeeRecord = SeedRecord<(typeof EMPLOYEE)[number]>;

export interface SeedAttributes {
  /** Every documented attribute with its documented type. */
  documented: Readonly<Record<string, FieldType>>;
  /** Those the seed marks ★/* (always present). */
  always: ReadonlySet<string>;
}

function attributes(marked: readonly string[]): SeedAttributes {
  const names = marked.map((m) => m.replace(/\*$/, ''));
  return {
    documented: Object.fromEntries(names.map((n) => [n, 'string' as const])),
    always: new Set(marked.filter((m) => m.endsWith('*')).map((m) => m.slice(0, -1))),
  };
}

export const SEED_ATTRIBUTES = {
  title: attributes(TITLE),
  organization: attributes(ORGANIZATION),
  employee: attributes(EMPLOYEE),
} as const;
