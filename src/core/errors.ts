// SPDX-License-Identifier: Apache-2.0
/** Fields every ocisync error carries besides its message. */
export interface CdErrorOptions<C extends string> {
  readonly code: C;
  readonly message: string;
  readonly cause?: unknown;
  readonly retryable?: boolean;
}

/**
 * Base class of every error ocisync throws. `code` is stable API (SCREAMING_SNAKE, never renamed);
 * callers branch on `code` and `retryable`, never on the message.
 */
export class CdError<C extends string = string> extends Error {
  readonly code: C;
  readonly retryable: boolean;

  constructor(opts: CdErrorOptions<C>) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.retryable = opts.retryable ?? false;
  }
}

/** Codes of {@link ConfigError}: bad flags, files or environment. */
export type ConfigErrorCode = "INVALID_ARGUMENT" | "INVALID_CONFIG";

/** A user-supplied setting is wrong; the message names the offending key. */
export class ConfigError extends CdError<ConfigErrorCode> {}

/** True when `err` is a {@link CdError} (any layer). */
export function isCdError(err: unknown): err is CdError {
  return err instanceof CdError;
}
