/**
 * The simulator's routes: every endpoint of workplace.md §2 orgsync uses (and the Decisions table's
 * assumed ones), matched against the raw path, each handled by the simulated WORKPLACE (store.ts).
 */
import type { ApiVersion, Route as ProtocolRoute, RouteName, WorkplaceProtocol } from '../assumptions.js';
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

/**
 * Every endpoint of workplace.md §2 orgsync uses (and the Decisions table's assumed ones), where the
 * protocol puts them. Routes named in `missing` are left out: the gateway answers them 404 / code 300.
 */
export function routeTable(
  workplace: SimulatedWorkplace,
  protocol: WorkplaceProtocol,
  pageLimit: PageLimit,
  missing: ReadonlySet<RouteName> = new Set(),
): Route[] {
  const { paths } = protocol;
  const parts = (route: ProtocolRoute) => route.segment.split('/').filter(Boolean);
  const at = (route: ProtocolRoute, pattern: readonly string[], label: string, handlers: Route['handlers']): Route => ({
    version: route.version,
    pattern: [...parts(route), ...pattern],
    label,
    handlers,
  });
  const keyed = (kind: Kind, name: RouteName, extra: Route['handlers'] = {}): Route =>
    at(paths[name], ['*'], paths[name].segment, {
      POST: ({ keys, body }) => workplace.create(kind, keys[0]!, body),
      PUT: ({ keys, body }) => workplace.update(kind, keys[0]!, body),
      DELETE: ({ keys }) => workplace.remove(kind, keys[0]!),
      ...extra,
    });
  const v2 = (kind: Kind, name: RouteName): [RouteName, Route][] => [
    [name, keyed(kind, name, { GET: ({ keys }) => workplace.get(kind, keys[0]!) })],
    [
      name,
      at(paths[name], [], `${paths[name].segment} list`, {
        GET: ({ query }) => page(workplace, kind, query, protocol.paging, pageLimit),
      }),
    ],
  ];
  const list = (kind: Kind, name: RouteName): [RouteName, Route] => [
    name,
    at(paths[name], [], paths[name].segment, { GET: () => workplace.all(kind) }),
  ];
  const { employeeSegment, attributeSegment, verbs } = protocol.attributeValues;
  const definitions = keyed('attributeDefinition', 'attributeDefinition');
  const editDefinition = definitions.handlers.PUT!;
  const reportsTo = protocol.reportsTo.verbs;
  const table: [RouteName, Route][] = [
    ...v2('grade', 'grade'),
    ...v2('job', 'job'),
    ...v2('department', 'department'),
    ...v2('employee', 'employee'),
    // Seed 003: the addattr edit answers 201.
    [
      'attributeDefinition',
      {
        ...definitions,
        handlers: { ...definitions.handlers, PUT: (r) => withStatus(editDefinition(r), protocol.successStatus.attributeDefinitionEdit) },
      },
    ],
    list('attributeDefinition', 'attributeDefinitionList'),
    [
      'attributeValue',
      at(paths.attributeValue, [employeeSegment, '*', attributeSegment, '*'], paths.attributeValue.segment, {
        [verbs.create]: ({ keys, body }) => workplace.writeValue('create', keys[0]!, keys[1]!, body),
        [verbs.update]: ({ keys, body }) => workplace.writeValue('update', keys[0]!, keys[1]!, body),
        [verbs.remove]: ({ keys }) => workplace.removeValue(keys[0]!, keys[1]!),
        [verbs.get]: ({ keys }) => workplace.getValue(keys[0]!, keys[1]!),
      }),
    ],
    [
      'reportsTo',
      at(paths.reportsTo, ['*'], paths.reportsTo.segment, {
        [reportsTo.set]: ({ keys, body }) => workplace.setReportsTo(keys[0]!, body),
        [reportsTo.get]: ({ keys }) => workplace.getReportsTo(keys[0]!),
        [reportsTo.clear]: ({ keys }) => workplace.clearReportsTo(keys[0]!),
      }),
    ],
    [
      'representativeAdmin',
      at(paths.representativeAdmin, ['*'], paths.representativeAdmin.segment, {
        GET: ({ keys }) => workplace.representativeAdmin(keys[0]!),
      }),
    ],
    ['absence', keyed('absence', 'absence')],
    list('absence', 'absenceList'),
  ];
  return table.filter(([name]) => !missing.has(name)).map(([, route]) => route);
}

const withStatus = (outcome: Outcome, status: number): Outcome => ('refused' in outcome ? outcome : { ...outcome, status });

/** The largest `limit` a v2 list answers, and what it does with a larger one. */
export interface PageLimit {
  max: number;
  /** Refuse a larger limit with a 400 instead of capping it (another reading of §5 Q11). */
  refuseAbove?: boolean;
}

/** §2 paging: `offset` (first row, default 0) and `limit` (default and cap `max`). */
function page(
  workplace: SimulatedWorkplace,
  kind: Kind,
  query: URLSearchParams,
  paging: WorkplaceProtocol['paging'],
  pageLimit: PageLimit,
): Outcome {
  const number = (name: string, fallback: number, min: number) => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    return /^\d+$/.test(raw) && Number(raw) >= min ? Number(raw) : undefined;
  };
  const offset = number(paging.offsetParam, 0, 0);
  const limit = number(paging.limitParam, pageLimit.max, 1);
  if (offset === undefined) return { status: 400, refused: `invalid request: ${paging.offsetParam}: expected a whole number ≥ 0` };
  if (limit === undefined) return { status: 400, refused: `invalid request: ${paging.limitParam}: expected a whole number ≥ 1` };
  if (pageLimit.refuseAbove && limit > pageLimit.max)
    return { status: 400, refused: `invalid request: ${paging.limitParam}: at most ${pageLimit.max}` };
  return workplace.page(kind, offset, Math.min(limit, pageLimit.max));
}

/** The route of a raw path: prefix, companyId, then the pattern; keys are percent-decoded. */
export function matchRoute(routes: readonly Route[], prefixes: WorkplaceProtocol['prefixes'], path: string, method: string): Match {
  let parts: string[];
  try {
    parts = path.split('/').map(decodeURIComponent);
  } catch {
    return { malformed: true };
  }
  for (const version of Object.keys(prefixes) as ApiVersion[]) {
    const prefix = prefixes[version].replace(/\/+$/, '').split('/');
    if (parts.length <= prefix.length || prefix.some((p, i) => parts[i] !== p)) continue;
    const [companyId, ...rest] = parts.slice(prefix.length);
    const route = routes.find(
      (r) =>
        r.version === version &&
        r.pattern.length === rest.length &&
        r.pattern.every((p, i) => (p === '*' ? rest[i] !== '' : p === rest[i])),
    );
    if (!route) continue;
    return { route, handler: route.handlers[method], companyId, keys: rest.filter((_, i) => route.pattern[i] === '*') };
  }
  return {};
}
