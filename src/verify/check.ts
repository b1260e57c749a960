// SPDX-License-Identifier: Apache-2.0
import type { X509Certificate } from "@sigstore/core";
import {
  PolicyError,
  VerificationError,
  Verifier,
  type SignedEntity,
  type TrustMaterial,
} from "@sigstore/verify";
import { createPublicKey, type KeyObject } from "node:crypto";
import { VerifyError, type VerifyErrorCode } from "./errors.ts";
import { certificateIdentity, compileMatchers, matchIdentity } from "./identity.ts";
import {
  checkPrehashedSignature,
  checkSignature,
  publicKeyOf,
  type PublicKey,
  type SignatureCheck,
} from "./keys.ts";
import type { VerifiedSignature, VerifyPolicy } from "./policy.ts";
import { withUntrustedIntermediates } from "./trusted-root.ts";

/** The bytes a signature covers and how they were hashed: the payload (message signature) or the DSSE PAE. */
export interface SignedData {
  readonly data: Uint8Array;
  readonly signature: Uint8Array;
  readonly hash: string;
  /** `data` is the SHA-256 digest of the signed message, not the message (verification by digest). */
  readonly isDigest?: boolean;
}

/** Checks a signature with one key, over the data or over its precomputed digest. */
export function checkSigned(key: PublicKey, s: SignedData): Promise<SignatureCheck> {
  return s.isDigest === true
    ? checkPrehashedSignature(key, s.data, s.signature)
    : Promise.resolve(checkSignature(key, s.data, s.signature, s.hash));
}

/** The key/identity part of a verified signature. */
export type CheckResult = Pick<VerifiedSignature, "key" | "identity" | "tlog" | "signedAt" | "warnings">;

function fail(code: VerifyErrorCode, message: string, cause?: unknown): VerifyError {
  return new VerifyError({ code, message, cause });
}

