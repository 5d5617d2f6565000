/**
 * `orgsync external-keys` end to end: a template built the way WORKPLACE's console exports one (a styled
 * header row, column widths, a frozen header, an instructions sheet, hundreds of rows), filled from the
 * Knox simulator through the real client, read back and compared cell by cell with what each row should
 * hold. The expected keys are stated from the rows' own construction and README's mapping table, never by
 * calling the matching code.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg, type GeneratedOrg } from '../../generator/index.js';
import { startKnoxSimulator, type KnoxSimulator } from '../../knox/simulator/server.js';
import { cliWith, parseCsv, type Cli } from '../cli/helpers.js';

const SYSTEM_ID = 'C60REST0001';
const dir = mkdtempSync(join(tmpdir(), 'orgsync-external-keys-'));
const file = (name: string) => join(dir, name);

type Cell = ExcelJS.CellValue;

interface Built {
  /** Header texts of the data sheet, in column order. */
  headers: string[];
  rows: Cell[][];
}

/** A template as the console exports one: data sheet first, then an instructions sheet. */
async function writeWorkbook(path: string, sheetName: string, { headers, rows }: Built): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = headers.map((_, i) => ({ width: 12 + 4 * i }));
  sheet.addRow(headers);
  sheet.getRow(1).eachCell((cell) => {
    cell.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
  });
  for (const row of rows) sheet.addRow(row);
  const help = workbook.addWorksheet('작성방법');
  help.addRow(['External Key 열에 각 항목의 External Key를 입력한 후 업로드하세요.']);
  help.addRow(['External Key는 36자 이내의 영문, 숫자로 입력합니다.']);
  await workbook.xlsx.writeFile(path);
}

async function readWorkbook(path: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook;
}

/**
 * Every cell of the filled workbook: the External Key column holds `expected[row]` (null = left empty),
 * every other cell, style, width and sheet is as in the download.
 */
async function expectFilled(downloaded: string, filled: string, keyColumn: number, expected: readonly (string | null)[]): Promise<void> {
  const [before, after] = await Promise.all([readWorkbook(downloaded), readWorkbook(filled)]);
  expect(after.worksheets.map((w) => w.name)).toEqual(before.worksheets.map((w) => w.name));
  const [data, help] = [before.worksheets[0]!, before.worksheets[1]!];
  const [filledData, filledHelp] = [after.worksheets[0]!, after.worksheets[1]!];
  expect(filledData.rowCount).toBe(data.rowCount);
  expect(filledData.columnCount).toBe(data.columnCount);
  expect(filledData.views).toEqual(data.views);
  for (let c = 1; c <= data.columnCount; c++) expect(filledData.getColumn(c).width).toBe(data.getColumn(c).width);
  const cells = (sheet: ExcelJS.Worksheet, keyed: boolean) =>
    Array.from({ length: sheet.rowCount }, (_, r) =>
      Array.from({ length: sheet.columnCount }, (_, c) =>
        keyed && r > 0 && c + 1 === keyColumn ? null : sheet.getCell(r + 1, c + 1).value,
      ),
    );
  // Every other cell as it was.
  expect(cells(filledData, true)).toEqual(cells(data, true));
  // The key column: the expected key per data row.
  expect(Array.from({ length: data.rowCount - 1 }, (_, r) => filledData.getCell(r + 2, keyColumn).value)).toEqual(expected);
  expect(filledData.getCell(1, keyColumn).font).toEqual(data.getCell(1, keyColumn).font);
  expect(filledData.getCell(1, 1).fill).toEqual(data.getCell(1, 1).fill);
  expect(cells(filledHelp, false)).toEqual(cells(help, false));
}

/** The 직책 key as README states it: `pos-` + 12 hex of SHA-256(gradeName). */
const positionKey = (name: string) => `pos-${createHash('sha256').update(name.normalize('NFC')).digest('hex').slice(0, 12)}`;

