/**
 * The WORKPLACE organization client the sync engine writes with: typed operations for every entity
 * orgsync syncs (workplace.md §2, Decisions table), one generic implementation for the keyed ones.
 * Keys and bodies are checked before sending; answers are zod-parsed in any of the four shapes of §1.8.
 */
import type { z } from 'zod';
import type { WorkplaceConfig } from '../config/index.js';
import { DriftCounter, type DriftReport, type FieldType } from '../lib/drift.js';
import type { ExchangeListener } from '../lib/http-transport.js';
import type { SlotSource } from '../lib/pacer.js';
import {
  resolveProtocol,
  type BodyEntity,
  type JsonValue,
  type RouteName,
  type WorkplaceProtocol,
  type WorkplaceProtocolOverrides,
} from './assumptions.js';
import { WorkplaceNotFoundError, WorkplaceRequestError, WorkplaceResponseError, WorkplaceValidationError } from './errors.js';
import { requestTarget, WorkplaceTransport, type Method, type WorkplaceCall } from './http.js';
import {
  AttributeValueSchema,
  bodySchemas,
  documentedFields,
  fieldPath,
  listPageSchema,
  ReportsToSchema,
  RepresentativeAdminSchema,
  responseSchemas,
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

export interface ListOptions<T = unknown> extends CallOptions {
  /** Rows asked per request; default PAGE_SIZE. WORKPLACE may answer fewer: the client follows the rows. */
  pageSize?: number;
  /** Read only the first `pages` pages: a sample (orgsync doctor), never a listing to plan by. Default: every page. */
  pages?: number;
  /**
   * Rows the caller needs no more of than their key (the employees already as Knox has them): listed in
   * `settled` by key and not kept, page by page, so 100,000 of them are never held as objects.
   */
  settled?: (row: T) => boolean;
}

/** A WORKPLACE record a list returned that orgsync cannot use: its key (when readable), its place, and which fields failed (never their values). */
export interface UnreadableRecord {
  key?: string;
  /** Position in the whole list, from 0. */
  index: number;
  issues: string[];
}

/**
 * A whole WORKPLACE list: the records that parsed (projected and normalised), those that did not (a
 * malformed element never fails the listing), and how the list differs from the reference (drift).
 */
export interface WorkplaceListing<T> {
  rows: T[];
  unreadable: UnreadableRecord[];
  /** Records with no external key (grade, job, department, employee lists); absent for the other lists. */
  unmapped?: UnmappedRecord<T>[];
  /** Departments with a key under a parent without one: key → the parent's WORKPLACE id (`parentDeptNo`). */
  unmappedParents?: Map<string, string>;
  drift: DriftReport;
  /** The page size WORKPLACE refused with a 400, when it did: the list was read at `paging.fallbackPageSize`. */
  pageSizeRefused?: number;
  /** Keys of the readable rows the `settled` option took, which `rows` does not hold. */
  settled?: string[];
}

/**
 * A record WORKPLACE holds without an external key: migrated by hand (seed 000 step 1, 데이터 이관) and not
 * mapped yet (step 2). orgsync cannot address it, only avoid creating its twin (engine/collisions.ts).
 */
export interface UnmappedRecord<T> {
  /** Position in the whole list, from 0. */
  index: number;
  /** WORKPLACE's own id when the list shows one (`deptNo`, `empId`). */
  id?: string;
  /** Departments: the parent's WORKPLACE id (`parentDeptNo`), which names a parent that has no key either. */
  parentId?: string;
  row: Omit<T, 'externalKey'>;
}

/** create/update resolve to WORKPLACE's echo when it parses, else undefined: a write's outcome is its status (§1.8.2). */
export interface EntityApi<Body, T> {
  create(key: string, body: Body, o?: CallOptions): Promise<T | undefined>;
  update(key: string, body: Body, o?: CallOptions): Promise<T | undefined>;
  remove(key: string, o?: CallOptions): Promise<void>;
  /** undefined when WORKPLACE says "not found". */
  get(key: string, o?: CallOptions): Promise<T | undefined>;
  /** Every row: reads page after page (offset/limit) until the total is reached. */
  list(o?: ListOptions<T>): Promise<WorkplaceListing<T>>;
}

/** Keyed writes plus one unpaged full list (v1 addattr/addattrs; absence/absences). */
export type ListedApi<Body, T> = Omit<EntityApi<Body, T>, 'get' | 'list'> & { list(o?: CallOptions): Promise<WorkplaceListing<T>> };

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
  /** Await the WORKPLACE_RPS pacer before every request; default true. */
  rateLimit?: boolean;
  /**
   * Where the pacer's slots live; default this process alone. Worker processes sharing a PostgreSQL store
   * share its slots (`PostgresStore.rateSlots`), so WORKPLACE_RPS holds across them.
   */
  slots?: SlotSource;
  /** Sees each request/response exchange: method, path, bodies, status; never a header or a secret. */
  onExchange?: ExchangeListener;
  /** Overrides of the protocol, over the defaults (assumptions.ts) and the config file's `workplace.protocol`. */
  protocol?: WorkplaceProtocolOverrides;
}

