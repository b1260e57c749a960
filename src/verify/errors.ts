// SPDX-License-Identifier: Apache-2.0
import { CdError } from "../core/index.ts";

/**
 * Codes of {@link VerifyError}. Stable API: the CLI, the controller's `SourceVerified` mapping and tests branch
 * on them. The first group are the reasons one signature is rejected; the second configuration problems.
 */
export type VerifyErrorCode =
  // No signature at all in any format ocisync reads.
  | "UNSIGNED"
  // The signature bytes are not base64, not DER, or the wrong length for the key type.
  | "MALFORMED_SIGNATURE"
  // The signature is well formed but no configured key (or the certificate's key) verifies it.
  | "SIGNATURE_INVALID"
  // Verified, but the signed payload names another artifact digest (`docker-manifest-digest`, in-toto subject).
  | "PAYLOAD_DIGEST_MISMATCH"
  // The payload is not a cosign simple-signing payload / in-toto statement, or its type is not cosign's.
  | "INVALID_PAYLOAD"
  // The bundle or signature manifest cannot be parsed.
  | "INVALID_BUNDLE"
  // The certificate does not chain to a certificate authority of the trusted root.
  | "CERTIFICATE_UNTRUSTED"
  // The certificate was not valid at the verified signing time.
  | "CERTIFICATE_EXPIRED"
  // No verified signing time (Rekor SET / inclusion proof time, RFC 3161): an expired Fulcio cert cannot be checked.
  | "TIMESTAMP_MISSING"
  // A timestamp is present but does not verify against the trusted root.
  | "TIMESTAMP_INVALID"
  // The transparency-log entry is missing, does not verify, or does not describe this signature.
  | "TLOG_MISMATCH"
  // The certificate's embedded SCTs do not verify against the trusted CT logs.
  | "SCT_INVALID"
  // The certificate's OIDC issuer matches no `matchOIDCIdentity` entry.
  | "ISSUER_MISMATCH"
  // The issuer matches but no SAN matches the same entry's subject regex.
  | "SUBJECT_MISMATCH"
  // A signature manifest, bundle or payload is larger than its cap.
  | "SIGNATURE_TOO_LARGE"
  // A signature format ocisync does not verify (e.g. GPG simple signing, unknown bundle media type).
  | "UNSUPPORTED_SIGNATURE_FORMAT"
  // Configuration: a key file that is not a supported PEM public/private key.
  | "INVALID_KEY"
  // Configuration: a trusted root that does not parse or is incomplete.
  | "INVALID_TRUSTED_ROOT"
  // Configuration: an identity regex that does not compile.
  | "INVALID_IDENTITY"
  // Signing: the password for an encrypted key is wrong.
  | "WRONG_PASSWORD"
  // Signing: Fulcio, Rekor or the OIDC token source failed.
  | "SIGNING_FAILED"
  // Refreshing the trusted root: the TUF repository could not be read or did not verify.
  | "TUF_REFRESH_FAILED";

/** Why one signature (one `.sig` layer or one bundle referrer) was not accepted. */
export interface SignatureFailure {
  readonly format: SignatureFormat;
  /** Digest of the bundle manifest, or `<sig manifest>#<layer index>` for a legacy layer. */
  readonly source: string;
  readonly code: VerifyErrorCode;
  readonly message: string;
}

/** Where a signature was found: a sigstore bundle referrer, or a layer of the legacy `sha256-<hex>.sig` tag. */
export type SignatureFormat = "bundle" | "legacy";

/** Options besides the common ones: what was tried, for an aggregate failure. */
export interface VerifyErrorOptions {
  readonly code: VerifyErrorCode;
  readonly message: string;
  readonly cause?: unknown;
  readonly failures?: readonly SignatureFailure[];
  readonly formatsFound?: readonly SignatureFormat[];
}

/**
 * A signature was rejected, or verification could not run. When several signatures were tried, `code` is the
 * most telling single reason (see `aggregateFailures`) and `failures` lists each one.
 */
export class VerifyError extends CdError<VerifyErrorCode> {
  readonly failures: readonly SignatureFailure[];
  readonly formatsFound: readonly SignatureFormat[];

  constructor(opts: VerifyErrorOptions) {
    super({
      code: opts.code,
      message: opts.message,
      ...(opts.cause === undefined ? {} : { cause: opts.cause }),
    });
    this.failures = opts.failures ?? [];
    this.formatsFound = opts.formatsFound ?? [];
  }
}

/** True for configuration errors (bad key, root, regex or password): usage errors, not verification failures. */
export function isVerifyConfigError(code: VerifyErrorCode): boolean {
  return (
    code === "INVALID_KEY" ||
    code === "INVALID_TRUSTED_ROOT" ||
    code === "INVALID_IDENTITY" ||
    code === "WRONG_PASSWORD"
  );
}

/** Order of preference when reporting one reason for many failed signatures: the later in the pipeline, the better. */
const SPECIFICITY: readonly VerifyErrorCode[] = [
  "SUBJECT_MISMATCH",
  "ISSUER_MISMATCH",
  "PAYLOAD_DIGEST_MISMATCH",
  "CERTIFICATE_EXPIRED",
  "TIMESTAMP_MISSING",
  "TIMESTAMP_INVALID",
  "TLOG_MISMATCH",
  "SCT_INVALID",
  "CERTIFICATE_UNTRUSTED",
  "SIGNATURE_INVALID",
  "MALFORMED_SIGNATURE",
  "INVALID_PAYLOAD",
  "SIGNATURE_TOO_LARGE",
  "INVALID_BUNDLE",
  "UNSUPPORTED_SIGNATURE_FORMAT",
];

/** One error for a set of rejected signatures: the most specific reason, the others listed. */
export function aggregateFailures(
  ref: string,
  failures: readonly SignatureFailure[],
  formatsFound: readonly SignatureFormat[],
): VerifyError {
  const found = formatsFound.length === 0 ? "none" : formatsFound.join(", ");
  if (failures.length === 0) {
    return new VerifyError({
      code: "UNSIGNED",
      message: `no signatures found for ${ref} (formats found: ${found})`,
      formatsFound,
    });
  }
  const rank = (c: VerifyErrorCode) => {
    const i = SPECIFICITY.indexOf(c);
    return i < 0 ? SPECIFICITY.length : i;
  };
  const best = [...failures].sort((a, b) => rank(a.code) - rank(b.code))[0] ?? failures[0];
  const n = failures.length;
  const head = `no matching signatures for ${ref}: ${best?.message ?? ""} (${String(n)} signature${n === 1 ? "" : "s"} tried; formats found: ${found})`;
  return new VerifyError({ code: best?.code ?? "SIGNATURE_INVALID", message: head, failures, formatsFound });
}
