// SPDX-License-Identifier: Apache-2.0
import { createHash } from "node:crypto";
import { X509Certificate } from "@sigstore/core";
import { Bundle } from "@sigstore/protobuf-specs";
import { toSignedEntity, type SignedEntity } from "@sigstore/verify";
import type { Digest } from "../core/index.ts";
import { checkEntity, type CheckResult } from "./check.ts";
import { VerifyError } from "./errors.ts";
import { decodeStrictBase64 } from "./keys.ts";
import { checkSimpleSigningClaims } from "./payload.ts";
import type { VerifiedSignature, VerifyPolicy } from "./policy.ts";

/** Media type of a legacy cosign signature layer. */
export const SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";

/** Layer annotations of a legacy `.sig` manifest (`sigstore/cosign:pkg/oci/static`). */
export const LegacyAnnotation = {
  signature: "dev.cosignproject.cosign/signature",
  certificate: "dev.sigstore.cosign/certificate",
  chain: "dev.sigstore.cosign/chain",
  bundle: "dev.sigstore.cosign/bundle",
  rfc3161: "dev.sigstore.cosign/rfc3161timestamp",
} as const;

/** One layer of a `sha256-<hex>.sig` manifest: its media type, blob (the payload) and descriptor annotations. */
export interface LegacyLayer {
  readonly mediaType: string;
  readonly payload: Uint8Array;
  readonly annotations: Readonly<Record<string, string>>;
  /** `<sig manifest digest>#<layer index>`, for reports. */
  readonly source: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** PEM certificates in `pem`, in order. */
export function parsePemCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => X509Certificate.parse(b));
}

/** The Rekor entry from cosign's `dev.sigstore.cosign/bundle` annotation, as a bundle `tlogEntries` item. */
function tlogEntryJson(annotation: string): Record<string, unknown> {
  const bad = (why: string) =>
    new VerifyError({ code: "TLOG_MISMATCH", message: `Rekor bundle annotation: ${why}` });
  let json: unknown;
  try {
    json = JSON.parse(annotation);
  } catch {
    throw bad("not JSON");
  }
  const p = isRecord(json) ? json.Payload : undefined;
  if (
    !isRecord(json) ||
    !isRecord(p) ||
    typeof json.SignedEntryTimestamp !== "string" ||
    typeof p.body !== "string"
  )
    throw bad("missing fields");
  if (
    typeof p.logID !== "string" ||
    !/^[0-9a-f]{64}$/.test(p.logID) ||
    typeof p.integratedTime !== "number" ||
    typeof p.logIndex !== "number"
  ) {
    throw bad("missing fields");
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(p.body, "base64").toString("utf8"));
  } catch {
    throw bad("body is not JSON");
  }
  if (!isRecord(body) || typeof body.kind !== "string" || typeof body.apiVersion !== "string")
    throw bad("body has no kind");
  return {
    logIndex: String(p.logIndex),
    logId: { keyId: Buffer.from(p.logID, "hex").toString("base64") },
    kindVersion: { kind: body.kind, version: body.apiVersion },
    integratedTime: String(p.integratedTime),
    inclusionPromise: { signedEntryTimestamp: json.SignedEntryTimestamp },
    canonicalizedBody: p.body,
  };
}

function rfc3161Json(annotation: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(annotation);
  } catch {
    json = undefined;
  }
  if (!isRecord(json) || typeof json.SignedRFC3161Timestamp !== "string") {
    throw new VerifyError({
      code: "TIMESTAMP_INVALID",
      message: "RFC 3161 timestamp annotation is not cosign's JSON",
    });
  }
  return { signedTimestamp: json.SignedRFC3161Timestamp };
}

interface LegacyMaterial {
  readonly entity: SignedEntity;
  readonly signature: Buffer;
  readonly leaf?: X509Certificate;
  readonly chain: X509Certificate[];
}

/**
 * Maps a legacy layer onto a sigstore v0.1 bundle (reference oci-sigstore.md §5.3) so chain, SCT, SET and timestamp
 * checks are `@sigstore/verify`'s. For keys without a log policy the SET annotation is not read (Flux `IgnoreTlog`).
 */
