/**
 * Which Knox object each row of a WORKPLACE External Key template is (seed 000 step 2: 다운로드 → 엑셀 양식에
 * External Key 입력 → 업로드), and so which key it gets: the key orgsync itself uses for that object
 * (README "What orgsync syncs"). Pure: no Excel, no HTTP; onboarding/sheet.ts reads and writes the workbook.
 *
 * A row gets a key only when exactly one Knox object fits it and no other row fits that object: a key
 * written on the wrong object would make the first run update the wrong department or person. Everything
 * else is left for a person, with the reason.
 */
import type { SyncSettings } from '../config/index.js';
import type { KnoxEmployee, KnoxOrganization, KnoxTitle } from '../knox/index.js';
import { departmentScope, jobTitleOf, normalEmail, normalName } from '../engine/stages/mapping.js';

export const ENTITIES = ['grades', 'jobTitles', 'departments', 'employees', 'additionalAttributes'] as const;
export type Entity = (typeof ENTITIES)[number];

/** What a template row says about its object, by column role. Absent = the sheet has no such column. */
export interface TemplateRow {
  /** The row's number in the sheet (1-based, as Excel shows it). */
  row: number;
  name?: string;
  /** Departments: the parent's name or path. */
  parent?: string;
  /** Departments: the full path, the department itself included. */
  path?: string;
  email?: string;
  loginId?: string;
  /** What the External Key cell held before. */
  externalKey?: string;
}

/** A Knox object a row can be, under the key orgsync gives it. */
export interface Candidate {
  key: string;
  name: string;
  /** Other names the object goes by (an attribute's i18n names). */
  aliases?: string[];
  /** Departments: names above it, nearest first, ending with the company's name. */
  ancestors?: string[];
  email?: string;
  userId?: string;
}

export type RowResult = { row: number; label: string; previous?: string } & (
  { status: 'matched'; key: string } | { status: 'unmatched'; reason: string } | { status: 'ambiguous'; reason: string; keys: string[] }
);

export interface MatchCounts {
  rows: number;
  matched: number;
  unmatched: number;
  ambiguous: number;
  /** Knox objects no row was matched to: a first run would create them. */
  knoxWithoutRow: number;
}

export interface MatchResult {
  entity: Entity;
  results: RowResult[];
  withoutRow: Candidate[];
  counts: MatchCounts;
}

export interface KnoxData {
  titles?: readonly KnoxTitle[];
  organizations?: readonly KnoxOrganization[];
  employees?: readonly KnoxEmployee[];
}

/** The Knox reads each entity needs. */
export const KNOX_NEEDS: Record<Entity, readonly (keyof KnoxData)[]> = {
  grades: ['titles'],
  jobTitles: ['employees'],
  departments: ['organizations'],
  employees: ['organizations', 'employees'],
  additionalAttributes: [],
};

/**
 * The objects orgsync syncs for `entity`, each under its key, exactly as the stages derive them:
 * grades titleCode (one name per code; a code with two names is left out, as the grade stage does),
 * 직책 jobTitleOf (per jobTitleSource), departments departmentCode (in departmentScope), employees epId
 * (in a department in scope), additional attributes the configured key.
 */
export function knoxCandidates(entity: Entity, knox: KnoxData, settings: SyncSettings): Candidate[] {
  switch (entity) {
    case 'grades': {
      const byCode = new Map<string, Set<string>>();
      for (const t of knox.titles ?? []) byCode.set(t.titleCode, (byCode.get(t.titleCode) ?? new Set()).add(normalName(t.titleName)));
      return [...byCode].flatMap(([key, names]) => (names.size === 1 ? [{ key, name: [...names][0]! }] : []));
    }
    case 'jobTitles': {
      const byKey = new Map<string, Candidate>();
      for (const e of knox.employees ?? []) {
        const title = jobTitleOf(e, settings.jobTitleSource);
        if (title && !byKey.has(title.key)) byKey.set(title.key, { key: title.key, name: normalName(title.name) });
      }
      return [...byKey.values()];
    }
    case 'departments': {
      const organizations = knox.organizations ?? [];
      const byCode = new Map(organizations.map((o) => [o.departmentCode, o]));
      const { included } = departmentScope(organizations, settings);
      return [...included.values()].map((o) => {
        const ancestors: string[] = [];
        const seen = new Set([o.departmentCode]);
        for (let up = byCode.get(o.uprDepartmentCode?.trim() ?? ''); up && !seen.has(up.departmentCode);) {
          seen.add(up.departmentCode);
          ancestors.push(normalName(up.departmentName));
          up = byCode.get(up.uprDepartmentCode?.trim() ?? '');
        }
        // WORKPLACE's tree may have the company as its top node, above Knox's top departments.
        if (o.companyName) ancestors.push(normalName(o.companyName));
        return { key: o.departmentCode, name: normalName(o.departmentName), ancestors };
      });
    }
    case 'employees': {
      const { included } = departmentScope(knox.organizations ?? [], settings);
      return (knox.employees ?? [])
        .filter((e) => included.has(e.departmentCode))
        .map((e) => ({ key: e.epId, name: normalName(e.fullName), email: normalEmail(e.emailAddress), userId: normalEmail(e.userId) }));
    }
    case 'additionalAttributes':
      return settings.additionalAttributes.map((a) => ({
        key: a.key,
        name: normalName(a.name),
        aliases: Object.values(a.i18nNames ?? {}).map(normalName),
      }));
  }
}

