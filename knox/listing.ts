/**
 * Reading a Knox listing completely, or not at all. Paged listings (seed: "page 입력 시 500건씩") are read
 * page 1…totalPage; the read fails with KnoxInconsistentReadError (retryable) when totalCount or
 * totalPage changes between pages, a row comes twice, or the rows read do not add up to totalCount.
 * Rows are validated one by one: a malformed record becomes that record's own KnoxInvalidRecord, and
 * every row, valid or not, is held against the seed for the listing's drift report.
 */
import { z } from 'zod';
import type { DriftCounter, DriftReport } from '../lib/drift.js';
import { FIRST_PAGE } from './assumptions.js';
import { KnoxInconsistentReadError, KnoxResponseError, type KnoxRequestInfo } from './errors.js';
import { formatIssues, RECORD_KEYS, type KnoxReader, type KnoxRecordKind } from './schemas.js';

export interface KnoxInvalidRecord {
  kind: KnoxRecordKind;
  /** epId / departmentCode / titleCode, when readable. */
  key: string | undefined;
  /** "emailAddress: invalid email": attribute names and problems, never the record's values. */
  issues: string[];
}

export interface KnoxListing<T> {
  /** Valid records, projected to the fields orgsync uses (schemas.ts). */
  rows: T[];
  invalid: KnoxInvalidRecord[];
  /** HTTP calls this listing took. */
  calls: number;
  /** Where the rows differ from what the seed documents (every row Knox sent, valid or not). Never a failure. */
  drift: DriftReport;
}

const count = z.number().int().nonnegative();
const rowsArray = z.array(z.unknown());

/** The counts of /organizations and /employees answers (seed Response Parameter 2–4). */
const PagedEnvelopeSchema = z.object({ currentPage: count, totalPage: count, totalCount: count });

interface PagedEnvelope extends z.infer<typeof PagedEnvelopeSchema> {
  rows: unknown[];
}

/** Validates a page's envelope; a malformed envelope is permanent (KNOX_BAD_RESPONSE). */
export function readEnvelope(body: Record<string, unknown>, rowsField: string, request: KnoxRequestInfo): PagedEnvelope {
  return { ...parseEnvelope(PagedEnvelopeSchema, body, request), rows: readRows(body, rowsField, request) };
}

/** The rows of an answer (/titles answers have rows and no counts, seed "직급 조회"). */
export function readRows(body: Record<string, unknown>, rowsField: string, request: KnoxRequestInfo): unknown[] {
  return parseEnvelope(z.object({ [rowsField]: rowsArray }), body, request)[rowsField] as unknown[];
}

function parseEnvelope<T>(schema: z.ZodType<T>, body: Record<string, unknown>, request: KnoxRequestInfo): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new KnoxResponseError({
    ...request,
    code: 'KNOX_BAD_RESPONSE',
    detail: `malformed envelope: ${formatIssues(parsed.error).join('; ')}`,
  });
}

/** Splits rows into valid (projected) records and per-record reports, counting their drift in `drift`. */
export function parseRecords<T>(
  reader: KnoxReader<T>,
  rows: readonly unknown[],
  drift: DriftCounter,
): { rows: T[]; invalid: KnoxInvalidRecord[] } {
  const valid: T[] = [];
  const invalid: KnoxInvalidRecord[] = [];
  for (const row of rows) {
    const key = recordKey(reader.kind, row);
    drift.observe(row, key);
    const read = reader.read(row);
    if ('record' in read) valid.push(read.record);
    else invalid.push({ kind: reader.kind, key, issues: read.issues });
  }
  return { rows: valid, invalid };
}

export function recordKey(kind: KnoxRecordKind, row: unknown): string | undefined {
  const value = row !== null && typeof row === 'object' ? (row as Record<string, unknown>)[RECORD_KEYS[kind]] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export interface ListingRead {
  kind: KnoxRecordKind;
  rowsField: string;
  request: KnoxRequestInfo;
  /**
   * true: page 1…totalPage, 500 rows each (only where the seed allows paging). false: one unpaged call,
   * only for lookups that cannot reach the silent 2,000-row cap (a list of ≤ 100 ids).
   */
  paged: boolean;
  /** Stop after this many pages (a sample); the rows then need not add up to totalCount. Default: every page. */
  maxPages?: number;
  /** Fetches one page (1-based), or the unpaged answer (undefined); resolves with the answer's body. */
  fetch(page: number | undefined): Promise<Record<string, unknown>>;
  /** Called after each answer with its row count and whether it was the listing's last, for progress. */
  onAnswer?(rows: number, last: boolean): void;
}

/**
 * Reads a listing and checks that its answers describe one listing. Returns the raw rows, in order.
 * Empty listings may say totalPage 0 or 1; either way page 1 is the only call.
 */
export async function readListing(read: ListingRead): Promise<{ rows: unknown[]; calls: number }> {
  const rows: unknown[] = [];
  const seen = new Set<string>();
  let first: PagedEnvelope | undefined;
  let calls = 0;
  const maxPages = Math.max(1, read.maxPages ?? Number.POSITIVE_INFINITY);
  for (let page = FIRST_PAGE; page === FIRST_PAGE || (read.paged && page < FIRST_PAGE + Math.min(first!.totalPage, maxPages)); page++) {
    const request = read.paged ? { ...read.request, query: { ...read.request.query, page: String(page) } } : read.request;
    const envelope = readEnvelope(await read.fetch(read.paged ? page : undefined), read.rowsField, request);
    calls++;
    const inconsistent = (detail: string) => new KnoxInconsistentReadError({ ...request, code: 'KNOX_INCONSISTENT_PAGING', detail });
    if (!first) {
      first = envelope;
      if (envelope.totalCount > 0 && envelope.totalPage < 1)
        throw new KnoxResponseError({ ...request, code: 'KNOX_BAD_RESPONSE', detail: `totalCount ${envelope.totalCount} in totalPage 0` });
    } else if (envelope.totalCount !== first.totalCount || envelope.totalPage !== first.totalPage) {
      throw inconsistent(
        `the listing changed while it was read: page 1 said ${first.totalCount} rows in ${first.totalPage} pages, page ${page} says ${envelope.totalCount} in ${envelope.totalPage}`,
      );
    }
    if (read.paged && envelope.rows.length > 0 && envelope.currentPage !== page)
      throw inconsistent(`asked for page ${page}, got currentPage ${envelope.currentPage}`);
    for (const row of envelope.rows) {
      const key = recordKey(read.kind, row);
      if (key !== undefined) {
        if (seen.has(key)) throw inconsistent(`${RECORD_KEYS[read.kind]} ${key} came twice: rows shifted between pages`);
        seen.add(key);
      }
      rows.push(row);
    }
    read.onAnswer?.(envelope.rows.length, !read.paged || page >= FIRST_PAGE + first.totalPage - 1);
  }
  const sampled = read.paged && calls < first!.totalPage;
  if (!sampled && rows.length !== first!.totalCount) {
    throw new KnoxInconsistentReadError({
      ...read.request,
      code: 'KNOX_INCONSISTENT_PAGING',
      detail: `read ${rows.length} rows in ${calls} ${read.paged ? 'pages' : 'call'}, but Knox counted ${first!.totalCount}`,
    });
  }
  return { rows, calls };
}
