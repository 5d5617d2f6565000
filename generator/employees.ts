/** Employee records with all 84 attributes of the seed, in its order, values shaped like its samples. */
import {
  CORPS,
  EMPLOYEE_TYPES,
  HQ_CORP,
  JOBS,
  PARTNER_DOMAIN_TYPES,
  PARTNER_TITLE,
  PRO_TITLE,
  SECONDMENT,
  STAFF_TITLE_WEIGHTS,
} from './catalog.js';
import { foreignName, koreanName, mobileNumber, officeNumber, userIdBase, type PersonName, type UserIds } from './people.js';
import { scramble, type Random } from './random.js';
import { departmentFacts, placeFacts, titleFacts } from './settle.js';
import type { Department, Employee } from './types.js';

/** Edge cases placed on purpose (generateOrg guarantees one of each in any org of a dozen people or more). */
export const EDGES = [
  'noEnglishName',
  'emptyMobile',
  'apostropheName',
  'hyphenName',
  'alias',
  'sparse',
  'onLeave',
  'seconded',
  'temporary',
] as const;
export type Edge = (typeof EDGES)[number];

/** Optional attributes a sparse record leaves out entirely (Knox may omit what it has not got). */
export const SPARSE_OMITS = ['nickName', 'voipNumber', 'externalEmailAddress', 'openCode'] as const;

export interface EmployeeContext {
  random: Random;
  userIds: UserIds;
  /** Today, yyyyMMdd. */
  date: string;
}

/** The 20-character epId (seed sample D100118130308C600299): D10 + year + a scrambled serial + company + 4 digits. */
export function epIdFor(companyCode: string, serial: number, year: string, random: Random): string {
  return `D10${year}${String(scramble(serial, 1e8, 48271)).padStart(8, '0')}${companyCode.padEnd(3, '0').slice(0, 3)}${random.digits(4)}`;
}

export function addDays(date: string, days: number): string {
  const d = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)) + days));
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

