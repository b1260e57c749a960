// SPDX-License-Identifier: Apache-2.0
import { SemverError } from "./errors.ts";
import { Re2Matcher } from "./re2-match.ts";
import { parseRe2, Re2SyntaxError } from "./re2-parse.ts";

/** A compiled `semverFilter`: `test(tag)` is Go's unanchored `Regexp.MatchString`. */
export interface TagFilter {
  /** The expression as written. */
  readonly source: string;
  test(tag: string): boolean;
}

/** Extra words for the JavaScript constructs users most often carry over, which RE2 does not have. */
function hintFor(pattern: string): string {
  if (/\(\?<?[=!]/.test(pattern))
    return " (lookahead and lookbehind are JavaScript/PCRE syntax; RE2, which Flux uses, has neither)";
  if (/\\[1-9]|\\k</.test(pattern))
    return " (backreferences are JavaScript/PCRE syntax; RE2, which Flux uses, has none)";
  if (/\(\?>/.test(pattern)) return " (atomic groups are not RE2 syntax)";
  return "";
}

/**
 * Compiles an OCIRepository `spec.ref.semverFilter` with Go RE2 semantics, as source-controller does
 * (`regexp.Compile`, then `MatchString` on each raw tag before version parsing, so the match is
 * unanchored: `rc` keeps `1.0.0-rc.1` and `rc-latest`). The expression runs on ocisync's own RE2
 * engine, not on JavaScript's RegExp: same syntax and meaning as Flux, linear time on every input.
 * JavaScript-only constructs (lookaround, backreferences) are rejected rather than reinterpreted.
 * Throws {@link SemverError} `INVALID_FILTER`.
 * https://fluxcd.io/flux/components/source/ocirepositories/#semverfilter-example
 */
export function compileFilter(pattern: string): TagFilter {
  try {
    const matcher = new Re2Matcher(parseRe2(pattern));
    return { source: pattern, test: (tag) => matcher.test(tag) };
  } catch (e) {
    if (!(e instanceof Re2SyntaxError)) throw e;
    throw new SemverError({
      code: "INVALID_FILTER",
      message: `semverFilter '${pattern}' ${e.message}${hintFor(pattern)}`,
      filter: pattern,
      cause: e,
    });
  }
}
