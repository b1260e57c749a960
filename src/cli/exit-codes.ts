// SPDX-License-Identifier: Apache-2.0
import { isCdError } from "../core/index.ts";

/** Exit codes (DESIGN.md §6): documented in README.md and stable. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

// An invalid range or filter exits 1 like any failed resolution (issue 4); a malformed reference or flag exits 2.
const USAGE_CODES = new Set([
  "INVALID_ARGUMENT",
  "INVALID_CONFIG",
  "INVALID_REFERENCE",
  "INVALID_DIGEST",
  "UNSUPPORTED_DIGEST",
]);

/** The exit code for an error: bad input is a usage error (2), everything else a failure (1). */
export function exitCodeOf(err: unknown): number {
  return isCdError(err) && USAGE_CODES.has(err.code) ? ExitCode.usage : ExitCode.failure;
}
