// SPDX-License-Identifier: Apache-2.0
import { createHash } from "node:crypto";
import { bundleFromJSON, type Bundle } from "@sigstore/bundle";
import { dsse } from "@sigstore/core";
import { toSignedEntity, type SignedEntity } from "@sigstore/verify";
import { digestAlgorithm, digestHex, type Digest } from "../core/index.ts";
import { checkEntity, type SignedData } from "./check.ts";
import { VerifyError } from "./errors.ts";
import { checkStatementClaims } from "./payload.ts";
import type { VerifiedSignature, VerifyPolicy } from "./policy.ts";

/** Media type prefix of sigstore bundles (`application/vnd.dev.sigstore.bundle.v0.3+json`, older `…bundle+json;version=0.x`). */
export const BUNDLE_MEDIA_TYPE_PREFIX = "application/vnd.dev.sigstore.bundle";
/** The media type cosign v3 writes for bundles it attaches as referrers. */
export const BUNDLE_V03_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

/** What a bundle signs: the artifact digest, and its bytes when the bundle holds a message signature over them. */
export interface BundleSubject {
  readonly digest: Digest;
  readonly bytes?: Uint8Array;
}

/** Parses and schema-checks a bundle (`@sigstore/bundle` validation by media type). */
export function parseBundle(bytes: Uint8Array): Bundle {
  try {
    return bundleFromJSON(JSON.parse(Buffer.from(bytes).toString("utf8")));
  } catch (err) {
    throw new VerifyError({
      code: "INVALID_BUNDLE",
      message: `invalid sigstore bundle: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
}

function signedDataOf(bundle: Bundle, subject: BundleSubject): SignedData {
  if (bundle.content.$case === "dsseEnvelope") {
    const env = bundle.content.dsseEnvelope;
    const sig = env.signatures[0];
    if (env.signatures.length !== 1 || sig === undefined) {
      throw new VerifyError({
        code: "INVALID_BUNDLE",
        message: `a DSSE envelope must carry exactly one signature, not ${String(env.signatures.length)}`,
      });
    }
    return { data: dsse.preAuthEncoding(env.payloadType, env.payload), signature: sig.sig, hash: "sha256" };
  }
  const ms = bundle.content.messageSignature;
  const want = ms.messageDigest.digest;
  if (subject.bytes === undefined) {
    // Verification by digest: the message digest must be the artifact digest; the signature is over that digest.
    const got = Buffer.from(digestHex(subject.digest), "hex");
    if (digestAlgorithm(subject.digest) !== "sha256" || !got.equals(want)) {
      throw new VerifyError({
        code: "PAYLOAD_DIGEST_MISMATCH",
        message: `the bundle's message digest is not ${subject.digest}`,
      });
    }
    return { data: got, signature: ms.signature, hash: "sha256", isDigest: true };
  }
  const got = createHash("sha256").update(subject.bytes).digest();
  if (!got.equals(want)) {
    throw new VerifyError({
      code: "PAYLOAD_DIGEST_MISMATCH",
      message: `the bundle's message digest is not the digest of ${subject.digest}`,
    });
  }
  return { data: subject.bytes, signature: ms.signature, hash: "sha256" };
}

/**
 * Verifies one sigstore bundle for `subject` (reference oci-sigstore.md §4.3 C): schema, key or certificate, time,
 * log, SCTs and signature through `@sigstore/verify`; then the artifact binding `@sigstore/verify` leaves to the
 * caller — the DSSE statement's subject digest and predicate type, or the message digest.
 */
export async function verifyBundle(
  bytes: Uint8Array,
  subject: BundleSubject,
  policy: VerifyPolicy,
  source: string,
): Promise<VerifiedSignature> {
  const bundle = parseBundle(bytes);
  const signed = signedDataOf(bundle, subject);
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, subject.bytes === undefined ? undefined : Buffer.from(subject.bytes));
  } catch (err) {
    throw new VerifyError({
      code: "INVALID_BUNDLE",
      message: `unreadable bundle: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
  const result = await checkEntity(entity, signed, policy);
  if (bundle.content.$case === "dsseEnvelope") {
    const env = bundle.content.dsseEnvelope;
    checkStatementClaims(env.payloadType, env.payload, subject.digest, policy.predicateTypes);
  }
  return { format: "bundle", source, ...result };
}
