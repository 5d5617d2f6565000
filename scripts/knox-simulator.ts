/**
 * The Knox simulator on the command line, serving a generated org:
 *   npx tsx scripts/knox-simulator.ts [--port 8082] --employees 3000 --departments 300 --seed 1   (default port 0: a free one, printed)
 *   other readings of the seed (knox/simulator/dialect.ts): --empty-values null|omitted  --drop-field organizations.departmentName (repeatable)
 * Prints its URL; Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { generateOrg } from '../generator/index.js';
import type { KnoxDialect, KnoxRecordSet } from '../knox/simulator/dialect.js';
import { startKnoxSimulator } from '../knox/simulator/server.js';

const { values } = parseArgs({
  options: {
    // the server
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'latency-ms': { type: 'string', default: '0' },
    'system-id': { type: 'string' },
    // the generated org it serves
    employees: { type: 'string', default: '3000' },
    departments: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1' },
    company: { type: 'string', default: 'C60' },
    // its reading of the seed (dialect.ts)
    'empty-values': { type: 'string', default: 'emptyString' },
    'drop-field': { type: 'string', multiple: true, default: [] },
  },
});

function int(name: keyof typeof values): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) usage(`--${name} must be a non-negative integer, got ${String(values[name])}`);
  return n;
}

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

function dialect(): KnoxDialect {
  const emptyValues = values['empty-values'];
  if (emptyValues !== 'emptyString' && emptyValues !== 'null' && emptyValues !== 'omitted')
    usage(`--empty-values must be emptyString, null or omitted, got ${emptyValues}`);
  const dropFields: Partial<Record<KnoxRecordSet, string[]>> = {};
  for (const spec of values['drop-field']) {
    const [set, field] = spec.split('.') as [string, string | undefined];
    if ((set !== 'titles' && set !== 'organizations' && set !== 'employees') || !field)
      usage(`--drop-field takes titles|organizations|employees.<field>, got ${spec}`);
    (dropFields[set] ??= []).push(field);
  }
  return { emptyValues, dropFields };
}

const started = performance.now();
const org = generateOrg({
  seed: int('seed'),
  employees: int('employees'),
  departments: Math.max(1, int('departments')),
  companyCode: values.company,
});
const simulator = await startKnoxSimulator({
  port: int('port'),
  host: values.host,
  systemId: values['system-id'],
  org,
  dialect: dialect(),
});
simulator.faults.latencyMs(int('latency-ms'));
console.log(
  `Knox simulator: ${org.employees.length} employees, ${org.organizations.length} departments of ${org.companyCode} (seed ${values.seed}, generated in ${Math.round(performance.now() - started)} ms)`,
);
console.log(simulator.url);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
