/**
 * What a full Knox read costs at production size: generate 100,000 employees in 10,000 departments,
 * serve them from the simulator, read them with the client (per department or per title, paged), and
 * check the read found everyone. Numbers quoted in knox/client.ts and docs/knox.md.
 *   npx tsx bench/knox-read.ts [--by department|title] [--employees 100000] [--departments 10000] [--seed 1] [--concurrency 8]
 * The last line reads "Knox calls N": scripts read it.
 */
import { PAGE_SIZE } from '../knox/assumptions.js';
import { generateOrg, nextDay, validateOrg } from '../generator/index.js';
import { createKnoxClient, departmentCodesOf, titleCodesOf } from '../knox/index.js';
import { startKnoxSimulator } from '../knox/simulator/server.js';
import { benchArgs, orgSize } from './args.js';

const values = benchArgs({ employees: 100000, departments: 10000, seed: 1 }, { concurrency: 8, by: 'department' });
if (values.by !== 'department' && values.by !== 'title') {
  console.error(`--by must be department or title, got ${values.by}`);
  process.exit(2);
}
const size = orgSize(values);

const timed = async <T>(what: string, fn: () => T | Promise<T>): Promise<T> => {
  const started = performance.now();
  const result = await fn();
  console.log(`${what}: ${Math.round(performance.now() - started)} ms`);
  return result;
};

const org = await timed(`generateOrg ${size.employees} employees / ${size.departments} departments`, () => generateOrg(size));
const day = await timed('nextDay at churn 0.01', () => nextDay(org, { seed: 2, churn: 0.01 }));
const problems = await timed('validateOrg', () => validateOrg(day.org));
if (problems.length) throw new Error(`generated org is invalid: ${problems.join('; ')}`);
console.log('changes:', Object.fromEntries((Object.entries(day.changes) as [string, string[]][]).map(([k, v]) => [k, v.length])));

const ceilPages = (sizes: Iterable<number>) => [...sizes].reduce((calls, n) => calls + Math.max(1, Math.ceil(n / PAGE_SIZE)), 0);
const count = (key: 'departmentCode' | 'titleCode', seeds: Iterable<string>) => {
  const sizes = new Map([...seeds].map((k) => [k, 0]));
  for (const e of org.employees) sizes.set(e[key], (sizes.get(e[key]) ?? 0) + 1);
  return sizes;
};
const perDepartment = ceilPages(
  count(
    'departmentCode',
    org.organizations.map((d) => d.departmentCode),
  ).values(),
);
const perTitle = ceilPages(
  count(
    'titleCode',
    org.titles.map((t) => t.titleCode),
  ).values(),
);

const simulator = await startKnoxSimulator({ org });
try {
  const client = createKnoxClient(
    { baseUrl: simulator.url, systemId: 'BENCH', companyCodes: [org.companyCode], rps: 1000, headers: {} },
    { rateLimit: false, concurrency: Number(values.concurrency) },
  );
  const titles = await client.listTitles(org.companyCode);
  const organizations = await client.listOrganizations(org.companyCode);
  const byTitle = values.by === 'title';
  const employees = await timed(`employees by ${values.by} over the simulator (no rate limit)`, () =>
    byTitle
      ? client.listEmployeesByTitle(org.companyCode, { titleCodes: titleCodesOf(titles) })
      : client.listEmployees(org.companyCode, { departmentCodes: departmentCodesOf(organizations) }),
  );
  if (employees.rows.length !== org.employees.length || employees.invalid.length)
    throw new Error(`read ${employees.rows.length} rows and ${employees.invalid.length} invalid, expected ${org.employees.length}`);
  const total = titles.calls + organizations.calls + employees.calls;
  console.log(
    `calls: titles ${titles.calls}, organizations ${organizations.calls}, employees by ${values.by} ${employees.calls} (predicted ${byTitle ? perTitle : perDepartment}; by ${byTitle ? 'department' : 'title'} it would be ${byTitle ? perDepartment : perTitle})`,
  );
  console.log(`at KNOX_RPS=10: ${(total / 10 / 60).toFixed(1)} min`);
  if (byTitle)
    console.log('complete here because every generated titleCode is listed; a real read needs the completeness checks (docs/knox.md)');
  console.log(`Knox calls ${total}`);
} finally {
  await simulator.close();
}
