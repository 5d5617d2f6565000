/**
 * Knox's request rules, as the seed (shared/seeds/001) states them, with its error tables verbatim.
 * Each validator turns a request into a search or into the error Knox answers. Written from the seed,
 * not from the client: the simulator shares only knox/assumptions.ts with it.
 */
import {
  ATTRIBUTES_WITH_BASIC,
  EMPLOYEE_LIST_KEYS,
  EMPLOYEE_SEARCH_KEYS,
  FORBIDDEN_KEYWORD_CHARS,
  LIST_LIMIT,
  LIST_SEPARATOR,
  MAX_KEYWORD_CHARS,
  MIN_DEPARTMENT_NAME_BYTES,
  MIN_NAME_SEARCH_CHARS,
  MISSING_COMPANY_CODE,
  ORGANIZATION_SEARCH_KEYS,
} from '../assumptions.js';

/** Seed "Error Code" tables: HTTP status and message of each code ({} is filled in). */
export const ERRORS = {
  EM0001: [400, 'Search request with more than 100 list can not be proceeded.'],
  EM0004: [400, 'Please insert the search keyword.'],
  EM0005: [400, 'Search keyword length is not valid.'],
  EM0006: [400, 'Search keyword should be no longer than 100 characters.'],
  EM0007: [400, 'Search keyword can not include the caracter.'],
  EM0010: [500, 'EPWebservice.{} Abnormal.'],
  EM0014: [400, 'Please enter {} as required.'],
  EM0015: [400, 'Please enter {} according to the specified format.'],
  EM0016: [400, 'Only one of {} can be selected.'],
  EM0017: [400, 'For the requested search conditions, paging is not possible.'],
  EM0018: [400, 'Please remove the {} keyword from the requested search conditions and try again.'],
  ORG0003: [400, 'Please insert the search keyword.'],
  ORG0004: [400, 'Search keyword must be larger than 4 bytes.'],
  ORG0005: [400, 'Search keyword should be no longer than 100 characters.'],
  ORG0006: [400, 'Search keyword can not include the caracter.'],
  ORG0010: [500, 'ORGWebservice. {} Abnormal.'],
  ORG0011: [400, 'Please enter {} as required.'],
  ORG0012: [400, 'Please enter {} according to the specified format.'],
  ORG0013: [400, 'Only one of {} can be selected.'],
  ORG0014: [400, 'For the requested search conditions, paging is not possible.'],
} as const satisfies Record<string, readonly [number, string]>;

export type KnoxCode = keyof typeof ERRORS;

export interface Refusal {
  status: number;
  code: KnoxCode;
  message: string;
}

export function refuse(code: KnoxCode, fill = ''): Refusal {
  const [status, template] = ERRORS[code];
  return { status, code, message: template.replace('{}', fill) };
}

export type Query = Readonly<Record<string, string>>;

const PAGE = /^[1-9]\d{0,8}$/;

/** An empty value counts as not given. */
const given = (query: Query, name: string): boolean => (query[name] ?? '') !== '';

/** ORG0005/ORG0006 and EM0006/EM0007: length and forbidden characters of each search value. */
function checkValues(
  query: Query,
  names: readonly string[],
  codes: { tooLong: KnoxCode; forbidden: KnoxCode },
  lists: ReadonlySet<string> = new Set(),
): Refusal | undefined {
  for (const name of names) {
    const value = query[name];
    if (!value) continue;
    if (FORBIDDEN_KEYWORD_CHARS.some((c) => value.includes(c))) return refuse(codes.forbidden);
    const parts = lists.has(name) ? value.split(LIST_SEPARATOR) : [value];
    if (parts.some((p) => p.length > MAX_KEYWORD_CHARS)) return refuse(codes.tooLong);
  }
  return undefined;
}

export interface TitleSearch {
  companyCode: string;
}

/** GET /titles?companyCode=C60 (seed "직급 조회": companyCode required; ORG0003/0005/0006). */
export function titleSearch(query: Query): TitleSearch | Refusal {
  if (!given(query, 'companyCode')) return refuse('ORG0003');
  return checkValues(query, ['companyCode'], { tooLong: 'ORG0005', forbidden: 'ORG0006' }) ?? { companyCode: query.companyCode! };
}

export type OrganizationKey = (typeof ORGANIZATION_SEARCH_KEYS)[number];

export interface OrganizationSearch {
  companyCode: string;
  by?: { key: OrganizationKey; value: string };
  page?: number;
}

/**
 * GET /organizations (seed "조직 조회"): companyCode alone, or with exactly one of uprDepartmentCode,
 * departmentCode, departmentName (ORG0013); page only with companyCode alone (ORG0014).
 */