export function newEmployee(
  ctx: EmployeeContext,
  serial: number,
  department: Department,
  o: { edge?: Edge; hire?: boolean } = {},
): Employee {
  const { random: r, date } = ctx;
  const { edge } = o;
  const type = edge === 'temporary' ? 'T' : r.weighted(EMPLOYEE_TYPES);
  const corp = CORPS.get(department.corpCode) ?? HQ_CORP;
  const abroad = corp === HQ_CORP ? undefined : corp.phonePrefix;
  let name: PersonName =
    edge === 'apostropheName'
      ? { ...foreignName(r), sirName: "O'Brien", enSirName: "O'Brien" }
      : abroad && r.chance(0.7)
        ? foreignName(r)
        : koreanName(r, edge === 'hyphenName');
  if (edge === 'apostropheName') name = { ...name, fullName: `${name.givenName} O'Brien`, enFullName: `${name.enGivenName} O'Brien` };
  const userId = ctx.userIds.take(userIdBase(name));
  // ★ attributes stay present: a person without an English name has them empty (seed 24, 25, 36).
  if (edge === 'noEnglishName' || r.chance(0.004)) name = { ...name, enFullName: '', enSirName: '', enGivenName: '' };

  const titleCode =
    type === 'U' || type === 'X'
      ? PARTNER_TITLE
      : type === 'T' || type === 'Z'
        ? PRO_TITLE
        : r.weighted(o.hire ? STAFF_TITLE_WEIGHTS.hire : STAFF_TITLE_WEIGHTS.staff);
  const [jobCode, jobName] = r.pick(JOBS[titleCode.startsWith('B') ? titleCode[2]! : 'P']!);
  const onLeave = edge === 'onLeave' || (!o.hire && r.chance(0.02));
  const seconded = edge === 'seconded' || r.chance(0.01);
  const year = o.hire ? date.slice(2, 4) : String(90 + r.int(36)).slice(-2);
  const mobile = edge === 'emptyMobile' || r.chance(0.03) ? '' : mobileNumber(r, abroad);
  const companyCode = department.companyCode;

  const employee: Employee = {
    accountStatus: r.weighted([
      ['A', 97],
      ['W', 2],
      ['M', 1],
    ] as const),
    busiCode: '',
    busiName: '',
    companyCode: '',
    companyName: '',
    country: '',
    defaultCompanyCode: seconded ? 'S' : 'O',
    departmentCode: '',
    departmentName: '',
    description: r.chance(0.03) ? '' : `${department.departmentName} ${jobName}`,
    emailAddress: `${userId}@${PARTNER_DOMAIN_TYPES.has(type) ? 'partner.samsung.com' : 'samsung.com'}`,
    employeeNumber: String(scramble(serial, 1e7, 48271)).padStart(7, '0'),
    employeeStatus: onLeave ? 'V' : 'B',
    employeeType: type,
    enBusiName: '',
    enCompanyName: '',
    enDepartmentName: '',
    enDiscription: r.chance(0.03) ? '' : `${jobCode} for ${department.enDepartmentName}`,
    enFullName: name.enFullName,
    enGivenName: name.enGivenName,
    enGradeName: '',
    enOfficeAddress: '',
    enRegionName: '',
    enSendBusiName: '',
    enSendCompanyName: '',
    enSendDepartmentName: '',
    enSendGradeName: '',
    enSendRegionName: '',
    enSendSubOrgName: '',
    enSendTitleName: '',
    enSirName: name.enSirName,
    enSubOrgName: '',
    enTitleName: '',
    epId: epIdFor(companyCode, serial, year, r),
    executiveYn: 'N',
    externalEmailAddress: r.chance(0.1) ? `${userId.replace(/\./g, '')}${r.digits(2)}@gmail.com` : '',
    fullName: name.fullName,
    givenName: name.givenName,
    gradeName: '',
    gradeTitleIndiCode: 'B',
    inDepartmentCode: '',
    inDepartmentName: '',
    jobName,
    jobCode,
    localStaffYn: abroad && name.fullName === name.enFullName ? 'Y' : 'N',
    mobile,
    nickName: r.chance(0.2) ? (name.enGivenName.split(/[ -]/)[0] ?? '') : '',
    officeAddress: '',
    officeDetailAddress: `${r.pick(['동관', '서관', '본관', 'A동'])} ${1 + r.int(30)}층`,
    officeFaxNumber: r.chance(0.2) ? `+${officeNumber(r, corp.phonePrefix.replace(/^\+/, ''))}` : '',
    officeZipCode: '',
    officeTelNumber: officeNumber(r, abroad ?? (r.chance(0.5) ? '82-2' : '82-70')),
    preferredLanguage: abroad ? 'en' : 'ko',
    realNameYn: edge === 'alias' || r.chance(0.005) ? 'V' : 'R',
    regionCode: '',
    regionName: '',
    securityLevel: '5',
    sendBusiCde: '',
    sendCompanyCode: '',
    sendCompanyName: '',
    sendDepartmentCode: '',
    sendDepartmentName: '',
    sendGradeName: '',
    sendGradeTitleIndiCode: '',
    sendRegionCode: '',
    sendSecurityLevel: '',
    sendSubOrgCode: '',
    sendSubOrgName: '',
    sendTitleName: '',
    sendTitleCode: '',
    sendTitleSortOrder: '',
    serverLocation: 'KR',
    sirName: name.sirName,
    subOrgCode: '',
    subOrgName: '',
    titleName: '',
    titleCode: '',
    titleSortOrder: '',
    openCode: r.chance(0.3) ? r.digits(8) : '',
    userId,
    voipNumber: r.chance(0.3) ? `7${r.digits(7)}` : '',
    withdrawDate: onLeave ? addDays(date, -r.int(300)) : '',
    epIdExpiryDate: type === 'T' || type === 'Z' ? addDays(date, 30 + r.int(335)) : '',
    timeZone: '',
  };
  // Department, title and place attributes come from the same functions settle() uses, so they always agree.
  Object.assign(employee, departmentFacts(department), titleFacts(titleCode), placeFacts(corp, companyCode), seconded ? SECONDMENT : {});
  if (edge === 'sparse') for (const attribute of SPARSE_OMITS) delete (employee as Partial<Employee>)[attribute];
  return employee;
}
