// SPDX-License-Identifier: Apache-2.0
// A parser for the RE2 syntax Go's regexp package accepts (https://github.com/google/re2/wiki/Syntax,
// Go regexp/syntax with the Perl flags). It builds a small tree for a linear-time matcher, so a
// semverFilter means what it means in Flux and can never backtrack exponentially. JavaScript-only
// constructs (lookaround, backreferences, atomic groups) are rejected with Go's error wording.
import {
  charClass,
  foldPredicate,
  inRanges,
  PERL_CLASSES,
  POSIX_CLASSES,
  unicodeClass,
} from "./re2-class.ts";
import type { CharClass } from "./re2-class.ts";

/** Zero-width assertions. */
export type AssertKind = "text-start" | "text-end" | "line-start" | "line-end" | "word" | "not-word";

/** The regular expression tree (captures are irrelevant to a yes/no match and are dropped). */
export type Re2Node =
  | { readonly k: "char"; readonly cls: CharClass }
  | { readonly k: "empty" }
  | { readonly k: "assert"; readonly a: AssertKind }
  | { readonly k: "cat"; readonly xs: readonly Re2Node[] }
  | { readonly k: "alt"; readonly xs: readonly Re2Node[] }
  | { readonly k: "rep"; readonly x: Re2Node; readonly min: number; readonly max: number };

/** A pattern RE2 refuses; `message` follows Go's `error parsing regexp: …` wording. */
export class Re2SyntaxError extends Error {}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

const MAX_REPEAT = 1000;
const SIMPLE_ESCAPES: Readonly<Partial<Record<string, number>>> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
type Pred = (cp: number) => boolean;

function err(what: string, text: string): Re2SyntaxError {
  return new Re2SyntaxError(`error parsing regexp: ${what}: \`${text}\``);
}

class Parser {
  readonly src: string;
  readonly cps: number[];
  pos = 0;
  flags: Flags = { i: false, m: false, s: false };

  constructor(src: string) {
    this.src = src;
    this.cps = Array.from(src, (ch) => ch.codePointAt(0) ?? 0);
  }

  peek(off = 0): number | undefined {
    return this.cps[this.pos + off];
  }

  rest(n = 8): string {
    return String.fromCodePoint(...this.cps.slice(this.pos, this.pos + n));
  }

  parseAlt(): Re2Node {
    const xs = [this.parseConcat()];
    while (this.peek() === 124) {
      this.pos++;
      xs.push(this.parseConcat());
    }
    return xs.length === 1 ? (xs[0] as Re2Node) : { k: "alt", xs };
  }

  parseConcat(): Re2Node {
    const xs: Re2Node[] = [];
    for (let c = this.peek(); c !== undefined && c !== 124 && c !== 41; c = this.peek()) {
      // A flag group like `(?i)` adds no node; as in Go, a repetition after it applies to the atom before.
      const atom = this.parseAtom() ?? xs.pop();
      const quantified = this.parseRepeat(atom);
      if (quantified !== undefined) xs.push(quantified);
    }
    return xs.length === 1 ? (xs[0] as Re2Node) : xs.length === 0 ? { k: "empty" } : { k: "cat", xs };
  }

  /** Applies any repetition operators after `atom` (undefined atom: a flag group like `(?i)`). */
  parseRepeat(atom: Re2Node | undefined): Re2Node | undefined {
    const start = this.pos;
    const q = this.quantifier();
    if (q === undefined) return atom;
    if (atom === undefined)
      throw err(
        "missing argument to repetition operator",
        String.fromCodePoint(...this.cps.slice(start, this.pos)),
      );
    if (this.peek() === 63) this.pos++; // lazy: irrelevant for a yes/no match
    const after = this.pos;
    if (this.quantifier() !== undefined)
      throw err(
        "invalid nested repetition operator",
        String.fromCodePoint(...this.cps.slice(start, this.pos)),
      );
    this.pos = after;
    return { k: "rep", x: atom, min: q[0], max: q[1] };
  }

