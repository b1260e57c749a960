// SPDX-License-Identifier: Apache-2.0
/**
 * Signatures: discovery (referrers, tag fallback, legacy `.sig`), cosign-compatible verification of sigstore
 * bundles and legacy simple-signing layers (keyed and keyless), identity policy, trusted roots, and signing.
 */
export { VerifyError, aggregateFailures, isVerifyConfigError } from "./errors.ts";
export type { SignatureFailure, SignatureFormat, VerifyErrorCode } from "./errors.ts";
export { checkSignature, decodeStrictBase64, parsePublicKeys, publicKeyOf } from "./keys.ts";
export type { KeyAlgorithm, PublicKey } from "./keys.ts";
export { certificateIdentity, compileMatchers, matchIdentity } from "./identity.ts";
export type { CertificateIdentity, IdentityMatch, IdentityMatcher } from "./identity.ts";
export {
  PUBLIC_GOOD_TRUSTED_ROOT_URL,
  loadTrustedRoot,
  parseTrustedRoot,
  trustedRootFromPieces,
} from "./trusted-root.ts";
export type { TrustPieces, TrustedRoot } from "./trusted-root.ts";
export { COSIGN_SIGN_PREDICATE } from "./policy.ts";
export type { VerifiedSignature, VerifyPolicy } from "./policy.ts";
export { BUNDLE_V03_MEDIA_TYPE, verifyBundle } from "./bundle.ts";
export type { BundleSubject } from "./bundle.ts";
export {
  LegacyAnnotation,
  SIMPLE_SIGNING_MEDIA_TYPE,
  parsePemCertificates,
  verifyLegacyLayer,
} from "./legacy.ts";
export type { LegacyLayer } from "./legacy.ts";
export { verifyCandidates } from "./signatures.ts";
export type { Candidate } from "./signatures.ts";
export { DEFAULT_SIGNATURE_LIMITS, discoverSignatures, signatureTag } from "./discover.ts";
export type { DiscoverOptions, SignatureLimits } from "./discover.ts";
export { verifyArtifact } from "./verify-artifact.ts";
export { keyTlogSigner, keylessSigner } from "./sign-keyless.ts";
export type { KeylessOptions } from "./sign-keyless.ts";
export type { VerifiedArtifact } from "./verify-artifact.ts";
export {
  COSIGN_KEY_PEM_TYPE,
  encryptCosignKey,
  generateCosignKeyPair,
  isEncryptedCosignKey,
  publicKeyPem,
  readPrivateKey,
} from "./cosign-keys.ts";
export { cosignStatement, keySigner, signArtifact, signWithKey, simpleSigningPayload } from "./sign.ts";
export type { ArtifactSigner, SignOptions, SignResult } from "./sign.ts";
export { providerName, sourceVerifiedCondition, verificationSeverity } from "./flux-conditions.ts";
export type { SourceVerifiedCondition } from "./flux-conditions.ts";
export { PUBLIC_GOOD_TUF_MIRROR, fetchTrustedRootViaTuf } from "./tuf-refresh.ts";
export type { TufRefreshOptions } from "./tuf-refresh.ts";
