/** A small seeded PRNG (mulberry32): the generator's only source of variety, so a seed fixes an org. */
export class Random {
  #state: number;

  constructor(seed: number, salt = 0) {
    // Mix seed and salt so nextDay(seed 1) and generateOrg(seed 1) do not share a stream.
    this.#state = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x27d4eb2f, 0xc2b2ae35);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** One of the entries, by weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let r = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, weight] of entries) if ((r -= weight) < 0) return value;
    return entries.at(-1)![0];
  }

  /** k distinct items (fewer if there are fewer), in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = [...items];
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(copy.length - i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }
}

/** A bijection on [0, modulus): serial numbers become codes that look random and never collide. */
export function scramble(serial: number, modulus: number, multiplier: number): number {
  return Number((BigInt(serial) * BigInt(multiplier) + 7919n) % BigInt(modulus));
}
