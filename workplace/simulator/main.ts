/**
 * The WORKPLACE simulator on the command line:
 *   npx tsx workplace/simulator/main.ts [--port 8081] --company-id … --access-key … --secret-key …   (default port 0: a free one, printed)
 * Credentials fall back to WORKPLACE_COMPANY_ID, NCP_ACCESS_KEY, NCP_SECRET_KEY and NCP_API_KEY, then
 * to made-up local ones. Prints its URL; Ctrl-C stops it (and writes the state to --dump, if given).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { WorkplaceProtocolSchema } from '../../config/workplace-protocol.js';
import { DEFAULT_PROTOCOL, type RouteName } from '../assumptions.js';
import { DEFAULT_SIMULATOR_CREDENTIALS, startWorkplaceSimulator, type SimState } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'company-id': { type: 'string', default: process.env.WORKPLACE_COMPANY_ID ?? DEFAULT_SIMULATOR_CREDENTIALS.companyId },
    'access-key': { type: 'string', default: process.env.NCP_ACCESS_KEY ?? DEFAULT_SIMULATOR_CREDENTIALS.accessKey },
    'secret-key': { type: 'string', default: process.env.NCP_SECRET_KEY ?? DEFAULT_SIMULATOR_CREDENTIALS.secretKey },
    'api-key': { type: 'string', default: process.env.NCP_API_KEY },
    rps: { type: 'string' },
    burst: { type: 'string' },
    'per-day': { type: 'string' },
    'page-size-max': { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
    'server-error-ratio': { type: 'string', default: '0' },
    /** A JSON file with a (partial) SimState to start from. */
    state: { type: 'string' },
    /** Where to write the state on exit. */
    dump: { type: 'string' },
    bare: { type: 'boolean', default: false },
    /** A YAML or JSON file holding a `workplace.protocol` section: the protocol this WORKPLACE speaks. */
    protocol: { type: 'string' },
    'real-tenant-lists': { type: 'boolean', default: false },
    'korean-messages': { type: 'boolean', default: false },
    'refuses-large-pages': { type: 'boolean', default: false },
    /** Comma-separated protocol path names the gateway has no route for, e.g. reportsTo,absence. */
    'missing-routes': { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function protocolFile(path: string) {
  const parsed = WorkplaceProtocolSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success)
    fail(`--protocol ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const missingRoutes = (values['missing-routes'] ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean)
  .map((name) =>
    name in DEFAULT_PROTOCOL.paths ? (name as RouteName) : fail(`--missing-routes: no path named ${name} (see workplace.protocol.paths)`),
  );

function number(name: keyof typeof values, o: { integer?: boolean } = {}): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (o.integer && !Number.isInteger(n)))
    fail(`--${name} must be a non-negative ${o.integer ? 'integer' : 'number'}, got ${String(raw)}`);
  return n;
}

const rps = number('rps');
const simulator = await startWorkplaceSimulator({
  port: number('port', { integer: true }) ?? 0,
  host: values.host,
  companyId: values['company-id'],
  accessKey: values['access-key'],
  secretKey: values['secret-key'],
  ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
  ...(rps
    ? {
        rateLimit: {
          perSecond: rps,
          burst: number('burst') ?? Math.max(1, Math.ceil(rps)),
          ...(values['per-day'] ? { perDay: number('per-day', { integer: true })! } : {}),
        },
      }
    : {}),
  ...(values['page-size-max'] ? { pageSizeMax: number('page-size-max', { integer: true })! } : {}),
  ...(values.state ? { state: JSON.parse(readFileSync(values.state, 'utf8')) as Partial<SimState> } : {}),
  bareResponses: values.bare,
  ...(values.protocol ? { protocol: protocolFile(values.protocol) } : {}),
  reading: {
    realTenantLists: values['real-tenant-lists'],
    koreanMessages: values['korean-messages'],
    refusesLargePages: values['refuses-large-pages'],
    missingRoutes,
  },
});
simulator.faults.latencyMs(number('latency-ms') ?? 0);
simulator.faults.serverErrorRatio(number('server-error-ratio') ?? 0);
console.log(
  `WORKPLACE simulator for company ${values['company-id']}${rps ? `, ${rps} requests/s` : ''}${values['api-key'] ? ', signature v1 accepted' : ''}`,
);
console.log(simulator.url);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (values.dump) writeFileSync(values.dump, `${JSON.stringify(simulator.dump(), null, 2)}\n`);
    void simulator.close().then(() => process.exit(0));
  });
}
