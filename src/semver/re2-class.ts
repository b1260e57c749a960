// SPDX-License-Identifier: Apache-2.0
// Character classes of the RE2 syntax (Go regexp/syntax), as membership predicates over code points.

/** A set of code points: a predicate plus a precomputed table for ASCII (OCI tags are ASCII). */
export interface CharClass {
  readonly ascii: Uint8Array;
  readonly has: (cp: number) => boolean;
}

/** Builds a {@link CharClass} from a predicate. */
export function charClass(has: (cp: number) => boolean): CharClass {
  const ascii = new Uint8Array(128);
  for (let c = 0; c < 128; c++) ascii[c] = has(c) ? 1 : 0;
  return { ascii, has };
}

/** Membership of `cp` (ASCII through the table). */
export function classHas(c: CharClass, cp: number): boolean {
  return cp < 128 ? c.ascii[cp] === 1 : c.has(cp);
}

/** Code points `[lo, hi]` pairs. */
export type Ranges = readonly (readonly [number, number])[];

/** Predicate for a list of inclusive ranges. */
export function inRanges(ranges: Ranges): (cp: number) => boolean {
  return (cp) => ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}

const DIGIT: Ranges = [[48, 57]];
const SPACE: Ranges = [
  [9, 10],
  [12, 13],
  [32, 32],
];
const WORD: Ranges = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];

/** Perl classes `\d \s \w` (ASCII only in RE2). */
export const PERL_CLASSES: Readonly<Record<string, Ranges>> = { d: DIGIT, s: SPACE, w: WORD };

/** POSIX classes valid inside brackets, e.g. `[[:alpha:]]` (RE2 syntax doc). */
export const POSIX_CLASSES: Readonly<Record<string, Ranges>> = {
  alnum: [
    [48, 57],
    [65, 90],
    [97, 122],
  ],
  alpha: [
    [65, 90],
    [97, 122],
  ],
  ascii: [[0, 127]],
  blank: [
    [9, 9],
    [32, 32],
  ],
  cntrl: [
    [0, 31],
    [127, 127],
  ],
  digit: DIGIT,
  graph: [[33, 126]],
  lower: [[97, 122]],
  print: [[32, 126]],
  punct: [
    [33, 47],
    [58, 64],
    [91, 96],
    [123, 126],
  ],
  space: [
    [9, 13],
    [32, 32],
  ],
  upper: [[65, 90]],
  word: WORD,
  xdigit: [
    [48, 57],
    [65, 70],
    [97, 102],
  ],
};

/** True for `[0-9A-Za-z_]`, RE2's (ASCII) word characters used by `\b`. */
export function isWordChar(cp: number): boolean {
  return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || cp === 95 || (cp >= 97 && cp <= 122);
}

/** The simple case-folding orbit of a code point (k/K/U+212A Kelvin, s/S/U+017F long s, others by case mapping). */
export function foldOrbit(cp: number): number[] {
  const out = new Set<number>([cp]);
  const s = String.fromCodePoint(cp);
  for (const t of [s.toLowerCase(), s.toUpperCase()]) {
    const c = t.codePointAt(0);
    if (c !== undefined && t.length === String.fromCodePoint(c).length) out.add(c);
  }
  for (const orbit of [
    [0x6b, 0x4b, 0x212a],
    [0x73, 0x53, 0x17f],
  ]) {
    if (orbit.includes(cp)) for (const c of orbit) out.add(c);
  }
  return [...out];
}

/** Case-insensitive version of a predicate: a code point matches when any case variant does. */
export function foldPredicate(has: (cp: number) => boolean): (cp: number) => boolean {
  return (cp) => has(cp) || foldOrbit(cp).some(has);
}

/**
 * `\p{Name}` / `\pL`: `Any`, `ASCII`, a general category or a script; undefined when unknown.
 * Names are looked up in Node's Unicode tables, so a few exotic spellings differ from Go 1.26 (which
 * matches names loosely, e.g. `\p{greek}`, but rejects ISO 15924 codes such as `Grek`). OCI tags are
 * ASCII, so this can change whether a filter compiles, never which tags it matches.
 */
export function unicodeClass(name: string): ((cp: number) => boolean) | undefined {
  if (name === "Any") return () => true;
  if (name === "ASCII") return (cp) => cp < 128;
  if (name === "Unknown" || name === "Zzzz") return undefined;
  for (const src of [`^\\p{gc=${name}}$`, `^\\p{sc=${name}}$`]) {
    try {
      const re = new RegExp(src, "u");
      return (cp) => re.test(String.fromCodePoint(cp));
    } catch {
      // not this kind of property; try the next
    }
  }
  return undefined;
}
