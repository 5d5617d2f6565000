/**
 * orgsync's configuration: environment variables, optionally merged over a YAML or JSON file named by
 * ORGSYNC_CONFIG. One zod schema per section; every problem is reported at once, by variable name,
 * and no value is ever echoed (so a secret in the wrong variable does not end up in a log).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Secret } from './secret.js';
import { OnboardingSettingsSchema } from './onboarding.js';
import { SyncSettingsSchema } from './sync.js';
import { WorkplaceProtocolSchema } from './workplace-protocol.js';

export { Secret } from './secret.js';
export type { AbsenceItem, AdditionalAttribute, SyncSettings } from './sync.js';
export type { OnboardingSettings, SheetSettings } from './onboarding.js';

const secret = (what: string) =>
  z
    .string({ error: `required: ${what}` })
    .min(1, { error: `required: ${what}` })
    .transform((value) => new Secret(value));

const url = (what: string) =>
  z
    .string({ error: `required: ${what}` })
    .min(1, { error: `required: ${what}` })
    .pipe(z.url({ protocol: /^https?$/, error: `expected an http(s) URL: ${what}` }))
    .transform((u) => u.replace(/\/+$/, ''));

/**
 * WORKPLACE_PACE_MARGIN_MS's default, an assumption (WORKPLACE publishes no rate, workplace.md §1.6): 5%, so the apply
 * rate can reach 95% of WORKPLACE_RPS. Measured arrival jitter: well under 50 ms on an idle host; 59 ms once, on a
 * 2-core CI host running the whole test suite (ARCHITECTURE "Rate limits").
 */
export const DEFAULT_PACE_MARGIN_MS = 50;

const rps = (what: string, fallback: number) =>
  z.coerce
    .number({ error: `expected a positive number: ${what}` })
    .positive({ error: `expected a positive number: ${what}` })
    .default(fallback);

/** An env var's `a, b,c` as ['a', 'b', 'c']; a file's YAML list passes through as it is. */
const splitCommas = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : v;

const commaList = (what: string) =>
  z.preprocess(splitCommas, z.array(z.string().min(1), { error: `required: ${what}` }).min(1, { error: `required: ${what}` }));

/** Extra headers for Knox, e.g. an API gateway's own auth header. Values are credentials. */
const headerMap = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return Symbol('invalid');
    }
  },
  z
    .record(z.string(), z.string(), { error: 'expected a JSON object of header name to value' })
    .transform((headers) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, new Secret(value)]))),
);

export const TemporalConfigSchema = z.object({
  address: z.string().min(1).default('127.0.0.1:7233'),
  namespace: z.string().min(1).default('default'),
  taskQueue: z.string().min(1).default('orgsync'),
});

const knoxPath = z.string().regex(/^\/\S*$/, { error: 'expected a path starting with /' });