  quantifier(): [number, number] | undefined {
    const c = this.peek();
    if (c === 42 || c === 43 || c === 63) {
      this.pos++;
      return c === 42 ? [0, -1] : c === 43 ? [1, -1] : [0, 1];
    }
    if (c !== 123) return undefined;
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.rest(24));
    if (m === null) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : m[3] === "" ? -1 : Number(m[3]);
    if (lo > MAX_REPEAT || hi > MAX_REPEAT || (hi >= 0 && hi < lo)) throw err("invalid repeat count", m[0]);
    this.pos += m[0].length;
    return [lo, hi];
  }

  parseAtom(): Re2Node | undefined {
    const c = this.peek() ?? 0;
    const start = this.pos;
    const counted = c === 123 ? /^\{\d+(,\d*)?\}/.exec(this.rest(24)) : null;
    if (counted !== null) throw err("missing argument to repetition operator", counted[0]);
    this.pos++;
    switch (c) {
      case 40:
        return this.parseGroup(start);
      case 91:
        return { k: "char", cls: this.parseClass(start) };
      case 46:
        return { k: "char", cls: charClass(this.flags.s ? () => true : (x) => x !== 10) };
      case 94:
        return { k: "assert", a: this.flags.m ? "line-start" : "text-start" };
      case 36:
        return { k: "assert", a: this.flags.m ? "line-end" : "text-end" };
      case 42:
      case 43:
      case 63:
        throw err("missing argument to repetition operator", String.fromCodePoint(c));
      case 92:
        return this.parseEscapeAtom();
      default:
        return this.literal(c);
    }
  }

  literal(cp: number): Re2Node {
    const has: Pred = (x) => x === cp;
    return { k: "char", cls: charClass(this.flags.i ? foldPredicate(has) : has) };
  }

  parseGroup(start: number): Re2Node | undefined {
    const saved = { ...this.flags };
    if (this.peek() === 63) {
      const head = this.rest(4);
      if (/^\?(=|!|<=|<!|>|#|P=|P>)/.test(head))
        throw err("invalid or unsupported Perl syntax", `(${head.slice(0, head.startsWith("?<") ? 3 : 2)}`);
      const named = /^\?P?<([^>]*)>/.exec(this.rest(300));
      if (named !== null) {
        const name = named[1] ?? "";
        if (!/^\w+$/.test(name)) throw err("invalid named capture", `(${named[0]}`);
        this.pos += named[0].length;
      } else if (this.parseFlags(start)) {
        return undefined;
      }
    }
    const inner = this.parseAlt();
    if (this.peek() !== 41) throw err("missing closing )", this.src);
    this.pos++;
    this.flags = saved;
    return inner;
  }

  /** `(?flags)` (returns true: no node) or `(?flags:` (returns false, flags scoped to the group). */
  parseFlags(start: number): boolean {
    const m = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(this.rest(16));
    if (m === null || m[2] === "") {
      throw err(
        "invalid or unsupported Perl syntax",
        String.fromCodePoint(...this.cps.slice(start, this.pos + 2)),
      );
    }
    for (const f of m[1] ?? "") if (f !== "U") this.flags[f as keyof Flags] = true;
    for (const f of m[2] ?? "") if (f !== "U") this.flags[f as keyof Flags] = false;
    this.pos += m[0].length;
    return m[3] === ")";
  }

  parseEscapeAtom(): Re2Node {
    const c = this.peek();
    if (c === 65 || c === 122 || c === 98 || c === 66) {
      this.pos++;
      const a: AssertKind = c === 65 ? "text-start" : c === 122 ? "text-end" : c === 98 ? "word" : "not-word";
      return { k: "assert", a };
    }
    if (c === 81) {
      this.pos++;
      const end = this.src.indexOf("\\E", this.offset());
      const text = end < 0 ? this.src.slice(this.offset()) : this.src.slice(this.offset(), end);
      this.pos += Array.from(text).length + (end < 0 ? 0 : 2);
      const xs = Array.from(text, (ch) => this.literal(ch.codePointAt(0) ?? 0));
      return xs.length === 1 ? (xs[0] as Re2Node) : { k: "cat", xs };
    }
    const e = this.parseEscape();
    if (typeof e === "number") return this.literal(e);
    return { k: "char", cls: charClass(this.flags.i ? foldPredicate(e) : e) };
  }

  /** UTF-16 offset of the current code-point position. */
  offset(): number {
    return String.fromCodePoint(...this.cps.slice(0, this.pos)).length;
  }

  /** After a backslash: a single code point, or a class predicate (`\d`, `\pL`, …). */
  parseEscape(): number | Pred {
    const start = this.pos - 1;
    const c = this.peek();
    if (c === undefined) throw err("trailing backslash at end of expression", "");
    this.pos++;
    const ch = String.fromCodePoint(c);
    const text = (): string => String.fromCodePoint(...this.cps.slice(start, this.pos));
    const perl = PERL_CLASSES[ch.toLowerCase()];
    if (perl !== undefined && "dswDSW".includes(ch)) {
      const has = inRanges(perl);
      return ch === ch.toLowerCase() ? has : (x) => !has(x);
    }
    if (ch === "p" || ch === "P") return this.parseUnicodeClass(ch === "P", start);
    const simple = SIMPLE_ESCAPES[ch];
    if (simple !== undefined) return simple;
    if (c >= 48 && c <= 55) {
      const next = this.peek();
      if (c !== 48 && (next === undefined || next < 48 || next > 55))
        throw err("invalid escape sequence", text());
      let n = c - 48;
      for (let k = 0; k < 2 && (this.peek() ?? 0) >= 48 && (this.peek() ?? 0) <= 55; k++)
        n = n * 8 + ((this.cps[this.pos++] ?? 48) - 48);
      return n;
    }
    if (ch === "x") return this.parseHex(text);
    if (c < 128 && !/[0-9A-Za-z]/.test(ch)) return c;
    throw err("invalid escape sequence", text());
  }

  parseHex(text: () => string): number {
    const m =
      this.peek() === 123 ? /^\{([0-9A-Fa-f]+)\}/.exec(this.rest(12)) : /^[0-9A-Fa-f]{2}/.exec(this.rest(2));
    if (m === null) throw err("invalid escape sequence", text());
    this.pos += m[0].length;
    const n = parseInt(m[1] ?? m[0], 16);
    if (n > 0x10ffff) throw err("invalid escape sequence", text());
    return n;
  }

  parseUnicodeClass(negated: boolean, start: number): Pred {
    let name = String.fromCodePoint(this.peek() ?? 0);
    if (name === "{") {
      const m = /^\{(\^?)([A-Za-z_]+)\}/.exec(this.rest(40));
      if (m === null)
        throw err(
          "invalid character class range",
          String.fromCodePoint(...this.cps.slice(start, this.pos + 1)),
        );
      if (m[1] === "^") negated = !negated;
      name = m[2] ?? "";
      this.pos += m[0].length;
    } else {
      this.pos++;
    }
    const has = unicodeClass(name);
    if (has === undefined)
      throw err("invalid character class range", String.fromCodePoint(...this.cps.slice(start, this.pos)));
    return negated ? (x) => !has(x) : has;
  }

  parseClass(start: number): CharClass {
    let negated = false;
    if (this.peek() === 94) {
      negated = true;
      this.pos++;
    }
    const parts: Pred[] = [];
    for (let first = true; first || this.peek() !== 93; first = false) {
      if (this.peek() === undefined)
        throw err("missing closing ]", String.fromCodePoint(...this.cps.slice(start)));
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.rest(12));
      if (posix !== null) {
        const ranges = POSIX_CLASSES[posix[2] ?? ""];
        if (ranges === undefined) throw err("invalid character class range", posix[0]);
        const has = inRanges(ranges);
        parts.push(posix[1] === "^" ? (x) => !has(x) : has);
        this.pos += posix[0].length;
        continue;
      }
      const loAt = this.pos;
      const lo = this.classChar();
      if (typeof lo !== "number") {
        parts.push(lo);
        continue;
      }
      let hi = lo;
      if (this.peek() === 45 && this.peek(1) !== 93 && this.peek(1) !== undefined) {
        this.pos++;
        const h = this.classChar();
        if (typeof h !== "number" || h < lo)
          throw err("invalid character class range", String.fromCodePoint(...this.cps.slice(loAt, this.pos)));
        hi = h;
      }
      parts.push((x) => x >= lo && x <= hi);
    }
    this.pos++;
    let has: Pred = (x) => parts.some((p) => p(x));
    if (this.flags.i) has = foldPredicate(has);
    const final = has;
    return charClass(negated ? (x) => !final(x) : final);
  }

  classChar(): number | Pred {
    const c = this.cps[this.pos++] ?? 0;
    return c === 92 ? this.parseEscape() : c;
  }
}

/**
 * Parses a Go RE2 regular expression. Throws {@link Re2SyntaxError} for anything Go's `regexp.Compile`
 * rejects, including the JavaScript-only lookaround, backreferences and atomic groups.
 */
export function parseRe2(src: string): Re2Node {
  const p = new Parser(src);
  const node = p.parseAlt();
  if (p.peek() === 41) throw err("unexpected )", src);
  return node;
}
