// SPDX-License-Identifier: Apache-2.0
import { aggregateFailures, VerifyError, type SignatureFailure, type SignatureFormat } from "./errors.ts";
import { verifyBundle, type BundleSubject } from "./bundle.ts";
import { verifyLegacyLayer, type LegacyLayer } from "./legacy.ts";
import type { VerifiedSignature, VerifyPolicy } from "./policy.ts";

/** A signature found for an artifact, or why a found one could not even be read (too large, unreadable). */
export type Candidate =
  | { readonly kind: "bundle"; readonly source: string; readonly bytes: Uint8Array }
  | { readonly kind: "legacy"; readonly layer: LegacyLayer }
  | { readonly kind: "unreadable"; readonly failure: SignatureFailure };

function formatOf(c: Candidate): SignatureFormat {
  return c.kind === "unreadable" ? c.failure.format : c.kind;
}

/**
 * Accepts the artifact when any one candidate verifies (cosign, Flux). Bundles are tried before legacy layers, as
 * Flux does; unlike Flux, legacy signatures are still tried when bundles exist but all fail (each is held to the
 * same policy, so this accepts nothing the policy would not). Throws the aggregate {@link VerifyError} otherwise.
 */
export async function verifyCandidates(
  ref: string,
  candidates: readonly Candidate[],
  subject: BundleSubject,
  policy: VerifyPolicy,
): Promise<VerifiedSignature> {
  const failures: SignatureFailure[] = [];
  const ordered = [...candidates].sort((a, b) => Number(a.kind !== "bundle") - Number(b.kind !== "bundle"));
  for (const c of ordered) {
    if (c.kind === "unreadable") {
      failures.push(c.failure);
      continue;
    }
    const source = c.kind === "bundle" ? c.source : c.layer.source;
    try {
      return await (c.kind === "bundle"
        ? verifyBundle(c.bytes, subject, policy, c.source)
        : verifyLegacyLayer(c.layer, subject.digest, policy));
    } catch (err) {
      if (!(err instanceof VerifyError)) throw err;
      if (
        err.code === "INVALID_IDENTITY" ||
        err.code === "INVALID_KEY" ||
        err.code === "INVALID_TRUSTED_ROOT"
      )
        throw err;
      failures.push({ format: c.kind, source, code: err.code, message: err.message });
    }
  }
  const formats = [...new Set(candidates.map(formatOf))];
  throw aggregateFailures(ref, failures, formats);
}
