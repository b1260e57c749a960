// SPDX-License-Identifier: Apache-2.0
/**
 * Glob matching of references (upstream `FamiliarMatch`) with Go's `path.Match` rules
 * (https://pkg.go.dev/path#Match): `*` is any run of non-`/` characters, `?` one non-`/` character,
 * `[...]` a class (`^` negates, `a-z` ranges, `\` escapes). There is no `**`: it is two `*`.
 */
import type { Digest } from "../../core/index.ts";
import type { NamedReference } from "./named.ts";
import { familiarName, familiarString } from "./normalize.ts";
import { InvalidReferenceError } from "./reference-error.ts";

/** Thrown inside the matcher on a malformed pattern; turned into an InvalidReferenceError at the edge. */
class BadPattern extends Error {}

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
    return matchAll(pattern, name);
  } catch (err) {
    if (!(err instanceof BadPattern)) throw err;
    throw new InvalidReferenceError({ input: pattern, reason: "syntax error in pattern", cause: err });
  }
}

function matchAll(pattern: string, name: string): boolean {
  let p = pattern;
  let n = name;
  outer: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk === "") return !n.includes("/");
    const t = matchChunk(chunk, n);
    if (t !== undefined && (t.length === 0 || p.length > 0)) {
      n = t;
      continue;
    }
    if (star) {
      for (let i = 0; i < n.length && n[i] !== "/"; i++) {
        const u = matchChunk(chunk, n.slice(i + 1));
        if (u === undefined || (p.length === 0 && u.length > 0)) continue;
        n = u;
        continue outer;
      }
    }
    // Before answering false, check that the rest of the pattern is well formed.
    while (p.length > 0) {
      const next = scanChunk(p);
      p = next.rest;
      matchChunk(next.chunk, "");
    }
    return false;
  }
  return n.length === 0;
}

function scanChunk(pattern: string): { star: boolean; chunk: string; rest: string } {
  let p = pattern;
  let star = false;
  while (p.startsWith("*")) {
    p = p.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === "\\") {
      if (i + 1 < p.length) i++;
    } else if (c === "[") {
      inRange = true;
    } else if (c === "]") {
      inRange = false;
    } else if (c === "*" && !inRange) {
      break;
    }
  }
  return { star, chunk: p.slice(0, i), rest: p.slice(i) };
}

/** Matches `chunk` (no `*`) at the start of `s`; returns the rest of `s`, or undefined on no match. */
function matchChunk(chunkIn: string, sIn: string): string | undefined {
  let chunk = chunkIn;
  let s = sIn;
  // After a mismatch, keep walking the chunk to check its syntax, but stop reading s.
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0];
    if (c === "[") {
      const r = failed ? -1 : codePointAt(s, 0);
      if (!failed) s = s.slice(r > 0xffff ? 2 : 1);
      const cls = matchClass(chunk.slice(1), r);
      chunk = cls.rest;
      if (!cls.matched) failed = true;
    } else if (c === "?") {
      if (!failed) {
        if (s[0] === "/") failed = true;
        s = s.slice(codePointAt(s, 0) > 0xffff ? 2 : 1);
      }
      chunk = chunk.slice(1);
    } else {
      if (c === "\\") {
        chunk = chunk.slice(1);
        if (chunk.length === 0) throw new BadPattern();
      }
      if (!failed) {
        if (chunk[0] !== s[0]) failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    }
  }
  return failed ? undefined : s;
}

/** Parses a class after its `[` and tests rune `r` against it. */
function matchClass(classIn: string, r: number): { matched: boolean; rest: string } {
  let chunk = classIn;
  const negated = chunk.startsWith("^");
  if (negated) chunk = chunk.slice(1);
  let matched = false;
  for (let nrange = 0; ; nrange++) {
    if (chunk.startsWith("]") && nrange > 0) return { matched: matched !== negated, rest: chunk.slice(1) };
    const lo = escapedRune(chunk);
    chunk = lo.rest;
    let hi = lo.rune;
    if (chunk.startsWith("-")) {
      const h = escapedRune(chunk.slice(1));
      hi = h.rune;
      chunk = h.rest;
    }
    if (lo.rune <= r && r <= hi) matched = true;
  }
}

function escapedRune(chunkIn: string): { rune: number; rest: string } {
  let chunk = chunkIn;
  if (chunk.length === 0 || chunk.startsWith("-") || chunk.startsWith("]")) throw new BadPattern();
  if (chunk.startsWith("\\")) {
    chunk = chunk.slice(1);
    if (chunk.length === 0) throw new BadPattern();
  }
  const rune = codePointAt(chunk, 0);
  const rest = chunk.slice(rune > 0xffff ? 2 : 1);
  if (rest.length === 0) throw new BadPattern();
  return { rune, rest };
}

function codePointAt(s: string, i: number): number {
  return s.codePointAt(i) ?? -1;
}
