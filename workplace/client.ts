/**
 * The WORKPLACE organization client the sync engine writes with: typed operations for every entity
 * orgsync syncs (workplace.md §2, Decisions table), one generic implementation for the keyed ones.
 * Keys and bodies are checked before sending; answers are zod-parsed in any of the four shapes of §1.8.
 */
import type { z } from 'zod';
import type { WorkplaceConfig } from '../config/index.js';
import type { ExchangeListener } from '../lib/http-transport.js';
import {
  ATTRIBUTE_ADD_ONLY_FIELDS,
  ATTRIBUTE_VALUE_PATH,
  ATTRIBUTE_VALUE_VERBS,
  DEPARTMENT_BODY_KEY_MUST_MATCH_PATH,
  EMPLOYEE_BODY_IS_OPEN,
  PAGE_SIZE,
  PAGING_PARAMS,
  PATH_KEY_MAX,
  REPORTS_TO_FIELD,
  SEGMENTS,
  UNSENDABLE_KEYS,
  type ApiVersion,
} from './assumptions.js';
import { WorkplaceNotFoundError, WorkplaceRequestError, WorkplaceResponseError } from './errors.js';
import { requestTarget, WorkplaceTransport, type Method, type WorkplaceCall } from './http.js';
import {
  AbsenceBodySchema,
  AbsenceSchema,
  AttributeDefinitionBodySchema,
  AttributeDefinitionSchema,
  AttributeValueBodySchema,
  AttributeValueSchema,
  DepartmentBodySchema,
  DepartmentSchema,
  EmployeeBodySchema,
  EmployeeSchema,
  fieldPath,
  GradeBodySchema,
  GradeSchema,
  JobBodySchema,
  JobSchema,
  ListPageSchema,
  ReportsToBodySchema,
  ReportsToSchema,
  RepresentativeAdminSchema,
  unwrapEnvelope,
  type Absence,
  type AbsenceBody,
  type AttributeDefinition,
  type AttributeDefinitionBody,
  type AttributeValueBody,
  type Department,
  type DepartmentBody,
  type Employee,
  type EmployeeBody,
  type Grade,
  type GradeBody,
  type Job,
  type JobBody,
} from './schemas.js';

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ListOptions extends CallOptions {
  /** Rows asked per request; default PAGE_SIZE. WORKPLACE may answer fewer: the client follows the rows. */
  pageSize?: number;
}

/** create/update resolve to WORKPLACE's echo when it parses, else undefined: a write's outcome is its status (§1.8.2). */
export interface EntityApi<Body, T> {
  create(key: string, body: Body, o?: CallOptions): Promise<T | undefined>;
  update(key: string, body: Body, o?: CallOptions): Promise<T | undefined>;
  remove(key: string, o?: CallOptions): Promise<void>;
  /** undefined when WORKPLACE says "not found". */
  get(key: string, o?: CallOptions): Promise<T | undefined>;
  /** Every row: reads page after page (offset/limit) until the total is reached. */
  list(o?: ListOptions): Promise<T[]>;
}

/** Keyed writes plus one unpaged full list (v1 addattr/addattrs; absence/absences). */
export type ListedApi<Body, T> = Omit<EntityApi<Body, T>, 'get' | 'list'> & { list(o?: CallOptions): Promise<T[]> };

export interface AttributeValueApi {
  create(employeeKey: string, attrKey: string, body: AttributeValueBody, o?: CallOptions): Promise<void>;
  update(employeeKey: string, attrKey: string, body: AttributeValueBody, o?: CallOptions): Promise<void>;
  remove(employeeKey: string, attrKey: string, o?: CallOptions): Promise<void>;
  /** undefined when the employee has no value for the attribute (WORKPLACE: "not found"). */
  get(employeeKey: string, attrKey: string, o?: CallOptions): Promise<{ fieldData: string | null } | undefined>;
}

export interface ReportsToApi {
  set(employeeKey: string, managerKey: string, o?: CallOptions): Promise<void>;
  /** The manager's key; undefined when none is set or the employee does not exist. */
  get(employeeKey: string, o?: CallOptions): Promise<string | undefined>;
  clear(employeeKey: string, o?: CallOptions): Promise<void>;
}

