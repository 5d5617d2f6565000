/**
 * Everything about WORKPLACE's protocol that the client and the simulator must agree on, in one place.
 * Each constant is marked:
 *  - FACT: stated by the reference (shared/api/workplace.md) or a seed; the section is cited.
 *  - ASSUMPTION: the reference is silent (§5 "Open questions"); this is the one choice orgsync makes.
 *    Change it here once the real behaviour is known: the client follows, the simulator mirrors it.
 * docs/workplace.md lists every assumption with its constant. This module is data: it imports nothing,
 * so the simulator may use it without sharing any client code.
 */

// ── Routes ────────────────────────────────────────────────────────────────────────────────────────

/** FACT (§1.1): every organization path starts with one of these, then the companyId. */
export const PREFIX = { v1: '/organization/apigw/v1/company', v2: '/organization/apigw/v2/company' } as const;
export type ApiVersion = keyof typeof PREFIX;

/**
 * FACT (§1.1, Decisions "versions"): v2 segments for the four listable entities, v1 for the rest.
 * ASSUMPTION for `reportsTo`, `absence` and `absences` (Decisions table: their API pages are not public).
 */
export const SEGMENTS = {
  grade: { version: 'v2', segment: 'grade' },
  job: { version: 'v2', segment: 'job' },
  department: { version: 'v2', segment: 'department' },
  employee: { version: 'v2', segment: 'employee' },
  attributeDefinition: { version: 'v1', segment: 'addattr' },
  attributeDefinitionList: { version: 'v1', segment: 'addattrs' },
  attributeValue: { version: 'v1', segment: 'addattrdata' },
  representativeAdmin: { version: 'v1', segment: 'auth' },
  reportsTo: { version: 'v1', segment: 'reportsTo' },
  absence: { version: 'v1', segment: 'absence' },
  absenceList: { version: 'v1', segment: 'absences' },
} as const satisfies Record<string, { version: ApiVersion; segment: string }>;

/** FACT (§2.8): `addattrdata/employee/{externalKey}/attrkey/{attrExternalKey}`. */
export const ATTRIBUTE_VALUE_PATH = { employee: 'employee', attribute: 'attrkey' } as const;

/**
 * ASSUMPTION (§2.8 [INFER]): attribute values are edited with PUT, deleted with DELETE and read with
 * GET on the POST path. A value never set (or deleted) answers "not found", like any missing key.
 */
export const ATTRIBUTE_VALUE_VERBS = { create: 'POST', update: 'PUT', remove: 'DELETE', get: 'GET' } as const;

/** ASSUMPTION (Decisions "Reports To"): PUT sets, GET reads, DELETE clears; the body field is this. */
export const REPORTS_TO_FIELD = 'reportsToExternalKey';

/**
 * ASSUMPTION: GET of an existing employee with no Reports To answers 200 with the field null (the
 * employee exists, the relation is empty), and DELETE of an empty Reports To succeeds: clearing is idempotent.
 */
export const REPORTS_TO_EMPTY_IS_NULL = true;

/** ASSUMPTION: an employee cannot report to themselves (refused with 400). */
export const REPORTS_TO_SELF_REFUSED = true;

// ── Signing (§1.2–§1.5) ───────────────────────────────────────────────────────────────────────────

export const HEADERS = {
  timestamp: 'x-ncp-apigw-timestamp',
  accessKey: 'x-ncp-iam-access-key',
  signatureV2: 'x-ncp-apigw-signature-v2',
  signatureV1: 'x-ncp-apigw-signature-v1',
  apiKey: 'x-ncp-apigw-api-key',
} as const;

/**
 * FACT (§1.3): v2 signs "METHOD URI\nTIMESTAMP\nACCESSKEY", URI = path plus ?query exactly as sent.
 * ASSUMPTION (§1.4, Decisions "signing"): v1 uses the NCP gateway's API-key layout
 * "METHOD URI\nTIMESTAMP\nAPIKEY\nACCESSKEY" and is only valid together with the API-key header.
 */
export const SIGNATURE_V1_INCLUDES_API_KEY = true;

/**
 * FACT (§1.5): a timestamp 5 minutes or more away from the gateway's clock is invalid. ASSUMPTION: the
 * boundary is "or more" (older pages; newer say "more than"), which is the stricter reading.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * ASSUMPTION (§1.2, §5 Q4): v2 does not need the API-key header (no v2 header table lists it); the client
 * sends it only when one is configured, and a wrong one is refused like a bad signature.
 */
export const V2_REQUIRES_API_KEY = false;

// ── Gateway errors (§1.7) ─────────────────────────────────────────────────────────────────────────

