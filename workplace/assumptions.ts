/**
 * WORKPLACE's protocol as orgsync speaks it: every path, field name, verb, message pattern, size and
 * status the client sends or reads by, in one object, DEFAULT_PROTOCOL. Each value is marked:
 *  - FACT: stated by the reference (shared/api/workplace.md) or a seed; the section is cited.
 *  - ASSUMPTION: the reference is silent (§5 "Open questions"); this is the one choice orgsync makes.
 * Every value can be set from the config file under `workplace: protocol:` (config/workplace-protocol.ts
 * checks it), so a deployment adapts to its real WORKPLACE without a code change; the key of each is
 * its path in this object (e.g. `workplace.protocol.paths.reportsTo`). The simulator takes the same
 * overrides and mirrors them. docs/workplace.md lists every assumption with its key.
 * This module is data and one pure merge: it imports nothing, so the simulator may use it without
 * sharing any client code. What only the simulator enacts (WORKPLACE's referential rules, its wording)
 * lives in simulator/rules.ts and simulator/messages.ts.
 */

export type ApiVersion = 'v1' | 'v2';
export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Where an entity lives: `{prefix}/{companyId}/{segment}[/{key}]`; a segment may hold several `/`-separated parts. */
export interface Route {
  version: ApiVersion;
  segment: string;
}

/** Constant fields added to a create (POST) or update (PUT) body; the fields orgsync sends itself win. */
export interface ExtraFields {
  create?: Record<string, JsonValue>;
  update?: Record<string, JsonValue>;
}

