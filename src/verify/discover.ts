// SPDX-License-Identifier: Apache-2.0
import { DEFAULT_LIMITS, type Descriptor, type Digest, type ImageManifest } from "../core/index.ts";
import { OciError, fallbackTag, type Repository } from "../oci/index.ts";
import { BUNDLE_MEDIA_TYPE_PREFIX } from "./bundle.ts";
import type { SignatureFailure, SignatureFormat } from "./errors.ts";
import type { LegacyLayer } from "./legacy.ts";
import type { Candidate } from "./signatures.ts";

/** Caps on what discovery reads for one artifact (STYLE.md §5: every remote read is bounded). */
export interface SignatureLimits {
  /** A bundle referrer manifest or a `.sig` manifest. */
  readonly manifestBytes: number;
  /** One bundle blob. */
  readonly bundleBytes: number;
  /** One simple-signing payload blob. */
  readonly payloadBytes: number;
  /** Referrers considered, and layers of one `.sig` manifest (cosign's own cap is 1000). */
  readonly maxReferrers: number;
  readonly maxLayers: number;
}

/** Defaults: bundles are a few KiB, payloads a few hundred bytes. */
export const DEFAULT_SIGNATURE_LIMITS: SignatureLimits = Object.freeze({
  manifestBytes: DEFAULT_LIMITS.manifestBytes,
  bundleBytes: 1024 * 1024,
  payloadBytes: 64 * 1024,
  maxReferrers: 100,
  maxLayers: 1000,
});

/** Options of {@link discoverSignatures}. */
export interface DiscoverOptions {
  readonly signal?: AbortSignal | undefined;
  readonly limits?: Partial<SignatureLimits>;
}

/** The legacy signature tag of a digest: `sha256-<hex>.sig` (`sigstore/cosign:pkg/oci/remote/remote.go`). */
export function signatureTag(digest: Digest): string {
  return `${fallbackTag(digest)}.sig`;
}

function tooLarge(
  format: SignatureFormat,
  source: string,
  what: string,
  size: number,
  cap: number,
): Candidate {
  const failure: SignatureFailure = {
    format,
    source,
    code: "SIGNATURE_TOO_LARGE",
    message: `${what} is ${String(size)} bytes, over its cap of ${String(cap)} bytes`,
  };
  return { kind: "unreadable", failure };
}

function unreadable(format: SignatureFormat, source: string, err: unknown): Candidate {
  if (err instanceof OciError && err.code === "SIZE_EXCEEDED") {
    return {
      kind: "unreadable",
      failure: { format, source, code: "SIGNATURE_TOO_LARGE", message: err.message },
    };
  }
  if (
    err instanceof OciError &&
    err.code !== "NETWORK_ERROR" &&
    err.code !== "TIMEOUT" &&
    err.code !== "TOO_MANY_REQUESTS" &&
    err.code !== "UNAUTHORIZED"
  ) {
    return { kind: "unreadable", failure: { format, source, code: "INVALID_BUNDLE", message: err.message } };
  }
  throw err;
}

function parseManifest(bytes: Uint8Array): ImageManifest | undefined {
  try {
    const m = JSON.parse(Buffer.from(bytes).toString("utf8")) as Partial<ImageManifest> | null;
    return m !== null && typeof m === "object" && Array.isArray(m.layers) ? (m as ImageManifest) : undefined;
  } catch {
    return undefined;
  }
}