/** knox.md's protocol assumptions, overridable from the config file (knox: protocol:) once the real API is known. */
export const KnoxProtocolSchema = z
  .object({
    paths: z.object({ titles: knoxPath, organizations: knoxPath, employees: knoxPath }).partial().strict().optional(),
    employeesMethod: z.enum(['POST', 'GET'], { error: 'expected POST or GET' }).optional(),
    errorFields: z
      .object({ code: z.string().min(1), message: z.string().min(1) })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

export const KnoxConfigSchema = z.object({
  baseUrl: url('base URL of the Knox Portal API, e.g. https://knox.example.com/api'),
  systemId: z
    .string({ error: 'required: the System-ID (연계 아이디) Knox issued to orgsync' })
    .min(1, { error: 'required: the System-ID (연계 아이디) Knox issued to orgsync' }),
  companyCodes: commaList('comma-separated Knox company codes, e.g. C60,C10'),
  rps: rps('Knox requests per second', 10),
  headers: headerMap.default({}),
  protocol: KnoxProtocolSchema.optional(),
});

export const WorkplaceConfigSchema = z.object({
  baseUrl: url('WORKPLACE API gateway URL').default('https://workplace.apigw.ntruss.com'),
  companyId: z
    .string({ error: 'required: the WORKPLACE company id (연동키) from Developers > Basic settings' })
    .min(1, { error: 'required: the WORKPLACE company id (연동키) from Developers > Basic settings' }),
  accessKey: secret('the NCP access key id'),
  secretKey: secret('the NCP secret key'),
  apiKey: secret('the API Gateway API key').optional(),
  rps: rps('WORKPLACE requests per second, across all workers', 10),
  /**
   * How much wider than a second the pacer counts WORKPLACE_RPS over (lib/pacer.ts): the jitter it absorbs between a
   * start here and its arrival at the gateway. The apply rate's ceiling is 1000 / (1000 + margin) of WORKPLACE_RPS.
   */
  paceMarginMs: z.coerce
    .number({ error: 'expected whole milliseconds from 0 to 1000' })
    .int({ error: 'expected whole milliseconds from 0 to 1000' })
    .min(0, { error: 'expected whole milliseconds from 0 to 1000' })
    .max(1000, { error: 'expected whole milliseconds from 0 to 1000' })
    .default(DEFAULT_PACE_MARGIN_MS),
  signatureVersion: z.enum(['v2', 'v1'], { error: 'expected v2 or v1' }).default('v2'),
  /** workplace/assumptions.ts's protocol, overridable from the config file (workplace: protocol:) once the real API is known. */
  protocol: WorkplaceProtocolSchema.optional(),
});

export const StoreConfigSchema = z.object({
  /** The staging store's embedded default: a local directory. */
  dir: z.string().min(1).default('.orgsync/store'),
  /** A PostgreSQL database instead, which workers on several hosts share. A credential: it may carry a password. */
  url: z
    .string()
    .pipe(z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL, e.g. postgres://orgsync:…@db:5432/orgsync' }))
    .transform((value) => new Secret(value))
    .optional(),
  /** The schema in that database holding the store's tables; one database can hold several orgsync deployments. */
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'expected a PostgreSQL schema name: lower-case letters, digits, _' })
    .default('orgsync'),
});

export const TelemetryConfigSchema = z.object({
  /** host:port for the worker's Prometheus endpoint; empty turns it off. */
  metricsAddress: z.string().default('127.0.0.1:9464'),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
});

/** Same form as sync.deletionGuard.decisionTimeout: milliseconds or '90s', '30m', '2h', '1d'. */
const duration = z.union([z.number().int().positive(), z.string().regex(/^\d+(ms|s|m|h|d)$/)], {
  error: "expected milliseconds or a duration such as '2h'",
});

/** A chat webhook carries its token in the URL (Slack, Teams, Google Chat), so the whole URL is a secret. */
const webhookUrl = z
  .string()
  .pipe(z.url({ protocol: /^https?$/, error: 'expected http(s) URLs, comma-separated' }))
  .transform((u) => new Secret(u));

/** Mail through SMTP (nodemailer): `secure` is TLS from the first byte (port 465); otherwise STARTTLS when offered. */
export const SmtpConfigSchema = z
  .object({
    host: z.string().min(1),
    port: z.coerce.number().int().positive().default(587),
    secure: z.boolean().default(false),
    user: z.string().min(1).optional(),
    password: secret('the SMTP password').optional(),
    from: z.string().min(1),
    to: z.array(z.email({ error: 'expected e-mail addresses' })).min(1),
  })
  .strict();

/** Who is told when a run waits for a decision, fails, or completes with problems (notify/). */
export const NotifyConfigSchema = z.object({
  webhooks: z.preprocess(splitCommas, z.array(webhookUrl)).default([]),
  /** The language of the ready-made `text` (and of the mail). */
  language: z.enum(['ko', 'en'], { error: 'expected ko or en' }).default('ko'),
  /** How long before a deletion decision's deadline the reminder goes out. */
  deadlineWarning: duration.default('2h'),
  /** The Temporal Web UI, for links to the run (e.g. http://temporal-ui.example.com:8080). */
  uiUrl: url('the Temporal Web UI URL').optional(),
  smtp: SmtpConfigSchema.optional(),
});

export const ConfigSchema = z.object({
  temporal: TemporalConfigSchema,
  knox: KnoxConfigSchema,
  workplace: WorkplaceConfigSchema,
  store: StoreConfigSchema,
  telemetry: TelemetryConfigSchema,
  sync: SyncSettingsSchema,
  /** `orgsync external-keys` only: the template headers (config/onboarding.ts). */
  onboarding: OnboardingSettingsSchema,
  notify: NotifyConfigSchema,
});

export type Config = z.infer<typeof ConfigSchema>;
export type TemporalConfig = z.infer<typeof TemporalConfigSchema>;
export type KnoxConfig = z.infer<typeof KnoxConfigSchema>;
export type WorkplaceConfig = z.infer<typeof WorkplaceConfigSchema>;
export type NotifyConfig = z.infer<typeof NotifyConfigSchema>;
export type StoreConfig = z.infer<typeof StoreConfigSchema>;
export type Section = keyof Config;

/** The environment contract: variable name → where it lands in the config. Documented in README. */
export const ENV_VARS = {
  TEMPORAL_ADDRESS: ['temporal', 'address'],
  TEMPORAL_NAMESPACE: ['temporal', 'namespace'],
  ORGSYNC_TASK_QUEUE: ['temporal', 'taskQueue'],
  KNOX_BASE_URL: ['knox', 'baseUrl'],
  KNOX_SYSTEM_ID: ['knox', 'systemId'],
  KNOX_COMPANY_CODES: ['knox', 'companyCodes'],
  KNOX_RPS: ['knox', 'rps'],
  KNOX_HEADERS: ['knox', 'headers'],
  WORKPLACE_BASE_URL: ['workplace', 'baseUrl'],
  WORKPLACE_COMPANY_ID: ['workplace', 'companyId'],
  NCP_ACCESS_KEY: ['workplace', 'accessKey'],
  NCP_SECRET_KEY: ['workplace', 'secretKey'],
  NCP_API_KEY: ['workplace', 'apiKey'],
  WORKPLACE_RPS: ['workplace', 'rps'],
  WORKPLACE_PACE_MARGIN_MS: ['workplace', 'paceMarginMs'],
  WORKPLACE_SIGNATURE: ['workplace', 'signatureVersion'],
  ORGSYNC_STORE_DIR: ['store', 'dir'],
  ORGSYNC_STORE_URL: ['store', 'url'],
  ORGSYNC_STORE_SCHEMA: ['store', 'schema'],
  ORGSYNC_METRICS_ADDRESS: ['telemetry', 'metricsAddress'],
  ORGSYNC_LOG_LEVEL: ['telemetry', 'logLevel'],
  ORGSYNC_NOTIFY_URL: ['notify', 'webhooks'],
  ORGSYNC_UI_URL: ['notify', 'uiUrl'],
} as const satisfies Record<string, readonly [Section, string]>;

/**
 * Variables whose empty value means something: `ORGSYNC_METRICS_ADDRESS=` turns the endpoint off, as
 * README says. Every other empty variable counts as unset (compose passes `${NAME:-}` for what is not set).
 */
const EMPTY_IS_A_VALUE: ReadonlySet<string> = new Set<keyof typeof ENV_VARS>(['ORGSYNC_METRICS_ADDRESS']);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`orgsync configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type RawConfig = Record<string, Record<string, unknown>>;

/**
 * Where a parser found the file broken, never what it found there: the file may hold secrets, and
 * V8's JSON messages quote the text around the error. YAML's first line names only the position.
 */
function whereBroken(message: string): string {
  const json = /at position \d+(?: \(line \d+ column \d+\))?/.exec(message);
  if (json) return ` (${json[0]})`;
  const yaml = /at line \d+, column \d+/.exec(message);
  return yaml ? ` (${yaml[0]}): ${message.slice(0, yaml.index).trim()}` : '';
}

function readConfigFile(path: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`ORGSYNC_CONFIG: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError([
      `ORGSYNC_CONFIG: ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}${whereBroken((err as Error).message)}`,
    ]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError([`ORGSYNC_CONFIG: ${path} must hold an object with sections such as knox:, workplace:, sync:`]);
  return parsed as RawConfig;
}

/** Where a config path comes from, for error messages: the env var if there is one, else the file key. */
function describePath(path: readonly PropertyKey[]): string {
  const [section, key] = path;
  const envName = Object.entries(ENV_VARS).find(([, [s, k]]) => s === section && k === key)?.[0];
  const dotted = path.map(String).join('.');
  return envName ? envName : `${dotted} (config file)`;
}

/**
 * Builds the config from `env` (process.env by default) over the optional ORGSYNC_CONFIG file.
 * `sections` lists what the caller needs: a CLI that only talks to Temporal asks for ['temporal'].
 */
export function loadConfig<S extends Section>(sections: readonly S[], env: NodeJS.ProcessEnv = process.env): Pick<Config, S> {
  const raw: RawConfig = env.ORGSYNC_CONFIG ? readConfigFile(env.ORGSYNC_CONFIG) : {};
  for (const [name, [section, key]] of Object.entries(ENV_VARS)) {
    const value = env[name];
    if (value === undefined || (value === '' && !EMPTY_IS_A_VALUE.has(name))) continue;
    (raw[section] ??= {})[key] = value;
  }
  const schema = z.object(Object.fromEntries(sections.map((s) => [s, ConfigSchema.shape[s]])));
  const input = Object.fromEntries(sections.map((s) => [s, raw[s] ?? {}]));
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${describePath(issue.path)}: ${issue.message}`));
  }
  // Parsed by the schema above; TypeScript cannot follow zod's pick through the generic `S`.
  return result.data as unknown as Pick<Config, S>;
}