export interface WorkplaceProtocol {
  /** FACT (§1.1): every organization path starts with one of these, then the companyId. */
  prefixes: Record<ApiVersion, string>;
  /**
   * FACT (§1.1, Decisions "versions"): v2 segments for the four listable entities, v1 for the rest.
   * ASSUMPTION for `reportsTo`, `absence` and `absenceList` (Decisions table: their API pages are not public).
   */
  paths: {
    grade: Route;
    job: Route;
    department: Route;
    employee: Route;
    attributeDefinition: Route;
    attributeDefinitionList: Route;
    attributeValue: Route;
    representativeAdmin: Route;
    reportsTo: Route;
    absence: Route;
    absenceList: Route;
  };
  attributeValues: {
    /** FACT (§2.8): `addattrdata/employee/{externalKey}/attrkey/{attrExternalKey}`. */
    employeeSegment: string;
    attributeSegment: string;
    /**
     * ASSUMPTION (§2.8 [INFER]): PUT edits, DELETE deletes and GET reads, on the POST path. A value never
     * set (or deleted) answers "not found", like any missing key.
     */
    verbs: { create: HttpVerb; update: HttpVerb; remove: HttpVerb; get: HttpVerb };
  };
  reportsTo: {
    /** ASSUMPTION (Decisions "Reports To"): the body field holding the manager's employee key. */
    field: string;
    /** ASSUMPTION (Decisions "Reports To"): PUT sets, GET reads, DELETE clears, on `reportsTo/{employeeKey}`. */
    verbs: { set: HttpVerb; get: HttpVerb; clear: HttpVerb };
  };
  employees: {
    /**
     * ASSUMPTION (Decisions "employee v2 references"): v2 references a grade, job and employment type
     * by these fields (third-party clients), with v1's size of 100.
     */
    referenceFields: { grade: string; job: string; empType: string };
    referenceMaxLength: number;
    /**
     * ASSUMPTION (§2.5): the v2 employee table is cut off after `concurrentDeptExternalKeys`, so fields
     * beyond the documented ones pass through unchecked; the other bodies are fully documented and an
     * unknown field there is refused as a probable typo.
     */
    bodyIsOpen: boolean;
    /** FACT (§2.5): the only special characters `empNick` may hold besides letters and digits. */
    nicknameSpecials: string;
    /** ASSUMPTION: spaces are allowed in `empNick` (§6 says the v2 rule lists none; v1 names are spaced). */
    nicknameAllowsSpaces: boolean;
  };
  departments: {
    /** FACT (§2.4): `#` as parentDeptExternalKey marks a top-level department. */
    root: string;
    /** ASSUMPTION (Decisions "department head"): v2 accepts the head's employee key in this field (≤ 36, like v1's deptbsExternalKey). */
    headField: string;
    headMaxLength: number;
    /** ASSUMPTION (§5 Q13): the body's `deptExternalKey` must equal the key in the path. */
    bodyKeyMustMatchPath: boolean;
  };
  /** ASSUMPTION (§2.1 "sortOrder String Y", §5 Q15): the v2 `sortOrder` must be present but may be "" (no order). */
  grades: { sortOrderMayBeEmpty: boolean };
  jobs: { sortOrderMayBeEmpty: boolean };
  attributeDefinitions: {
    /** FACT (seed 003): the edit body is the add body without these; the client leaves them out of a PUT. */
    addOnlyFields: string[];
    /**
     * ASSUMPTION (seed 003's list example): the full list shows no externalKey on a definition or its
     * items (orgsync then matches definitions by name), `userModYn` instead of `userMod`, a numeric `dispOrd`.
     */
    listShowsKeys: boolean;
  };
  /** ASSUMPTION (Decisions "absence items"): absence `sortOrder` is an integer, like settingLeave v1's (§2.9). */
  absences: { sortOrderIsInteger: boolean };
  /**
   * ASSUMPTION: none. Constant fields per entity and verb, e.g. what third-party v2 clients send on an
   * employee create (§6): `employees: { create: { passwordSettingType: ADMIN, initializePassword: … } }`.
   * A field whose name ends in Password, Secret or Token is treated as a credential (never captured).
   */
  extraFields: {
    grades: ExtraFields;
    jobs: ExtraFields;
    departments: ExtraFields;
    employees: ExtraFields;
    attributeDefinitions: ExtraFields;
    attributeValues: ExtraFields;
    absences: ExtraFields;
  };
  /**
   * ASSUMPTION (§4, Decisions "upsert"): what WORKPLACE's 400 messages say, as case-insensitive regular
   * expressions. A POST of an existing key "already exists" (switch to PUT); a PUT/DELETE/GET of a
   * missing key is "not found" (switch to POST, or the delete is done). A failed reference (parent,
   * department, grade, job, manager) is neither: a message matching `missingReference`, or naming a key
   * the body refers to, stays a validation error. English and Korean by default (the Korean wording is
   * a guess: no WORKPLACE error catalogue is public, §5 Q10).
   */
  messages: { alreadyExists: string[]; notFound: string[]; missingReference: string[] };
  paging: {
    /** FACT (§2): v2 lists page with `offset` (first row) and `limit` (rows) query parameters. */
    offsetParam: string;
    limitParam: string;
    /**
     * ASSUMPTION (§5 Q11): the rows the client asks per page, and the simulator's default and maximum.
     * 500, as Knox pages: at 100,000 employees a night reads 200 pages of employees instead of 1,000.
     * A WORKPLACE that caps `limit` is read whole (the client advances by the rows it received).
     */
    pageSize: number;
    /**
     * ASSUMPTION (§5 Q11): the page asked for instead when WORKPLACE refuses `pageSize` with a 400 rather
     * than capping it; the list checks of `orgsync doctor` warn when that happens. 100, the size of our first reading.
     */
    fallbackPageSize: number;
  };
  /** ASSUMPTION (§1.8.4 [3P]): a v2 list page is `{ elements, totalCount }`; rows come in a stable (creation) order. */
  listFields: { elements: string; totalCount: string };
  /** FACT (§1.8): the envelope's fields; an object with `body` and at least one of these is an envelope. */
  envelopeFields: string[];
  /**
   * FACT (§4 [SIM]): what WORKPLACE answers a success with: 201 on POST, 200 on PUT, DELETE and GET;
   * FACT (seed 003): the addattr edit answers 201. The simulator answers so; the client takes any 2xx.
   */
  successStatus: Record<HttpVerb, number> & { attributeDefinitionEdit: number };
  keys: {
    /** FACT (§1.1): `{externalKey}` path segments and companyId are at most 36 characters. */
    maxLength: number;
    /** ASSUMPTION: these cannot be keys: URLs normalise them away, so no signed path could carry them. */
    unsendable: string[];
  };
  signing: {
    /** FACT (§1.2): the authentication headers. */
    headers: { timestamp: string; accessKey: string; signatureV2: string; signatureV1: string; apiKey: string };
    /**
     * FACT (§1.3): v2 signs "METHOD URI\nTIMESTAMP\nACCESSKEY". ASSUMPTION (§1.4): v1 uses the NCP
     * gateway's API-key layout "METHOD URI\nTIMESTAMP\nAPIKEY\nACCESSKEY".
     */
    v1IncludesApiKey: boolean;
    /** FACT (§1.5): a timestamp this far or more from the gateway's clock is refused (the stricter reading). */
    maxClockSkewMs: number;
  };
  /** FACT (§1.7): the gateway's answer for a path or method it has no route for; orgsync names the path key to change. */
  noRoute: { status: number; gatewayCode: string };
  /** ASSUMPTION (§1.6): no Retry-After is documented; the client honours this header if a gateway sends it. */
  retryAfterHeader: string;
}

