/**
 * The one base of every DIPNET error (after viem's `BaseError`): a stable `code` to branch on, a
 * human `message` that does NOT repeat the code (show it as it is), structured `details`, and the
 * `cause` it wraps. Each subclass sets its own `name` (DipnetError, LightError, RelayError...).
 *
 * `String(err)` (and so a log line, or `assert.throws(fn, /CODE/)`) reads `Name [CODE]: message`,
 * as Node's own errors do; `toJSON` gives `{ name, code, message, details }`.
 */
export interface BaseErrorOptions<D> {
  /** The error this one wraps (kept as the standard `Error.cause`). */
  readonly cause?: unknown;
  /** Structured facts for callers (plain data: it crosses workers and JSON). */
  readonly details?: D;
}

export type ErrorDetails = Record<string, unknown>;

export class BaseError<C extends string = string, D extends ErrorDetails | undefined = ErrorDetails | undefined> extends Error {
  override name = 'BaseError';
  readonly code: C;
  readonly details: D;

  constructor(code: C, message: string, options: BaseErrorOptions<D> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details as D;
  }

  override toString(): string {
    return `${this.name} [${this.code}]: ${this.message}`;
  }

  toJSON(): { name: string; code: C; message: string; details: D } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** True for any error built on `BaseError`, and (with `code`) only for that code. */
export const isBaseError = (e: unknown, code?: string): e is BaseError =>
  e instanceof BaseError && (code === undefined || e.code === code);

