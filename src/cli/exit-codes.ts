// SPDX-License-Identifier: Apache-2.0
import { isCdError } from "../core/index.ts";

/** Exit codes (DESIGN.md §6): documented in README.md and stable. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** A signature was missing or rejected (`ocisync verify`, `--verify`); stderr names the reason code. */
  verification: 3,
} as const;

// An invalid range or filter exits 1 like any failed resolution (issue 4); a malformed reference or flag exits 2.
const USAGE_CODES = new Set([
  "INVALID_ARGUMENT",
  "INVALID_CONFIG",
  "INVALID_REFERENCE",
  "INVALID_DIGEST",
  "UNSUPPORTED_DIGEST",
]);

/**
 * `VerifyError` codes (src/verify/errors.ts `isVerifyConfigError`) that are bad input rather than a rejected
 * signature. Matched by error name so that exiting does not load sigstore (≈250 ms) for every command.
 */
const VERIFY_CONFIG_CODES = new Set([
  "INVALID_KEY",
  "INVALID_TRUSTED_ROOT",
  "INVALID_IDENTITY",
  "WRONG_PASSWORD",
]);

/** `VerifyError` codes that are failures of signing or of refreshing trust material, not a rejected signature. */
const VERIFY_FAILURE_CODES = new Set(["SIGNING_FAILED", "TUF_REFRESH_FAILED"]);

/** The exit code for an error: bad input is a usage error (2), everything else a failure (1). */
export function exitCodeOf(err: unknown): number {
  if (isCdError(err) && err.name === "VerifyError" && !VERIFY_FAILURE_CODES.has(err.code))
    return VERIFY_CONFIG_CODES.has(err.code) ? ExitCode.usage : ExitCode.verification;
  return isCdError(err) && USAGE_CODES.has(err.code) ? ExitCode.usage : ExitCode.failure;
}
