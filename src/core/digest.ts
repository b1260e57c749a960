// SPDX-License-Identifier: Apache-2.0
import { createHash } from "node:crypto";
import { CdError } from "./errors.ts";

/** A content digest `algorithm:hex` validated per the OCI image-spec. */
export type Digest = string & { readonly __brand: "Digest" };

/** Codes of digest validation failures. */
export type DigestErrorCode = "INVALID_DIGEST" | "UNSUPPORTED_DIGEST";

/** A digest string that is malformed or uses an algorithm ocisync cannot compute. */
export class DigestError extends CdError<DigestErrorCode> {}

/** Hex length of each registered algorithm (image-spec descriptor.md "Registered algorithms"). */
const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Validates `s` as a digest and brands it. Only sha256 and sha512 are accepted, with lowercase hex
 * of the exact length (https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests).
 */
export function parseDigest(s: string): Digest {
  if (!DIGEST_GRAMMAR.test(s)) {
    throw new DigestError({ code: "INVALID_DIGEST", message: `invalid digest ${JSON.stringify(s)}` });
  }
  const [alg = "", hex = ""] = s.split(":", 2);
  const want = HEX_LENGTH[alg];
  if (want === undefined) {
    throw new DigestError({ code: "UNSUPPORTED_DIGEST", message: `unsupported digest algorithm ${alg}` });
  }
  if (hex.length !== want || !/^[a-f0-9]+$/.test(hex)) {
    throw new DigestError({
      code: "INVALID_DIGEST",
      message: `invalid digest ${JSON.stringify(s)}: ${alg} needs ${want} lowercase hex characters`,
    });
  }
  return s as Digest;
}

/** True when `s` is a valid digest. */
export function isDigest(s: string): s is Digest {
  try {
    parseDigest(s);
    return true;
  } catch {
    return false;
  }
}

/** The algorithm part of a digest (`sha256`). */
export function digestAlgorithm(d: Digest): string {
  return d.slice(0, d.indexOf(":"));
}

/** The encoded (hex) part of a digest. */
export function digestHex(d: Digest): string {
  return d.slice(d.indexOf(":") + 1);
}

/** sha256 digest of a byte buffer. */
export function sha256Of(bytes: Uint8Array | string): Digest {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}` as Digest;
}

/** Digest of `bytes` with the same algorithm as `like` (used to check content addressed by `like`). */
export function digestOf(bytes: Uint8Array, like: Digest): Digest {
  const alg = digestAlgorithm(like);
  return `${alg}:${createHash(alg).update(bytes).digest("hex")}` as Digest;
}