export interface WorkplaceClient {
  /** v2 grade (직급). */
  grades: EntityApi<GradeBody, Grade>;
  /** v2 job (직책). */
  jobs: EntityApi<JobBody, Job>;
  /** v2 department (부서). */
  departments: EntityApi<DepartmentBody, Department>;
  /** v2 employee (사원). */
  employees: EntityApi<EmployeeBody, Employee>;
  /** v1 addattr / addattrs (추가정보 definitions). */
  attributeDefinitions: ListedApi<AttributeDefinitionBody, AttributeDefinition>;
  /** v1 addattrdata (사원별 추가정보); PUT/DELETE/GET are an assumption. */
  attributeValues: AttributeValueApi;
  /** Decisions table assumption. */
  reportsTo: ReportsToApi;
  /** Decisions table assumption (부재항목). */
  absences: ListedApi<AbsenceBody, Absence>;
  /** v1 auth: reprYn === 'Y'. An employee WORKPLACE does not know is not the representative admin. */
  isRepresentativeAdmin(employeeKey: string, o?: CallOptions): Promise<boolean>;
  /** Requests made by this client instance, for benchmarks: total and per method. */
  stats(): { requests: number; byMethod: Record<string, number> };
}

export interface WorkplaceClientOptions {
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** The clock that timestamps signatures; default Date.now. */
  now?: () => number;
  /** Await the WORKPLACE_RPS limiter before every request; default true. */
  rateLimit?: boolean;
  /** Sees each request/response exchange: method, path, bodies, status; never a header or a secret. */
  onExchange?: ExchangeListener;
}

type Route = { version: ApiVersion; segment: string };

interface KeyedSpec<Body, T> {
  route: Route;
  /** What the client checks before sending (documented sizes and required fields). */
  body: z.ZodType<Body>;
  result: z.ZodType<T>;
  /** Rules that tie the body to the path key, which a schema alone cannot state. */
  check?: (key: string, body: Body) => { field: string; message: string } | undefined;
  /** The PUT body, when the reference documents a different one than the POST's. */
  forUpdate?: (body: Body) => unknown;
}