/** Sigstore bundles attached as referrers (API or tag-schema fallback), as cosign `GetBundles` finds them. */
async function bundleCandidates(
  repo: Repository,
  digest: Digest,
  limits: SignatureLimits,
  signal: AbortSignal | undefined,
): Promise<Candidate[]> {
  const referrers = await repo.referrers(digest, { signal });
  // Fallback indexes written by go-containerregistry may lack artifactType; fetch those to look.
  const wanted = referrers
    .filter((d) => d.artifactType === undefined || d.artifactType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX))
    .slice(0, limits.maxReferrers);
  const out: Candidate[] = [];
  for (const desc of wanted) {
    if (desc.size > limits.manifestBytes) {
      out.push(tooLarge("bundle", desc.digest, "bundle manifest", desc.size, limits.manifestBytes));
      continue;
    }
    try {
      const m = parseManifest((await repo.fetchManifest(desc.digest, { signal })).bytes);
      const layer = m?.layers.find((l) => l.mediaType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX));
      if (
        m === undefined ||
        layer === undefined ||
        !(m.artifactType ?? layer.mediaType).startsWith(BUNDLE_MEDIA_TYPE_PREFIX)
      )
        continue;
      if (layer.size > limits.bundleBytes) {
        out.push(tooLarge("bundle", desc.digest, "bundle", layer.size, limits.bundleBytes));
        continue;
      }
      out.push({
        kind: "bundle",
        source: desc.digest,
        bytes: await repo.fetchBlobBytes(layer, limits.bundleBytes, { signal }),
      });
    } catch (err) {
      out.push(unreadable("bundle", desc.digest, err));
    }
  }
  return out;
}

/** The layers of the legacy `sha256-<hex>.sig` manifest; none when the tag does not exist. */
async function legacyCandidates(
  repo: Repository,
  digest: Digest,
  limits: SignatureLimits,
  signal: AbortSignal | undefined,
): Promise<Candidate[]> {
  const tag = signatureTag(digest);
  let desc: Descriptor;
  try {
    desc = await repo.resolve(tag, { signal });
  } catch (err) {
    if (err instanceof OciError && err.code === "NOT_FOUND") return [];
    throw err;
  }
  if (desc.size > limits.manifestBytes)
    return [tooLarge("legacy", tag, "signature manifest", desc.size, limits.manifestBytes)];
  let m: ImageManifest | undefined;
  try {
    m = parseManifest((await repo.fetchManifest(desc.digest, { signal })).bytes);
  } catch (err) {
    return [unreadable("legacy", tag, err)];
  }
  if (m === undefined)
    return [
      {
        kind: "unreadable",
        failure: {
          format: "legacy",
          source: tag,
          code: "INVALID_BUNDLE",
          message: `${tag} is not an image manifest`,
        },
      },
    ];
  const out: Candidate[] = [];
  for (const [i, layer] of m.layers.slice(0, limits.maxLayers).entries()) {
    const source = `${desc.digest}#${String(i)}`;
    if (layer.size > limits.payloadBytes) {
      out.push(tooLarge("legacy", source, "signature payload", layer.size, limits.payloadBytes));
      continue;
    }
    try {
      const payload = await repo.fetchBlobBytes(layer, limits.payloadBytes, { signal });
      const l: LegacyLayer = {
        mediaType: layer.mediaType,
        payload,
        annotations: layer.annotations ?? {},
        source,
      };
      out.push({ kind: "legacy", layer: l });
    } catch (err) {
      out.push(unreadable("legacy", source, err));
    }
  }
  return out;
}

/**
 * Every signature attached to `digest` in `repo`: sigstore bundles among its referrers (referrers API or the
 * `sha256-<hex>` fallback index) and the layers of the legacy `sha256-<hex>.sig` manifest. Reads are capped;
 * over-cap and unreadable signatures come back as `unreadable` candidates so the failure can name them.
 */
export async function discoverSignatures(
  repo: Repository,
  digest: Digest,
  opts: DiscoverOptions = {},
): Promise<Candidate[]> {
  const limits = { ...DEFAULT_SIGNATURE_LIMITS, ...opts.limits };
  const [bundles, legacy] = await Promise.all([
    bundleCandidates(repo, digest, limits, opts.signal),
    legacyCandidates(repo, digest, limits, opts.signal),
  ]);
  return [...bundles, ...legacy];
}
