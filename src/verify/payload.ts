// SPDX-License-Identifier: Apache-2.0
import { digestHex, type Digest } from "../core/index.ts";
import { VerifyError } from "./errors.ts";
import { COSIGN_SIGN_PREDICATE } from "./policy.ts";

/** The `critical.type` of a cosign simple-signing payload (`sigstore/sigstore:pkg/signature/payload/payload.go`). */
export const SIMPLE_SIGNING_TYPE = "cosign container image signature";
/** DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
const STATEMENT_TYPES = new Set(["https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1"]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    throw new VerifyError({ code: "INVALID_PAYLOAD", message: `${what} is not JSON`, cause: err });
  }
}

/**
 * Checks a simple-signing payload's claims: `critical.type` is cosign's and `critical.image.docker-manifest-digest`
 * is the artifact's digest. Stricter than Flux, which sets no claim verifier; like cosign's `SimpleClaimVerifier`,
 * `critical.identity.docker-reference` is not compared (a repository may be renamed or mirrored).
 */
export function checkSimpleSigningClaims(
  payload: Uint8Array,
  subject: Digest,
): { readonly dockerReference?: string } {
  const json = parseJson(payload, "simple-signing payload");
  const critical = isRecord(json) ? json.critical : undefined;
  if (!isRecord(critical) || critical.type !== SIMPLE_SIGNING_TYPE) {
    throw new VerifyError({
      code: "INVALID_PAYLOAD",
      message: `payload is not a cosign simple-signing payload (critical.type must be ${JSON.stringify(SIMPLE_SIGNING_TYPE)})`,
    });
  }
  const image = critical.image;
  const claimed = isRecord(image) ? image["docker-manifest-digest"] : undefined;
  if (typeof claimed !== "string") {
    throw new VerifyError({
      code: "INVALID_PAYLOAD",
      message: "payload has no critical.image.docker-manifest-digest",
    });
  }
  if (claimed !== subject) {
    throw new VerifyError({
      code: "PAYLOAD_DIGEST_MISMATCH",
      message: `the signature is for ${claimed}, not for ${subject}`,
    });
  }
  const identity = critical.identity;
  const ref = isRecord(identity) ? identity["docker-reference"] : undefined;
  return typeof ref === "string" ? { dockerReference: ref } : {};
}

/**
 * Checks an in-toto statement from a DSSE bundle: statement type, one subject whose sha256 is the artifact's, and a
 * predicate type from `predicateTypes` (cosign's `sign/v1` by default; `*` accepts any, for attestations).
 */
export function checkStatementClaims(
  payloadType: string,
  payload: Uint8Array,
  subject: Digest,
  predicateTypes: readonly string[] = [COSIGN_SIGN_PREDICATE],
): { readonly predicateType: string } {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new VerifyError({
      code: "INVALID_PAYLOAD",
      message: `DSSE payload type ${JSON.stringify(payloadType)} is not ${IN_TOTO_PAYLOAD_TYPE}`,
    });
  }
  const json = parseJson(payload, "in-toto statement");
  if (!isRecord(json) || typeof json._type !== "string" || !STATEMENT_TYPES.has(json._type)) {
    throw new VerifyError({ code: "INVALID_PAYLOAD", message: "payload is not an in-toto statement" });
  }
  const subjects = Array.isArray(json.subject) ? (json.subject as unknown[]) : [];
  const want = digestHex(subject);
  const hexes = subjects
    .map((s) => (isRecord(s) && isRecord(s.digest) ? s.digest.sha256 : undefined))
    .filter((h) => typeof h === "string");
  if (!hexes.includes(want)) {
    const got = hexes.length === 0 ? "no sha256 subject" : hexes.map((h) => `sha256:${h}`).join(", ");
    throw new VerifyError({
      code: "PAYLOAD_DIGEST_MISMATCH",
      message: `the signature is for ${got}, not for ${subject}`,
    });
  }
  const predicateType = typeof json.predicateType === "string" ? json.predicateType : "";
  if (!predicateTypes.includes("*") && !predicateTypes.includes(predicateType)) {
    throw new VerifyError({
      code: "INVALID_PAYLOAD",
      message: `predicate type ${JSON.stringify(predicateType)} is not a cosign signature (${predicateTypes.join(", ")})`,
    });
  }
  return { predicateType };
}
