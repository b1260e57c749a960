// SPDX-License-Identifier: Apache-2.0
/**
 * What the registry client, CLI and controller take: a normalised registry {@link Reference}, and a
 * {@link Target} that is either a registry reference (`oci://…` or bare) or an OCI image layout on disk
 * (`oci-layout://DIR[:TAG|@DIGEST]`).
 */
import type { Digest } from "../../core/index.ts";
import { parseDigest } from "../../core/index.ts";
import { DIGEST_HINT, digestProblem } from "./digest-check.ts";
import { explainFormat, isTag } from "./grammar.ts";
import { DEFAULT_DOMAIN, parseNormalizedAs } from "./normalize.ts";
import { InvalidReferenceError } from "./reference-error.ts";

/** A normalized registry reference. */
export interface Reference {
  /** Registry name as written, Docker Hub as `docker.io`: `"ghcr.io"`, `"127.0.0.1:5000"`. */
  readonly registry: string;
  /** Repository path: `"library/nginx"`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

/** Where artifacts are read from or written to: a registry repository or an OCI image layout directory. */
export type Target =
  | { readonly kind: "registry"; readonly ref: Reference }
  | { readonly kind: "layout"; readonly dir: string; readonly tag?: string; readonly digest?: Digest };

/** The scheme Flux uses in `OCIRepository.spec.url` (https://fluxcd.io/flux/components/source/ocirepositories/#url). */
export const OCI_SCHEME = "oci://";
/** The scheme of an OCI image layout directory (https://github.com/opencontainers/image-spec/blob/main/image-layout.md). */
export const OCI_LAYOUT_SCHEME = "oci-layout://";
/** Docker Hub's Distribution API host; `docker.io` itself serves no `/v2/`. */
const DOCKER_HUB_API_HOST = "registry-1.docker.io";

/**
 * Parses an image reference with the Docker CLI rules (`nginx` → `docker.io` + `library/nginx`), after an
 * optional `oci://` prefix, as Flux does (fluxcd/pkg `oci/url.go`). No default tag is added: a
 * reference without tag or digest names a repository.
 * @throws InvalidReferenceError, e.g. `invalid reference "acme/App": repository name must be lowercase`
 */
export function parseReference(s: string): Reference {
  const rest = s.startsWith(OCI_SCHEME) ? s.slice(OCI_SCHEME.length) : s;
  if (rest === "")
    throw new InvalidReferenceError({ input: s, reason: "repository name must have at least one component" });
  rejectOtherSchemes(rest, s);
  const named = parseNormalizedAs(rest, s);
  return {
    registry: named.domain,
    repository: named.path,
    ...(named.tag === undefined ? {} : { tag: named.tag }),
    // parseNormalizedAs validated the digest (sha256 or sha512); parseDigest only brands it.
    ...(named.digest === undefined ? {} : { digest: parseDigest(named.digest) }),
  };
}

/** `registry/repository[:tag][@digest]`, the form {@link parseReference} reads back unchanged. */
export function formatReference(ref: Reference): string {
  const tag = ref.tag === undefined ? "" : `:${ref.tag}`;
  const digest = ref.digest === undefined ? "" : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/**
 * The host to send Distribution API requests to: `docker.io` → `registry-1.docker.io`, any other
 * registry unchanged (oras-go `Reference.Host`).
 */
export function registryHost(registry: string): string {
  return registry === DEFAULT_DOMAIN ? DOCKER_HUB_API_HOST : registry;
}

/**
 * Parses `oci://HOST/REPO[:TAG][@DIGEST]`, a bare `HOST/REPO…`, or `oci-layout://DIR[:TAG|@DIGEST]`.
 *
 * Layout rule: the tag or digest is read from the last path segment of DIR only (the text after its last
 * `/`): `@DIGEST` after the last `@` there, else `:TAG` after the last `:` there. So a DIR whose last
 * segment contains `:` or `@` is written with a trailing `/` (`oci-layout://./a:b/:v1`), and `:` or `@`
 * in earlier segments needs nothing. DIR is kept as written; a relative DIR stays relative.
 * @throws InvalidReferenceError
 */
export function parseTarget(s: string): Target {
  if (!s.startsWith(OCI_LAYOUT_SCHEME)) return { kind: "registry", ref: parseReference(s) };
  const body = s.slice(OCI_LAYOUT_SCHEME.length);
  const segStart = body.lastIndexOf("/") + 1;
  const at = body.indexOf("@", segStart) < 0 ? -1 : body.lastIndexOf("@");
  if (at >= 0) {
    const dir = checkLayoutDir(body.slice(0, at), s);
    return { kind: "layout", dir, digest: layoutDigest(body.slice(at + 1), s) };
  }
  const colon = body.lastIndexOf(":");
  if (colon < segStart) return { kind: "layout", dir: checkLayoutDir(body, s) };
  const dir = checkLayoutDir(body.slice(0, colon), s);
  const tag = body.slice(colon + 1);
  if (!isTag(tag))
    throw new InvalidReferenceError({
      input: s,
      reason: "invalid tag format",
      hint: explainFormat(`x:${tag}`),
    });
  return { kind: "layout", dir, tag };
}

/** The string {@link parseTarget} reads back as `t`: `oci://…` for a registry, `oci-layout://…` for a layout. */
export function formatTarget(t: Target): string {
  if (t.kind === "registry") return `${OCI_SCHEME}${formatReference(t.ref)}`;
  const lastSegment = t.dir.slice(t.dir.lastIndexOf("/") + 1);
  const dir = /[:@]/.test(lastSegment) ? `${t.dir}/` : t.dir;
  const tag = t.tag === undefined ? "" : `:${t.tag}`;
  const digest = t.digest === undefined ? "" : `@${t.digest}`;
  return `${OCI_LAYOUT_SCHEME}${dir}${tag}${digest}`;
}

/** Upstream rejects these as bad grammar too; the hint names the scheme that is the actual problem. */
function rejectOtherSchemes(rest: string, shown: string): void {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest)?.[1];
  if (scheme === undefined) return;
  throw new InvalidReferenceError({
    input: shown,
    reason: "invalid reference format",
    hint: `the scheme ${scheme}:// is not supported; write oci://HOST/REPOSITORY[:TAG][@DIGEST] or HOST/REPOSITORY…`,
  });
}

function checkLayoutDir(dir: string, shown: string): string {
  if (dir === "") {
    throw new InvalidReferenceError({
      input: shown,
      reason: "missing layout directory",
      hint: "write oci-layout://DIR[:TAG|@DIGEST]",
    });
  }
  const lastSegment = dir.slice(dir.lastIndexOf("/") + 1);
  if (/[:@]/.test(lastSegment)) {
    throw new InvalidReferenceError({
      input: shown,
      reason: "ambiguous layout directory",
      hint: `end the directory with "/" when its last segment contains ":" or "@" (${dir}/), and give a tag or a digest, not both`,
    });
  }
  return dir;
}

function layoutDigest(d: string, shown: string): Digest {
  const problem = digestProblem(d);
  if (problem !== undefined)
    throw new InvalidReferenceError({ input: shown, reason: problem, hint: DIGEST_HINT });
  return parseDigest(d);
}
