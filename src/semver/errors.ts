// SPDX-License-Identifier: Apache-2.0
import { CdError } from "../core/index.ts";
import type { CdErrorOptions } from "../core/index.ts";

/** Codes of {@link SemverError}. Stable API: never renamed once released. */
export type SemverErrorCode = "INVALID_VERSION" | "INVALID_SEMVER" | "INVALID_FILTER" | "NO_MATCHING_TAG";

/** Structured fields a {@link SemverError} may carry besides its message. */
export interface SemverErrorDetails {
  /** The semver range as the user wrote it. */
  readonly range?: string;
  /** The semverFilter regular expression as the user wrote it. */
  readonly filter?: string;
  /** How many tags the registry returned (NO_MATCHING_TAG only). */
  readonly tagsSeen?: number;
}

/** Options of a {@link SemverError}: the base error options plus {@link SemverErrorDetails}. */
export interface SemverErrorOptions extends CdErrorOptions<SemverErrorCode>, SemverErrorDetails {}

/**
 * A version, range or tag filter is malformed, or no tag satisfies the range. All of these need user
 * action, so `retryable` is always false (Flux reports them as `ReadOperationFailed`).
 */
export class SemverError extends CdError<SemverErrorCode> {
  readonly range: string | undefined;
  readonly filter: string | undefined;
  readonly tagsSeen: number | undefined;

  constructor(opts: SemverErrorOptions) {
    super({ code: opts.code, message: opts.message, cause: opts.cause, retryable: false });
    this.range = opts.range;
    this.filter = opts.filter;
    this.tagsSeen = opts.tagsSeen;
  }
}
