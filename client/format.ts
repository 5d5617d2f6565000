/**
 * Text the CLI prints: aligned tables that stay aligned with Korean names in them (a Hangul syllable
 * takes two terminal cells), CSV that Excel opens as UTF-8, and times and durations as operators in
 * Seoul read them.
 */

import { seoulParts } from '../lib/seoul-time.js';

// East Asian Wide and Fullwidth ranges (Unicode UAX #11) that occur in names and messages.
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];
// Combining marks, conjoining Hangul vowels/finals and zero-width characters take no cell of their own.
const ZERO: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f],
  [0x1160, 0x11ff],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x200b, 0x200f],
  [0x20d0, 0x20ff],
  [0xd7b0, 0xd7ff],
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
];
const within = (ranges: typeof WIDE, cp: number) => ranges.some(([from, to]) => cp >= from && cp <= to);

/** Terminal cells a string takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    width += within(ZERO, cp) ? 0 : within(WIDE, cp) ? 2 : 1;
  }
  return width;
}

export interface Column {
  header: string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
}

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

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const UNIT_NAMES: Record<string, string> = { second: 's', sec: 's', minute: 'm', min: 'm', hour: 'h', day: 'd' };

/** `90s`, `30m`, `1h`, `1 hour`, `2 days` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  if (!match) return undefined;
  const word = match[2]!.toLowerCase().replace(/s$/, '');
  const unit = UNITS[match[2]!.toLowerCase()] ?? UNITS[UNIT_NAMES[word] ?? ''];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}
