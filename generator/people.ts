/** People: Korean and English names, login ids, phone numbers. */
import { FOREIGN_GIVEN, FOREIGN_SURNAMES, GIVEN_SYLLABLES, SURNAMES } from './catalog.js';
import type { Random } from './random.js';

export interface PersonName {
  fullName: string;
  sirName: string;
  givenName: string;
  enFullName: string;
  enSirName: string;
  enGivenName: string;
}

const SURNAME_WEIGHTS = SURNAMES.map(([ko, en, w]) => [[ko, en] as const, w] as const);

/** 김민준 / Minjun Kim (or Min-Jun Kim, Min Jun Kim): the seed writes "Samsung Kim", given name first. */
export function koreanName(random: Random, hyphenated = false): PersonName {
  const [sirName, enSirName] = random.weighted(SURNAME_WEIGHTS);
  const syllables =
    !hyphenated && random.chance(0.05) ? [random.pick(GIVEN_SYLLABLES)] : [random.pick(GIVEN_SYLLABLES), random.pick(GIVEN_SYLLABLES)];
  const givenName = syllables.map(([ko]) => ko).join('');
  const parts = syllables.map(([, en]) => en);
  const style = hyphenated ? 5 : random.int(10);
  const enGivenName = style < 5 ? capitalise(parts.join('').toLowerCase()) : style < 8 ? parts.join('-') : parts.join(' ');
  return { fullName: sirName + givenName, sirName, givenName, enFullName: `${enGivenName} ${enSirName}`, enSirName, enGivenName };
}

/** Local staff abroad: the Korean fields hold the same Latin name. */
export function foreignName(random: Random): PersonName {
  const given = random.pick(FOREIGN_GIVEN);
  const sir = random.pick(FOREIGN_SURNAMES);
  return { fullName: `${given} ${sir}`, sirName: sir, givenName: given, enFullName: `${given} ${sir}`, enSirName: sir, enGivenName: given };
}

/** A login id base: initials of the given name and the surname, ASCII lower case ("mj.kim", "p.obrien"). */
export function userIdBase(name: PersonName): string {
  const ascii = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[^A-Za-z ]/g, '')
      .toLowerCase();
  const initials = ascii(name.enGivenName.replace(/-/g, ' ') || 'x')
    .split(' ')
    .filter(Boolean)
    .map((w) => w[0])
    .join('');
  return `${initials || 'x'}.${ascii(name.enSirName).replace(/ /g, '') || 'knox'}`;
}

/** Hands out unique login ids: the base, then base2, base3 … */
export class UserIds {
  readonly #next = new Map<string, number>();
  readonly #taken = new Set<string>();

  constructor(existing: Iterable<string> = []) {
    for (const id of existing) this.#taken.add(id);
  }

  take(base: string): string {
    let n = this.#next.get(base) ?? 1;
    let id = n === 1 ? base : `${base}${n}`;
    while (this.#taken.has(id)) id = `${base}${++n}`;
    this.#next.set(base, n + 1);
    this.#taken.add(id);
    return id;
  }
}

/** +82-10-1111-2222 as in the seed; abroad, the corp's prefix. */
export function mobileNumber(random: Random, abroad: string | undefined): string {
  return abroad ? `${abroad}-${random.digits(3)}-${random.digits(4)}` : `+82-10-${random.digits(4)}-${random.digits(4)}`;
}

export function officeNumber(random: Random, prefix: string): string {
  return `${prefix}-${random.digits(4)}-${random.digits(4)}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
