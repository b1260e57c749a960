// SPDX-License-Identifier: Apache-2.0
// The glob of `${v#p}`/`${v%p}`: Go's path.Match as fluxcd/pkg envsubst/path changes it (`*` and `?` also match
// `/`, a trailing `*` matches the rest). Written by hand: no npm glob matches Go's rules for `[...]` classes and
// escapes, and a bad pattern must be detected (the trim then leaves the value as it is).

/** A malformed pattern (unclosed class, trailing backslash, ...). */
const BAD = Symbol("bad pattern");
type Chunk = { star: boolean; chunk: string[]; rest: string[] };

function scanChunk(pattern: string[]): Chunk {
  let i = 0;
  while (pattern[i] === "*") i++;
  const star = i > 0;
  const p = pattern.slice(i);
  let inRange = false;
  let j = 0;
  for (; j < p.length; j++) {
    const c = p[j];
    if (c === "\\") {
      if (j + 1 < p.length) j++;
    } else if (c === "[") inRange = true;
    else if (c === "]") inRange = false;
    else if (c === "*" && !inRange) break;
  }
  return { star, chunk: p.slice(0, j), rest: p.slice(j) };
}

function getEsc(chunk: string[]): { r: number; rest: string[] } | typeof BAD {
  let c = chunk;
  if (c.length === 0 || c[0] === "-" || c[0] === "]") return BAD;
  if (c[0] === "\\") {
    c = c.slice(1);
    if (c.length === 0) return BAD;
  }
  const rest = c.slice(1);
  if (rest.length === 0) return BAD;
  return { r: c[0]?.codePointAt(0) ?? 0, rest };
}

/** Matches one `[...]` class at the head of `chunk` against `r`; returns the rest of the chunk or a verdict. */
function matchClass(chunk: string[], r: number): { rest: string[]; ok: boolean } | typeof BAD {
  let c = chunk;
  const negated = c[0] === "^";
  if (negated) c = c.slice(1);
  let match = false;
  for (let n = 0; ; n++) {
    if (c[0] === "]" && n > 0) return { rest: c.slice(1), ok: match !== negated };
    const lo = getEsc(c);
    if (lo === BAD) return BAD;
    let hi: { r: number; rest: string[] } = lo;
    if (lo.rest[0] === "-") {
      const h = getEsc(lo.rest.slice(1));
      if (h === BAD) return BAD;
      hi = h;
    }
    c = hi.rest;
    if (lo.r <= r && r <= hi.r) match = true;
  }
}

function matchChunk(chunk: string[], name: string[]): string[] | undefined | typeof BAD {
  let c = chunk;
  let s = name;
  while (c.length > 0) {
    if (s.length === 0) return undefined;
    const head = c[0];
    if (head === "[") {
      const m = matchClass(c.slice(1), s[0]?.codePointAt(0) ?? 0);
      if (m === BAD) return BAD;
      if (!m.ok) return undefined;
      c = m.rest;
    } else if (head === "?") {
      c = c.slice(1);
    } else {
      if (head === "\\") {
        c = c.slice(1);
        if (c.length === 0) return BAD;
      }
      if (c[0] !== s[0]) return undefined;
      c = c.slice(1);
    }
    s = s.slice(1);
  }
  return s;
}

/** True if `name` matches `pattern`; `undefined` for a malformed pattern. Both are code-point arrays. */
export function globMatch(pattern: string[], name: string[]): boolean | undefined {
  let p = pattern;
  let s = name;
  outer: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return true;
    const t = matchChunk(chunk, s);
    if (Array.isArray(t) && (t.length === 0 || p.length > 0)) {
      s = t;
      continue;
    }
    if (t === BAD) return undefined;
    if (star) {
      for (let i = 0; i < s.length; i++) {
        const u = matchChunk(chunk, s.slice(i + 1));
        if (Array.isArray(u)) {
          if (p.length === 0 && u.length > 0) continue;
          s = u;
          continue outer;
        }
        if (u === BAD) return undefined;
      }
    }
    return false;
  }
  return s.length === 0;
}
