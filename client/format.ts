/**
 * Text the CLI prints: aligned tables that stay aligned with Korean names in them (a Hangul syllable
 * takes two terminal cells), CSV that Excel opens as UTF-8, and times and durations as operators in
 * Seoul read them.
 */

import ms from 'ms';
import stringWidth from 'string-width';
import { seoulParts } from '../lib/seoul-time.js';

/** Terminal cells a string takes (Unicode UAX #11: a Hangul syllable is two, a combining mark none). */
export const displayWidth = (text: string): number => stringWidth(text);

export interface Column {
  header: string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
}

/** A right-aligned column: a number's. */
export const right = (header: string): Column => ({ header, align: 'right' });

/** Plain aligned text, two spaces between columns, no trailing blanks. Cells are kept on one line. */
export function table(columns: readonly Column[], rows: readonly (readonly (string | number | undefined)[])[]): string[] {
  const cells = [columns.map((c) => c.header), ...rows.map((row) => columns.map((_, i) => oneLine(String(row[i] ?? ''))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => displayWidth(row[i]!))));
  return cells.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - displayWidth(cell));
        return columns[i]!.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ');

/**
 * RFC 4180 CSV with a UTF-8 byte-order mark and CRLF line ends: without the BOM, Excel reads the file
 * in the system's ANSI code page and Korean names turn into mojibake.
 */
export function csv(header: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]): string {
  const field = (value: string | number | undefined) => {
    // A cell Excel would read as a formula (= + - @, tab, CR) is prefixed with ' (OWASP CSV injection):
    // names and messages come from Knox and WORKPLACE, not from us.
    const raw = String(value ?? '');
    const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\uFEFF${[header, ...rows].map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}

/** `2026-11-25 02:00:00 KST` */
export function formatTime(at: Date | string | undefined): string {
  if (at === undefined) return '-';
  const p = seoulParts(typeof at === 'string' ? new Date(at) : at);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} KST`;
}

/** `850ms`, `12s`, `3m 12s`, `1h 4m` */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s}s`;
  const join = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    `${big}${bigUnit}${small ? ` ${small}${smallUnit}` : ''}`;
  if (s < 3_600) return join(Math.floor(s / 60), 'm', s % 60, 's');
  return join(Math.floor(s / 3_600), 'h', Math.floor((s % 3_600) / 60), 'm');
}

/** `90s`, `30m`, `1h`, `1 hour`, `2 days` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  // To `ms` a bare number is milliseconds; an operator typing `--catchup-window 30` means something else, so ask for a unit.
  if (!/[a-z]$/i.test(trimmed)) return undefined;
  // `ms` checks the text itself and answers undefined (not the number its types promise) when it is no duration.
  const value: number | undefined = ms(trimmed as ms.StringValue);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}
