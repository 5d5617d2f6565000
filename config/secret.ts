import { inspect } from 'node:util';

/**
 * A credential that cannot leak by accident: printing, logging, JSON-serialising or interpolating it
 * shows `[redacted]`. Only `reveal()` gives the value, and only the signing and header code calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
