/**
 * The matching rules of `orgsync external-keys`, without Excel or Knox: one case per line. A small
 * company, 삼성SDS, whose tree repeats names in two branches:
 *
 *   삼성SDS (D0) ─ 경영지원 (D1) ─ 인사팀 (D11)
 *                └ 사업부   (D2) ─ 인사팀 (D21) ─ 채용파트 (D211)
 *                                └ 경영지원 (D22) ─ 인사팀 (D221)
 */
import { describe, expect, it } from 'vitest';
import { matchRows, type Candidate, type RowResult, type TemplateRow } from '../../onboarding/external-keys.js';

const department = (key: string, name: string, ...ancestors: string[]): Candidate => ({ key, name, ancestors: [...ancestors, '삼성SDS'] });
const DEPARTMENTS = [
  department('D0', '삼성SDS'),
  department('D1', '경영지원', '삼성SDS'),
  department('D11', '인사팀', '경영지원', '삼성SDS'),
  department('D2', '사업부', '삼성SDS'),
  department('D21', '인사팀', '사업부', '삼성SDS'),
  department('D211', '채용파트', '인사팀', '사업부', '삼성SDS'),
  department('D22', '경영지원', '사업부', '삼성SDS'),
  department('D221', '인사팀', '경영지원', '사업부', '삼성SDS'),
];

const outcome = (r: RowResult) =>
  r.status === 'matched' ? r.key : r.status === 'ambiguous' ? `ambiguous ${r.keys.join(',')}` : 'unmatched';

type Case = [what: string, row: Omit<TemplateRow, 'row'>, expected: string];
/** One table row: the template row, matched alone against `candidates`, has the expected outcome. */
const matchesAs =
  (entity: 'departments' | 'employees', candidates: Candidate[]) =>
  (...[, row, expected]: Case) =>
    expect(matchRows(entity, [{ row: 2, ...row }], candidates).results.map(outcome)).toEqual([expected]);

describe('departments: by name and where the row says it sits', () => {
  it.each<Case>([
    ['the nearest parent of a unique name', { name: '채용파트', parent: '인사팀' }, 'D211'],
    ['the parent tells two 인사팀 apart', { name: '인사팀', parent: '사업부' }, 'D21'],
    ['a parent named twice is not enough', { name: '인사팀', parent: '경영지원' }, 'ambiguous D11,D221'],
    ['the parent as a path is', { name: '인사팀', parent: '사업부 > 경영지원' }, 'D221'],
    ['a path from the top is', { name: '인사팀', parent: '삼성SDS > 경영지원' }, 'D11'],
    ['the company may head the path', { name: '인사팀', parent: '삼성SDS > 삼성SDS > 경영지원' }, 'D11'],
    ['an empty parent is the top', { name: '삼성SDS', parent: '' }, 'D0'],
    ['a full path column names the department too', { path: '삼성SDS > 사업부 > 경영지원 > 인사팀' }, 'D221'],
    ['a path Knox does not have', { path: '삼성SDS > 기획 > 인사팀' }, 'unmatched'],
    ['a parent Knox does not have', { name: '인사팀', parent: '기획' }, 'unmatched'],
    ['a name Knox does not have', { name: '총무팀', parent: '경영지원' }, 'unmatched'],
    ['no parent column: a repeated name stays ambiguous', { name: '인사팀' }, 'ambiguous D11,D21,D221'],
    ['spaces around names do not count', { name: ' 인사팀 ', parent: '사업부  >  경영지원' }, 'D221'],
  ])('%s: %j → %s', matchesAs('departments', DEPARTMENTS));
});

const PEOPLE: Candidate[] = [
  { key: 'E1', name: '김삼성', email: 'kim@samsung.com', userId: 'kim' },
  { key: 'E2', name: '이삼성', email: 'lee@samsung.com', userId: 'lee' },
  { key: 'E3', name: '박삼성', email: 'park@samsung.com', userId: 'park' },
  { key: 'E4', name: '박삼성', email: 'park@samsung.com', userId: 'park2' },
];

describe('employees: by e-mail, then login id', () => {
  it.each<Case>([
    ['e-mail in another case', { email: 'Kim@SAMSUNG.com' }, 'E1'],
    ['login id as Knox userId', { loginId: 'LEE' }, 'E2'],
    ['login id as the e-mail orgsync uses', { loginId: 'lee@samsung.com' }, 'E2'],
    ['e-mail and login id agree', { email: 'kim@samsung.com', loginId: 'kim' }, 'E1'],
    ['e-mail and login id name two people', { email: 'kim@samsung.com', loginId: 'lee' }, 'ambiguous E1,E2'],
    ['the e-mail decides when the login id finds nobody', { email: 'kim@samsung.com', loginId: 'k.old' }, 'E1'],
    ['two Knox records share an e-mail', { email: 'park@samsung.com' }, 'ambiguous E3,E4'],
    ['nobody', { email: 'gone@samsung.com', loginId: 'gone' }, 'unmatched'],
  ])('%s: %j → %s', matchesAs('employees', PEOPLE));
});

describe('one object, one row', () => {
  it('leaves both rows empty when two fit the same object, and counts that object as having no row', () => {
    const grades: Candidate[] = [
      { key: 'G1', name: '책임' },
      { key: 'G2', name: '선임' },
    ];
    const result = matchRows(
      'grades',
      [
        { row: 2, name: '책임' },
        { row: 3, name: '선임' },
        { row: 4, name: '책임' },
      ],
      grades,
    );
    expect(result.results.map(outcome)).toEqual(['ambiguous G1', 'G2', 'ambiguous G1']);
    expect(result.results[0]).toMatchObject({ reason: 'rows 2, 4 all fit G1 ("책임")' });
    expect(result.withoutRow.map((c) => c.key)).toEqual(['G1']);
    expect(result.counts).toEqual({ rows: 3, matched: 1, unmatched: 0, ambiguous: 2, knoxWithoutRow: 1 });
  });

  it('notes the key a row already had', () => {
    const result = matchRows('grades', [{ row: 2, name: '고문', externalKey: 'OLD-1' }], [{ key: 'G1', name: '책임' }]);
    expect(result.results).toEqual([
      { row: 2, label: '고문', previous: 'OLD-1', status: 'unmatched', reason: 'no Knox grade (title) is named "고문"' },
    ]);
  });
});