// 300 people in 40 departments; then names that repeat in different branches, and a second title named like the first.
const generated = generateOrg({ seed: 1601, employees: 300, departments: 40 });
const children = (code: string) => generated.organizations.filter((o) => o.uprDepartmentCode === code);
const root = generated.organizations.find((o) => !o.uprDepartmentCode)!;
const [branchA, branchB] = children(root.departmentCode).filter((o) =>
  children(o.departmentCode).some((c) => children(c.departmentCode).length),
);
const [a1, b1] = [
  children(branchA!.departmentCode).find((o) => children(o.departmentCode).length)!,
  children(branchB!.departmentCode).find((o) => children(o.departmentCode).length)!,
];
const [a11, b11] = [children(a1.departmentCode)[0]!, children(b1.departmentCode)[0]!];
/** 기획실 twice, under branches of different names; 인사팀 twice, each under a 기획실. */
const renamed = new Map<string, string>([
  [a1.departmentCode, '기획실'],
  [b1.departmentCode, '기획실'],
  [a11.departmentCode, '인사팀'],
  [b11.departmentCode, '인사팀'],
]);
const extraTitle = { ...generated.titles[0]!, titleCode: 'X0Z', sortOrder: '999' };
const org: GeneratedOrg = {
  ...generated,
  titles: [...generated.titles, extraTitle],
  organizations: generated.organizations.map((o) => ({ ...o, departmentName: renamed.get(o.departmentCode) ?? o.departmentName })),
};
const byCode = new Map(org.organizations.map((o) => [o.departmentCode, o]));
const pathOf = (o: GeneratedOrg['organizations'][number]): string[] => {
  const up = o.uprDepartmentCode ? byCode.get(o.uprDepartmentCode) : undefined;
  return [...(up ? pathOf(up) : []), o.departmentName];
};

let knox: KnoxSimulator;
let cli: Cli;
beforeAll(async () => {
  knox = await startKnoxSimulator({ org, systemId: SYSTEM_ID });
  cli = cliWith({ KNOX_BASE_URL: knox.url, KNOX_SYSTEM_ID: SYSTEM_ID, KNOX_COMPANY_CODES: org.companyCode, KNOX_RPS: '1000' });
});
afterAll(async () => {
  await knox?.close();
});