function legacyMaterial(layer: LegacyLayer, policy: VerifyPolicy): LegacyMaterial {
  const a = layer.annotations;
  const sigText = a[LegacyAnnotation.signature];
  if (sigText === undefined)
    throw new VerifyError({
      code: "MALFORMED_SIGNATURE",
      message: `layer has no ${LegacyAnnotation.signature} annotation`,
    });
  const signature = decodeStrictBase64(sigText);
  if (signature === undefined)
    throw new VerifyError({
      code: "MALFORMED_SIGNATURE",
      message: "the signature annotation is not valid base64",
    });
  const useTlog = policy.kind === "keyless" ? policy.ignoreTlog === undefined : policy.tlog !== undefined;
  let leaf: X509Certificate | undefined;
  let chain: X509Certificate[] = [];
  if (policy.kind === "keyless") {
    const certPem = a[LegacyAnnotation.certificate];
    if (certPem === undefined)
      throw new VerifyError({
        code: "CERTIFICATE_UNTRUSTED",
        message: "keyless verification needs a certificate, but the layer has none",
      });
    try {
      leaf = parsePemCertificates(certPem)[0];
      chain = parsePemCertificates(a[LegacyAnnotation.chain] ?? "");
    } catch (err) {
      throw new VerifyError({
        code: "CERTIFICATE_UNTRUSTED",
        message: "the certificate annotation is not a PEM certificate",
        cause: err,
      });
    }
    if (leaf === undefined)
      throw new VerifyError({
        code: "CERTIFICATE_UNTRUSTED",
        message: "the certificate annotation is not a PEM certificate",
      });
  }
  const setText = a[LegacyAnnotation.bundle];
  const tsText = a[LegacyAnnotation.rfc3161];
  const json = {
    mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.1",
    verificationMaterial: {
      ...(leaf === undefined
        ? { publicKey: { hint: "" } }
        : { x509CertificateChain: { certificates: [{ rawBytes: leaf.root.toDER().toString("base64") }] } }),
      tlogEntries: useTlog && setText !== undefined ? [tlogEntryJson(setText)] : [],
      timestampVerificationData: {
        rfc3161Timestamps: useTlog && tsText !== undefined ? [rfc3161Json(tsText)] : [],
      },
    },
    messageSignature: {
      messageDigest: {
        algorithm: "SHA2_256",
        digest: createHash("sha256").update(layer.payload).digest("base64"),
      },
      signature: signature.toString("base64"),
    },
  };
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(
      Bundle.fromJSON(json) as Parameters<typeof toSignedEntity>[0],
      Buffer.from(layer.payload),
    );
  } catch (err) {
    throw new VerifyError({
      code: "INVALID_BUNDLE",
      message: `unreadable signature layer: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
  return { entity, signature, chain, ...(leaf === undefined ? {} : { leaf }) };
}

/**
 * The Rekor body must name this signer (cosign `VerifyBundle`; `@sigstore/verify` compares only signature and
 * digest): the hashedrekord `publicKey.content` is the leaf certificate (PEM) or the key (PEM).
 */
function checkTlogSigner(entity: SignedEntity, signerSpki: Buffer): void {
  for (const e of entity.tlogEntries) {
    let content: unknown;
    try {
      const body: unknown = JSON.parse(Buffer.from(e.canonicalizedBody).toString("utf8"));
      const spec = isRecord(body) ? body.spec : undefined;
      const sig = isRecord(spec) ? spec.signature : undefined;
      const pk = isRecord(sig) ? sig.publicKey : undefined;
      content = isRecord(pk) ? pk.content : undefined;
    } catch {
      content = undefined;
    }
    if (typeof content !== "string") continue;
    const pem = Buffer.from(content, "base64").toString("utf8");
    let spki: Buffer | undefined;
    try {
      const certs = parsePemCertificates(pem);
      const first = certs[0];
      spki =
        first === undefined
          ? Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64")
          : first.publicKey;
    } catch {
      spki = undefined;
    }
    if (spki?.equals(signerSpki) !== true) {
      throw new VerifyError({
        code: "TLOG_MISMATCH",
        message: "the transparency log entry names a different signing key",
      });
    }
  }
}

/** Verifies one legacy `.sig` layer for `subject` under `policy`; throws a {@link VerifyError} with the reason. */
export async function verifyLegacyLayer(
  layer: LegacyLayer,
  subject: Digest,
  policy: VerifyPolicy,
): Promise<VerifiedSignature> {
  if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) {
    throw new VerifyError({
      code: "UNSUPPORTED_SIGNATURE_FORMAT",
      message: `layer media type ${layer.mediaType} is not a cosign simple-signing signature`,
    });
  }
  const m = legacyMaterial(layer, policy);
  const result: CheckResult = await checkEntity(
    m.entity,
    { data: layer.payload, signature: m.signature, hash: "sha256" },
    policy,
    m.chain,
  );
  if (m.entity.tlogEntries.length > 0) {
    const spki =
      m.leaf !== undefined
        ? m.leaf.publicKey
        : policy.kind === "keys"
          ? keySpki(policy, result.key?.id)
          : undefined;
    if (spki !== undefined) checkTlogSigner(m.entity, spki);
  }
  checkSimpleSigningClaims(layer.payload, subject);
  return { format: "legacy", source: layer.source, ...result };
}

function keySpki(
  policy: Extract<VerifyPolicy, { kind: "keys" }>,
  id: string | undefined,
): Buffer | undefined {
  const key = policy.keys.find((k) => k.id === id);
  return key?.key.export({ format: "der", type: "spki" });
}