export function organizationSearch(query: Query): OrganizationSearch | Refusal {
  const keys = ORGANIZATION_SEARCH_KEYS.filter((k) => given(query, k));
  if (!given(query, 'companyCode'))
    return keys.length || given(query, 'page')
      ? refuse(MISSING_COMPANY_CODE.otherKeysGiven, 'companyCode')
      : refuse(MISSING_COMPANY_CODE.nothingGiven);
  const bad = checkValues(query, ['companyCode', ...ORGANIZATION_SEARCH_KEYS], { tooLong: 'ORG0005', forbidden: 'ORG0006' });
  if (bad) return bad;
  if (keys.length > 1) return refuse('ORG0013', ORGANIZATION_SEARCH_KEYS.join(', '));
  const name = query.departmentName;
  if (name && Buffer.byteLength(name, 'utf8') < MIN_DEPARTMENT_NAME_BYTES) return refuse('ORG0004');
  const page = query.page;
  if (page !== undefined && page !== '' && !PAGE.test(page)) return refuse('ORG0012', 'page');
  if (given(query, 'page') && keys.length > 0) return refuse('ORG0014');
  const key = keys[0];
  return {
    companyCode: query.companyCode!,
    ...(key ? { by: { key, value: query[key]! } } : {}),
    ...(given(query, 'page') ? { page: Number(page) } : {}),
  };
}

export type EmployeeKey = (typeof EMPLOYEE_SEARCH_KEYS)[number];

export interface EmployeeSearch {
  companyCode?: string;
  key: EmployeeKey;
  /** The value, or the list's items for epIds/userIds/emailAddresses. */
  values: string[];
  page?: number;
  /** Only these attributes (resultType optional); undefined = all (basic). */
  attributes?: string[];
}

const LIST_KEYS: ReadonlySet<string> = new Set(EMPLOYEE_LIST_KEYS);

/**
 * POST /employees (seed "임직원 조회"): exactly one search key besides companyCode (EM0004, EM0016);
 * lists ≤ 100 (EM0001); titleCode needs companyCode and page (EM0014); paging only for
 * companyCode+departmentCode, companyCode+titleCode or name (EM0017); resultType in the body.
 */
export function employeeSearch(query: Query, body: unknown): EmployeeSearch | Refusal {
  const keys = EMPLOYEE_SEARCH_KEYS.filter((k) => given(query, k));
  if (keys.length === 0) return refuse('EM0004');
  if (keys.length > 1) return refuse('EM0016', EMPLOYEE_SEARCH_KEYS.join(', '));
  const key = keys[0]!;
  const bad = checkValues(query, ['companyCode', key], { tooLong: 'EM0006', forbidden: 'EM0007' }, LIST_KEYS);
  if (bad) return bad;
  const values = LIST_KEYS.has(key) ? query[key]!.split(LIST_SEPARATOR).filter(Boolean) : [query[key]!];
  if (values.length > LIST_LIMIT) return refuse('EM0001');
  if (key === 'name' && [...values[0]!].length < MIN_NAME_SEARCH_CHARS) return refuse('EM0005');

  const page = query.page;
  if (page !== undefined && page !== '' && !PAGE.test(page)) return refuse('EM0015', 'page');
  const hasCompany = given(query, 'companyCode');
  const hasPage = given(query, 'page');
  // Seed No. 10: "compCode, page 함께 받아야 함".
  if (key === 'titleCode' && !hasCompany) return refuse('EM0014', 'companyCode');
  if (key === 'titleCode' && !hasPage) return refuse('EM0014', 'page');
  // Seed No. 11: paging only for companyCode&departmentCode / companyCode&title / name.
  const pageable = key === 'name' || (hasCompany && (key === 'departmentCode' || key === 'titleCode'));
  if (hasPage && !pageable) return refuse('EM0017');

  const result = resultType(body);
  if ('code' in result) return result;
  return { ...(hasCompany ? { companyCode: query.companyCode! } : {}), key, values, ...(hasPage ? { page: Number(page) } : {}), ...result };
}

/** Body No. 12–13: resultType basic, or optional with attributes (required then). */
function resultType(body: unknown): { attributes?: string[] } | Refusal {
  const b = (body ?? {}) as { resultType?: unknown; attributes?: unknown };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse('EM0015', 'resultType');
  if (b.resultType === undefined || b.resultType === '') return refuse('EM0014', 'resultType');
  const hasAttributes = b.attributes !== undefined;
  if (b.resultType === 'basic') return hasAttributes ? refuse(ATTRIBUTES_WITH_BASIC, 'attributes') : {};
  if (b.resultType !== 'optional') return refuse('EM0015', 'resultType');
  if (!Array.isArray(b.attributes) || b.attributes.length === 0) return refuse('EM0014', 'attributes');
  if (!b.attributes.every((a) => typeof a === 'string')) return refuse('EM0015', 'attributes');
  return { attributes: b.attributes };
}
