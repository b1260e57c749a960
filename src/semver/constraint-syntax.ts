// SPDX-License-Identifier: Apache-2.0
// The Masterminds/semver v3 constraint grammar, scanned by hand instead of with its regular expressions
// (`constraintRangeRegex`, `validConstraintRegex`, `findConstraintRegex` in constraints.go). JavaScript's
// backtracking engine would take exponential time on those patterns for inputs such as many items
// separated by two spaces; the scanners below accept exactly the same strings in linear time (the
// hyphen-range search is quadratic only inside one whitespace-free run that precedes ` - `).

/** Comparison operators, as written; `=>`/`=<`/`~>` are aliases of `>=`/`<=`/`~`. */
export type Operator = "" | "=" | "!=" | ">" | "<" | ">=" | "=>" | "<=" | "=<" | "~" | "~>" | "^";

/** The pieces of a constraint version such as `v1.2.x-rc.1+meta` (Masterminds `cvRegex` groups). */
export interface ConstraintVersionText {
  /** The whole version text as written (`orig`). */
  readonly text: string;
  readonly major: string;
  /** Undefined when the part is absent; may be `x`, `X` or `*`. */
  readonly minor: string | undefined;
  readonly patch: string | undefined;
  /** Prerelease without `-`; empty when absent. */
  readonly prerelease: string;
}

/** One `op version` item of an AND group. */
export interface ConstraintItem {
  readonly op: Operator;
  readonly version: ConstraintVersionText;
}

const TWO_CHAR_OPS: ReadonlySet<string> = new Set(["!=", ">=", "=>", "<=", "=<", "~>"]);
const ONE_CHAR_OPS: ReadonlySet<string> = new Set(["=", ">", "<", "~", "^"]);

/** RE2's `\s`: `[\t\n\f\r ]`. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

/** `[0-9|xX*]`: Masterminds' class for version numbers in constraints (`|` is literal there). */
function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 124 || c === 120 || c === 88 || c === 42;
}

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

function skipWhile(s: string, i: number, pred: (c: number) => boolean): number {
  while (i < s.length && pred(s.charCodeAt(i))) i++;
  return i;
}

/** `[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*` from `i`; returns its end (== i when nothing matches). */
function skipIdentifiers(s: string, i: number): number {
  let end = skipWhile(s, i, isIdentChar);
  if (end === i) return i;
  while (s.charCodeAt(end) === 46 && isIdentChar(s.charCodeAt(end + 1)))
    end = skipWhile(s, end + 1, isIdentChar);
  return end;
}

/** Scans a constraint version at `i` greedily (as the regex would); undefined when none starts there. */
export function scanConstraintVersion(
  s: string,
  i: number,
): { end: number; version: ConstraintVersionText } | undefined {
  const start = i;
  if (s.charCodeAt(i) === 118) i++;
  const majorEnd = skipWhile(s, i, isNumberChar);
  if (majorEnd === i) return undefined;
  const major = s.slice(i, majorEnd);
  let end = majorEnd;
  let minor: string | undefined;
  let patch: string | undefined;
  if (s.charCodeAt(end) === 46 && isNumberChar(s.charCodeAt(end + 1))) {
    const e = skipWhile(s, end + 1, isNumberChar);
    minor = s.slice(end + 1, e);
    end = e;
    if (s.charCodeAt(end) === 46 && isNumberChar(s.charCodeAt(end + 1))) {
      const e2 = skipWhile(s, end + 1, isNumberChar);
      patch = s.slice(end + 1, e2);
      end = e2;
    }
  }
  let prerelease = "";
  if (s.charCodeAt(end) === 45) {
    const e = skipIdentifiers(s, end + 1);
    if (e > end + 1) {
      prerelease = s.slice(end + 1, e);
      end = e;
    }
  }
  if (s.charCodeAt(end) === 43) {
    const e = skipIdentifiers(s, end + 1);
    if (e > end + 1) end = e;
  }
  return { end, version: { text: s.slice(start, end), major, minor, patch, prerelease } };
}

function scanOperator(s: string, i: number): Operator {
  const two = s.slice(i, i + 2);
  if (TWO_CHAR_OPS.has(two)) return two as Operator;
  const one = s.charAt(i);
  return ONE_CHAR_OPS.has(one) ? (one as Operator) : "";
}

/**
 * Splits one `||` branch into its AND-ed items: items are separated by whitespace or a comma, an
 * operator may be followed by spaces. Undefined when the branch is malformed (`improper constraint`).
 */
export function scanAndGroup(s: string): ConstraintItem[] | undefined {
  const items: ConstraintItem[] = [];
  let i = skipSpaces(s, 0);
  for (;;) {
    const op = scanOperator(s, i);
    const cv = scanConstraintVersion(s, skipSpaces(s, i + op.length));
    if (cv === undefined) return undefined;
    items.push({ op, version: cv.version });
    const next = skipSpaces(s, cv.end);
    if (next === s.length) return items;
    if (s.charCodeAt(next) === 44) {
      i = skipSpaces(s, next + 1);
    } else if (next > cv.end) {
      i = next;
    } else {
      return undefined;
    }
  }
}

/** Finds the leftmost `p` in [from, end) from which a constraint version spans exactly to `end`. */
function versionEndingAt(s: string, from: number, end: number): number {
  for (let p = from; p < end; p++) {
    const cv = scanConstraintVersion(s, p);
    if (cv?.end === end) return p;
  }
  return -1;
}

/**
 * Masterminds `rewriteRange`: every `A - B` (spaces required around the dash) becomes `>= A, <= B `,
 * replacing the whole match including surrounding whitespace, before the string is split on `||`.
 * Reproduces the regex's leftmost-first matching, including its quirks (`>=1 1 - 2` glues into
 * `>=1>= 1, <= 2 `, which is then invalid, exactly as in Go).
 */
export function rewriteRanges(s: string): string {
  let out = "";
  let copied = 0;
  let from = 0;
  for (let dash = s.indexOf("-", 1); dash > 0; dash = s.indexOf("-", dash + 1)) {
    if (!isSpace(s.charCodeAt(dash - 1)) || !isSpace(s.charCodeAt(dash + 1))) continue;
    let chunkEnd = dash - 1;
    while (chunkEnd > from && isSpace(s.charCodeAt(chunkEnd - 1))) chunkEnd--;
    let chunkStart = chunkEnd;
    while (chunkStart > from && !isSpace(s.charCodeAt(chunkStart - 1))) chunkStart--;
    if (chunkStart === chunkEnd) continue;
    const p = versionEndingAt(s, chunkStart, chunkEnd);
    const second = scanConstraintVersion(s, skipSpaces(s, dash + 1));
    if (p < 0 || second === undefined) continue;
    let matchStart = p;
    if (p === chunkStart) while (matchStart > from && isSpace(s.charCodeAt(matchStart - 1))) matchStart--;
    const matchEnd = skipSpaces(s, second.end);
    out += `${s.slice(copied, matchStart)}>= ${s.slice(p, chunkEnd)}, <= ${second.version.text} `;
    copied = matchEnd;
    from = matchEnd;
    dash = matchEnd - 1;
  }
  return copied === 0 ? s : out + s.slice(copied);
}
