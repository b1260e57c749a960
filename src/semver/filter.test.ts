// SPDX-License-Identifier: Apache-2.0
// Expected values were checked against Go's regexp (go1.2x) with a differential run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileFilter, SemverError } from "./index.ts";

const matches: { name: string; re: string; tag: string; want: boolean }[] = [
  { name: "unanchored", re: "rc", tag: "1.0.0-rc.1", want: true },
  { name: "unanchored, not a version", re: "rc", tag: "rc-latest", want: true },
  { name: "flux docs filter", re: ".*-rc.*", tag: "6.1.6-rc.1", want: true },
  { name: "flux docs filter, release", re: ".*-rc.*", tag: "6.1.6", want: false },
  { name: "anchored", re: "^v?\\d+\\.\\d+\\.\\d+$", tag: "v1.2.3", want: true },
  { name: "anchored rejects prerelease", re: "^v?\\d+\\.\\d+\\.\\d+$", tag: "v1.2.3-rc.1", want: false },
  { name: "case-insensitive flag", re: "(?i)RC", tag: "1.0.0-rc.1", want: true },
  { name: "case-sensitive by default", re: "RC", tag: "1.0.0-rc.1", want: false },
  { name: "scoped flag", re: "(?i:r)C", tag: "rc", want: false },
  { name: "kelvin sign folds to k", re: "(?i)\u212a", tag: "k", want: true },
  {
    name: "named group (Go syntax)",
    re: "^main-(?P<sha>[a-f0-9]+)-(?P<ts>\\d+)$",
    tag: "main-abc123-1700000000",
    want: true,
  },
  { name: "posix class", re: "^[[:digit:]]+\\.", tag: "10.0.0", want: true },
  { name: "word boundary", re: "\\bv1\\b", tag: "xv1", want: false },
  { name: "counted repeat", re: "^a{2,3}$", tag: "aaaa", want: false },
  { name: "quoted literal", re: "\\Q1.0\\E", tag: "1x0", want: false },
  { name: "leading ] in class is literal", re: "[]a]", tag: "]", want: true },
  { name: "\\z is end of text", re: "0\\z", tag: "1.0.0", want: true },
  { name: "$ is end of text without (?m)", re: "^1$", tag: "1\n", want: false },
  { name: "empty alternative matches", re: "x|", tag: "abc", want: true },
  { name: "octal and hex escapes", re: "^\\101\\x42\\x{43}$", tag: "ABC", want: true },
  { name: "unicode letter class", re: "^\\pL+$", tag: "abc\u00e9", want: true },
  { name: "unicode script", re: "\\p{Greek}", tag: "x\u03b1y", want: true },
  { name: "negated unicode class", re: "^\\PN+$", tag: "ab1", want: false },
  { name: "(?m) line anchors", re: "(?m)^a$", tag: "b\na", want: true },
  { name: "text anchors by default", re: "^a$", tag: "b\na", want: false },
  { name: "not a word boundary", re: "a\\B", tag: "ab", want: true },
  { name: "not a word boundary, at a boundary", re: "a\\B", tag: "a-", want: false },
  { name: ". is one code point", re: "^.$", tag: "\u{1f600}", want: true },
  { name: ". is not one UTF-16 unit", re: "^..$", tag: "\u{1f600}", want: false },
  { name: "lazy repetition", re: "^a+?$", tag: "aaa", want: true },
  { name: "(?s) lets . match newline", re: "(?s)a.b", tag: "a\nb", want: true },
  { name: ". does not match newline", re: "a.b", tag: "a\nb", want: false },
  { name: "negated class matches newline", re: "[^a]", tag: "\n", want: true },
  { name: "folding is simple, not full", re: "(?i)stra\u00dfe", tag: "STRASSE", want: false },
  { name: "folded class", re: "(?i)[a-c]", tag: "B", want: true },
];

for (const c of matches) {
  test(`filter ${JSON.stringify(c.re)} on ${JSON.stringify(c.tag)}`, () => {
    assert.equal(compileFilter(c.re).test(c.tag), c.want);
  });
}

const LOOK = " (lookahead and lookbehind are JavaScript/PCRE syntax; RE2, which Flux uses, has neither)";
const BACK = " (backreferences are JavaScript/PCRE syntax; RE2, which Flux uses, has none)";

const rejects: { re: string; message: string }[] = [
  {
    re: "(?=rc)",
    message: "semverFilter '(?=rc)' error parsing regexp: invalid or unsupported Perl syntax: `(?=`" + LOOK,
  },
  {
    re: "^(?!.*rc)",
    message:
      "semverFilter '^(?!.*rc)' error parsing regexp: invalid or unsupported Perl syntax: `(?!`" + LOOK,
  },
  {
    re: "(?<=v)1",
    message: "semverFilter '(?<=v)1' error parsing regexp: invalid or unsupported Perl syntax: `(?<=`" + LOOK,
  },
  {
    re: "(a)\\1",
    message: "semverFilter '(a)\\1' error parsing regexp: invalid escape sequence: `\\1`" + BACK,
  },
  {
    re: "(?<n>a)\\k<n>",
    message: "semverFilter '(?<n>a)\\k<n>' error parsing regexp: invalid escape sequence: `\\k`" + BACK,
  },
  {
    re: "(?>a)",
    message:
      "semverFilter '(?>a)' error parsing regexp: invalid or unsupported Perl syntax: `(?>` (atomic groups are not RE2 syntax)",
  },
  { re: "a**", message: "semverFilter 'a**' error parsing regexp: invalid nested repetition operator: `**`" },
  { re: "*", message: "semverFilter '*' error parsing regexp: missing argument to repetition operator: `*`" },
  { re: "a{1001}", message: "semverFilter 'a{1001}' error parsing regexp: invalid repeat count: `{1001}`" },
  { re: "[z-a]", message: "semverFilter '[z-a]' error parsing regexp: invalid character class range: `z-a`" },
  { re: "\\C", message: "semverFilter '\\C' error parsing regexp: invalid escape sequence: `\\C`" },
  { re: "a)", message: "semverFilter 'a)' error parsing regexp: unexpected ): `a)`" },
  {
    re: "\\p{Unknown}",
    message:
      "semverFilter '\\p{Unknown}' error parsing regexp: invalid character class range: `\\p{Unknown}`",
  },
  {
    re: "[[:foo:]]",
    message: "semverFilter '[[:foo:]]' error parsing regexp: invalid character class range: `[:foo:]`",
  },
];

for (const c of rejects) {
  test(`filter rejects ${JSON.stringify(c.re)}`, () => {
    assert.throws(
      () => compileFilter(c.re),
      (e: unknown) => e instanceof SemverError && e.code === "INVALID_FILTER" && e.message === c.message,
    );
  });
}

test("filter runs in linear time on patterns that backtrack exponentially in JavaScript", () => {
  const f = compileFilter("^(a+)+$");
  const started = performance.now();
  assert.equal(f.test(`${"a".repeat(10_000)}!`), false);
  assert.ok(performance.now() - started < 1000);
});

test("filter stays correct when its state cache overflows and resets", () => {
  // (a|b)*a(a|b){12} needs 2^13 DFA states, more than the cache holds.
  const f = compileFilter("^(a|b)*a(a|b){12}$");
  const js = /^(a|b)*a(a|b){12}$/;
  let seed = 7;
  for (let i = 0; i < 300; i++) {
    let s = "";
    for (let j = 0; j < 40; j++) {
      seed = (seed * 48271) % 2147483647;
      s += seed % 2 === 0 ? "a" : "b";
    }
    assert.equal(f.test(s), js.test(s), s);
  }
});
