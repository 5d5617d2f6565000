/**
 * `orgsync doctor`'s verdicts: what a check's outcome (an answer, an error, a count) says, as one line
 * with its evidence and the config key to change. Pure: no I/O, so each reading is tested on its own;
 * checks.ts makes the calls and hands their outcomes here.
 */
import { describeDrift, mergeDrift, type DriftReport } from '../../lib/drift.js';
import { KnoxError } from '../../knox/errors.js';
import { WorkplaceError } from '../../workplace/errors.js';

export const CHECK_STATUSES = ['ok', 'warning', 'failed', 'skipped'] as const;
/** skipped: not tried, because a check it needs failed (so a failure is always listed too). */
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface Check {
  /** Stable, for scripts: `workplace.reportsTo`. */
  id: string;
  status: CheckStatus;
  /** What was checked, in a few words. */
  title: string;
  /** What was seen: HTTP status, WORKPLACE's or Knox's message, counts. Keys only: never a secret or a person's data. */
  evidence: string;
  /** The config key (environment variable, or `section.key` of the config file) to change. */
  configKey?: string;
  /** What to do when it is not a config key (the host's clock, a worker to start). */
  hint?: string;
  /** Further lines: drift, unreadable records. */
  details?: string[];
}

export type CheckCounts = Record<CheckStatus, number>;

export function countChecks(checks: readonly Check[]): CheckCounts {
  const counts: CheckCounts = { ok: 0, warning: 0, failed: 0, skipped: 0 };
  for (const c of checks) counts[c.status]++;
  return counts;
}

/** 0 when nothing failed (warnings allowed: drift, empty lists, a stage that is off), else 1 (README "Preflight"). */
export function doctorExitCode(checks: readonly Check[]): number {
  return checks.some((c) => c.status === 'failed' || c.status === 'skipped') ? 1 : 0;
}

