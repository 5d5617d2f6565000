/**
 * Fault injection for the WORKPLACE simulator: what a test or a benchmark asks to go wrong, and the
 * one check the server makes per authentic request. A fault is either the gateway's (503/504 with its
 * error body, §1.7) or WORKPLACE's own (500, or 400 for a failing key, in the envelope).
 */
import { GATEWAY_ERRORS, type Refusal } from './gateway.js';

export interface WorkplaceFaults {
  /** Requests naming one of these keys in their path fail with 400 and this message, every time. */
  failKeys(keys: Iterable<string>, message?: string): void;
  /** This share of requests (0–1) fail with 500 (WORKPLACE), 503 or 504 (gateway), in turn. */
  serverErrorRatio(ratio: number): void;
  /** Every answer waits this long. */
  latencyMs(ms: number): void;
  /** The gateway cannot reach WORKPLACE: 503 / code 500 on everything authentic. */
  outage(on: boolean): void;
  /** After `after` requests of this route (e.g. 'GET reportsTo'), the next one fails once with 503 / code 500. */
  interruptAfter(route: string, after: number): void;
  clear(): void;
}

/** What the server answers instead of WORKPLACE's own answer. */
export type Fault = { gateway: Refusal } | { workplace: { status: 400 | 500; message: string } };

interface FaultState {
  failing: Map<string, string>;
  serverErrorRatio: number;
  latencyMs: number;
  outage: boolean;
  interruption?: { route: string; remaining: number };
}

const clean = (): FaultState => ({ failing: new Map(), serverErrorRatio: 0, latencyMs: 0, outage: false });

/** serverErrorRatio cycles through these, so a test sees each kind. */
const SERVER_FAULTS = ['workplace', GATEWAY_ERRORS.endpointError, GATEWAY_ERRORS.endpointTimeout] as const;

export class FaultInjector {
  #state = clean();
  #serverFaults = 0;

  /** `random` drives serverErrorRatio. */
  constructor(readonly random: () => number) {}

  get latencyMs(): number {
    return this.#state.latencyMs;
  }

  /** The controls a test holds (WorkplaceSimulator.faults). */
  readonly controls: WorkplaceFaults = {
    failKeys: (keys, message = 'rejected by fault injection') => {
      for (const key of keys) this.#state.failing.set(key, message);
    },
    serverErrorRatio: (ratio) => {
      if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`serverErrorRatio must be within 0..1, got ${ratio}`);
      this.#state.serverErrorRatio = ratio;
    },
    latencyMs: (ms) => void (this.#state.latencyMs = ms),
    outage: (on) => void (this.#state.outage = on),
    interruptAfter: (route, after) => void (this.#state.interruption = { route, remaining: after }),
    clear: () => void (this.#state = clean()),
  };

  /** The gateway's faults, checked after authentication: outage, interruption, server errors. */
  beforeWorkplace(route: string): Fault | undefined {
    const state = this.#state;
    if (state.outage) return { gateway: { error: GATEWAY_ERRORS.endpointError, details: 'WORKPLACE is unreachable (outage)' } };
    if (state.interruption?.route === route && state.interruption.remaining-- === 0) {
      state.interruption = undefined;
      return { gateway: { error: GATEWAY_ERRORS.endpointError, details: 'injected interruption' } };
    }
    if (state.serverErrorRatio > 0 && this.random() < state.serverErrorRatio) {
      const fault = SERVER_FAULTS[this.#serverFaults++ % SERVER_FAULTS.length]!;
      return fault === 'workplace'
        ? { workplace: { status: 500, message: 'Internal Server Error (injected)' } }
        : { gateway: { error: fault, details: 'injected' } };
    }
    return undefined;
  }

  /** WORKPLACE refusing a failing key, checked once the path's keys are known to be well-formed. */
  failingKey(keys: readonly string[]): Fault | undefined {
    const failing = keys.find((key) => this.#state.failing.has(key));
    return failing === undefined ? undefined : { workplace: { status: 400, message: this.#state.failing.get(failing)! } };
  }
}
