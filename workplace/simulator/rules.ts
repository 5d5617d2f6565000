/**
 * What the simulated WORKPLACE does with the data, where the reference is silent: choices of the
 * simulator, not protocol. orgsync sends nothing and reads nothing that depends on them, so they are
 * not configuration (workplace/assumptions.ts holds what is); each is an ASSUMPTION about WORKPLACE
 * that the tests hold orgsync's behaviour against. docs/workplace.md lists them.
 */

/** FACT (§2.1, §2.2, §2.3): grade, job (and empType) names are unique. */
export const UNIQUE_NAME_ENTITIES = ['grade', 'job'] as const;

/**
 * ASSUMPTION (§2.4 is silent; grade and job names are marked "no duplicates", department names are not):
 * two departments of one name under one parent are accepted, so a missed mapping makes a second copy
 * (issue 16: "a refused duplicate, or a second copy of a department"). Set true to refuse them instead.
 */
export const DEPARTMENT_SIBLING_NAMES_UNIQUE = false;

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

/** ASSUMPTION: login id and e-mail are unique among employees, compared case-insensitively (they are addresses). */
export const EMPLOYEE_UNIQUE_FIELDS = ['loginId', 'emailAddress'] as const;

/**
 * ASSUMPTION (§2.8 [INFER]): `fieldData` formats per field type: DATE `yyyy-MM-dd`, YESNO `Y`/`N`,
 * SELECT the chosen item's external key, INPUT any text.
 */
export const ATTRIBUTE_VALUE_FORMATS = { DATE: /^\d{4}-\d{2}-\d{2}$/, YESNO: /^[YN]$/ } as const;

/**
 * ASSUMPTION: GET of an existing employee with no Reports To answers 200 with the field null (the
 * employee exists, the relation is empty), and DELETE of an empty Reports To succeeds: clearing is
 * idempotent. (The client reads a null field and a "not found" alike, as "none".)
 */
export const REPORTS_TO_EMPTY_IS_NULL = true;

/** ASSUMPTION: an employee cannot report to themselves (refused with 400). */
export const REPORTS_TO_SELF_REFUSED = true;

/** ASSUMPTION (§1.8.1): the envelope's timestamp is server-local (KST, UTC+9) `yyyy-MM-dd HH:mm:ss`; the daily quota counts KST days. */
export const ENVELOPE_TIMEZONE_OFFSET_MS = 9 * 60 * 60 * 1000;

/**
 * ASSUMPTION (§1.2, §5 Q4): v2 does not need the API-key header (no v2 header table lists it); a
 * wrong one is refused like a bad signature. (The client sends it only when one is configured.)
 */
export const V2_REQUIRES_API_KEY = false;