type Found = { candidates: Candidate[]; reason: string };

/** Candidates by what rows name them by: 100,000 rows must not each scan 100,000 people. */
interface Index {
  byName: Map<string, Candidate[]>;
  byEmail: Map<string, Candidate[]>;
  byLoginId: Map<string, Candidate[]>;
}

function indexOf(candidates: readonly Candidate[]): Index {
  const index: Index = { byName: new Map(), byEmail: new Map(), byLoginId: new Map() };
  const add = (map: Map<string, Candidate[]>, value: string | undefined, c: Candidate) => {
    if (!value) return;
    const list = map.get(value) ?? [];
    if (!list.includes(c)) list.push(c);
    map.set(value, list);
  };
  for (const c of candidates) {
    for (const name of [c.name, ...(c.aliases ?? [])]) add(index.byName, name, c);
    add(index.byEmail, c.email, c);
    // orgsync's login id is the e-mail; a migrated one may be the Knox userId.
    add(index.byLoginId, c.userId, c);
    add(index.byLoginId, c.email, c);
  }
  return index;
}

/** Splits a path cell into names: `삼성SDS > AI사업부 > 인사팀`. */
const splitPath = (text: string, separator: string) => text.split(separator).map(normalName).filter(Boolean);

/**
 * Departments: by name, then by where the row says it sits. The row's parent path (its 상위부서, or its
 * full path less itself) must be the nearest part of the Knox department's ancestry: `AI사업부` or
 * `삼성SDS > AI사업부` both fit a department directly under AI사업부. A row whose parent is empty is a
 * top-level department. A template with neither column matches by name alone.
 */
function findDepartment(row: TemplateRow, index: Index, separator: string): Found {
  const path = row.path !== undefined ? splitPath(row.path, separator) : undefined;
  const name = normalName(row.name) || path?.at(-1) || '';
  if (!name) return { candidates: [], reason: 'no department name' };
  const parent = path ? path.slice(0, -1) : row.parent !== undefined ? splitPath(row.parent, separator) : undefined;
  const named = index.byName.get(name) ?? [];
  if (named.length === 0) return { candidates: [], reason: `no Knox department is named "${name}"` };
  if (parent === undefined)
    return {
      candidates: named,
      reason: `${named.length} Knox departments are named "${name}"; the sheet has no parent column to tell them apart`,
    };
  const ancestry = (c: Candidate) => c.ancestors ?? [];
  const placed =
    parent.length === 0
      ? named.filter((c) => ancestry(c).length === 1)
      : named.filter((c) => parent.every((p, i) => ancestry(c)[parent.length - 1 - i] === p));
  const where = parent.length ? `under ${parent.join(' > ')}` : 'at the top';
  if (placed.length === 0)
    return {
      candidates: [],
      reason: `no Knox department "${name}" ${where} (Knox has it under ${named.map((c) => [...ancestry(c)].reverse().join(' > ')).join('; ')})`,
    };
  return { candidates: placed, reason: `${placed.length} Knox departments "${name}" ${where}; give the full path to tell them apart` };
}

/**
 * Employees: by e-mail, case-insensitively, then by login id (Knox userId, or the e-mail orgsync uses as
 * login id). When both columns name someone, they must name the same person.
 */
