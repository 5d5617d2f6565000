/**
 * Readings of the seed other than ours, as an independent Knox might serve them (issue 10): the seed's
 * samples leave several ★ attributes empty, and a Java backend sends an unset field as null or not at
 * all. The simulator serves every record through one dialect; the default is the seed read literally.
 */
import type { KnoxRecord } from './store.js';

export type KnoxRecordSet = 'titles' | 'organizations' | 'employees';

export interface KnoxDialect {
  /**
   * How an attribute without a value goes on the wire: `emptyString` as the seed's samples show it
   * (default), `null` as a Java backend serialises an unset field, or `omitted` (left out of the record).
   */
  emptyValues?: 'emptyString' | 'null' | 'omitted';
  /** Attributes left out of every record of a set, e.g. `{ organizations: ['departmentName'] }` (issue 10's server). */
  dropFields?: Partial<Record<KnoxRecordSet, readonly string[]>>;
}

export const SEED_DIALECT: KnoxDialect = {};

/** Whether records of this set are served as stored (the common case costs nothing). */
export function isLiteral(dialect: KnoxDialect, set: KnoxRecordSet): boolean {
  return (dialect.emptyValues ?? 'emptyString') === 'emptyString' && !dialect.dropFields?.[set]?.length;
}

/** A copy of `record` as this dialect serves it. */
export function inDialect(dialect: KnoxDialect, set: KnoxRecordSet, record: KnoxRecord): Record<string, unknown> {
  const row: Record<string, unknown> = { ...record };
  for (const field of dialect.dropFields?.[set] ?? []) delete row[field];
  if (dialect.emptyValues === 'null' || dialect.emptyValues === 'omitted') {
    for (const [field, value] of Object.entries(row)) {
      if (value !== '') continue;
      if (dialect.emptyValues === 'null') row[field] = null;
      else delete row[field];
    }
  }
  return row;
}
