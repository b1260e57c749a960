// SPDX-License-Identifier: Apache-2.0
import { OciError } from "../errors.ts";

/**
 * Why a reference was rejected. The first twelve are the error texts of `distribution/reference` and
 * `opencontainers/go-digest`, so a reason here means what it means there
 * (https://github.com/distribution/reference/blob/main/reference.go); the last two are ocisync's
 * own, for `oci-layout://` targets.
 */
export type ReferenceErrorReason =
  | "invalid reference format"
  | "repository name must have at least one component"
  | "repository name must be lowercase"
  | "repository name must not be more than 255 characters"
  | "repository name must be canonical"
  | "invalid tag format"
  | "invalid digest format"
  | "cannot specify 64-byte hexadecimal strings"
  | "invalid checksum digest format"
  | "invalid checksum digest length"
  | "unsupported digest algorithm"
  | "syntax error in pattern"
  | "missing layout directory"
  | "ambiguous layout directory";

/** Fields of an {@link InvalidReferenceError}. */
export interface InvalidReferenceOptions {
  /** The string as the user wrote it. */
  readonly input: string;
  readonly reason: ReferenceErrorReason;
  /** The exact upstream error text when it says more than `reason`; defaults to `reason`. */
  readonly detail?: string;
  /** A short explanation of what to change, appended to the message. */
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/**
 * A reference, target or pattern that is malformed. It is an {@link OciError} with code
 * `INVALID_REFERENCE`; `reason` says what is wrong as data, and the message reads
 * `invalid reference "acme/App": repository name must be lowercase`.
 */
export class InvalidReferenceError extends OciError {
  /** The string as the user wrote it. */
  readonly input: string;
  /** What is wrong with it (stable). */
  readonly reason: ReferenceErrorReason;
  /** The upstream library's full error text for the same failure. */
  readonly detail: string;

  constructor(opts: InvalidReferenceOptions) {
    const what = opts.reason === "syntax error in pattern" ? "pattern" : "reference";
    const hint = opts.hint === undefined ? "" : `: ${opts.hint}`;
    super({
      code: "INVALID_REFERENCE",
      message: `invalid ${what} ${JSON.stringify(opts.input)}: ${opts.reason}${hint}`,
      cause: opts.cause,
    });
    this.input = opts.input;
    this.reason = opts.reason;
    this.detail = opts.detail ?? opts.reason;
  }
}

/** True when `err` is an {@link InvalidReferenceError}. */
export function isInvalidReferenceError(err: unknown): err is InvalidReferenceError {
  return err instanceof InvalidReferenceError;
}
