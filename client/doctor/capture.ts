/**
 * `orgsync doctor --capture DIR`: every request/response pair the doctor made, one JSON file each, so the
 * simulators can be held against what a real Knox and WORKPLACE answer. The transports already leave
 * out every header (signatures, access and API keys, the System-ID) and replace each configured secret
 * by `[redacted]`; this module masks personal data on top: names, e-mail addresses, phone numbers,
 * login ids and addresses. It keeps what a simulator needs: field names, types, nulls, empty strings,
 * lengths, the shape of an e-mail, and every key (epId, externalKey, departmentCode).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpExchange } from '../../lib/http-transport.js';

export type CapturedSystem = 'knox' | 'workplace';

export interface CapturedExchange extends HttpExchange {
  system: CapturedSystem;
  /** Position in the doctor's run, from 1. */
  seq: number;
}

/** Fields that hold a person's data wherever they appear (Knox employees and departments, WORKPLACE employees). */
const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  'fullName',
  'sirName',
  'givenName',
  'enFullName',
  'enSirName',
  'enGivenName',
  'nickName',
  'empNick',
  'managerName',
  'userId',
  'managerId',
  'loginId',
  'emailAddress',
  'externalEmailAddress',
  'mobile',
  'officeTelNumber',
  'officeFaxNumber',
  'voipNumber',
  'telephoneNo',
  'cellphoneNo',
  'birthYmd',
  'address',
  'addressDetail',
  'officeAddress',
  'officeDetailAddress',
  'enOfficeAddress',
  'zipCode',
  'officeZipCode',
]);

/** Fields that make a record a person's: there `name` and `i18nNames` are a person's name, not a department's. */
const PERSON_MARKERS = ['epId', 'loginId', 'emailAddress', 'userId', 'fullName', 'empNick', 'employYmd'];
const PERSON_NAME_FIELDS: ReadonlySet<string> = new Set(['name', 'i18nNames']);

const EMAIL = /[^\s@"',;<>()[\]]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)/g;
const HAS_EMAIL = new RegExp(EMAIL.source);
/** A phone number as a whole value: digits with + ( ) - . and spaces, at least 7 digits. */
const PHONE = /^\+?[\d\s().-]*$/;

/** `kim.samsung@samsung.com` → `xxxxxxxxxxx@samsung.com`: still an e-mail, of the same length and domain. */
export const maskEmails = (text: string): string =>
  text.replace(EMAIL, (whole, domain: string) => `${'x'.repeat(whole.length - domain.length - 1)}@${domain}`);

function maskText(value: string): string {
  if (value.trim() === '') return value;
  if (HAS_EMAIL.test(value)) return maskEmails(value);
  if (PHONE.test(value) && (value.match(/\d/g)?.length ?? 0) >= 7) return value.replace(/\d/g, '0');
  return value.replace(/\S/gu, '*');
}

/** Masks a personal value of any type: strings by maskText, inside arrays and maps (i18nNames) too; null, numbers, booleans stay. */
function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map(maskValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v)]));
  return value;
}

/** The JSON value with personal data masked, wherever it sits; e-mail addresses are masked in any string. */
export function maskPersonalData(value: unknown): unknown {
  if (typeof value === 'string') return maskEmails(value);
  if (Array.isArray(value)) return value.map(maskPersonalData);
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const person = PERSON_MARKERS.some((field) => field in record);
  return Object.fromEntries(
    Object.entries(record).map(([field, v]) => [
      field,
      PERSONAL_FIELDS.has(field) || (person && PERSON_NAME_FIELDS.has(field)) ? maskValue(v) : maskPersonalData(v),
    ]),
  );
}

/** One exchange as it is written: personal data masked in the path and both bodies. */
export function maskExchange(exchange: CapturedExchange): CapturedExchange {
  return {
    ...exchange,
    path: maskEmails(exchange.path),
    ...(exchange.requestBody === undefined ? {} : { requestBody: maskPersonalData(exchange.requestBody) }),
    ...(exchange.responseBody === undefined ? {} : { responseBody: maskPersonalData(exchange.responseBody) }),
    ...(exchange.error === undefined ? {} : { error: maskEmails(exchange.error) }),
  };
}

/** `007-workplace-GET-grade.json`: the order, the system, the verb and the path's last word that is not a key. */
export function captureFileName(exchange: CapturedExchange): string {
  const words = exchange.path
    .split('?')[0]!
    .split('/')
    .filter((w) => w && w !== '{companyId}');
  const last =
    words
      .slice(-2)
      .join('-')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .slice(0, 60) || 'root';
  return `${String(exchange.seq).padStart(3, '0')}-${exchange.system}-${exchange.method}-${last}.json`;
}

/** Writes each exchange as it happens (a doctor cut short still leaves what it captured). */
export class CaptureWriter {
  readonly files: string[] = [];

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  write(exchange: CapturedExchange): void {
    const file = join(this.dir, captureFileName(exchange));
    writeFileSync(file, `${JSON.stringify(maskExchange(exchange), null, 2)}\n`);
    this.files.push(file);
  }
}
