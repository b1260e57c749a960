// SPDX-License-Identifier: Apache-2.0
import { VerifyError } from "./errors.ts";
import type { VerifyPolicy } from "./policy.ts";

/** Flux's `SourceVerified` condition (source-controller `api/v1` `SourceVerifiedCondition`). */
export interface SourceVerifiedCondition {
  readonly type: "SourceVerified";
  readonly status: "True" | "False";
  /** `Succeeded` or `VerificationError`, as source-controller sets them. */
  readonly reason: "Succeeded" | "VerificationError";
  readonly message: string;
}

/** The provider name Flux puts in messages: `cosign` with keys, `cosign keyless` without a `secretRef`. */
export function providerName(policy: VerifyPolicy): "cosign" | "cosign keyless" {
  return policy.kind === "keys" ? "cosign" : "cosign keyless";
}

/**
 * The `SourceVerified` condition for a verification outcome, worded as source-controller words it
 * (`internal/controller/ocirepository_controller.go` `verifySignature`): success
 * "verified signature of revision <rev>", failure "failed to verify the signature using provider '<p>': <err>".
 */
export function sourceVerifiedCondition(
  policy: VerifyPolicy,
  revision: string,
  outcome: { readonly error: unknown } | { readonly ok: true },
): SourceVerifiedCondition {
  if ("ok" in outcome)
    return {
      type: "SourceVerified",
      status: "True",
      reason: "Succeeded",
      message: `verified signature of revision ${revision}`,
    };
  const err = outcome.error;
  const text = err instanceof Error ? err.message : String(err);
  return {
    type: "SourceVerified",
    status: "False",
    reason: "VerificationError",
    message: `failed to verify the signature using provider '${providerName(policy)}': ${text}`,
  };
}

/**
 * How the controller should treat a failure (STYLE.md §4): a rejected signature or bad trust configuration needs a
 * person (`stalled`: Warning event, no fast requeue); anything else (registry, network) is `transient`.
 */
export function verificationSeverity(err: unknown): "stalled" | "transient" {
  return err instanceof VerifyError ? "stalled" : "transient";
}
