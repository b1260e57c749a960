// SPDX-License-Identifier: Apache-2.0
import { parseDigest } from "../core/index.ts";
import type { Digest } from "../core/index.ts";

/** The reference fields of an OCIRepository `spec.ref` (all optional, empty strings mean unset). */
export interface OciRef {
  readonly digest?: string;
  readonly semver?: string;
  readonly semverFilter?: string;
  readonly tag?: string;
}

/** Which reference wins, and its value. */
export type RefKind =
  | { readonly kind: "digest"; readonly digest: Digest }
  | { readonly kind: "semver"; readonly range: string; readonly filter?: string }
  | { readonly kind: "tag"; readonly tag: string };

function isSet(s: string | undefined): s is string {
  return s !== undefined && s !== "";
}

/**
 * Reference precedence of Flux's OCIRepository (`getArtifactRef`): `digest` over `semver` over `tag`,
 * and `latest` when none is set (or `ref` is absent). `semverFilter` only travels with `semver`.
 * Throws `DigestError` (`INVALID_DIGEST`/`UNSUPPORTED_DIGEST`) for a malformed `digest`, which Flux
 * reports as "failed to determine artifact digest".
 * https://fluxcd.io/flux/components/source/ocirepositories/#reference
 */
export function refKind(ref: OciRef | undefined): RefKind {
  if (isSet(ref?.digest)) return { kind: "digest", digest: parseDigest(ref.digest) };
  if (isSet(ref?.semver)) {
    return isSet(ref.semverFilter)
      ? { kind: "semver", range: ref.semver, filter: ref.semverFilter }
      : { kind: "semver", range: ref.semver };
  }
  if (isSet(ref?.tag)) return { kind: "tag", tag: ref.tag };
  return { kind: "tag", tag: "latest" };
}

/**
 * The artifact revision string Flux records (RFC-0005): `<tag>@sha256:<hex>` when the artifact was
 * resolved from a tag or a semver range, the bare digest when the reference was a digest (`tag`
 * undefined). https://github.com/fluxcd/flux2/tree/main/rfcs/0005-artifact-revision-and-digest
 */
export function revisionOf(tag: string | undefined, digest: string): string {
  return tag === undefined || tag === "" ? digest : `${tag}@${digest}`;
}