/** orgsync's name of a field → the name on the wire, where the protocol lets a deployment rename it. */
type Renames = Readonly<Record<string, string>>;

interface KeyedSpec<Body, T> {
  entity: BodyEntity;
  route: RouteName;
  /** What the client checks before sending (documented sizes and required fields). */
  body: z.ZodType<Body>;
  result: z.ZodType<T>;
  /** How drift reports name the list, and the fields the reference documents for its records. */
  dataset: string;
  documented: { types: Record<string, FieldType>; optional: readonly string[] };
  /** Rules that tie the body to the path key, which a schema alone cannot state. */
  check?: (key: string, body: Body) => { field: string; message: string } | undefined;
  /** The PUT body, when the reference documents a different one than the POST's. */
  forUpdate?: (body: Body) => Record<string, unknown>;
  /** Field names the protocol renames on the wire. */
  renames?: Renames;
  /** How a value goes on the wire, beyond renaming (absence sortOrder as a String). */
  toWire?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** Keys the body refers to: WORKPLACE naming one in a 400 is a failed reference, not "not found". */
  references?: (body: Body) => (string | undefined)[];
  /** A record without an external key is an unmapped one (not unreadable); these fields carry WORKPLACE's own ids. */
  unmapped?: { id?: string; parentId?: string; parentKey?: string };
}

/** A field whose name says it holds a credential (initializePassword; not passwordSettingType): its value is redacted from captures and errors. */
const CREDENTIAL_FIELD = /(password|secret|token)$/i;

