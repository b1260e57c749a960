// SPDX-License-Identifier: Apache-2.0
import { createHash, createPublicKey, sign as cryptoSign, type KeyObject } from "node:crypto";
import { dsse } from "@sigstore/core";
import { MediaType, sha256Of, digestHex, type Descriptor, type Digest } from "../core/index.ts";
import { OciError, type Repository } from "../oci/index.ts";
import { BUNDLE_V03_MEDIA_TYPE } from "./bundle.ts";
import { signatureTag } from "./discover.ts";
import { keyAlgorithmOf } from "./keys.ts";
import { SIMPLE_SIGNING_MEDIA_TYPE } from "./legacy.ts";
import { IN_TOTO_PAYLOAD_TYPE, SIMPLE_SIGNING_TYPE } from "./payload.ts";
import { COSIGN_SIGN_PREDICATE } from "./policy.ts";

/**
 * Makes signatures for the two formats. Key signers sign locally; the keyless signer (sign-keyless.ts) goes through
 * Fulcio and Rekor. Either returns what the format stores: a bundle JSON object, or legacy layer annotations.
 */
export interface ArtifactSigner {
  /** A sigstore bundle (v0.3, DSSE) over an in-toto statement. */
  signStatement(statement: Uint8Array): Promise<Record<string, unknown>>;
  /** Annotations of a legacy `.sig` layer over a simple-signing payload. */
  signPayload(payload: Uint8Array): Promise<Record<string, string>>;
}

/** Signs `data` with a private key as cosign does: ECDSA/RSA over SHA-256, Ed25519 pure. */
export function signWithKey(key: KeyObject, data: Uint8Array): Buffer {
  return cryptoSign(keyAlgorithmOf(createPublicKey(key)) === "ed25519" ? null : "sha256", data, key);
}

/** A local-key signer; the bundle names the key by hint = base64(sha256(SPKI)) like cosign v3. */
export function keySigner(privateKey: KeyObject): ArtifactSigner {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const hint = createHash("sha256").update(spki).digest("base64");
  return {
    signStatement(statement) {
      const sig = signWithKey(privateKey, dsse.preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, Buffer.from(statement)));
      return Promise.resolve({
        mediaType: BUNDLE_V03_MEDIA_TYPE,
        verificationMaterial: { publicKey: { hint } },
        dsseEnvelope: {
          payload: Buffer.from(statement).toString("base64"),
          payloadType: IN_TOTO_PAYLOAD_TYPE,
          signatures: [{ sig: sig.toString("base64"), keyid: "" }],
        },
      });
    },
    signPayload(payload) {
      return Promise.resolve({
        "dev.cosignproject.cosign/signature": signWithKey(privateKey, payload).toString("base64"),
      });
    },
  };
}

/** cosign's simple-signing payload, byte for byte as Go's `json.Marshal` writes it. */
export function simpleSigningPayload(
  dockerReference: string,
  digest: Digest,
  optional: Readonly<Record<string, string>> | null = null,
): Buffer {
  const body = {
    critical: {
      identity: { "docker-reference": dockerReference },
      image: { "docker-manifest-digest": digest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional,
  };
  return Buffer.from(JSON.stringify(body));
}

/** The in-toto statement cosign v3 signs for an image (`predicateType` sign/v1, empty predicate). */
export function cosignStatement(digest: Digest): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ digest: { sha256: digestHex(digest) } }],
      predicateType: COSIGN_SIGN_PREDICATE,
      predicate: {},
    }),
  );
}

/** Where a signature was written. */
export interface SignResult {
  readonly format: "bundle" | "legacy";
  /** The bundle referrer manifest, or the `.sig` manifest. */
  readonly manifest: Descriptor;
  readonly tag?: string;
}

/** Options of {@link signArtifact}. */
export interface SignOptions {
  readonly format: "bundle" | "legacy";
  /** `critical.identity.docker-reference` for legacy payloads (the repository name). */
  readonly dockerReference: string;
  /** Creation time annotation of the bundle manifest. */
  readonly now: Date;
  readonly signal?: AbortSignal | undefined;
}

const EMPTY_CONFIG = Buffer.from("{}");

