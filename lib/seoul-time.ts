/**
 * Seoul calendar fields of an instant. Operators, Knox and WORKPLACE all count days in Korea, so the CLI's
 * times, a run's details in the Temporal UI and a new employee's hire date share this one formatter. Pure
 * (Intl only), so workflow code may import it.
 */

const seoul = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Seoul',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Calendar fields of an instant in Seoul, zero-padded. */
export function seoulParts(at: Date): { year: string; month: string; day: string; hour: string; minute: string; second: string } {
  const parts = Object.fromEntries(seoul.formatToParts(at).map((p) => [p.type, p.value]));
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Asia/Seoul calendar date, yyyy-MM-dd. */
export function seoulDate(at: Date): string {
  const p = seoulParts(at);
  return `${p.year}-${p.month}-${p.day}`;
}