export function createWorkplaceClient(config: WorkplaceConfig, options: WorkplaceClientOptions = {}): WorkplaceClient {
  // Defaults (assumptions.ts), then the config file's workplace.protocol, then the caller's.
  const protocol = resolveProtocol(config.protocol, options.protocol);
  const bodies = bodySchemas(protocol);
  const transport = new WorkplaceTransport(config, {
    timeoutMs: options.timeoutMs ?? 30_000,
    now: options.now ?? Date.now,
    rateLimit: options.rateLimit ?? true,
    slots: options.slots,
    protocol,
    onExchange: options.onExchange,
    secrets: credentialValues(protocol),
  });
  const target = (call: Omit<WorkplaceCall, 'version' | 'segments' | 'route'> & { route: RouteName; keys?: readonly string[] }) => {
    const { version, segment } = protocol.paths[call.route];
    return { ...call, version, segments: [...segment.split('/').filter(Boolean), ...(call.keys ?? [])] } satisfies WorkplaceCall;
  };
  const describe = (call: WorkplaceCall) => requestTarget(config.companyId, protocol.prefixes, call).info;
  const { maxLength, unsendable } = protocol.keys;

  /**
   * A call on a keyed path, refused before sending if a key cannot be carried (§1.1: ≤ 36 characters).
   * `keys` names each key for the error; the first one is the call's externalKey.
   */
  function keyedCall(
    method: Method,
    route: RouteName,
    keys: Readonly<Record<string, string>>,
    path: readonly string[],
    o: CallOptions,
  ): WorkplaceCall {
    const call = target({ method, route, keys: path, externalKey: Object.values(keys)[0], signal: o.signal });
    for (const [field, key] of Object.entries(keys)) {
      const problem =
        typeof key !== 'string' || key === ''
          ? 'required'
          : key.length > maxLength
            ? `at most ${maxLength} characters, got ${key.length}`
            : unsendable.includes(key)
              ? `cannot be ${unsendable.map((k) => `"${k}"`).join(' or ')} (URLs drop them)`
              : undefined;
      if (problem) throw new WorkplaceRequestError({ ...describe(call), field, detail: `not sent: ${problem}` });
    }
    return call;
  }
  const byKey = (method: Method, route: RouteName, key: string, o: CallOptions) => keyedCall(method, route, { externalKey: key }, [key], o);

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
    return unwrapEnvelope((await transport.call(call)).json, protocol.envelopeFields);
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

  /** A single entity's answer, in orgsync's field names. An echo without its key (seed 002) gets the key of the path. */
  function fromWire(payload: unknown, renames: Renames | undefined, key?: string): unknown {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
    const record: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
    for (const [ours, wire] of Object.entries(renames ?? {})) {
      if (wire === ours || !(wire in record)) continue;
      record[ours] = record[wire];
      delete record[wire];
    }
    return key !== undefined && !('externalKey' in record) ? { externalKey: key, ...record } : record;
  }

  /** A body in the protocol's field names, with its constant extra fields (the fields orgsync sends win). */
  function toWire(entity: BodyEntity, op: 'create' | 'update', body: Record<string, unknown>, renames?: Renames): Record<string, unknown> {
    const wire: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(body)) wire[renames?.[field] ?? field] = value;
    return { ...(protocol.extraFields[entity][op] ?? {}), ...wire };
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
    const op = method === 'POST' ? 'create' : 'update';
    const sent = op === 'update' && spec.forUpdate ? spec.forUpdate(checked) : (checked as Record<string, unknown>);
    const wire = toWire(spec.entity, op, spec.toWire ? spec.toWire(sent) : sent, spec.renames);
    const references = spec.references?.(checked).filter((ref): ref is string => !!ref);
    const payload = await send({ ...call, body: wire, references });
    // The echo varies (seed 002 has no key, seed 003 drops fieldUsedType): informative, never a failed write.
    const echo = spec.result.safeParse(fromWire(payload, spec.renames, key));
    return echo.success ? echo.data : undefined;
  }

  function listed<B, T>(spec: KeyedSpec<B, T>, listRoute: RouteName): ListedApi<B, T> {
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
        const rows = Array.isArray(payload) ? payload : parse(call, listPageSchema(protocol.listFields), payload).elements;
        const listing = emptyListing<T>();
        const drift = new DriftCounter(spec.dataset, spec.documented.types, spec.documented.optional);
        readRows(spec, rows, listing, drift);
        return { ...listing, drift: drift.report() };
      },
    };
  }

  /**
   * Each element on its own: one that fails its schema becomes an unreadable record (its key if
   * readable, and which fields failed), the rest of the list still counts. Drift is counted on the
   * element as it came.
   */
  function readRows<B, T>(
    spec: KeyedSpec<B, T>,
    elements: readonly unknown[],
    listing: Omit<WorkplaceListing<T>, 'drift'>,
    drift: DriftCounter,
    settled?: (row: T) => boolean,
  ) {
    for (const element of elements) {
      const index = listing.rows.length + listing.unreadable.length + (listing.unmapped?.length ?? 0) + (listing.settled?.length ?? 0);
      const key = readableKey(element);
      drift.observe(element, key);
      if (spec.unmapped && isUnmapped(element)) {
        // Read as any record is (the key aside), so a malformed one is still unreadable.
        const parsed = spec.result.safeParse({ ...(fromWire(element, spec.renames) as object), externalKey: '-' });
        if (parsed.success) {
          const { externalKey: _none, ...row } = parsed.data as T & { externalKey: string };
          const ids = spec.unmapped;
          const id = ids.id ? textOf(element[ids.id]) : undefined;
          const parentId = ids.parentId ? textOf(element[ids.parentId]) : undefined;
          (listing.unmapped ??= []).push({
            index,
            ...(id ? { id } : {}),
            ...(parentId ? { parentId } : {}),
            row,
          });
          continue;
        }
      }
      const parsed = spec.result.safeParse(fromWire(element, spec.renames));
      if (parsed.success) {
        if (key && settled?.(parsed.data)) {
          (listing.settled ??= []).push(key);
          continue;
        }
        listing.rows.push(parsed.data);
        const { parentId, parentKey } = spec.unmapped ?? {};
        const record = element as Record<string, unknown>;
        if (
          key &&
          parentId &&
          parentKey &&
          !textOf(record[parentKey]) &&
          textOf(record[parentId]) &&
          record[parentId] !== protocol.departments.root
        )
          (listing.unmappedParents ??= new Map()).set(key, record[parentId]);
      } else
        listing.unreadable.push({
          ...(key === undefined ? {} : { key }),
          index,
          issues: parsed.error.issues.map((issue) => `${issue.path.length ? fieldPath(issue.path) : '(record)'}: ${issue.message}`),
        });
    }
  }

  // Once WORKPLACE refused the configured page size, every later list of this client asks the fallback.
  let pageSizeRefused: number | undefined;

  function entity<B, T>(spec: KeyedSpec<B, T>): EntityApi<B, T> {
    const { offsetParam, limitParam, pageSize, fallbackPageSize } = protocol.paging;
    const pageSchema = listPageSchema(protocol.listFields);
    return {
      ...listed(spec, spec.route),
      async get(key, o = {}) {
        const call = byKey('GET', spec.route, key, o);
        return readOptional(call, (payload) => {
          if (payload === undefined || payload === null)
            throw new WorkplaceResponseError({ ...describe(call), detail: 'unexpected response: no body' });
          return parse(call, spec.result, fromWire(payload, spec.renames, key));
        });
      },
      async list(o = {}) {
        const asked = Math.max(1, Math.trunc(o.pageSize ?? pageSize));
        let limit = pageSizeRefused !== undefined && asked >= pageSizeRefused ? Math.min(asked, fallbackPageSize) : asked;
        const listing = emptyListing<T>();
        const drift = new DriftCounter(spec.dataset, spec.documented.types, spec.documented.optional);
        const pages = Math.max(1, Math.trunc(o.pages ?? Number.POSITIVE_INFINITY));
        const done = () => ({ ...listing, drift: drift.report(), ...(pageSizeRefused === undefined ? {} : { pageSizeRefused }) });
        // §2: offset is the first row; advance by the rows received, since WORKPLACE may cap the limit.
        // Without a total, a short page ends the list only when a longer one came before it: a capped
        // first page is as short as a whole list that fits in it, and stopping there would read the
        // list as cut short, everything after it then planned for deletion.
        for (let offset = 0, read = 0, longest = 0; ;) {
          const call = target({
            method: 'GET',
            route: spec.route,
            query: { [offsetParam]: String(offset), [limitParam]: String(limit) },
            signal: o.signal,
          });
          let payload: unknown;
          try {
            payload = await send(call);
          } catch (error) {
            // §5 Q11: no maximum is documented. A WORKPLACE that refuses a large limit (rather than capping it) is read at the fallback.
            if (!(limit > fallbackPageSize && error instanceof WorkplaceValidationError && error.status === 400)) throw error;
            pageSizeRefused = limit;
            limit = fallbackPageSize;
            continue;
          }
          const page = Array.isArray(payload) ? { elements: payload, totalCount: undefined } : parse(call, pageSchema, payload);
          readRows(spec, page.elements, listing, drift, o.settled);
          offset += page.elements.length;
          const total = page.totalCount;
          const ended = total === undefined ? page.elements.length === 0 || page.elements.length < longest : offset >= total;
          if (ended) return done();
          longest = Math.max(longest, page.elements.length);
          if (++read >= pages) return done();
          if (page.elements.length === 0) {
            throw new WorkplaceResponseError({
              ...describe(call),
              field: protocol.listFields.elements,
              detail: `unexpected response: empty page at offset ${offset} of totalCount ${total}`,
            });
          }
        }
      },
    };
  }

  /** §2.8: `addattrdata/employee/{externalKey}/attrkey/{attrExternalKey}`. */
  const { employeeSegment, attributeSegment, verbs: valueVerbs } = protocol.attributeValues;
  const attributeValueCall = (method: Method, employeeKey: string, attrKey: string, o: CallOptions) =>
    keyedCall(
      method,
      'attributeValue',
      { externalKey: employeeKey, attrExternalKey: attrKey },
      [employeeSegment, employeeKey, attributeSegment, attrKey],
      o,
    );
  async function writeValue(op: 'create' | 'update', employeeKey: string, attrKey: string, body: AttributeValueBody, o: CallOptions) {
    const call = attributeValueCall(valueVerbs[op], employeeKey, attrKey, o);
    const checked = checkBody(call, bodies.attributeValue, body);
    await transport.call({ ...call, body: toWire('attributeValues', op, checked) });
  }

  const { referenceFields } = protocol.employees;
  const responses = responseSchemas(protocol);
  const documented = documentedFields(protocol);
  const shown = (kind: keyof typeof documented, dataset: string) => ({ dataset: `WORKPLACE ${dataset}`, documented: documented[kind] });
  const reportsToRenames = { reportsToExternalKey: protocol.reportsTo.field };
  const removeAddOnly = (body: AttributeDefinitionBody) =>
    Object.fromEntries(Object.entries(body).filter(([field]) => !protocol.attributeDefinitions.addOnlyFields.includes(field)));
  return {
    grades: entity({
      ...shown('grade', 'grade list'),
      entity: 'grades',
      route: 'grade',
      body: bodies.grade,
      result: responses.grade,
      unmapped: {},
    }),
    jobs: entity({ ...shown('job', 'job list'), entity: 'jobs', route: 'job', body: bodies.job, result: responses.job, unmapped: {} }),
    departments: entity({
      ...shown('department', 'department list'),
      entity: 'departments',
      route: 'department',
      body: bodies.department,
      result: responses.department,
      renames: { deptLeaderExternalKey: protocol.departments.headField },
      check: (key, body) =>
        protocol.departments.bodyKeyMustMatchPath && body.deptExternalKey !== key
          ? { field: 'deptExternalKey', message: `must equal the path key ${key}` }
          : body.parentDeptExternalKey === key
            ? { field: 'parentDeptExternalKey', message: 'a department cannot be its own parent' }
            : undefined,
      references: (body) => [
        body.parentDeptExternalKey === protocol.departments.root ? undefined : body.parentDeptExternalKey,
        body.deptLeaderExternalKey,
      ],
      // §2.4/§6: department responses carry WORKPLACE's deptNo and parentDeptNo.
      unmapped: { id: 'deptNo', parentId: 'parentDeptNo', parentKey: 'parentDeptExternalKey' },
    }),
    employees: entity({
      ...shown('employee', 'employee list'),
      entity: 'employees',
      route: 'employee',
      body: bodies.employee,
      result: responses.employee,
      renames: {
        gradeCdExternalKey: referenceFields.grade,
        jobCdExternalKey: referenceFields.job,
        empTypeExternalKey: referenceFields.empType,
      },
      references: (body) => [
        body.deptExternalKey,
        ...body.concurrentDeptExternalKeys,
        body.gradeCdExternalKey,
        body.jobCdExternalKey,
        body.empTypeExternalKey,
      ],
      // §2.5: employee responses carry WORKPLACE's empId.
      unmapped: { id: 'empId' },
    }),
    attributeDefinitions: listed(
      {
        ...shown('attributeDefinition', 'additional attribute list'),
        entity: 'attributeDefinitions',
        route: 'attributeDefinition',
        body: bodies.attributeDefinition,
        result: responses.attributeDefinition,
        // Seed 003: the edit body has no fieldUsedType.
        forUpdate: removeAddOnly,
      },
      'attributeDefinitionList',
    ),
    attributeValues: {
      create: (employeeKey, attrKey, body, o = {}) => writeValue('create', employeeKey, attrKey, body, o),
      update: (employeeKey, attrKey, body, o = {}) => writeValue('update', employeeKey, attrKey, body, o),
      remove: async (employeeKey, attrKey, o = {}) => {
        await transport.call(attributeValueCall(valueVerbs.remove, employeeKey, attrKey, o));
      },
      async get(employeeKey, attrKey, o = {}) {
        const call = attributeValueCall(valueVerbs.get, employeeKey, attrKey, o);
        return readOptional(call, (payload) => ({ fieldData: parse(call, AttributeValueSchema, payload).fieldData ?? null }));
      },
    },
    reportsTo: {
      async set(employeeKey, managerKey, o = {}) {
        const call = byKey(protocol.reportsTo.verbs.set, 'reportsTo', employeeKey, o);
        const body = checkBody(call, bodies.reportsTo, { reportsToExternalKey: managerKey });
        await transport.call({ ...call, body: { [protocol.reportsTo.field]: body.reportsToExternalKey }, references: [managerKey] });
      },
      async get(employeeKey, o = {}) {
        const call = byKey(protocol.reportsTo.verbs.get, 'reportsTo', employeeKey, o);
        const manager = await readOptional(
          call,
          (payload) => parse(call, ReportsToSchema, fromWire(payload, reportsToRenames)).reportsToExternalKey,
        );
        return manager || undefined;
      },
      clear: async (employeeKey, o = {}) => {
        await transport.call(byKey(protocol.reportsTo.verbs.clear, 'reportsTo', employeeKey, o));
      },
    },
    absences: listed(
      {
        ...shown('absence', 'absence item list'),
        entity: 'absences',
        route: 'absence',
        body: bodies.absence,
        result: responses.absence,
        toWire: (body) => (protocol.absences.sortOrderIsInteger ? body : { ...body, sortOrder: String(body.sortOrder) }),
      },
      'absenceList',
    ),
    async isRepresentativeAdmin(employeeKey, o = {}) {
      const call = byKey('GET', 'representativeAdmin', employeeKey, o);
      const answer = await readOptional(call, (payload) => parse(call, RepresentativeAdminSchema, payload).reprYn === 'Y');
      return answer ?? false;
    },
    stats: () => transport.stats(),
  };
}

const emptyListing = <T>(): Omit<WorkplaceListing<T>, 'drift'> => ({ rows: [], unreadable: [] });

/** A list element whose externalKey is null, absent or empty: an object nobody has mapped (a malformed key is not this). */
function isUnmapped(element: unknown): element is Record<string, unknown> {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return false;
  const key = (element as Record<string, unknown>).externalKey;
  return key === null || key === undefined || key === '';
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A list element's externalKey, when it has a usable one (drift examples and unreadable records name it). */
function readableKey(element: unknown): string | undefined {
  if (typeof element !== 'object' || element === null) return undefined;
  const key = (element as Record<string, unknown>).externalKey;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/** The configured values of extra fields that hold credentials (an initial password): redacted like the NCP keys. */
function credentialValues(protocol: WorkplaceProtocol): string[] {
  const values: string[] = [];
  const collect = (value: JsonValue) => {
    if (typeof value === 'string' || typeof value === 'number') values.push(String(value));
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const byOp of Object.values(protocol.extraFields))
    for (const fields of [byOp.create, byOp.update])
      for (const [name, value] of Object.entries(fields ?? {})) if (CREDENTIAL_FIELD.test(name)) collect(value);
  return values.filter((value) => value.length >= 4);
}