/** FACT (§1.7): the API Gateway's own error codes, in `{ error: { errorCode, message, details } }`. */
export const GATEWAY_ERRORS = {
  badRequest: { status: 400, errorCode: '100', message: 'Bad Request Exception' },
  authenticationFailed: { status: 401, errorCode: '200', message: 'Authentication Failed' },
  permissionDenied: { status: 401, errorCode: '210', message: 'Permission Denied' },
  forbidden: { status: 403, errorCode: '230', message: 'Forbidden' },
  notFound: { status: 404, errorCode: '300', message: 'Not Found Exception' },
  quotaExceeded: { status: 429, errorCode: '400', message: 'Quota Exceeded' },
  throttleLimited: { status: 429, errorCode: '410', message: 'Throttle Limited' },
  rateLimited: { status: 429, errorCode: '420', message: 'Rate Limited' },
  entityTooLarge: { status: 413, errorCode: '430', message: 'Request Entity Too Large' },
  endpointError: { status: 503, errorCode: '500', message: 'Endpoint Error' },
  endpointTimeout: { status: 504, errorCode: '510', message: 'Endpoint Timeout' },
  unexpected: { status: 500, errorCode: '900', message: 'Unexpected Error' },
} as const;

/** ASSUMPTION (§1.5 [INFER]): a bad signature, unknown access key or stale timestamp is 401 / code 200. */
export const AUTH_FAILURE = GATEWAY_ERRORS.authenticationFailed;

/** ASSUMPTION: an authentic request for another companyId is refused as 401 / code 210 Permission Denied. */
export const OTHER_COMPANY = GATEWAY_ERRORS.permissionDenied;

/** ASSUMPTION (§1.6): no Retry-After is documented, so the simulator sends none; the client honours one if present. */
export const RETRY_AFTER_HEADER = 'retry-after';

// ── WORKPLACE answers (§1.8, §4) ──────────────────────────────────────────────────────────────────

/** FACT (§1.8): the envelope's fields. Detection needs `body` plus at least one of the others. */
export const ENVELOPE_FIELDS = ['timestamp', 'status', 'error', 'message', 'path'] as const;

/** ASSUMPTION (§1.8.1): the envelope's timestamp is server-local (KST, UTC+9) `yyyy-MM-dd HH:mm:ss`. */
export const ENVELOPE_TIMEZONE_OFFSET_MS = 9 * 60 * 60 * 1000;

/** FACT (§4 [SIM]): POST success is 201; PUT, DELETE and GET are 200. */
export const SUCCESS_STATUS = { POST: 201, PUT: 200, DELETE: 200, GET: 200 } as const;

/** FACT (seed 003): the addattr edit example answers 201, not 200. The seed wins over §4's generic rule. */
export const ATTRIBUTE_DEFINITION_EDIT_STATUS = 201;

/**
 * ASSUMPTION (§4, Decisions "upsert"): WORKPLACE's 400 messages. A POST of an existing key says
 * "… already exists"; a PUT/DELETE/GET of a missing key says "… not found". A failed *reference* (parent,
 * department, grade, job, manager, attribute) is worded differently ("… does not exist"), so the client
 * can tell "switch verbs" from "fix the data". The patterns below are what the client classifies by.
 */
export const MESSAGES = {
  alreadyExists: (entity: string, key: string) => `${entity} ${key} already exists`,
  notFound: (entity: string, key: string) => `${entity} ${key} not found`,
  missingReference: (field: string, key: string) => `${field} ${key} does not exist`,
} as const;
export const ALREADY_EXISTS_PATTERN = /\balready exists?\b/i;
export const NOT_FOUND_PATTERN = /\bnot found\b/i;

// ── Paging (§2 "Paging for v2 lists") ─────────────────────────────────────────────────────────────

/** FACT (§2): v2 lists page with `offset` (first row) and `limit` (rows) query parameters. */
export const PAGING_PARAMS = { offset: 'offset', limit: 'limit' } as const;

/**
 * ASSUMPTION (§5 Q11): the page size the client asks for and the simulator's default and maximum
 * `limit`. A larger `limit` is silently capped, so the client advances by the rows it received.
 */
export const PAGE_SIZE = 100;

/** ASSUMPTION (§1.8.4 [3P]): a v2 list page is `{ elements, totalCount }`; rows are in a stable (creation) order. */
export const LIST_FIELDS = { elements: 'elements', totalCount: 'totalCount' } as const;

// ── Bodies (§2) ───────────────────────────────────────────────────────────────────────────────────

/** FACT (§1.1): `{externalKey}` path segments and companyId are at most 36 characters. */
export const PATH_KEY_MAX = 36;