async function pushBlob(
  repo: Repository,
  mediaType: string,
  bytes: Uint8Array,
  signal: AbortSignal | undefined,
): Promise<Descriptor> {
  const desc: Descriptor = { mediaType, digest: sha256Of(bytes), size: bytes.byteLength };
  await repo.pushBlob(desc, bytes, { signal });
  return desc;
}

/**
 * Writes a cosign v3 signature: the bundle as a blob, wrapped in a referrer manifest whose `subject` is the artifact
 * (`sigstore/cosign:pkg/oci/remote/write.go` `WriteAttestationNewBundleFormat`); the repository adds it to the
 * tag-schema fallback index where the registry has no referrers API.
 */
async function writeBundle(
  repo: Repository,
  subject: Descriptor,
  bundle: Record<string, unknown>,
  opts: SignOptions,
): Promise<SignResult> {
  const config = await pushBlob(repo, MediaType.ociEmpty, EMPTY_CONFIG, opts.signal);
  const layer = await pushBlob(repo, BUNDLE_V03_MEDIA_TYPE, Buffer.from(JSON.stringify(bundle)), opts.signal);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: BUNDLE_V03_MEDIA_TYPE,
    config: { ...config, artifactType: BUNDLE_V03_MEDIA_TYPE },
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: {
      "org.opencontainers.image.created": opts.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
      "dev.sigstore.bundle.content": "dsse-envelope",
      "dev.sigstore.bundle.predicateType": COSIGN_SIGN_PREDICATE,
    },
  };
  const desc = await repo.pushManifest(
    Buffer.from(JSON.stringify(manifest)),
    MediaType.ociManifest,
    undefined,
    { signal: opts.signal },
  );
  return { format: "bundle", manifest: desc };
}

interface SigManifest {
  readonly layers?: unknown;
}

async function existingLayers(
  repo: Repository,
  tag: string,
  signal: AbortSignal | undefined,
): Promise<readonly Descriptor[]> {
  try {
    const m = JSON.parse(
      Buffer.from((await repo.fetchManifest(tag, { signal })).bytes).toString("utf8"),
    ) as SigManifest;
    return Array.isArray(m.layers) ? (m.layers as Descriptor[]) : [];
  } catch (err) {
    if (err instanceof OciError && err.code === "NOT_FOUND") return [];
    throw err;
  }
}

/**
 * Writes a legacy signature: appends a simple-signing layer to the `sha256-<hex>.sig` manifest (read-modify-write, as
 * cosign does; racy by design of the format). An identical signature already present is not added twice.
 */
async function writeLegacy(
  repo: Repository,
  payload: Uint8Array,
  annotations: Record<string, string>,
  subject: Descriptor,
  opts: SignOptions,
): Promise<SignResult> {
  const tag = signatureTag(subject.digest);
  const layer: Descriptor = {
    ...(await pushBlob(repo, SIMPLE_SIGNING_MEDIA_TYPE, payload, opts.signal)),
    annotations,
  };
  const previous = await existingLayers(repo, tag, opts.signal);
  const sigKey = "dev.cosignproject.cosign/signature";
  const isSame = (d: Descriptor) =>
    d.digest === layer.digest && d.annotations?.[sigKey] === annotations[sigKey];
  const layers = previous.some(isSame) ? previous : [...previous, layer];
  const configJson = {
    architecture: "",
    created: "0001-01-01T00:00:00Z",
    history: [{ created: "0001-01-01T00:00:00Z" }],
    os: "",
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
    config: {},
  };
  const config = await pushBlob(
    repo,
    "application/vnd.oci.image.config.v1+json",
    Buffer.from(JSON.stringify(configJson)),
    opts.signal,
  );
  const manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers };
  const desc = await repo.pushManifest(Buffer.from(JSON.stringify(manifest)), MediaType.ociManifest, tag, {
    signal: opts.signal,
  });
  return { format: "legacy", manifest: desc, tag };
}

/** Signs the artifact `subject` in `repo` and stores the signature in the chosen format. */
export async function signArtifact(
  repo: Repository,
  subject: Descriptor,
  signer: ArtifactSigner,
  opts: SignOptions,
): Promise<SignResult> {
  if (opts.format === "bundle")
    return writeBundle(repo, subject, await signer.signStatement(cosignStatement(subject.digest)), opts);
  const payload = simpleSigningPayload(opts.dockerReference, subject.digest);
  return writeLegacy(repo, payload, await signer.signPayload(payload), subject, opts);
}
