// SPDX-License-Identifier: Apache-2.0
import {
  MANIFEST_ACCEPT,
  digestOf,
  isDigest,
  parseDigest,
  sha256Of,
  type Descriptor,
  type Digest,
} from "../../core/index.ts";
import { OciError } from "../errors.ts";
import type { FetchedManifest } from "../repository.ts";
import type { HttpResponse } from "../transport/http.ts";
import { readCapped } from "../transport/read.ts";
import { discard, type RegistrySession } from "./session.ts";

const ACCEPT = MANIFEST_ACCEPT.join(", ");

function mediaTypeOf(res: HttpResponse): string {
  return (res.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
}

function tooBig(what: string, cap: number): OciError {
  return new OciError({ code: "SIZE_EXCEEDED", message: `${what} is larger than its cap of ${cap} bytes` });
}

/**
 * Fetches a manifest by tag or digest with every accepted media type in `Accept` (distribution 2.8.2 hides
 * OCI manifests from clients that omit it). The body is capped, hashed, and must match a requested digest;
 * a `mediaType` field must agree with `Content-Type`.
 */
export async function getManifest(
  session: RegistrySession,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<FetchedManifest> {
  const cap = session.limits.manifestBytes;
  const what = `manifest ${repository}:${reference}`;
  return session.request(
    {
      method: "GET",
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: ACCEPT },
      repository,
      actions: "pull",
      expect: [200],
      signal,
    },
    async (res) => {
      if (Number(res.headers.get("content-length") ?? "0") > cap) throw tooBig(what, cap);
      const bytes = await readCapped(res.body, cap, what);
      const digest = isDigest(reference) ? digestOf(bytes, parseDigest(reference)) : sha256Of(bytes);
      if (isDigest(reference) && digest !== reference) {
        throw new OciError({
          code: "DIGEST_MISMATCH",
          message: `${what} does not match its digest (got ${digest})`,
        });
      }
      const mediaType = checkMediaType(bytes, mediaTypeOf(res), what);
      return { descriptor: { mediaType, digest, size: bytes.byteLength }, bytes };
    },
  );
}

/** The manifest's media type: `Content-Type`, which a `mediaType` field in the body must not contradict. */
export function checkMediaType(bytes: Uint8Array, contentType: string, what: string): string {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new OciError({ code: "INVALID_MANIFEST", message: `${what} is not JSON` });
  }
  const field = (body as { mediaType?: unknown } | null)?.mediaType;
  const declared = typeof field === "string" ? field : undefined;
  if (declared !== undefined && contentType !== "" && declared !== contentType) {
    throw new OciError({
      code: "INVALID_MANIFEST",
      message: `${what} says mediaType ${declared} but was served as ${contentType}`,
    });
  }
  const mediaType = declared ?? contentType;
  if (!MANIFEST_ACCEPT.includes(mediaType)) {
    throw new OciError({
      code: "INVALID_MANIFEST",
      message: `${what} has unsupported media type ${JSON.stringify(mediaType)}`,
    });
  }
  return mediaType;
}

/**
 * Tag or digest to descriptor with HEAD (which registries like Docker Hub do not count as a pull), falling
 * back to GET when the registry sends no `Docker-Content-Digest` or refuses HEAD.
 */
export async function headManifest(
  session: RegistrySession,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<Descriptor> {
  const head = await session.request(
    {
      method: "HEAD",
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { accept: ACCEPT },
      repository,
      actions: "pull",
      expect: [200, 405, 501],
      signal,
    },
    async (res) => {
      await discard(res);
      const d = res.headers.get("docker-content-digest");
      const size = Number(res.headers.get("content-length") ?? "NaN");
      const mediaType = mediaTypeOf(res);
      if (res.status !== 200 || d === null || !isDigest(d) || !Number.isSafeInteger(size) || mediaType === "")
        return undefined;
      if (isDigest(reference) && d !== reference) return undefined;
      return { mediaType, digest: d, size } satisfies Descriptor;
    },
  );
  if (head !== undefined && head.size <= session.limits.manifestBytes) return head;
  return (await getManifest(session, repository, reference, signal)).descriptor;
}

/** Uploads manifest bytes exactly as given (the digest is of these bytes); returns the descriptor and whether the registry tracks referrers (`OCI-Subject`). */
export async function putManifest(
  session: RegistrySession,
  repository: string,
  bytes: Uint8Array,
  mediaType: string,
  reference: string,
  signal?: AbortSignal,
): Promise<{ descriptor: Descriptor; subjectTracked: boolean }> {
  if (bytes.byteLength > session.limits.manifestBytes)
    throw tooBig(`manifest for ${repository}:${reference}`, session.limits.manifestBytes);
  const digest = sha256Of(bytes);
  return session.request(
    {
      method: "PUT",
      url: `/v2/${repository}/manifests/${reference}`,
      headers: { "content-type": mediaType },
      body: bytes,
      repository,
      actions: "pull,push",
      expect: [201, 200],
      signal,
    },
    async (res) => {
      await discard(res);
      const subjectTracked = res.headers.get("oci-subject") !== null;
      return { descriptor: { mediaType, digest, size: bytes.byteLength }, subjectTracked };
    },
  );
}

/** Deletes a manifest by digest (202); registries that disable deletes answer 405 / `UNSUPPORTED`. */
export async function deleteManifest(
  session: RegistrySession,
  repository: string,
  digest: Digest,
  signal?: AbortSignal,
): Promise<void> {
  await session.request(
    {
      method: "DELETE",
      url: `/v2/${repository}/manifests/${digest}`,
      repository,
      actions: "delete",
      expect: [202, 200],
      signal,
    },
    discard,
  );
}
