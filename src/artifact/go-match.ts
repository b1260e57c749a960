// SPDX-License-Identifier: Apache-2.0
/**
 * Go's `path/filepath.Match` on Unix (core `goPathMatch`), with a fast path, because ignore rules must decide exactly as Flux does
 * (no npm glob library has Go's semantics: `[^…]` negation, `\` escapes, a malformed pattern matching
 * nothing). https://pkg.go.dev/path/filepath#Match
 */

import { BadPatternError, goPathMatch } from "../core/index.ts";

const META = /[*?[\\]/;
const fastCache = new Map<string, ((name: string) => boolean) | null>();

/** Literal and `*literal` patterns (most ignore rules) decided without the general matcher; same answers. */
function fastPath(pattern: string): ((name: string) => boolean) | null {
  let f = fastCache.get(pattern);
  if (f !== undefined) return f;
  f = null;
  if (!META.test(pattern)) f = (name) => name === pattern;
  else if (pattern.startsWith("*") && !META.test(pattern.slice(1))) {
    const lit = pattern.slice(1);
    f = (name) =>
      name.length >= lit.length &&
      name.endsWith(lit) &&
      !name.slice(0, name.length - lit.length).includes("/");
  }
  if (fastCache.size < 4096) fastCache.set(pattern, f);
  return f;
}

/** True when `name` matches the shell pattern `pattern`; a malformed pattern matches nothing (Go returns an error). */
export function goMatch(pattern: string, name: string): boolean {
  const fast = fastPath(pattern);
  if (fast !== null) return fast(name);
  try {
    return goPathMatch(pattern, name);
  } catch (err) {
    if (err instanceof BadPatternError) return false;
    throw err;
  }
}
