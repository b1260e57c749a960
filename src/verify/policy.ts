// SPDX-License-Identifier: Apache-2.0
import type { IdentityMatcher } from "./identity.ts";
import type { PublicKey } from "./keys.ts";
import type { TrustedRoot } from "./trusted-root.ts";

/** The in-toto predicate type `cosign sign` writes in a new-format bundle (cosign v3, `sign/v1`). */
export const COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";

/**
 * What a signature must satisfy (Flux `spec.verify`).
 * - `keys`: any one key verifies (Flux `verify.secretRef` `*.pub`). Flux ignores the transparency log for keys
 *   (`IgnoreTlog`); set `tlog` to require and check a Rekor entry against that root as the `cosign` CLI does.
 * - `keyless`: a Fulcio certificate chaining to `trust`, a verified signing time, a verified log entry, SCTs, and
 *   an identity matching one of `identities` (an empty list accepts any identity — callers warn).
 */
export type VerifyPolicy =
  | {
      readonly kind: "keys";
      readonly keys: readonly PublicKey[];
      readonly tlog?: TrustedRoot;
      readonly predicateTypes?: readonly string[];
    }
  | {
      readonly kind: "keyless";
      readonly trust: TrustedRoot;
      readonly identities: readonly IdentityMatcher[];
      readonly predicateTypes?: readonly string[];
      /**
       * Bring-your-own PKI without a log (cosign `--certificate-chain --insecure-ignore-tlog`): no timestamp, log or
       * SCT is required and the chain is checked at `now`. Off by default.
       */
      readonly ignoreTlog?: { readonly now: Date };
    };

/** What verified: the key or identity, the format, and the log entry when there was one. */
export interface VerifiedSignature {
  readonly format: "bundle" | "legacy";
  /** Manifest digest of the bundle referrer, or `<.sig manifest digest>#<layer>` for legacy. */
  readonly source: string;
  readonly key?: { readonly id: string; readonly name: string };
  readonly identity?: {
    readonly issuer: string;
    readonly subject: string;
    readonly matcher?: IdentityMatcher;
  };
  readonly tlog?: { readonly logIndex: string; readonly integratedTime?: string; readonly logId: string };
  /** The verified signing times (ISO 8601): Rekor integrated time, RFC 3161 times. */
  readonly signedAt: readonly string[];
  /** Set when identity matching was skipped because the policy listed no identities. */
  readonly warnings: readonly string[];
}
