// SPDX-License-Identifier: Apache-2.0
/**
 * Glob matching of references (upstream `FamiliarMatch`) with Go's `path.Match` rules
 * (https://pkg.go.dev/path#Match): `*` is any run of non-`/` characters, `?` one non-`/` character,
 * `[...]` a class (`^` negates, `a-z` ranges, `\` escapes). There is no `**`: it is two `*`.
 */
import { BadPatternError, goPathMatch, type Digest } from "../../core/index.ts";
import type { NamedReference } from "./named.ts";
import { familiarName, familiarString } from "./normalize.ts";
import { InvalidReferenceError } from "./reference-error.ts";

/**
 * True when `pattern` matches the familiar string of `ref`, or else its familiar name (so `foo/*` matches
 * `foo/bar:tag`).
 * @throws InvalidReferenceError with reason `syntax error in pattern`
 */
export function familiarMatch(pattern: string, ref: NamedReference | Digest): boolean {
  if (matchGlob(pattern, familiarString(ref))) return true;
  return typeof ref !== "string" && matchGlob(pattern, familiarName(ref));
}

/**
 * Go's `path.Match(pattern, name)`. Like Go, a malformed pattern is an error even when an earlier
 * part already failed to match.
 * @throws InvalidReferenceError with reason `syntax error in pattern`
 */
export function matchGlob(pattern: string, name: string): boolean {
  try {
    return goPathMatch(pattern, name);
  } catch (err) {
    if (!(err instanceof BadPatternError)) throw err;
    throw new InvalidReferenceError({ input: pattern, reason: "syntax error in pattern", cause: err });
  }
}