export const DEFAULT_PROTOCOL: WorkplaceProtocol = {
  prefixes: { v1: '/organization/apigw/v1/company', v2: '/organization/apigw/v2/company' },
  paths: {
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
  },
  attributeValues: {
    employeeSegment: 'employee',
    attributeSegment: 'attrkey',
    verbs: { create: 'POST', update: 'PUT', remove: 'DELETE', get: 'GET' },
  },
  reportsTo: { field: 'reportsToExternalKey', verbs: { set: 'PUT', get: 'GET', clear: 'DELETE' } },
  employees: {
    referenceFields: { grade: 'gradeCdExternalKey', job: 'jobCdExternalKey', empType: 'empTypeExternalKey' },
    referenceMaxLength: 100,
    bodyIsOpen: true,
    nicknameSpecials: '!@&()-_+[]{},.',
    nicknameAllowsSpaces: true,
  },
  departments: { root: '#', headField: 'deptLeaderExternalKey', headMaxLength: 36, bodyKeyMustMatchPath: true },
  grades: { sortOrderMayBeEmpty: true },
  jobs: { sortOrderMayBeEmpty: true },
  attributeDefinitions: { addOnlyFields: ['fieldUsedType'], listShowsKeys: false },
  absences: { sortOrderIsInteger: true },
  extraFields: { grades: {}, jobs: {}, departments: {}, employees: {}, attributeDefinitions: {}, attributeValues: {}, absences: {} },
  messages: {
    alreadyExists: ['\\balready exists?\\b', '이미 (존재|등록)'],
    notFound: ['\\bnot found\\b', '찾을 수 없', '존재하지 않'],
    missingReference: ['\\bdoes not exist\\b'],
  },
  paging: { offsetParam: 'offset', limitParam: 'limit', pageSize: 500, fallbackPageSize: 100 },
  listFields: { elements: 'elements', totalCount: 'totalCount' },
  envelopeFields: ['timestamp', 'status', 'error', 'message', 'path'],
  successStatus: { POST: 201, PUT: 200, DELETE: 200, GET: 200, attributeDefinitionEdit: 201 },
  keys: { maxLength: 36, unsendable: ['.', '..'] },
  signing: {
    headers: {
      timestamp: 'x-ncp-apigw-timestamp',
      accessKey: 'x-ncp-iam-access-key',
      signatureV2: 'x-ncp-apigw-signature-v2',
      signatureV1: 'x-ncp-apigw-signature-v1',
      apiKey: 'x-ncp-apigw-api-key',
    },
    v1IncludesApiKey: true,
    maxClockSkewMs: 5 * 60 * 1000,
  },
  noRoute: { status: 404, gatewayCode: '300' },
  retryAfterHeader: 'retry-after',
};

export type RouteName = keyof WorkplaceProtocol['paths'];
export type BodyEntity = keyof WorkplaceProtocol['extraFields'];

/** Any part of the protocol, as the config file or a caller gives it. Lists replace the default; objects merge. */
export type WorkplaceProtocolOverrides = DeepPartial<WorkplaceProtocol>;
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | undefined } : T;

/** The protocol in force: the defaults, then each set of overrides in turn (config file, then caller). */
export function resolveProtocol(...overrides: readonly (WorkplaceProtocolOverrides | undefined)[]): WorkplaceProtocol {
  return overrides.reduce<WorkplaceProtocol>(
    (protocol, layer) => (layer ? (merge(protocol, layer) as WorkplaceProtocol) : protocol),
    DEFAULT_PROTOCOL,
  );
}

function merge(base: unknown, layer: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(layer)) return layer === undefined ? base : layer;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) if (value !== undefined) out[key] = merge(base[key], value);
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The config key of a route, as error messages name it: `workplace.protocol.paths.reportsTo`. */
export const routeConfigKey = (route: RouteName) => `workplace.protocol.paths.${route}`;