/** The text report: one line per check, then what to change, then further lines indented. */
export function formatChecks(checks: readonly Check[]): string[] {
  const width = Math.max(...CHECK_STATUSES.map((s) => s.length));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${c.status.padEnd(width)}  ${c.title}: ${c.evidence}`);
    const pad = ' '.repeat(width + 2);
    if (c.status !== 'ok' && c.configKey) lines.push(`${pad}→ change ${c.configKey}`);
    if (c.status !== 'ok' && c.hint) lines.push(`${pad}→ ${c.hint}`);
    for (const d of c.details ?? []) lines.push(`${pad}· ${d}`);
  }
  const n = countChecks(checks);
  const verdict = doctorExitCode(checks) === 0 ? 'ready' : 'not ready';
  lines.push(
    '',
    `${verdict}: ${n.ok} ok, ${n.warning} warning(s), ${n.failed} failed${n.skipped ? `, ${n.skipped} skipped` : ''} (exit ${doctorExitCode(checks)})`,
  );
  return lines;
}

/** The key a config problem names: `KNOX_SYSTEM_ID: required: …` → `KNOX_SYSTEM_ID`. */
export function problemKey(problem: string): string {
  return problem.split(': ')[0]!.replace(/ \(config file\)$/, '');
}

// ── clock ─────────────────────────────────────────────────────────────────────────────────────────

/** One answer's Date header, with when it arrived by the local clock and how long the exchange took. */
export interface ClockSample {
  date: string;
  receivedAt: number;
  durationMs: number;
}

/** Below this the clocks agree well enough; above it, say so before it grows. */
export const CLOCK_WARN_MS = 30_000;

/**
 * Local clock minus WORKPLACE's, from the quickest answer: Date has whole seconds, so the gateway's
 * time was in [Date, Date + 1 s); the request is taken to have been seen half-way through its exchange.
 */
export function clockSkewMs(samples: readonly ClockSample[]): number | undefined {
  const usable = samples.filter((s) => !Number.isNaN(Date.parse(s.date)));
  if (usable.length === 0) return undefined;
  const best = usable.reduce((a, b) => (b.durationMs < a.durationMs ? b : a));
  return Math.round(best.receivedAt - best.durationMs / 2 - (Date.parse(best.date) + 500));
}

/**
 * workplace.md §1.5: a timestamp 5 minutes or more from the gateway's clock is refused. Warn from 30 s;
 * fail from half the window, where ordinary drift between time syncs could soon reach it.
 */
export function clockVerdict(skewMs: number | undefined, windowMs: number): Pick<Check, 'status' | 'evidence' | 'hint' | 'configKey'> {
  if (skewMs === undefined) return { status: 'warning', evidence: 'no WORKPLACE answer carried a Date header, so the skew is unknown' };
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  const side = skewMs >= 0 ? 'ahead of' : 'behind';
  const window = `signatures are refused at ${Math.round(windowMs / 1000)} s (workplace.protocol.signing.maxClockSkewMs)`;
  const evidence = `this host's clock is ${seconds} s ${side} WORKPLACE's Date header; ${window}`;
  if (Math.abs(skewMs) >= windowMs / 2) return { status: 'failed', evidence, hint: "set this host's clock (NTP, chrony)" };
  if (Math.abs(skewMs) >= CLOCK_WARN_MS) return { status: 'warning', evidence, hint: "check this host's time sync (NTP, chrony)" };
  return { status: 'ok', evidence };
}

/**
 * The pacer spaces request starts (1,000 + WORKPLACE_PACE_MARGIN_MS) / WORKPLACE_RPS ms apart; the gateway counts
 * arrivals. Identical reads' round trips differ by at most the spread their arrivals can have, plus WORKPLACE's own
 * variance, so a spread within the margin shows the margin is enough; beyond it, a second at the gateway may see one
 * request more than WORKPLACE_RPS (a 429, which is retried, but costs a slot). A warning, not a failure: the spread
 * is an upper bound.
 */
export function paceVerdict(roundTripsMs: readonly number[], marginMs: number): Pick<Check, 'status' | 'evidence' | 'hint' | 'configKey'> {
  if (roundTripsMs.length < 2)
    return { status: 'warning', evidence: `${roundTripsMs.length} identical read(s) answered: too few to measure the spread` };
  const sorted = [...roundTripsMs].sort((a, b) => a - b);
  const spread = sorted.at(-1)! - sorted[0]!;
  const evidence = `${sorted.length} identical reads took ${sorted[0]}–${sorted.at(-1)} ms (spread ${spread} ms); WORKPLACE_PACE_MARGIN_MS is ${marginMs} ms`;
  if (spread <= marginMs) return { status: 'ok', evidence };
  return {
    status: 'warning',
    evidence,
    configKey: 'WORKPLACE_PACE_MARGIN_MS',
    hint: `arrivals may bunch by more than the margin absorbs; set it to ${spread} or more if 429s show (rerun doctor first: one slow answer is not a pattern)`,
  };
}

// ── errors as evidence ────────────────────────────────────────────────────────────────────────────

export interface Reading {
  evidence: string;
  configKey?: string;
  hint?: string;
}

/**
 * A WORKPLACE error as evidence: the request, the status and gateway code, WORKPLACE's own message, and
 * what to change. `fallbackKey` is the setting the call depends on (its path key, usually).
 */
export function workplaceReading(error: unknown, fallbackKey?: string): Reading {
  if (!(error instanceof WorkplaceError)) return { evidence: oneLine(error), ...(fallbackKey ? { configKey: fallbackKey } : {}) };
  const status =
    error.status === undefined ? '' : ` → HTTP ${error.status}${error.gatewayCode ? `, gateway code ${error.gatewayCode}` : ''}`;
  const said = error.workplaceMessage ? [error.field, error.workplaceMessage].filter(Boolean).join(': ') : whatWentWrong(error);
  const evidence = `${error.method} ${error.path}${status}${said ? `: ${said}` : ''}`;
  switch (error.code) {
    case 'WORKPLACE_NO_ROUTE':
      return {
        evidence: `${evidence} (the gateway has no such route: a missing route, not a missing record)`,
        configKey: error.configKey ?? fallbackKey,
      };
    case 'WORKPLACE_AUTH':
      return error.gatewayCode === '210' || error.status === 403
        ? {
            evidence,
            configKey: 'NCP_ACCESS_KEY',
            hint: "give the access key WORKPLACE's API permission (NCP console), and check WORKPLACE_COMPANY_ID",
          }
        : {
            evidence,
            configKey: 'NCP_ACCESS_KEY, NCP_SECRET_KEY (and WORKPLACE_SIGNATURE, NCP_API_KEY)',
            hint: "or this host's clock (see the clock check)",
          };
    case 'WORKPLACE_NETWORK':
      return { evidence, configKey: 'WORKPLACE_BASE_URL' };
    case 'WORKPLACE_RATE_LIMITED':
      return { evidence, configKey: 'WORKPLACE_RPS' };
    case 'WORKPLACE_SERVER':
      return { evidence, hint: "WORKPLACE's side: try again later" };
    default:
      return { evidence, ...(fallbackKey ? { configKey: fallbackKey } : {}) };
  }
}

/** WORKPLACE said nothing (network, a refused body): the message's own account, after "failed: CODE (HTTP n): ". */
export function whatWentWrong(error: WorkplaceError): string {
  return error.message.replace(/^.*? failed: \S+(?: \([^)]*\))?: /s, '');
}

/** A Knox error as evidence: the request, the status, Knox's code and message, and what to change. */
export function knoxReading(error: unknown, fallbackKey?: string): Reading {
  if (!(error instanceof KnoxError)) return { evidence: oneLine(error), ...(fallbackKey ? { configKey: fallbackKey } : {}) };
  // The message starts "Knox <request> failed: <code> (HTTP n): <detail>", the request's lists summarised.
  const evidence = error.message.replace(/^Knox /, '');
  if (error.name === 'KnoxAuthError')
    return error.status === 403
      ? { evidence, configKey: 'KNOX_HEADERS', hint: 'the gateway in front of Knox refused its header; or KNOX_SYSTEM_ID' }
      : { evidence, configKey: 'KNOX_SYSTEM_ID', hint: 'the System-ID (연계 아이디) Knox issued; KNOX_HEADERS if a gateway sits in front' };
  if (error.name === 'KnoxNetworkError') return { evidence, configKey: 'KNOX_BASE_URL' };
  if (error.name === 'KnoxRateLimitError') return { evidence, configKey: 'KNOX_RPS' };
  if (error.name === 'KnoxServerError') return { evidence, hint: "Knox's side: try again later" };
  return { evidence, ...(fallbackKey ? { configKey: fallbackKey } : {}) };
}

export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim() || 'error';
}

// ── listings ──────────────────────────────────────────────────────────────────────────────────────

/** At most this many unreadable or invalid records are named under a check. */
export const MAX_NAMED_RECORDS = 5;

/**
 * A listing's verdict: ok when every record reads; a warning naming the first few that do not (they
 * are reported and left alone by a run); failed when none of them reads, for a run would fail that stage.
 */
export function listingVerdict(
  what: string,
  read: number,
  bad: readonly { key?: string | undefined; issues: readonly string[] }[],
  extra = '',
): Pick<Check, 'status' | 'evidence' | 'details'> {
  const total = read + bad.length;
  const evidence = `${total} ${what}${extra}${bad.length ? `, ${bad.length} unreadable` : ''}`;
  const details = bad
    .slice(0, MAX_NAMED_RECORDS)
    .map((b) => `${b.key ?? '(no key)'}: ${b.issues.slice(0, 3).join('; ')}`)
    .concat(bad.length > MAX_NAMED_RECORDS ? [`and ${bad.length - MAX_NAMED_RECORDS} more`] : []);
  if (bad.length === 0) return { status: 'ok', evidence };
  return { status: read === 0 ? 'failed' : 'warning', evidence, details };
}

/** The drift summary over a system's listings: ok when they read as the reference says, else a warning listing each field. */
export function driftVerdict(system: string, reports: readonly DriftReport[]): Pick<Check, 'status' | 'evidence' | 'details'> {
  const merged = mergeDrift(reports);
  const records = merged.reduce((n, r) => n + r.records, 0);
  const fields = merged.reduce((n, r) => n + r.fields.length, 0);
  if (fields === 0) return { status: 'ok', evidence: `${records} records read as the reference documents them` };
  return {
    status: 'warning',
    evidence: `${fields} field(s) differ from the reference over ${records} records (read tolerantly; never an item failure)`,
    details: merged.flatMap(describeDrift),
  };
}
