// SPDX-License-Identifier: Apache-2.0
import {
  MediaType,
  digestAlgorithm,
  digestHex,
  isDigest,
  type Descriptor,
  type Digest,
  type ImageIndex,
} from "../../core/index.ts";
import { OciError } from "../errors.ts";
import { readCapped } from "../transport/read.ts";
import { getManifest, putManifest } from "./manifests.ts";
import type { RegistrySession } from "./session.ts";
import { nextLink } from "./tags.ts";

/**
 * The tag-schema fallback tag for a subject digest: `<alg>-<hex>`, algorithm truncated to 32 characters and
 * hex to 64 (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#referrers-tag-schema).
 */
export function fallbackTag(digest: Digest): string {
  const clean = (s: string, n: number) => s.replace(/[^a-zA-Z0-9_.-]/g, "-").slice(0, n);
  return `${clean(digestAlgorithm(digest), 32)}-${clean(digestHex(digest), 64)}`;
}

/** Parses an image index document; `what` names it in errors. */
export function parseIndex(bytes: Uint8Array, what: string): ImageIndex {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new OciError({ code: "INVALID_MANIFEST", message: `${what} is not JSON` });
  }
  const manifests = (body as { manifests?: unknown } | null)?.manifests;
  if (manifests !== undefined && manifests !== null && !Array.isArray(manifests)) {
    throw new OciError({ code: "INVALID_MANIFEST", message: `${what} has a non-array manifests field` });
  }
  return { ...(body as ImageIndex), manifests: (manifests ?? []) as Descriptor[] };
}

/**
 * Manifests that refer to `digest`: the referrers API when the registry has it, else the fallback index tag
 * (go-containerregistry's rule: 404/400/406, or a 200 that is not an OCI index, means "no API"). Descriptors
 * in fallback indexes may lack annotations (cosign on ghcr writes none); callers needing them fetch manifests.
 */
export async function listReferrers(
  session: RegistrySession,
  repository: string,
  digest: Digest,
  opts: { artifactType?: string | undefined; signal?: AbortSignal | undefined } = {},
): Promise<Descriptor[]> {
  const query =
    opts.artifactType === undefined ? "" : `?artifactType=${encodeURIComponent(opts.artifactType)}`;
  let url: string | undefined = session.urlFor(`/v2/${repository}/referrers/${digest}${query}`);
  const out: Descriptor[] = [];
  for (let page = 0; url !== undefined; page++) {
    if (page >= session.limits.referrerPages) {
      throw new OciError({
        code: "SIZE_EXCEEDED",
        message: `referrers of ${digest} have more than ${session.limits.referrerPages} pages`,
      });
    }
    const current: string = url;
    const result = await session.request(
      {
        method: "GET",
        url: current,
        headers: { accept: MediaType.ociIndex },
        repository,
        actions: "pull",
        expect: [200, 400, 404, 405, 406],
        signal: opts.signal,
      },
      async (res) => {
        const type = (res.headers.get("content-type") ?? "").split(";")[0]?.trim();
        if (res.status !== 200 || type !== MediaType.ociIndex) {
          await res.body?.cancel().catch(() => undefined);
          return undefined;
        }
        const bytes = await readCapped(res.body, session.limits.manifestBytes, `referrers of ${digest}`);
        return {
          index: parseIndex(bytes, `referrers of ${digest}`),
          next: nextLink(res.headers.get("link"), current),
          filtered: /artifactType/i.test(res.headers.get("oci-filters-applied") ?? ""),
        };
      },
    );
    if (result === undefined) {
      if (page > 0) break;
      return filterByType(
        await readFallbackIndex(session, repository, digest, opts.signal),
        opts.artifactType,
      );
    }
    out.push(
      ...(result.filtered ? result.index.manifests : filterByType(result.index.manifests, opts.artifactType)),
    );
    url =
      result.next !== undefined && new URL(result.next).origin === new URL(current).origin
        ? result.next
        : undefined;
  }
  return out;
}

function filterByType(descs: readonly Descriptor[], artifactType: string | undefined): Descriptor[] {
  return artifactType === undefined ? [...descs] : descs.filter((d) => d.artifactType === artifactType);
}

async function readFallbackIndex(
  session: RegistrySession,
  repository: string,
  digest: Digest,
  signal?: AbortSignal,
): Promise<Descriptor[]> {
  try {
    const m = await getManifest(session, repository, fallbackTag(digest), signal);
    return [...parseIndex(m.bytes, `referrers index ${fallbackTag(digest)}`).manifests];
  } catch (err) {
    if (err instanceof OciError && err.code === "NOT_FOUND") return [];
    throw err;
  }
}

/**
 * Adds `referrer` to the fallback index of `subject` (read-modify-write; a digest already listed is left
 * alone). Needed on registries without the referrers API, such as distribution 2.8.2, Docker Hub and ghcr.io.
 */
export async function addToFallbackIndex(
  session: RegistrySession,
  repository: string,
  subject: Digest,
  referrer: Descriptor,
  signal?: AbortSignal,
): Promise<void> {
  const existing = await readFallbackIndex(session, repository, subject, signal);
  if (existing.some((d) => d.digest === referrer.digest)) return;
  const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [...existing, referrer] };
  const bytes = new TextEncoder().encode(JSON.stringify(index));
  await putManifest(session, repository, bytes, MediaType.ociIndex, fallbackTag(subject), signal);
}

/**
 * When manifest bytes carry a `subject`, the subject digest and the descriptor to list in its referrers:
 * `artifactType` from the manifest (else its config media type) and all manifest annotations (image-spec
 * "Listing Referrers").
 */
export function referrerLink(
  bytes: Uint8Array,
  desc: Descriptor,
): { subject: Digest; referrer: Descriptor } | undefined {
  let body: {
    subject?: { digest?: unknown };
    artifactType?: unknown;
    config?: { mediaType?: unknown };
    annotations?: unknown;
  };
  try {
    body = JSON.parse(new TextDecoder().decode(bytes)) as typeof body;
  } catch {
    return undefined;
  }
  const subject = body.subject?.digest;
  if (typeof subject !== "string" || !isDigest(subject)) return undefined;
  const type = typeof body.artifactType === "string" ? body.artifactType : body.config?.mediaType;
  const annotations =
    typeof body.annotations === "object" && body.annotations !== null
      ? (body.annotations as Record<string, string>)
      : undefined;
  const referrer: Descriptor = {
    ...desc,
    ...(typeof type === "string" ? { artifactType: type } : {}),
    ...(annotations === undefined ? {} : { annotations }),
  };
  return { subject, referrer };
}
