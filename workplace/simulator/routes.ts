/**
 * The simulator's routes: every endpoint of workplace.md §2 orgsync uses (and the Decisions table's
 * assumed ones), matched against the raw path, each handled by the simulated WORKPLACE (store.ts).
 */
import {
  ATTRIBUTE_DEFINITION_EDIT_STATUS,
  ATTRIBUTE_VALUE_PATH,
  ATTRIBUTE_VALUE_VERBS,
  PAGING_PARAMS,
  PREFIX,
  SEGMENTS,
  type ApiVersion,
} from '../assumptions.js';
import type { Kind, Outcome, SimulatedWorkplace } from './store.js';

export type Handler = (request: { keys: string[]; body: unknown; query: URLSearchParams }) => Outcome;

export interface Route {
  version: ApiVersion;
  /** Path segments after the companyId; '*' is a key. */
  pattern: readonly string[];
  label: string;
  handlers: Partial<Record<string, Handler>>;
}

export interface Match {
  route?: Route;
  handler?: Handler;
  companyId?: string;
  keys?: string[];
  malformed?: boolean;
}

/** Every endpoint of workplace.md §2 orgsync uses (and the Decisions table's assumed ones). */
export function routeTable(workplace: SimulatedWorkplace, pageSizeMax: number): Route[] {
  const keyed = (kind: Kind, route: { version: ApiVersion; segment: string }, extra: Partial<Record<string, Handler>> = {}): Route => ({
    version: route.version,
    pattern: [route.segment, '*'],
    label: route.segment,
    handlers: {
      POST: ({ keys, body }) => workplace.create(kind, keys[0]!, body),
      PUT: ({ keys, body }) => workplace.update(kind, keys[0]!, body),
      DELETE: ({ keys }) => workplace.remove(kind, keys[0]!),
      ...extra,
    },
  });
  const v2 = (kind: Kind, route: { version: ApiVersion; segment: string }): Route[] => [
    keyed(kind, route, { GET: ({ keys }) => workplace.get(kind, keys[0]!) }),
    {
      version: route.version,
      pattern: [route.segment],
      label: `${route.segment} list`,
      handlers: { GET: ({ query }) => page(workplace, kind, query, pageSizeMax) },
    },
  ];
  const list = (kind: Kind, route: { version: ApiVersion; segment: string }): Route => ({
    version: route.version,
    pattern: [route.segment],
    label: route.segment,
    handlers: { GET: () => workplace.all(kind) },
  });
  const { employee, attribute } = ATTRIBUTE_VALUE_PATH;
  const definitions = keyed('attributeDefinition', SEGMENTS.attributeDefinition);
  const editDefinition = definitions.handlers.PUT!;
  return [
    ...v2('grade', SEGMENTS.grade),
    ...v2('job', SEGMENTS.job),
    ...v2('department', SEGMENTS.department),
    ...v2('employee', SEGMENTS.employee),
    // Seed 003: the addattr edit answers 201.
    { ...definitions, handlers: { ...definitions.handlers, PUT: (r) => withStatus(editDefinition(r), ATTRIBUTE_DEFINITION_EDIT_STATUS) } },
    list('attributeDefinition', SEGMENTS.attributeDefinitionList),
    {
      version: SEGMENTS.attributeValue.version,
      pattern: [SEGMENTS.attributeValue.segment, employee, '*', attribute, '*'],
      label: SEGMENTS.attributeValue.segment,
      handlers: {
        [ATTRIBUTE_VALUE_VERBS.create]: ({ keys, body }) => workplace.writeValue('create', keys[0]!, keys[1]!, body),
        [ATTRIBUTE_VALUE_VERBS.update]: ({ keys, body }) => workplace.writeValue('update', keys[0]!, keys[1]!, body),
        [ATTRIBUTE_VALUE_VERBS.remove]: ({ keys }) => workplace.removeValue(keys[0]!, keys[1]!),
        [ATTRIBUTE_VALUE_VERBS.get]: ({ keys }) => workplace.getValue(keys[0]!, keys[1]!),
      },
    },
    {
      version: SEGMENTS.reportsTo.version,
      pattern: [SEGMENTS.reportsTo.segment, '*'],
      label: SEGMENTS.reportsTo.segment,
      handlers: {
        PUT: ({ keys, body }) => workplace.setReportsTo(keys[0]!, body),
        GET: ({ keys }) => workplace.getReportsTo(keys[0]!),
        DELETE: ({ keys }) => workplace.clearReportsTo(keys[0]!),
      },
    },
    {
      version: SEGMENTS.representativeAdmin.version,
      pattern: [SEGMENTS.representativeAdmin.segment, '*'],
      label: SEGMENTS.representativeAdmin.segment,
      handlers: { GET: ({ keys }) => workplace.representativeAdmin(keys[0]!) },
    },
    keyed('absence', SEGMENTS.absence),
    list('absence', SEGMENTS.absenceList),
  ];
}

const withStatus = (outcome: Outcome, status: 200 | 201): Outcome => (outcome.status === 400 ? outcome : { ...outcome, status });

/** §2 paging: `offset` (first row, default 0) and `limit` (default and cap pageSizeMax). */
function page(workplace: SimulatedWorkplace, kind: Kind, query: URLSearchParams, pageSizeMax: number): Outcome {
  const number = (name: string, fallback: number, min: number) => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    return /^\d+$/.test(raw) && Number(raw) >= min ? Number(raw) : undefined;
  };
  const offset = number(PAGING_PARAMS.offset, 0, 0);
  const limit = number(PAGING_PARAMS.limit, pageSizeMax, 1);
  if (offset === undefined) return { status: 400, message: `invalid request: ${PAGING_PARAMS.offset}: expected a whole number ≥ 0` };
  if (limit === undefined) return { status: 400, message: `invalid request: ${PAGING_PARAMS.limit}: expected a whole number ≥ 1` };
  return workplace.page(kind, offset, Math.min(limit, pageSizeMax));
}

/** The route of a raw path: prefix, companyId, then the pattern; keys are percent-decoded. */
export function matchRoute(routes: readonly Route[], path: string, method: string): Match {
  let parts: string[];
  try {
    parts = path.split('/').map(decodeURIComponent);
  } catch {
    return { malformed: true };
  }
  for (const version of Object.keys(PREFIX) as ApiVersion[]) {
    const prefix = PREFIX[version].split('/');
    if (parts.length <= prefix.length || prefix.some((p, i) => parts[i] !== p)) continue;
    const [companyId, ...rest] = parts.slice(prefix.length);
    const route = routes.find(
      (r) =>
        r.version === version &&
        r.pattern.length === rest.length &&
        r.pattern.every((p, i) => (p === '*' ? rest[i] !== '' : p === rest[i])),
    );
    if (!route) return {};
    return { route, handler: route.handlers[method], companyId, keys: rest.filter((_, i) => route.pattern[i] === '*') };
  }
  return {};
}
