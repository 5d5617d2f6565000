import { ConfigError, loadConfig, type Config, type Section } from '../../config/index.js';
import { SyncSettingsSchema } from '../../config/sync.js';
import { createKnoxClient } from '../../knox/index.js';
import { createWorkplaceClient, resolveProtocol } from '../../workplace/index.js';
import { CaptureWriter } from '../doctor/capture.js';
import { ExchangeLog, knoxChecks, probeDescription, probeKey, temporalChecks, workplaceChecks, writeProbe } from '../doctor/checks.js';
import { countChecks, doctorExitCode, formatChecks, oneLine, problemKey, type Check } from '../doctor/verdicts.js';
import { CliError, defineCommand, JSON_OPTION } from '../runner.js';

/** What a worker loads (worker/main.ts): the config is valid when all of it is. */
const WORKER_SECTIONS = ['temporal', 'knox', 'workplace', 'store', 'telemetry', 'sync', 'notify'] as const satisfies readonly Section[];

/** Per request: a preflight should answer in seconds, not wait out a production timeout. */
const TIMEOUT_MS = 15_000;

export const doctor = defineCommand({
  name: 'doctor',
  summary: 'preflight: check the configuration, Temporal, workers, Knox and WORKPLACE before a first sync',
  description: [
    'One line per check (ok, warning, failed) with its evidence and, for a failure, the config key to change.',
    'Reads only: Knox titles, one page of organizations, one department; the first page of each WORKPLACE list,',
    'one key of each by get-one, the representative-admin check, one Reports To and attribute values.',
    '--write-probe also creates, reads back, renames and deletes one grade orgsync-probe-<time>.',
    'Exit 0 when nothing failed (warnings allowed), 1 when a check failed; README "Preflight: orgsync doctor".',
  ].join('\n'),
  options: {
    'write-probe': { type: 'boolean', description: 'also create, read back and delete one throwaway WORKPLACE grade' },
    capture: { type: 'string', value: '<dir>', description: 'write each request/response pair there (no secrets; personal data masked)' },
    ...JSON_OPTION,
  },
  examples: ['orgsync doctor', 'orgsync doctor --write-probe --capture ./doctor-capture --json'],
  async run(ctx) {
    let writer: CaptureWriter | undefined;
    if (ctx.flags.capture) {
      try {
        writer = new CaptureWriter(ctx.flags.capture);
      } catch (error) {
        throw new CliError(`--capture: cannot create ${ctx.flags.capture} (${(error as NodeJS.ErrnoException).code ?? oneLine(error)})`, 2);
      }
    }
    const log = new ExchangeLog((exchange) => writer?.write(exchange));
    const checks: Check[] = [];
    const load = <S extends Section>(section: S): Config[S] | undefined => {
      try {
        return loadConfig([section], ctx.env)[section];
      } catch (error) {
        if (error instanceof ConfigError) return undefined;
        throw error;
      }
    };

    // Config: every section a worker needs, problems named by key (never by value).
    try {
      loadConfig(WORKER_SECTIONS, ctx.env);
      checks.push({
        id: 'config',
        title: 'configuration valid',
        status: 'ok',
        evidence: `${WORKER_SECTIONS.join(', ')}${ctx.env.ORGSYNC_CONFIG ? ` (environment over ${ctx.env.ORGSYNC_CONFIG})` : ' (environment)'}`,
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      checks.push({
        id: 'config',
        title: 'configuration valid',
        status: 'failed',
        evidence: error.problems.join('; '),
        configKey: [...new Set(error.problems.map(problemKey))].join(', '),
      });
    }
    const temporal = load('temporal');
    const knox = load('knox');
    const workplace = load('workplace');
    // Only the stage switches and attribute keys are read from sync:, so its defaults stand in for a broken one.
    const settings = load('sync') ?? SyncSettingsSchema.parse({});

    if (temporal) checks.push(...(await temporalChecks(() => ctx.client(), temporal)));
    else checks.push(notConfigured('temporal.reachable', 'Temporal reachable', 'temporal'));

    if (knox) checks.push(...(await knoxChecks(createKnoxClient(knox, { timeoutMs: TIMEOUT_MS, onExchange: log.listener('knox') }), knox)));
    else checks.push(notConfigured('knox.auth', 'Knox accepts the System-ID', 'knox'));

    let probe: string | undefined;
    if (!workplace) checks.push(notConfigured('workplace.signature', 'WORKPLACE accepts the signature', 'workplace'));
    else {
      let client;
      try {
        client = createWorkplaceClient(workplace, { timeoutMs: TIMEOUT_MS, onExchange: log.listener('workplace') });
      } catch (error) {
        checks.push({
          id: 'workplace.signature',
          title: 'WORKPLACE accepts the signature',
          status: 'failed',
          evidence: oneLine(error),
          configKey: 'NCP_API_KEY',
        });
      }
      if (client) {
        const protocol = resolveProtocol(workplace.protocol);
        const read = await workplaceChecks({
          workplace: client,
          protocol,
          settings,
          log,
          signatureVersion: workplace.signatureVersion,
          paceMarginMs: workplace.paceMarginMs,
        });
        checks.push(...read);
        if (ctx.flags['write-probe']) {
          // Only once WORKPLACE answered signed reads: a probe against a gateway that refuses us proves nothing.
          if (read.find((c) => c.id === 'workplace.signature')?.status !== 'ok')
            checks.push({ id: 'probe.create', title: 'probe', status: 'skipped', evidence: 'not tried: the signature was not accepted' });
          else {
            probe = probeKey(new Date());
            ctx.note(probeDescription(probe));
            checks.push(...(await writeProbe(client, probe, log)));
          }
        }
      }
    }

    const exitCode = doctorExitCode(checks);
    if (ctx.flags.json)
      ctx.json({
        ready: exitCode === 0,
        exitCode,
        counts: countChecks(checks),
        checks,
        ...(probe ? { probe: { entity: 'grade', key: probe } } : {}),
        ...(writer ? { capture: { dir: writer.dir, files: writer.files.length } } : {}),
      });
    else {
      ctx.print(formatChecks(checks).join('\n'));
      if (writer) ctx.print(`captured ${writer.files.length} exchange(s) in ${writer.dir} (no headers or secrets; personal data masked)`);
    }
    return exitCode;
  },
});

const notConfigured = (id: string, title: string, section: string): Check => ({
  id,
  title,
  status: 'skipped',
  evidence: `not tried: the ${section} settings are invalid (see the configuration check)`,
});