/** Maps a `@sigstore/verify` error onto ocisync's codes. */
export function fromSigstoreError(err: unknown): VerifyError {
  if (err instanceof VerifyError) return err;
  if (err instanceof PolicyError) return fail("SUBJECT_MISMATCH", err.message, err);
  if (!(err instanceof VerificationError)) {
    return fail(
      "INVALID_BUNDLE",
      `unreadable signature material: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
  const cause: unknown = err.cause;
  const detail = cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  switch (err.code) {
    case "TIMESTAMP_ERROR":
      return /got 0$/.test(err.message)
        ? fail(
            "TIMESTAMP_MISSING",
            "no verified signing time (no Rekor entry time or RFC 3161 timestamp)",
            err,
          )
        : fail("TIMESTAMP_INVALID", `timestamp: ${detail}`, err);
    case "CERTIFICATE_ERROR":
      if (/SCT/.test(err.message)) return fail("SCT_INVALID", `certificate: ${detail}`, err);
      if (/expired/.test(detail))
        return fail("CERTIFICATE_EXPIRED", `certificate was not valid at the signing time: ${detail}`, err);
      return fail("CERTIFICATE_UNTRUSTED", `certificate does not chain to the trusted root: ${detail}`, err);
    case "SIGNATURE_ERROR":
    case "PUBLIC_KEY_ERROR":
      return fail("SIGNATURE_INVALID", `signature: ${detail}`, err);
    default:
      return fail("TLOG_MISMATCH", `transparency log entry: ${detail}`, err);
  }
}

/**
 * The signature content `@sigstore/verify` checks, with ocisync's signature check (Ed25519, DER strictness, digests)
 * done beforehand for `signer`: `@sigstore/verify` calls back synchronously with the key it trusts.
 */
function withOwnSignatureCheck(
  entity: SignedEntity,
  signer: KeyObject,
  result: SignatureCheck,
): SignedEntity {
  const verifySignature = (key: KeyObject): boolean => key.equals(signer) && result === "ok";
  const sig = entity.signature;
  return {
    ...entity,
    signature: {
      signature: sig.signature,
      compareSignature: (s) => sig.compareSignature(s),
      compareDigest: (d) => sig.compareDigest(d),
      compareSignedDigest: (d) => sig.compareSignedDigest(d),
      verifySignature,
    },
  };
}

function tlogOf(entity: SignedEntity): Pick<CheckResult, "tlog"> {
  const e = entity.tlogEntries[0];
  if (e === undefined) return {};
  const t = e.integratedTime;
  return {
    tlog: {
      logIndex: e.logIndex,
      logId: Buffer.from(e.logId.keyId).toString("hex"),
      ...(t !== "0" ? { integratedTime: t } : {}),
    },
  };
}

function signedAtOf(entity: SignedEntity): string[] {
  const out: string[] = [];
  for (const ts of entity.timestamps) {
    if (ts.$case === "transparency-log" && ts.tlogEntry.integratedTime !== "0")
      out.push(new Date(Number(ts.tlogEntry.integratedTime) * 1000).toISOString());
    if (ts.$case === "timestamp-authority") out.push(ts.timestamp.signingTime.toISOString());
  }
  return out;
}

/** Keys: any one key verifies the signature; with `policy.tlog`, the log entry must verify too (cosign CLI). */
async function checkWithKeys(
  entity: SignedEntity,
  signed: SignedData,
  keys: readonly PublicKey[],
  tlogRoot: TrustMaterial | undefined,
): Promise<CheckResult> {
  let malformed = 0;
  for (const key of keys) {
    const r = await checkSigned(key, signed);
    if (r === "malformed") malformed++;
    if (r !== "ok") continue;
    if (tlogRoot !== undefined) {
      const tm: TrustMaterial = {
        ...tlogRoot,
        publicKey: () => ({ publicKey: key.key, validFor: () => true }),
      };
      const keyed: SignedEntity = {
        ...withOwnSignatureCheck(entity, key.key, r),
        key: { $case: "public-key", hint: "" },
      };
      try {
        new Verifier(tm, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 0 }).verify(keyed);
      } catch (err) {
        throw fromSigstoreError(err);
      }
    }
    return {
      key: { id: key.id, name: key.name },
      ...(tlogRoot === undefined ? {} : tlogOf(entity)),
      signedAt: tlogRoot === undefined ? [] : signedAtOf(entity),
      warnings: [],
    };
  }
  const n = keys.length;
  if (malformed === n && n > 0)
    throw fail(
      "MALFORMED_SIGNATURE",
      "the signature is not a well-formed signature for the configured key type",
    );
  throw fail(
    "SIGNATURE_INVALID",
    `the signature does not verify with ${n === 1 ? "the configured key" : `any of the ${String(n)} configured keys`}`,
  );
}

/** Keyless: chain, time, log, SCT and signature through `@sigstore/verify`, then the identity policy. */
async function checkKeyless(
  entity: SignedEntity,
  signed: SignedData,
  policy: Extract<VerifyPolicy, { kind: "keyless" }>,
  chain: readonly X509Certificate[],
): Promise<CheckResult> {
  if (entity.key.$case !== "certificate")
    throw fail(
      "SIGNATURE_INVALID",
      "keyless verification needs a certificate, but the signature was made with a key",
    );
  const leaf = entity.key.certificate;
  const leafKey = certificateKey(leaf);
  const sigCheck = await checkSigned(publicKeyOf(leafKey, "certificate"), signed);
  if (sigCheck === "malformed") {
    throw fail(
      "MALFORMED_SIGNATURE",
      "the signature is not a well-formed signature for the certificate's key type",
    );
  }
  const matchers = compileMatchers(policy.identities);
  const material = withUntrustedIntermediates(policy.trust.material, chain);
  const strict = policy.ignoreTlog === undefined;
  const verifier = new Verifier(material, {
    tlogThreshold: strict ? 1 : 0,
    ctlogThreshold: strict ? 1 : 0,
    timestampThreshold: strict ? 1 : 0,
  });
  if (!strict) {
    const now = policy.ignoreTlog.now;
    // With no log the chain is checked at `now` (cosign without a tlog): feed that time in place of timestamps.
    Object.assign(verifier, { verifyTimestamps: () => [now] });
  }
  try {
    verifier.verify(withOwnSignatureCheck(entity, leafKey, sigCheck));
  } catch (err) {
    throw fromSigstoreError(err);
  }
  const m = matchIdentity(certificateIdentity(leaf), matchers);
  const warnings =
    matchers.length === 0
      ? ["no identity constraints given: any certificate identity from the trusted root is accepted"]
      : [];
  return {
    identity: {
      issuer: m.issuer,
      subject: m.subject,
      ...(m.matcher === undefined ? {} : { matcher: m.matcher }),
    },
    ...tlogOf(entity),
    signedAt: signedAtOf(entity),
    warnings,
  };
}

/** The public key of a certificate as a Node key object. */
export function certificateKey(cert: X509Certificate): KeyObject {
  return createPublicKey({ key: cert.publicKey, format: "der", type: "spki" });
}

/**
 * Checks a signed entity (from a bundle, or a legacy layer mapped onto one) against the policy: who signed, when,
 * and that the log agrees. The payload's claims (which artifact) are checked by the caller.
 */
export function checkEntity(
  entity: SignedEntity,
  signed: SignedData,
  policy: VerifyPolicy,
  chain: readonly X509Certificate[] = [],
): Promise<CheckResult> {
  if (policy.kind === "keys") return checkWithKeys(entity, signed, policy.keys, policy.tlog?.material);
  return checkKeyless(entity, signed, policy, chain);
}