describe('orgsync external-keys', () => {
  it('departments: by name and 상위부서; the same name under parents of the same name is ambiguous and left empty', async () => {
    // The sheet as WORKPLACE holds the migrated tree: every Knox department but the newest, plus one Knox never had.
    const newest = org.organizations.filter((o) => !renamed.has(o.departmentCode)).at(-1)!;
    const listed = org.organizations.filter((o) => o !== newest);
    const rows: Cell[][] = listed.map((o, i) => [
      i + 1,
      o.departmentName,
      o.uprDepartmentCode ? byCode.get(o.uprDepartmentCode)!.departmentName : null,
      `WP${String(1000 + i)}`,
      null,
    ]);
    rows.push([rows.length + 1, '총무팀', root.departmentName, 'WP9999', null]);
    const expected = [
      ...listed.map((o) => (o.departmentCode === a11.departmentCode || o.departmentCode === b11.departmentCode ? null : o.departmentCode)),
      null, // 총무팀: not in Knox
    ];
    await writeWorkbook(file('departments.xlsx'), '부서', { headers: ['No', '부서명', '상위부서', '부서코드', 'External Key'], rows });

    const result = await cli('external-keys', 'departments', '--sheet', file('departments.xlsx'), '--out', file('departments-filled.xlsx'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `부서 departments: sheet "부서" (headers in row 1), ${rows.length} rows: matched ${listed.length - 2}, unmatched 1, ambiguous 2; in Knox with no row 3`,
    );
    expect(result.stdout).toMatch(
      new RegExp(
        `^ +${listed.findIndex((o) => o.departmentCode === a11.departmentCode) + 2} +기획실 > 인사팀 +ambiguous +2 Knox departments "인사팀" under 기획실`,
        'm',
      ),
    );
    expect(result.stdout).toMatch(
      new RegExp(`^ +${rows.length + 1} +${root.departmentName} > 총무팀 +unmatched +no Knox department is named "총무팀"`, 'm'),
    );
    await expectFilled(file('departments.xlsx'), file('departments-filled.xlsx'), 5, expected);
  });

  it('departments: a full path column (English headers) tells apart what 상위부서 could not, and an unknown branch is reported', async () => {
    const rows: Cell[][] = org.organizations.map((o) => [o.departmentName, pathOf(o).join(' > '), null]);
    rows.push(['인사팀', [root.departmentName, '없는본부', '기획실', '인사팀'].join(' > '), null]);
    await writeWorkbook(file('departments-path.xlsx'), 'Departments', { headers: ['Department', 'Department path', 'External Key'], rows });

    const result = await cli(
      'external-keys',
      'departments',
      '--sheet',
      file('departments-path.xlsx'),
      '--out',
      file('departments-path-filled.xlsx'),
      '--report',
      'json',
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { counts: unknown; rows: { row: number; status: string }[]; knoxWithoutRow: unknown[] };
    expect(report.counts).toEqual({ rows: rows.length, matched: org.organizations.length, unmatched: 1, ambiguous: 0, knoxWithoutRow: 0 });
    expect(report.rows).toEqual([expect.objectContaining({ row: rows.length + 1, status: 'unmatched' })]);
    expect(report.knoxWithoutRow).toEqual([]);
    await expectFilled(file('departments-path.xlsx'), file('departments-path-filled.xlsx'), 3, [
      ...org.organizations.map((o) => o.departmentCode),
      null,
    ]);
  });

  it('employees: by e-mail in any case, then by login id; a row whose e-mail and login id name two people is ambiguous; --report csv to a file', async () => {
    const people = org.employees;
    const [cased, byLogin, conflicted, other, hired] = [people[3]!, people[7]!, people[11]!, people[12]!, people.at(-1)!];
    const listed = people.filter((p) => p !== hired);
    const emailCell = (p: (typeof people)[number]): Cell => {
      if (p === cased) return p.emailAddress.replace(/^./, (c) => c.toUpperCase()).replace('@samsung.com', '@Samsung.COM');
      if (p === byLogin) return null;
      // Exports often carry e-mails as mailto links.
      if (p === people[20]) return { text: p.emailAddress, hyperlink: `mailto:${p.emailAddress}` };
      return p.emailAddress;
    };
    const rows: Cell[][] = listed.map((p) => [
      p.fullName,
      emailCell(p),
      // The e-mail alone finds `cased`; the login id alone finds `byLogin`.
      p === byLogin ? p.userId : p === conflicted ? other.emailAddress : p === cased ? null : p.emailAddress,
      p.departmentName,
      null,
    ]);
    rows.push(['퇴사자', 'left.long.ago@samsung.com', 'left.long.ago', '인사팀', null]);
    const expected = [...listed.map((p) => (p === conflicted ? null : p.epId)), null];
    await writeWorkbook(file('employees.xlsx'), '사원', { headers: ['이름', '이메일', '로그인 ID', '부서명', 'External Key'], rows });

    const result = await cli(
      'external-keys',
      'employees',
      '--sheet',
      file('employees.xlsx'),
      '--out',
      file('employees-filled.xlsx'),
      '--report',
      'csv',
      '--report-file',
      file('employees-report.csv'),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `사원 employees: sheet "사원" (headers in row 1), ${rows.length} rows: matched ${listed.length - 1}, unmatched 1, ambiguous 1; in Knox with no row 2`,
    );
    expect(result.stdout).toContain(`report: ${file('employees-report.csv')}`);
    await expectFilled(file('employees.xlsx'), file('employees-filled.xlsx'), 5, expected);

    const csv = readFileSync(file('employees-report.csv'), 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [header, ambiguous, unmatched, ...withoutRow] = parseCsv(csv.slice(1));
    expect([header, ambiguous, unmatched]).toEqual([
      ['entity', 'row', 'name', 'status', 'key', 'reason'],
      [
        'employees',
        String(listed.indexOf(conflicted) + 2),
        `${conflicted.fullName} ${conflicted.emailAddress}`,
        'ambiguous',
        `${conflicted.epId} | ${other.epId}`,
        `e-mail ${conflicted.emailAddress} is ${conflicted.epId} in Knox but login id ${other.emailAddress} is ${other.epId}`,
      ],
      [
        'employees',
        String(rows.length + 1),
        '퇴사자 left.long.ago@samsung.com',
        'unmatched',
        '',
        'no Knox employee has e-mail left.long.ago@samsung.com or login id left.long.ago',
      ],
    ]);
    // In Knox's order, which is not the sheet's.
    expect(withoutRow).toHaveLength(2);
    expect(withoutRow).toEqual(
      expect.arrayContaining(
        [conflicted, hired].map((p) => [
          'employees',
          '',
          p.fullName,
          'no-row',
          p.epId,
          'in Knox, and no row of the sheet is it: a first run creates it',
        ]),
      ),
    );
  });

  it('grades: by name; a name two Knox titles share is ambiguous; a key already in the sheet is kept when nothing matches', async () => {
    const names = org.titles.filter((t) => t !== extraTitle);
    const rows: Cell[][] = names.map((t) => [t.titleName, t === names[1] ? 'WRONG-KEY' : null]);
    rows.push(['명예회장', 'OLD-01']);
    const expected = [...names.map((t) => (t.titleName === extraTitle.titleName ? null : t.titleCode)), 'OLD-01'];
    await writeWorkbook(file('grades.xlsx'), '직급', { headers: ['직급명', 'External Key'], rows });

    const result = await cli('external-keys', 'grades', '--sheet', file('grades.xlsx'), '--out', file('grades-filled.xlsx'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `직급 grades: sheet "직급" (headers in row 1), ${rows.length} rows: matched ${names.length - 1}, unmatched 1, ambiguous 1; in Knox with no row 2`,
    );
    expect(result.stdout).toMatch(
      new RegExp(`^ +2 +${extraTitle.titleName} +ambiguous +2 Knox grades \\(titles\\) are named "${extraTitle.titleName}"$`, 'm'),
    );
    expect(result.stdout).toMatch(
      /^ +\d+ +명예회장 +unmatched +no Knox grade \(title\) is named "명예회장" \(kept the key it had: OLD-01\)$/m,
    );
    await expectFilled(file('grades.xlsx'), file('grades-filled.xlsx'), 2, expected);
  });

  it('job titles: by name, the key from README (pos- + SHA-256 of 직위); two rows of one name are both left empty', async () => {
    const positions = [...new Set(org.employees.map((e) => e.gradeName))];
    const rows: Cell[][] = positions.map((name, i) => [i + 1, name, null, 'Y']);
    rows.push([rows.length + 1, '파트장', null, 'Y'], [rows.length + 2, positions[0]!, null, 'N']);
    const expected = [...positions.map((name, i) => (i === 0 ? null : positionKey(name))), null, null];
    await writeWorkbook(file('job-titles.xlsx'), '직책', { headers: ['순서', '직책명', 'External Key', '사용여부'], rows });

    const result = await cli('external-keys', 'job-titles', '--sheet', file('job-titles.xlsx'), '--out', file('job-titles-filled.xlsx'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `직책 job titles: sheet "직책" (headers in row 1), ${rows.length} rows: matched ${positions.length - 1}, unmatched 1, ambiguous 2; in Knox with no row 1`,
    );
    expect(result.stdout).toContain(`rows 2, ${rows.length + 1} all fit ${positionKey(positions[0]!)}`);
    await expectFilled(file('job-titles.xlsx'), file('job-titles-filled.xlsx'), 3, expected);
  });

  it('additional attributes: by name or any configured i18n name, without reading Knox (no Knox settings needed)', async () => {
    const rows: Cell[][] = [
      ['임직원 구분', 'SELECT', null],
      ['Executive', 'YESNO', null],
      ['사업장', 'INPUT', null],
      ['근무지', 'INPUT', null],
    ];
    await writeWorkbook(file('attributes.xlsx'), '추가정보', { headers: ['추가정보명', '유형', 'External Key'], rows });
    const result = await cliWith({})(
      'external-keys',
      'additional-attributes',
      '--sheet',
      file('attributes.xlsx'),
      '--out',
      file('attributes-filled.xlsx'),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '추가정보 additional attributes: sheet "추가정보" (headers in row 1), 4 rows: matched 3, unmatched 1, ambiguous 0; in Knox with no row 0',
    );
    await expectFilled(file('attributes.xlsx'), file('attributes-filled.xlsx'), 3, ['employeeType', 'executiveYn', 'busiName', null]);
  });

  it('finds headers the defaults do not know once they are configured, and says which it looked for until then (exit 2)', async () => {
    const rows: Cell[][] = org.titles.slice(1, 4).map((t) => [t.titleName, null]);
    await writeWorkbook(file('grades-custom.xlsx'), 'Sheet1', { headers: ['호칭*', '연동 코드'], rows });
    const args = ['external-keys', 'grades', '--sheet', file('grades-custom.xlsx'), '--out', file('grades-custom-filled.xlsx')];

    const unconfigured = await cli(...args);
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toMatch(
      /^orgsync: .*grades-custom\.xlsx: no header row with externalKey \("External Key" or .*\), and name \("직급명" or /,
    );

    const config = file('orgsync.yaml');
    writeFileSync(config, 'onboarding:\n  sheets:\n    grades: { name: 호칭, externalKey: [연동코드, Key] }\n');
    const configured = await cliWith({ ...knoxEnv(), ORGSYNC_CONFIG: config })(...args);
    expect(configured.code, configured.stderr).toBe(0);
    await expectFilled(
      file('grades-custom.xlsx'),
      file('grades-custom-filled.xlsx'),
      2,
      org.titles.slice(1, 4).map((t) => t.titleCode),
    );
  });
});

const knoxEnv = () => ({ KNOX_BASE_URL: knox.url, KNOX_SYSTEM_ID: SYSTEM_ID, KNOX_COMPANY_CODES: org.companyCode, KNOX_RPS: '1000' });
