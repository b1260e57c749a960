// SPDX-License-Identifier: Apache-2.0
/**
 * Go's `path.Match` (the same as `path/filepath.Match` on Unix), ported by hand: image-reference globs and Flux's
 * ignore rules must decide exactly as Go does (`[^…]` negation, `\\` escapes, `*` not crossing `/`, runes not
 * UTF-16 units). https://pkg.go.dev/path#Match
 */

const SEP = 0x2f; // '/'

/** A malformed pattern (Go's `path.ErrBadPattern`). */
export class BadPatternError extends Error {
  constructor() {
    super("syntax error in pattern");
    this.name = "BadPatternError";
  }
}

/**
 * True when `name` matches the shell pattern `pattern`. Like Go, a malformed pattern is an error
 * ({@link BadPatternError}) even when an earlier part already failed to match.
 */
export function goPathMatch(pattern: string, name: string): boolean {
  return match(Array.from(pattern, cp), Array.from(name, cp));
}

function cp(c: string): number {
  return c.codePointAt(0) ?? 0;
}

function match(patternIn: number[], nameIn: number[]): boolean {
  let pattern = patternIn;
  let name = nameIn;
  outer: while (pattern.length > 0) {
    const scanned = scanChunk(pattern);
    const { star, chunk } = scanned;
    pattern = scanned.rest;
    if (star && chunk.length === 0) return !name.includes(SEP);
    const t = matchChunk(chunk, name);
    if (t !== undefined && (t.length === 0 || pattern.length > 0)) {
      name = t;
      continue;
    }
    if (star) {
      for (let i = 0; i < name.length && name[i] !== SEP; i++) {
        const r = matchChunk(chunk, name.slice(i + 1));
        if (r !== undefined) {
          if (pattern.length === 0 && r.length > 0) continue;
          name = r;
          continue outer;
        }
      }
    }
    // Go checks that the rest of the pattern is well formed before answering false.
    while (pattern.length > 0) {
      const s = scanChunk(pattern);
      pattern = s.rest;
      matchChunk(s.chunk, []);
    }
    return false;
  }
  return name.length === 0;
}

function scanChunk(p: number[]): { star: boolean; chunk: number[]; rest: number[] } {
  let star = false;
  let pattern = p;
  while (pattern.length > 0 && pattern[0] === 0x2a) {
    pattern = pattern.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case 0x5c: // '\\'
        if (i + 1 < pattern.length) i++;
        break;
      case 0x5b: // '['
        inRange = true;
        break;
      case 0x5d: // ']'
        inRange = false;
        break;
      case 0x2a: // '*'
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunk: pattern.slice(0, i), rest: pattern.slice(i) };
}

/** The rest of `s` after `chunk` matched its start, or undefined; throws BadPattern on malformed chunks. */
function matchChunk(chunkIn: number[], sIn: number[]): number[] | undefined {
  let chunk = chunkIn;
  let s = sIn;
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0];
    if (c === 0x5b) {
      let r = -1;
      if (!failed) {
        r = s[0] ?? -1;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
      let negated = false;
      if (chunk[0] === 0x5e) {
        negated = true;
        chunk = chunk.slice(1);
      }
      let matched = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === 0x5d && nrange > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEsc(chunk);
        chunk = lo.rest;
        let hi = lo.r;
        if (chunk[0] === 0x2d) {
          const h = getEsc(chunk.slice(1));
          hi = h.r;
          chunk = h.rest;
        }
        if (lo.r <= r && r <= hi) matched = true;
        nrange++;
      }
      if (matched === negated) failed = true;
    } else if (c === 0x3f) {
      if (!failed) {
        if (s[0] === SEP) failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    } else {
      if (c === 0x5c) {
        chunk = chunk.slice(1);
        if (chunk.length === 0) throw new BadPatternError();
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

function getEsc(chunkIn: number[]): { r: number; rest: number[] } {
  let chunk = chunkIn;
  if (chunk.length === 0 || chunk[0] === 0x2d || chunk[0] === 0x5d) throw new BadPatternError();
  if (chunk[0] === 0x5c) {
    chunk = chunk.slice(1);
    if (chunk.length === 0) throw new BadPatternError();
  }
  const r = chunk[0] ?? 0;
  const rest = chunk.slice(1);
  if (rest.length === 0) throw new BadPatternError();
  return { r, rest };
}