export function createWorkplaceClient(config: WorkplaceConfig, options: WorkplaceClientOptions = {}): WorkplaceClient {
  const transport = new WorkplaceTransport(config, {
    timeoutMs: options.timeoutMs ?? 30_000,
    now: options.now ?? Date.now,
    rateLimit: options.rateLimit ?? true,
    onExchange: options.onExchange,
  });
  const target = (call: Omit<WorkplaceCall, 'version' | 'segments'> & { route: Route; keys?: readonly string[] }) =>
    ({ ...call, version: call.route.version, segments: [call.route.segment, ...(call.keys ?? [])] }) satisfies WorkplaceCall;
  const describe = (call: WorkplaceCall) => requestTarget(config.companyId, call).info;

  /**
   * A call on a keyed path, refused before sending if a key cannot be carried (§1.1: ≤ 36 characters).
   * `keys` names each key for the error; the first one is the call's externalKey.
   */
  function keyedCall(
    method: Method,
    route: Route,
    keys: Readonly<Record<string, string>>,
    path: readonly string[],
    o: CallOptions,
  ): WorkplaceCall {
    const call = target({ method, route, keys: path, externalKey: Object.values(keys)[0], signal: o.signal });
    for (const [field, key] of Object.entries(keys)) {
      const problem =
        typeof key !== 'string' || key === ''
          ? 'required'
          : key.length > PATH_KEY_MAX
            ? `at most ${PATH_KEY_MAX} characters, got ${key.length}`
            : (UNSENDABLE_KEYS as readonly string[]).includes(key)
              ? 'cannot be "." or ".." (URLs drop them)'
              : undefined;
      if (problem) throw new WorkplaceRequestError({ ...describe(call), field, detail: `not sent: ${problem}` });
    }
    return call;
  }
  const byKey = (method: Method, route: Route, key: string, o: CallOptions) => keyedCall(method, route, { externalKey: key }, [key], o);

  function checkBody<B>(call: WorkplaceCall, schema: z.ZodType<B>, body: unknown): B {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
    const field = fieldPath(unknownKeys ? [...issue.path, unknownKeys] : issue.path);
    throw new WorkplaceRequestError({
      ...describe(call),
      field,
      detail: `not sent: ${unknownKeys ? 'not a documented field' : issue.message}`,
    });
  }

  /** The payload of a 2xx answer, envelope or not (§1.8). */
  async function send(call: WorkplaceCall): Promise<unknown> {
    return unwrapEnvelope((await transport.call(call)).json);
  }

  function parse<T>(call: WorkplaceCall, schema: z.ZodType<T>, value: unknown, at: readonly PropertyKey[] = []): T {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new WorkplaceResponseError({
      ...describe(call),
      field: fieldPath([...at, ...issue.path]),
      detail: `unexpected response: ${issue.message}`,
    });
  }

  /** A single entity's answer. An echo without its key (seed 002) gets the key of the path. */
  function withPathKey(payload: unknown, key: string): unknown {
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) && !('externalKey' in payload)
      ? { externalKey: key, ...payload }
      : payload;
  }

  /** A read whose "not found" means "nothing there" rather than an error. */
  async function readOptional<T>(call: WorkplaceCall, read: (payload: unknown) => T): Promise<T | undefined> {
    let payload: unknown;
    try {
      payload = await send(call);
    } catch (error) {
      if (error instanceof WorkplaceNotFoundError) return undefined;
      throw error;
    }
    return read(payload);
  }

  async function write<B, T>(spec: KeyedSpec<B, T>, method: Method, key: string, body: B, o: CallOptions): Promise<T | undefined> {
    const call = byKey(method, spec.route, key, o);
    const checked = checkBody(call, spec.body, body);
    const problem = spec.check?.(key, checked);
    if (problem) throw new WorkplaceRequestError({ ...describe(call), field: problem.field, detail: `not sent: ${problem.message}` });
    const payload = await send({ ...call, body: method === 'PUT' && spec.forUpdate ? spec.forUpdate(checked) : checked });
    // The echo varies (seed 002 has no key, seed 003 drops fieldUsedType): informative, never a failed write.
    const echo = spec.result.safeParse(withPathKey(payload, key));
    return echo.success ? echo.data : undefined;
  }

  function listed<B, T>(spec: KeyedSpec<B, T>, listRoute: Route): ListedApi<B, T> {
    return {
      create: (key, body, o = {}) => write(spec, 'POST', key, body, o),
      update: (key, body, o = {}) => write(spec, 'PUT', key, body, o),
      remove: async (key, o = {}) => {
        await transport.call(byKey('DELETE', spec.route, key, o));
      },
      /** One request, no paging (seed 003): a bare array, an enveloped one, or a v2-style page. */
      async list(o = {}) {
        const call = target({ method: 'GET', route: listRoute, signal: o.signal });
        const payload = await send(call);
        const rows = Array.isArray(payload) ? payload : parse(call, ListPageSchema, payload).elements;
        return rows.map((row, i) => parse(call, spec.result, row, [i]));
      },
    };
  }

  function entity<B, T>(spec: KeyedSpec<B, T>): EntityApi<B, T> {
    return {
      ...listed(spec, spec.route),
      async get(key, o = {}) {
        const call = byKey('GET', spec.route, key, o);
        return readOptional(call, (payload) => {
          if (payload === undefined || payload === null)
            throw new WorkplaceResponseError({ ...describe(call), detail: 'unexpected response: no body' });
          return parse(call, spec.result, withPathKey(payload, key));
        });
      },
      async list(o = {}) {
        const limit = Math.max(1, Math.trunc(o.pageSize ?? PAGE_SIZE));
        const rows: T[] = [];
        // §2: offset is the first row; advance by the rows received, since WORKPLACE may cap the limit.
        for (let offset = 0; ;) {
          const call = target({
            method: 'GET',
            route: spec.route,
            query: { [PAGING_PARAMS.offset]: String(offset), [PAGING_PARAMS.limit]: String(limit) },
            signal: o.signal,
          });
          const payload = await send(call);
          const page = Array.isArray(payload) ? { elements: payload, totalCount: undefined } : parse(call, ListPageSchema, payload);
          rows.push(...page.elements.map((row, i) => parse(call, spec.result, row, ['elements', i])));
          offset += page.elements.length;
          const total = page.totalCount;
          if (total === undefined ? page.elements.length < limit : offset >= total) return rows;
          if (page.elements.length === 0) {
            throw new WorkplaceResponseError({
              ...describe(call),
              field: 'elements',
              detail: `unexpected response: empty page at offset ${offset} of totalCount ${total}`,
            });
          }
        }
      },
    };
  }

  /** §2.8: `addattrdata/employee/{externalKey}/attrkey/{attrExternalKey}`. */
  const attributeValueCall = (method: Method, employeeKey: string, attrKey: string, o: CallOptions) =>
    keyedCall(
      method,
      SEGMENTS.attributeValue,
      { externalKey: employeeKey, attrExternalKey: attrKey },
      [ATTRIBUTE_VALUE_PATH.employee, employeeKey, ATTRIBUTE_VALUE_PATH.attribute, attrKey],
      o,
    );
  async function writeValue(method: Method, employeeKey: string, attrKey: string, body: AttributeValueBody, o: CallOptions): Promise<void> {
    const call = attributeValueCall(method, employeeKey, attrKey, o);
    await transport.call({ ...call, body: checkBody(call, AttributeValueBodySchema, body) });
  }

  return {
    grades: entity({ route: SEGMENTS.grade, body: GradeBodySchema, result: GradeSchema }),
    jobs: entity({ route: SEGMENTS.job, body: JobBodySchema, result: JobSchema }),
    departments: entity({
      route: SEGMENTS.department,
      body: DepartmentBodySchema,
      result: DepartmentSchema,
      check: (key, body) =>
        DEPARTMENT_BODY_KEY_MUST_MATCH_PATH && body.deptExternalKey !== key
          ? { field: 'deptExternalKey', message: `must equal the path key ${key}` }
          : body.parentDeptExternalKey === key
            ? { field: 'parentDeptExternalKey', message: 'a department cannot be its own parent' }
            : undefined,
    }),
    employees: entity({
      route: SEGMENTS.employee,
      body: EMPLOYEE_BODY_IS_OPEN ? EmployeeBodySchema.loose() : EmployeeBodySchema.strict(),
      result: EmployeeSchema,
    }),
    attributeDefinitions: listed(
      {
        route: SEGMENTS.attributeDefinition,
        body: AttributeDefinitionBodySchema,
        result: AttributeDefinitionSchema,
        // Seed 003: the edit body has no fieldUsedType.
        forUpdate: (body) =>
          Object.fromEntries(Object.entries(body).filter(([field]) => !(ATTRIBUTE_ADD_ONLY_FIELDS as readonly string[]).includes(field))),
      },
      SEGMENTS.attributeDefinitionList,
    ),
    attributeValues: {
      create: (employeeKey, attrKey, body, o = {}) => writeValue(ATTRIBUTE_VALUE_VERBS.create, employeeKey, attrKey, body, o),
      update: (employeeKey, attrKey, body, o = {}) => writeValue(ATTRIBUTE_VALUE_VERBS.update, employeeKey, attrKey, body, o),
      remove: async (employeeKey, attrKey, o = {}) => {
        await transport.call(attributeValueCall(ATTRIBUTE_VALUE_VERBS.remove, employeeKey, attrKey, o));
      },
      async get(employeeKey, attrKey, o = {}) {
        const call = attributeValueCall(ATTRIBUTE_VALUE_VERBS.get, employeeKey, attrKey, o);
        return readOptional(call, (payload) => ({ fieldData: parse(call, AttributeValueSchema, payload).fieldData ?? null }));
      },
    },
    reportsTo: {
      async set(employeeKey, managerKey, o = {}) {
        const call = byKey('PUT', SEGMENTS.reportsTo, employeeKey, o);
        await transport.call({ ...call, body: checkBody(call, ReportsToBodySchema, { [REPORTS_TO_FIELD]: managerKey }) });
      },
      async get(employeeKey, o = {}) {
        const call = byKey('GET', SEGMENTS.reportsTo, employeeKey, o);
        return readOptional(call, (payload) => parse(call, ReportsToSchema, payload)[REPORTS_TO_FIELD]).then(
          (manager) => manager || undefined,
        );
      },
      clear: async (employeeKey, o = {}) => {
        await transport.call(byKey('DELETE', SEGMENTS.reportsTo, employeeKey, o));
      },
    },
    absences: listed({ route: SEGMENTS.absence, body: AbsenceBodySchema, result: AbsenceSchema }, SEGMENTS.absenceList),
    async isRepresentativeAdmin(employeeKey, o = {}) {
      const call = byKey('GET', SEGMENTS.representativeAdmin, employeeKey, o);
      const answer = await readOptional(call, (payload) => parse(call, RepresentativeAdminSchema, payload).reprYn === 'Y');
      return answer ?? false;
    },
    stats: () => transport.stats(),
  };
}