/** ASSUMPTION: "." and ".." cannot be keys: URLs normalise them away, so no signed path could carry them. */
export const UNSENDABLE_KEYS = ['.', '..'] as const;

/** ASSUMPTION (§2.1 "sortOrder String Y", §5 Q15): the v2 `sortOrder` must be present but may be "" (no order). */
export const EMPTY_SORT_ORDER_ALLOWED = true;

/** FACT (§2.4): `#` as parentDeptExternalKey marks a top-level department. */
export const ROOT_DEPARTMENT = '#';

/** ASSUMPTION (§5 Q13): a v2 department's body `deptExternalKey` must equal the key in the path. */
export const DEPARTMENT_BODY_KEY_MUST_MATCH_PATH = true;

/** ASSUMPTION (Decisions "department head"): v2 accepts `deptLeaderExternalKey`, an employee key (≤ 36, like v1's deptbsExternalKey). */
export const DEPARTMENT_LEADER_FIELD = 'deptLeaderExternalKey';
export const DEPARTMENT_LEADER_MAX = 36;

/**
 * ASSUMPTION (§2.5 Decisions "employee v2 references"): v2 references a grade, job and employment type
 * by these fields (third-party clients), with v1's size of 100.
 */
export const EMPLOYEE_REFERENCE_FIELDS = { grade: 'gradeCdExternalKey', job: 'jobCdExternalKey', empType: 'empTypeExternalKey' } as const;
export const EMPLOYEE_REFERENCE_MAX = 100;

/**
 * ASSUMPTION (§2.5): the v2 employee table is cut off after `concurrentDeptExternalKeys`, so fields
 * beyond the documented ones (e.g. `passwordSettingType`) are passed through unchecked; the other
 * bodies are fully documented and an unknown field there is refused as a probable typo.
 */
export const EMPLOYEE_BODY_IS_OPEN = true;

/** FACT (§2.5): `empNick` may hold letters, digits and only these special characters (spaces allowed: ASSUMPTION). */
export const NICKNAME_SPECIALS = '!@&()-_+[]{},.';

/** FACT (§2.5): dates in employee bodies are `yyyy-MM-dd`. */
export const DATE_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

/** ASSUMPTION: login id and e-mail are unique among employees, compared case-insensitively (they are addresses). */
export const EMPLOYEE_UNIQUE_FIELDS = ['loginId', 'emailAddress'] as const;

/** FACT (seed 003): the edit body is the add body without `fieldUsedType`; the client leaves it out of a PUT. */
export const ATTRIBUTE_ADD_ONLY_FIELDS = ['fieldUsedType'] as const;

/**
 * ASSUMPTION (§2.8 [INFER]): `fieldData` formats per field type: DATE `yyyy-MM-dd`, YESNO `Y`/`N`,
 * SELECT the chosen item's external key, INPUT any text.
 */
export const ATTRIBUTE_VALUE_FORMATS = { DATE: DATE_FORMAT, YESNO: /^[YN]$/ } as const;

/**
 * ASSUMPTION (seed 003's list example): the full list shows no externalKey on a definition or its
 * items, shows `userModYn` (Y when userMod is CHANGE) instead of `userMod`, and a numeric `dispOrd`
 * (creation order, from 0).
 */
export const ATTRIBUTE_LIST_SHOWS_KEYS = false;

/** ASSUMPTION (Decisions "absence items"): absence `sortOrder` is an integer, like settingLeave v1's (§2.9). */
export const ABSENCE_SORT_ORDER_IS_INTEGER = true;

// ── Referential rules the simulator applies (§4 and where the reference is silent) ────────────────

/** FACT (§2.1, §2.2, §2.3): grade, job (and empType) names are unique. */
export const UNIQUE_NAME_ENTITIES = ['grade', 'job'] as const;

/** ASSUMPTION (§4 "safest"): a grade or job still held by an employee cannot be deleted, like a department with members. */
export const IN_USE_GRADE_JOB_DELETE_REFUSED = true;

/** ASSUMPTION: a concurrent (겸직) department counts as membership for the "department with members" rule. */
export const CONCURRENT_DEPARTMENT_IS_MEMBERSHIP = true;

/**
 * ASSUMPTION: deleting an employee removes their attribute values and Reports To, clears Reports To
 * that points at them and the leadership of departments they head; the representative admin cannot be deleted.
 */
export const EMPLOYEE_DELETE_CASCADES = true;
export const REPRESENTATIVE_ADMIN_DELETE_REFUSED = true;

/** ASSUMPTION: deleting an attribute definition deletes every employee's value for it. */
export const ATTRIBUTE_DELETE_CASCADES = true;
