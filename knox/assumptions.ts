/**
 * Everything about Knox Portal's protocol that the client and the simulator must agree on, in one place.
 * Two kinds of constant live here, each marked:
 *  - FACT: stated by the seed (shared/seeds/001_*.txt), restated in shared/api/knox.md.
 *  - ASSUMPTION: the seed is silent; this is the one choice orgsync makes. The client lets a deployment
 *    override the protocol ones (`createKnoxClient(config, { protocol })`); the simulator mirrors them.
 * docs/knox.md lists every assumption with its constant. Nothing here imports anything.
 */

/** ASSUMPTION (knox.md "Common"): the seed only shows relative calls such as `/titles?companyCode=C60`. */
export const KNOX_PATHS = { titles: '/titles', organizations: '/organizations', employees: '/employees' } as const;

/** ASSUMPTION: the seed puts `resultType` in the body (Parameter Type "Body"), so /employees is a POST. */
export const EMPLOYEES_METHOD = 'POST' as const;

/** FACT: the 연계 아이디 header, required on every call. */
export const SYSTEM_ID_HEADER = 'System-ID';

/** ASSUMPTION: a call without (or with the wrong) System-ID is answered 401, with no Knox error code. */
export const MISSING_SYSTEM_ID_STATUS = 401;

/** ASSUMPTION: the field names of the error body `{ result: 'fail', errorCode, errorMessage }`. */
export const ERROR_FIELDS = { code: 'errorCode', message: 'errorMessage' } as const;

/** The protocol choices a deployment may override (see createKnoxClient's `protocol` option). */
export interface KnoxProtocol {
  paths: { titles: string; organizations: string; employees: string };
  employeesMethod: 'POST' | 'GET';
  errorFields: { code: string; message: string };
}

export const DEFAULT_PROTOCOL: KnoxProtocol = {
  paths: KNOX_PATHS,
  employeesMethod: EMPLOYEES_METHOD,
  errorFields: ERROR_FIELDS,
};

/** FACT: "page 입력 시 500건씩 조회" for both /employees and /organizations. */
export const PAGE_SIZE = 500;

/** FACT: "page 미입력 시 최대 2000건 조회": an unpaged search silently returns at most this many rows. */
export const UNPAGED_CAP = 2000;

/**
 * ASSUMPTION: a capped unpaged response reports the rows it returned (totalCount = 2000, totalPage = 1),
 * so the cap cannot be detected from the response: the reason the client always pages.
 */
export const CAPPED_RESPONSE_REPORTS_RETURNED_ROWS = true;

/** FACT (EM0001): lists in `epIds`, `userIds`, `emailAddresses` hold at most 100 items. */
export const LIST_LIMIT = 100;

/** ASSUMPTION: list parameters are comma-separated. */
export const LIST_SEPARATOR = ',';

/** FACT (EM0006, ORG0005): a search value longer than this is refused. */
export const MAX_KEYWORD_CHARS = 100;

/** FACT (EM0007, ORG0006): characters a search value may not contain. */
export const FORBIDDEN_KEYWORD_CHARS = ['*', '%'] as const;

/** FACT (ORG0004): "Search keyword must be larger than 4 bytes"; ASSUMPTION: it applies to departmentName only (a companyCode such as C60 is 3 bytes). */
export const MIN_DEPARTMENT_NAME_BYTES = 4;

/** ASSUMPTION (EM0005 "Search keyword length is not valid"): a partial `name` search needs at least 2 characters. */
export const MIN_NAME_SEARCH_CHARS = 2;

/** ASSUMPTION: pages are numbered from 1 (the seed's sample is `1`), and an empty listing has totalPage 0. */
export const FIRST_PAGE = 1;

/** ASSUMPTION: `departmentName` on /organizations is a partial match (the seed does not say). */
export const DEPARTMENT_NAME_MATCH = 'partial' as const;

/**
 * ASSUMPTION: `resultType: basic` returns every attribute (the seed does not say which are "basic"), so a
 * full read sends basic. Were basic narrower, the missing ★ attributes would show as invalid records, loudly.
 */
export const FULL_RESULT_BODY = { resultType: 'basic' } as const;

/** FACT: the employee search keys, of which exactly one may be used (EM0016), besides companyCode. */
export const EMPLOYEE_SEARCH_KEYS = [
  'fullName',
  'departmentCode',
  'employeeNumber',
  'name',
  'epIds',
  'userIds',
  'emailAddresses',
  'titleCode',
] as const;

/** FACT: the list-valued employee search keys (EM0001). */
export const EMPLOYEE_LIST_KEYS = ['epIds', 'userIds', 'emailAddresses'] as const;

/** FACT: the organization search keys that go with companyCode, at most one (ORG0013). */
export const ORGANIZATION_SEARCH_KEYS = ['uprDepartmentCode', 'departmentCode', 'departmentName'] as const;

/** FACT: the codes whose HTTP status is 500 (server error, worth a retry); every other EM/ORG code is 400. */
export const SERVER_ERROR_CODES = ['EM0010', 'ORG0010'] as const;

/**
 * ASSUMPTION: which code answers a request without companyCode on /organizations: ORG0003 (no keyword)
 * when nothing is given, ORG0011 (required value missing) when other search keys are.
 */
export const MISSING_COMPANY_CODE = { nothingGiven: 'ORG0003', otherKeysGiven: 'ORG0011' } as const;

/** ASSUMPTION: the seed gives EM0018 ("remove the {} keyword") no trigger; it answers `attributes` sent with resultType basic. */
export const ATTRIBUTES_WITH_BASIC = 'EM0018' as const;

/** ASSUMPTION: searches by name (`name`, `fullName`) omit timeZone (seed No. 89 "이름으로 검색 시에는 제공하지 않음"). */
export const NAME_SEARCH_KEYS = ['name', 'fullName'] as const;
