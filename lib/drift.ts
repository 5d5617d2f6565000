/**
 * Drift: where what a source sends differs from what its reference documents. Knox and WORKPLACE are
 * read tolerantly (a field orgsync does not use may be anything), so a difference is never an item
 * failure; it is counted per field over one dataset and reported once per run, with one example key,
 * so an operator learns that a real tenant reads the docs differently from our simulators.
 * Pure: no I/O, safe in workflow code.
 */

/** The JSON type a documented field is expected to have. */
export type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';

export type DriftKind = 'absent' | 'null' | 'type' | 'undocumented';

export interface FieldDrift {
  field: string;
  kind: DriftKind;
  /** Records of the dataset that showed it. */
  count: number;
  /** One record that showed it, by key (never a value: values may be personal data). */
  exampleKey?: string;
  /** kind 'type': the type seen, e.g. "number" for a documented string. */
  seen?: string;
}

export interface DriftReport {
  /** e.g. "Knox employees", "WORKPLACE department list". */
  dataset: string;
  records: number;
  fields: FieldDrift[];
  /** Fields left out of `fields` to keep a result small (boundDrift). */
  more?: number;
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Counts drift over the records of one dataset. `documented` maps each documented field to its type;
 * fields documented as optional are listed in `optional` and are not reported when absent.
 */
export class DriftCounter {
  readonly #documented: ReadonlyMap<string, FieldType>;
  readonly #optional: ReadonlySet<string>;
  readonly #seen = new Map<string, FieldDrift>();
  #records = 0;

  constructor(
    readonly dataset: string,
    documented: Readonly<Record<string, FieldType>>,
    optional: Iterable<string> = [],
  ) {
    this.#documented = new Map(Object.entries(documented));
    this.#optional = new Set(optional);
  }

  observe(record: unknown, key: string | undefined): void {
    this.#records++;
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return;
    const fields = record as Record<string, unknown>;
    for (const [field, type] of this.#documented) {
      if (!(field in fields) || fields[field] === undefined) {
        if (!this.#optional.has(field)) this.#note(field, 'absent', key);
      } else if (fields[field] === null) this.#note(field, 'null', key);
      else if (jsonType(fields[field]) !== type) this.#note(field, 'type', key, jsonType(fields[field]));
    }
    for (const field of Object.keys(fields)) if (!this.#documented.has(field)) this.#note(field, 'undocumented', key);
  }

  #note(field: string, kind: DriftKind, key: string | undefined, seen?: string): void {
    const id = `${kind}:${field}`;
    const known = this.#seen.get(id);
    if (known) known.count++;
    else this.#seen.set(id, { field, kind, count: 1, ...(key ? { exampleKey: key } : {}), ...(seen ? { seen } : {}) });
  }

  report(): DriftReport {
    const fields = [...this.#seen.values()].sort((a, b) => b.count - a.count || a.field.localeCompare(b.field));
    return { dataset: this.dataset, records: this.#records, fields };
  }
}

/** One line per drifting field, for logs and reports: "departmentName: null in 43 of 43 (e.g. C60AH959)". */
export function describeDrift(report: DriftReport): string[] {
  const lines = report.fields.map((f) => {
    const what = f.kind === 'type' ? `a ${f.seen} (documented otherwise)` : f.kind === 'undocumented' ? 'undocumented' : f.kind;
    return `${report.dataset}: ${f.field} ${what} in ${f.count} of ${report.records}${f.exampleKey ? ` (e.g. ${f.exampleKey})` : ''}`;
  });
  if (report.more) lines.push(`${report.dataset}: and ${report.more} more fields`);
  return lines;
}

/** Merges reports of the same dataset (several companies, several pages), keeping the first example. */
export function mergeDrift(reports: readonly DriftReport[]): DriftReport[] {
  const byDataset = new Map<string, DriftReport>();
  for (const report of reports) {
    const prior = byDataset.get(report.dataset);
    if (!prior) {
      byDataset.set(report.dataset, { ...report, fields: report.fields.map((f) => ({ ...f })) });
      continue;
    }
    prior.records += report.records;
    for (const field of report.fields) {
      const same = prior.fields.find((f) => f.field === field.field && f.kind === field.kind);
      if (same) same.count += field.count;
      else prior.fields.push({ ...field });
    }
    prior.fields.sort((a, b) => b.count - a.count || a.field.localeCompare(b.field));
  }
  return [...byDataset.values()];
}

/** At most this many fields per report travel in results and memos; the rest are counted, not named. */
export const MAX_DRIFT_FIELDS = 20;

/** A report small enough for a workflow result: the most frequent fields, and how many more there were. */
export function boundDrift(report: DriftReport, max = MAX_DRIFT_FIELDS): DriftReport {
  if (report.fields.length <= max) return report;
  return { ...report, fields: report.fields.slice(0, max), more: report.fields.length - max };
}
