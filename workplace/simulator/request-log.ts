/**
 * The WORKPLACE simulator's request log: every request as it arrived (by the simulator's clock), its
 * route and status, and the counts and peak rate a test or a benchmark reads from it.
 */
export interface RequestLogEntry {
  /** Arrival, by the simulator's clock (ms). */
  at: number;
  method: string;
  /** The request path as received (no query). */
  path: string;
  /** The raw query string, when there is one (e.g. `offset=0&limit=100`). */
  query?: string;
  /** e.g. `POST employee`, `GET employee list`, `GET addattrs`. */
  route: string;
  externalKey?: string;
  /** 0 until the server answers. */
  status: number;
  /** The client closed the connection before the answer was sent (a process that exited mid-request). */
  abandoned?: true;
}

export interface RequestCounters {
  total: number;
  byMethod: Record<string, number>;
  byRoute: Record<string, number>;
}

/**
 * The arrivals (ms, in any order) of the densest one-second window, sorted: the most that fall in any (t − 1000, t].
 * How this log counts a second, for the tests and benchmarks that count their own arrivals too.
 */
export function densestSecond(times: readonly number[]): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  let best: number[] = [];
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! <= sorted[i]! - 1000) j++;
    if (i - j + 1 > best.length) best = sorted.slice(j, i + 1);
  }
  return best;
}

/** The most arrivals in any one-second window (densestSecond's count). */
export const maxInAnySecond = (times: readonly number[]): number => densestSecond(times).length;

export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];

  /** Records an arrival; the server fills in `status` once it answers. */
  add(entry: RequestLogEntry): RequestLogEntry {
    this.#entries.push(entry);
    return entry;
  }

  entries(): RequestLogEntry[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  counters(): RequestCounters {
    const byMethod: Record<string, number> = {};
    const byRoute: Record<string, number> = {};
    for (const e of this.#entries) {
      byMethod[e.method] = (byMethod[e.method] ?? 0) + 1;
      byRoute[e.route] = (byRoute[e.route] ?? 0) + 1;
    }
    return { total: this.#entries.length, byMethod, byRoute };
  }

  /** The largest number of requests that arrived in any one-second window, optionally only some methods. */
  maxRequestsPerSecond(filter: { methods?: string[] } = {}): number {
    return maxInAnySecond(this.#entries.filter((e) => !filter.methods || filter.methods.includes(e.method)).map((e) => e.at));
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
