// SPDX-License-Identifier: Apache-2.0
/**
 * Docker CLI normalisation and the "familiar" forms: `nginx` ⇄ `docker.io/library/nginx`
 * (https://github.com/distribution/reference/blob/main/normalize.go). This is about names only;
 * `docker.io` is mapped to its API host by `registryHost`.
 */
import type { Digest } from "../../core/index.ts";
import { parseDigest } from "../../core/index.ts";
import { digestProblem } from "./digest-check.ts";
import { isIdentifier } from "./grammar.ts";
import type { NamedReference } from "./named.ts";
import { namedReference, parseAs, referenceName, referenceString } from "./named.ts";
import { InvalidReferenceError } from "./reference-error.ts";

/** The registry name of Docker Hub (not its API host). */
export const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPO_PREFIX = "library/";

/**
 * Parses `s` with the Docker CLI rules (upstream `ParseNormalizedNamed`): the first component is a
 * registry only if it contains `.` or `:`, is exactly `localhost`, or has an upper-case letter;
 * otherwise the name is on Docker Hub, where a one-component path gets `library/`. No tag is added.
 * @throws InvalidReferenceError
 */
export function parseNormalizedNamed(s: string): NamedReference {
  return parseNormalizedAs(s, s);
}

/** {@link parseNormalizedNamed} of `s`, with errors that quote `shown` instead. */
export function parseNormalizedAs(s: string, shown: string): NamedReference {
  if (isIdentifier(s)) {
    throw new InvalidReferenceError({
      input: shown,
      reason: "cannot specify 64-byte hexadecimal strings",
      detail: `invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`,
      hint: "that is an image ID; prefix it with sha256: to pull by digest",
    });
  }
  const [domain, remainder] = splitDockerDomain(s);
  const colon = remainder.indexOf(":");
  const remote = colon < 0 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    throw new InvalidReferenceError({
      input: shown,
      reason: "repository name must be lowercase",
      detail: `invalid reference format: repository name (${remote}) must be lowercase`,
    });
  }
  return parseAs(`${domain}/${remainder}`, shown);
}

/**
 * Splits off the registry as the Docker CLI does (upstream `splitDockerDomain`). Known quirk kept for
 * compatibility: a bare `localhost` or `localhost:5000` has no `/`, so it is a Docker Hub name.
 */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf("/");
  if (slash < 0) return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  const maybeDomain = name.slice(0, slash);
  let remainder = name.slice(slash + 1);
  let domain: string;
  if (maybeDomain === "localhost" || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    domain = maybeDomain === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : maybeDomain;
  } else {
    return [DEFAULT_DOMAIN, name];
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes("/")) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return [domain, remainder];
}

/**
 * {@link parseNormalizedNamed}, but accepts only input already in normalised form (upstream `ParseNamed`).
 * @throws InvalidReferenceError with reason `repository name must be canonical` for `nginx`, `docker.io/nginx`
 */
export function parseNamed(s: string): NamedReference {
  const ref = parseNormalizedNamed(s);
  const canonical = referenceString(ref);
  if (canonical !== s) {
    throw new InvalidReferenceError({
      input: s,
      reason: "repository name must be canonical",
      hint: `write ${canonical}`,
    });
  }
  return ref;
}

/**
 * Parses a name or a bare digest (upstream `ParseAnyReference`): 64 lowercase hex characters are read as
 * `sha256:<hex>`, a valid digest is returned as is, anything else goes to {@link parseNormalizedNamed}.
 * @throws InvalidReferenceError
 */
export function parseAnyReference(s: string): NamedReference | Digest {
  if (isIdentifier(s)) return parseDigest(`sha256:${s}`);
  if (digestProblem(s) === undefined) return parseDigest(s);
  return parseNormalizedNamed(s);
}

/**
 * Normalises like `docker pull` (upstream `ParseDockerRef`): adds `:latest` when there is neither tag
 * nor digest, and drops the tag when a digest is present (the digest decides what is fetched).
 * @throws InvalidReferenceError
 */
export function parseDockerRef(s: string): NamedReference {
  const ref = parseNormalizedNamed(s);
  if (ref.digest !== undefined) return namedReference(ref.domain, ref.path, undefined, ref.digest);
  if (ref.tag === undefined) return namedReference(ref.domain, ref.path, "latest");
  return ref;
}

/**
 * The short name the Docker CLI shows: `docker.io/` is dropped, and `library/` too when exactly one
 * component follows it (`docker.io/library/foo/bar` stays `library/foo/bar`).
 */
export function familiarName(ref: NamedReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return referenceName(ref);
  if (ref.path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes("/")) return rest;
  }
  return ref.path;
}

/** {@link familiarName} with the tag and digest; a bare digest is returned as is. */
export function familiarString(ref: NamedReference | Digest): string {
  if (typeof ref === "string") return ref;
  const tag = ref.tag === undefined ? "" : `:${ref.tag}`;
  const digest = ref.digest === undefined ? "" : `@${ref.digest}`;
  return `${familiarName(ref)}${tag}${digest}`;
}