function findEmployee(row: TemplateRow, index: Index): Found {
  const email = normalEmail(row.email);
  const loginId = normalEmail(row.loginId);
  if (!email && !loginId) return { candidates: [], reason: 'no e-mail or login id' };
  const byEmail = (email && index.byEmail.get(email)) || [];
  const byLogin = (loginId && index.byLoginId.get(loginId)) || [];
  if (byEmail.length === 1 && byLogin.length > 0 && !byLogin.some((c) => c.key === byEmail[0]!.key))
    return {
      candidates: [...byEmail, ...byLogin],
      reason: `e-mail ${email} is ${byEmail[0]!.key} in Knox but login id ${loginId} is ${byLogin.map((c) => c.key).join(', ')}`,
    };
  if (byEmail.length > 0) return { candidates: byEmail, reason: `${byEmail.length} Knox employees have e-mail ${email}` };
  if (byLogin.length > 0) return { candidates: byLogin, reason: `${byLogin.length} Knox employees have login id ${loginId}` };
  return {
    candidates: [],
    reason: `no Knox employee has ${[email && `e-mail ${email}`, loginId && `login id ${loginId}`].filter(Boolean).join(' or ')}`,
  };
}

function findByName(row: TemplateRow, index: Index, what: { one: string; many: string }): Found {
  const name = normalName(row.name);
  if (!name) return { candidates: [], reason: 'no name' };
  const found = index.byName.get(name) ?? [];
  return {
    candidates: found,
    reason: found.length ? `${found.length} ${what.many} are named "${name}"` : `no ${what.one} is named "${name}"`,
  };
}

const BY_NAME = {
  grades: { one: 'Knox grade (title)', many: 'Knox grades (titles)' },
  jobTitles: { one: 'job title in Knox', many: 'job titles in Knox' },
  additionalAttributes: { one: 'configured additional attribute', many: 'configured additional attributes' },
} as const;

export interface MatchOptions {
  /** Departments: what separates the names of a path cell. */
  pathSeparator?: string;
}

/** Every row's key, or why it has none; and the Knox objects no row took. */
export function matchRows(
  entity: Entity,
  rows: readonly TemplateRow[],
  candidates: readonly Candidate[],
  options: MatchOptions = {},
): MatchResult {
  const index = indexOf(candidates);
  const found = rows.map((row): Found => {
    if (entity === 'departments') return findDepartment(row, index, options.pathSeparator ?? '>');
    if (entity === 'employees') return findEmployee(row, index);
    return findByName(row, index, BY_NAME[entity]);
  });
  // Two rows that fit one object: WORKPLACE would get one key twice. Neither is written.
  const rowsByKey = new Map<string, number[]>();
  found.forEach((f, i) => {
    if (f.candidates.length === 1) rowsByKey.set(f.candidates[0]!.key, [...(rowsByKey.get(f.candidates[0]!.key) ?? []), rows[i]!.row]);
  });

  const results = rows.map((row, i): RowResult => {
    const f = found[i]!;
    const base = {
      row: row.row,
      label: labelOf(entity, row),
      ...(normalName(row.externalKey) ? { previous: normalName(row.externalKey) } : {}),
    };
    const keys = [...new Set(f.candidates.map((c) => c.key))];
    if (keys.length === 0) return { ...base, status: 'unmatched', reason: f.reason };
    if (keys.length > 1) return { ...base, status: 'ambiguous', reason: f.reason, keys };
    const sharing = rowsByKey.get(keys[0]!)!;
    if (sharing.length > 1)
      return { ...base, status: 'ambiguous', reason: `rows ${sharing.join(', ')} all fit ${keys[0]} ("${f.candidates[0]!.name}")`, keys };
    return { ...base, status: 'matched', key: keys[0]! };
  });

  const taken = new Set(results.flatMap((r) => (r.status === 'matched' ? [r.key] : [])));
  const withoutRow = candidates.filter((c) => !taken.has(c.key));
  const count = (status: RowResult['status']) => results.filter((r) => r.status === status).length;
  return {
    entity,
    results,
    withoutRow,
    counts: {
      rows: rows.length,
      matched: count('matched'),
      unmatched: count('unmatched'),
      ambiguous: count('ambiguous'),
      knoxWithoutRow: withoutRow.length,
    },
  };
}

function labelOf(entity: Entity, row: TemplateRow): string {
  if (entity === 'employees') return [normalName(row.name), normalEmail(row.email) || normalEmail(row.loginId)].filter(Boolean).join(' ');
  if (entity === 'departments') return normalName(row.path) || [normalName(row.parent), normalName(row.name)].filter(Boolean).join(' > ');
  return normalName(row.name);
}
