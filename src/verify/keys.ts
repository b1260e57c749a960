// SPDX-License-Identifier: Apache-2.0
import {
  constants,
  createHash,
  createPublicKey,
  publicDecrypt,
  verify as cryptoVerify,
  type KeyObject,
} from "node:crypto";
import { VerifyError } from "./errors.ts";

/** Key types cosign signs with (`sigstore/sigstore:pkg/signature/verifier.go`). */
export type KeyAlgorithm = "ecdsa-p256" | "ecdsa-p384" | "ecdsa-p521" | "rsa" | "ed25519";

/** A parsed public key and how it is named in reports (`sha256:<hex of SPKI DER>`, like a sigstore key hint). */
export interface PublicKey {
  readonly key: KeyObject;
  readonly algorithm: KeyAlgorithm;
  readonly id: string;
  /** Where it came from (file name), for messages. */
  readonly name: string;
}

const CURVES: Readonly<Record<string, KeyAlgorithm>> = {
  prime256v1: "ecdsa-p256",
  secp384r1: "ecdsa-p384",
  secp521r1: "ecdsa-p521",
};

/** The algorithm of a Node key object, or undefined when cosign does not sign with that type. */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm | undefined {
  if (key.asymmetricKeyType === "ed25519") return "ed25519";
  if (key.asymmetricKeyType === "rsa") return "rsa";
  if (key.asymmetricKeyType === "ec") return CURVES[key.asymmetricKeyDetails?.namedCurve ?? ""];
  return undefined;
}

/** A public key from a key object (e.g. a certificate's key). */
export function publicKeyOf(key: KeyObject, name: string): PublicKey {
  const algorithm = keyAlgorithmOf(key);
  if (algorithm === undefined) {
    throw new VerifyError({
      code: "INVALID_KEY",
      message: `${name}: unsupported key type ${key.asymmetricKeyType ?? "?"}`,
    });
  }
  const der = key.export({ format: "der", type: "spki" });
  return { key, algorithm, id: `sha256:${createHash("sha256").update(der).digest("hex")}`, name };
}

/**
 * Parses every PEM public key in `pem` (SPKI `PUBLIC KEY`, or PKCS#1 `RSA PUBLIC KEY`): ECDSA P-256/P-384/P-521,
 * RSA and Ed25519, the key types cosign accepts (`cryptoutils.UnmarshalPEMToPublicKey`).
 */
export function parsePublicKeys(pem: string, name: string): PublicKey[] {
  const blocks = pem.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
  if (blocks.length === 0)
    throw new VerifyError({ code: "INVALID_KEY", message: `${name}: no PEM public key found` });
  return blocks.map((block) => {
    let key: KeyObject;
    try {
      key = createPublicKey(block);
    } catch (err) {
      throw new VerifyError({ code: "INVALID_KEY", message: `${name}: not a PEM public key`, cause: err });
    }
    return publicKeyOf(key, name);
  });
}

/**
 * Decodes base64 the way Go's `base64.StdEncoding` does after cosign strips line breaks: standard alphabet, padding
 * required and exact. Returns undefined for anything else (so `&`, extra `=` and truncation are malformed).
 */
export function decodeStrictBase64(s: string): Buffer | undefined {
  const t = s.replace(/[\r\n]/g, "");
  if (t.length === 0 || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, "base64");
}

/** Reads one DER length at `i`; returns [length, next index] or undefined. */
function derLength(b: Uint8Array, i: number): [number, number] | undefined {
  const first = b[i];
  if (first === undefined) return undefined;
  if (first < 0x80) return [first, i + 1];
  const n = first & 0x7f;
  if (n === 0 || n > 2) return undefined;
  let len = 0;
  for (let k = 1; k <= n; k++) {
    const v = b[i + k];
    if (v === undefined) return undefined;
    len = len * 256 + v;
  }
  return len < 0x80 ? undefined : [len, i + 1 + n];
}

/** True when `sig` is exactly one DER `SEQUENCE { INTEGER r, INTEGER s }` with nothing after it. */
export function isDerEcdsaSignature(sig: Uint8Array): boolean {
  if (sig[0] !== 0x30) return false;
  const seq = derLength(sig, 1);
  if (seq === undefined || seq[1] + seq[0] !== sig.length) return false;
  let i = seq[1];
  for (let k = 0; k < 2; k++) {
    if (sig[i] !== 0x02) return false;
    const int = derLength(sig, i + 1);
    if (int === undefined || int[0] === 0) return false;
    i = int[1] + int[0];
  }
  return i === sig.length;
}

/** Outcome of checking one signature with one key. */
export type SignatureCheck = "ok" | "malformed" | "invalid";

/** Whether `sig` has the shape the key type produces (DER for ECDSA, modulus length for RSA, 64 bytes for Ed25519). */
export function isWellFormedSignature(key: PublicKey, sig: Uint8Array): boolean {
  switch (key.algorithm) {
    case "ed25519":
      return sig.length === 64;
    case "rsa":
      return sig.length === (key.key.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
    default:
      return isDerEcdsaSignature(sig);
  }
}

/**
 * Checks `sig` over `data` as cosign does: ECDSA (DER) and RSA PKCS#1 v1.5 with `hash` (SHA-256 by default),
 * Ed25519 pure over the data (`sigstore/sigstore:pkg/signature/ed25519.go`).
 */
export function checkSignature(
  key: PublicKey,
  data: Uint8Array,
  sig: Uint8Array,
  hash = "sha256",
): SignatureCheck {
  if (!isWellFormedSignature(key, sig)) return "malformed";
  try {
    const ok = cryptoVerify(key.algorithm === "ed25519" ? null : hash, data, key.key, sig);
    return ok ? "ok" : "invalid";
  } catch {
    return "malformed";
  }
}

/** DER prefix of a PKCS#1 v1.5 `DigestInfo` for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex");

/**
 * Checks `sig` over a precomputed SHA-256 `digest` (a bundle verified against `sha256:<hex>` without the artifact,
 * as the sigstore-conformance harness asks). `node:crypto` cannot verify a prehash, so ECDSA goes through
 * `@noble/curves` and RSA through the public-key operation; Ed25519 signs the message itself and cannot.
 */
export async function checkPrehashedSignature(
  key: PublicKey,
  digest: Uint8Array,
  sig: Uint8Array,
): Promise<SignatureCheck> {
  if (!isWellFormedSignature(key, sig)) return "malformed";
  if (key.algorithm === "rsa") {
    try {
      const em = publicDecrypt({ key: key.key, padding: constants.RSA_PKCS1_PADDING }, sig);
      return em.equals(Buffer.concat([SHA256_DIGEST_INFO, digest])) ? "ok" : "invalid";
    } catch {
      return "invalid";
    }
  }
  if (key.algorithm !== "ecdsa-p256" && key.algorithm !== "ecdsa-p384") return "invalid";
  const { p256, p384 } = await import("@noble/curves/nist.js");
  const jwk = key.key.export({ format: "jwk" });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? "", "base64url"),
    Buffer.from(jwk.y ?? "", "base64url"),
  ]);
  const curve = key.algorithm === "ecdsa-p256" ? p256 : p384;
  try {
    return curve.verify(sig, digest, point, { prehash: false, lowS: false, format: "der" })
      ? "ok"
      : "invalid";
  } catch {
    return "malformed";
  }
}
