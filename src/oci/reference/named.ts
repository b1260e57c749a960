// SPDX-License-Identifier: Apache-2.0
/**
 * Strict references as `distribution/reference` models them: `Parse`, `WithName`, `WithTag`,
 * `WithDigest` (https://github.com/distribution/reference/blob/main/reference.go). No Docker Hub
 * defaults: `library/ubuntu` has the domain `library`.
 */
import { DIGEST_HINT, digestProblem } from "./digest-check.ts";
import { explainFormat, isDigestGrammar, isTag, matchNameGrammar, matchReferenceGrammar } from "./grammar.ts";
import { InvalidReferenceError } from "./reference-error.ts";

/** Longest repository path, not counting the domain (upstream `RepositoryNameTotalLengthMax`, v0.6.0). */
export const NAME_TOTAL_LENGTH_MAX = 255;

/**
 * A reference split into its parts. `domain` is `""` when there is none. `digest` is a string, not a
 * `Digest`: {@link withDigest} checks only the grammar, as upstream does; {@link parse} validates it.
 */
export interface NamedReference {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Builds a {@link NamedReference}, leaving out the parts that are absent. */
export function namedReference(domain: string, path: string, tag?: string, digest?: string): NamedReference {
  return { domain, path, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/**
 * Parses `s` strictly (upstream `Parse`). Checks, in order: empty input, the grammar (with an
 * upper-case retry that explains the failure), the path length, and the digest.
 * @throws InvalidReferenceError
 */
export function parse(s: string): NamedReference {
  return parseAs(s, s);
}

/** {@link parse} of `s`, with errors that quote `shown` (what the user wrote) instead. */
export function parseAs(s: string, shown: string): NamedReference {
  const m = matchReferenceGrammar(s);
  if (m === undefined) {
    if (s === "")
      throw new InvalidReferenceError({
        input: shown,
        reason: "repository name must have at least one component",
      });
    if (matchReferenceGrammar(s.toLowerCase()) !== undefined) {
      throw new InvalidReferenceError({ input: shown, reason: "repository name must be lowercase" });
    }
    throw new InvalidReferenceError({
      input: shown,
      reason: "invalid reference format",
      hint: explainFormat(s),
    });
  }
  const name = matchNameGrammar(m.name) ?? { domain: "", path: m.name };
  checkPathLength(name.path, shown);
  if (m.digest !== undefined) {
    const problem = digestProblem(m.digest);
    if (problem !== undefined)
      throw new InvalidReferenceError({ input: shown, reason: problem, hint: DIGEST_HINT });
  }
  return namedReference(name.domain, name.path, m.tag, m.digest);
}

/**
 * A name with no tag or digest (upstream `WithName`).
 * @throws InvalidReferenceError when `name` is not `[domain/]path` or the path is too long
 */
export function withName(name: string): NamedReference {
  const m = matchNameGrammar(name);
  if (m === undefined) {
    throw new InvalidReferenceError({
      input: name,
      reason: "invalid reference format",
      hint: explainFormat(name),
    });
  }
  checkPathLength(m.path, name);
  return namedReference(m.domain, m.path);
}

/**
 * `ref` with its tag set to `tag`, keeping any digest (upstream `WithTag`).
 * @throws InvalidReferenceError with reason `invalid tag format`
 */
export function withTag(ref: NamedReference, tag: string): NamedReference {
  if (!isTag(tag)) {
    throw new InvalidReferenceError({
      input: `${referenceName(ref)}:${tag}`,
      reason: "invalid tag format",
      hint: explainFormat(`x:${tag}`),
    });
  }
  return namedReference(ref.domain, ref.path, tag, ref.digest);
}

/**
 * `ref` with its digest set to `digest`, keeping any tag (upstream `WithDigest`). Only the grammar is
 * checked, as upstream does; validate with `parse` or `parseDigest` before fetching by it.
 * @throws InvalidReferenceError with reason `invalid digest format`
 */
export function withDigest(ref: NamedReference, digest: string): NamedReference {
  if (!isDigestGrammar(digest)) {
    throw new InvalidReferenceError({
      input: `${referenceName(ref)}@${digest}`,
      reason: "invalid digest format",
      hint: explainFormat(`x@${digest}`),
    });
  }
  return namedReference(ref.domain, ref.path, ref.tag, digest);
}

/** `domain/path`, or the path alone when there is no domain (upstream `Name()`). */
export function referenceName(ref: NamedReference): string {
  return ref.domain === "" ? ref.path : `${ref.domain}/${ref.path}`;
}

/** `name[:tag][@digest]` (upstream `String()`); every valid {@link parse} input round-trips. */
export function referenceString(ref: NamedReference): string {
  const tag = ref.tag === undefined ? "" : `:${ref.tag}`;
  const digest = ref.digest === undefined ? "" : `@${ref.digest}`;
  return `${referenceName(ref)}${tag}${digest}`;
}

function checkPathLength(path: string, shown: string): void {
  if (path.length > NAME_TOTAL_LENGTH_MAX) {
    throw new InvalidReferenceError({
      input: shown,
      reason: "repository name must not be more than 255 characters",
      hint: `the repository path has ${path.length}`,
    });
  }
}
