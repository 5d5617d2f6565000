/**
 * The External Key template as a workbook (exceljs): find the header row and the columns by their header
 * text (config/onboarding.ts), read each row's identifying cells, and write keys into the External Key
 * column only. Everything else (other cells, styles, widths, other sheets) is written back as it was read.
 */
import ExcelJS from 'exceljs';
import type { SheetSettings } from '../config/index.js';
import type { Entity, TemplateRow } from './external-keys.js';

export type Role = 'externalKey' | 'name' | 'parent' | 'path' | 'email' | 'loginId';

/** Columns each entity reads, and the groups of which the sheet must have at least one. */
const LAYOUT: Record<Entity, { roles: readonly Role[]; required: readonly (readonly Role[])[] }> = {
  grades: { roles: ['externalKey', 'name'], required: [['externalKey'], ['name']] },
  jobTitles: { roles: ['externalKey', 'name'], required: [['externalKey'], ['name']] },
  departments: { roles: ['externalKey', 'name', 'parent', 'path'], required: [['externalKey'], ['name', 'path']] },
  employees: { roles: ['externalKey', 'email', 'loginId', 'name'], required: [['externalKey'], ['email', 'loginId']] },
  additionalAttributes: { roles: ['externalKey', 'name'], required: [['externalKey'], ['name']] },
};

/** A template that is not what the configured headers describe: the operator's to fix (exit 2). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export interface Template {
  workbook: ExcelJS.Workbook;
  worksheet: ExcelJS.Worksheet;
  headerRow: number;
  /** Column number (1-based) of each role the sheet has. */
  columns: Partial<Record<Role, number>>;
  rows: TemplateRow[];
}

/** Header text as compared: case, spaces and a required-field `*` do not count. */
const headerKey = (text: string) => text.normalize('NFC').toLowerCase().replace(/[\s*]/g, '');

type Headers = SheetSettings[Entity] & Partial<Record<Role, string[]>>;

/** The columns of one row read as a header row, or undefined when it lacks a required one. */
function columnsOf(cells: readonly string[], entity: Entity, settings: Headers, where: string): Partial<Record<Role, number>> | undefined {
  const columns: Partial<Record<Role, number>> = {};
  const used = new Set<number>();
  for (const role of LAYOUT[entity].roles) {
    for (const alternative of settings[role] ?? []) {
      const at = cells.flatMap((text, i) => (!used.has(i) && headerKey(text) === headerKey(alternative) ? [i] : []));
      if (at.length > 1)
        throw new TemplateError(
          `${where}: ${at.length} columns are headed "${alternative}"; name the one to use in onboarding.sheets.${entity}.${role}`,
        );
      if (at.length === 1) {
        columns[role] = at[0]! + 1;
        used.add(at[0]!);
        break;
      }
    }
  }
  return LAYOUT[entity].required.every((group) => group.some((role) => columns[role] !== undefined)) ? columns : undefined;
}

const rowTexts = (row: ExcelJS.Row): string[] => Array.from({ length: row.cellCount }, (_, i) => row.getCell(i + 1).text ?? '');

export async function readTemplate(file: string, entity: Entity, settings: SheetSettings[Entity]): Promise<Template> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (err) {
    throw new TemplateError(`cannot read ${file} as an .xlsx workbook: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const headers = settings as Headers;
  const sheets =
    settings.sheet === undefined ? workbook.worksheets : [workbook.getWorksheet(settings.sheet)].filter((w) => w !== undefined);
  if (sheets.length === 0)
    throw new TemplateError(`${file} has no worksheet named "${settings.sheet}" (onboarding.sheets.${entity}.sheet)`);
  for (const worksheet of sheets) {
    for (let r = 1; r <= Math.min(settings.headerSearchRows, worksheet.rowCount); r++) {
      const columns = columnsOf(rowTexts(worksheet.getRow(r)), entity, headers, `${file}, sheet "${worksheet.name}", row ${r}`);
      if (columns) return { workbook, worksheet, headerRow: r, columns, rows: readRows(worksheet, r, columns) };
    }
  }
  const wanted = LAYOUT[entity].required
    .map((group) => group.map((role) => `${role} (${(headers[role] ?? []).map((h) => `"${h}"`).join(' or ')})`).join(' or '))
    .join(', and ');
  throw new TemplateError(
    `${file}: no header row with ${wanted} in the first ${settings.headerSearchRows} rows of ${sheets.map((w) => `"${w.name}"`).join(', ')}; set the headers in onboarding.sheets.${entity} (README "External keys")`,
  );
}

function readRows(worksheet: ExcelJS.Worksheet, headerRow: number, columns: Partial<Record<Role, number>>): TemplateRow[] {
  const rows: TemplateRow[] = [];
  const identifying = (Object.entries(columns) as [Role, number][]).filter(([role]) => role !== 'externalKey');
  for (let r = headerRow + 1; r <= worksheet.rowCount; r++) {
    const row = worksheet.getRow(r);
    const text = (column: number) => (row.getCell(column).text ?? '').trim();
    if (identifying.every(([, column]) => text(column) === '')) continue;
    rows.push({
      row: r,
      ...Object.fromEntries((Object.entries(columns) as [Role, number][]).map(([role, column]) => [role, text(column)])),
    });
  }
  return rows;
}

/** Writes each key into its row's External Key cell, as text (a code such as 0101 keeps its zero). */
export function fillKeys(template: Template, keys: ReadonlyMap<number, string>): void {
  const column = template.columns.externalKey!;
  for (const [row, key] of keys) template.worksheet.getRow(row).getCell(column).value = key;
}

export async function writeTemplate(template: Template, file: string): Promise<void> {
  await template.workbook.xlsx.writeFile(file);
}
