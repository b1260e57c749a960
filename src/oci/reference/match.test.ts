// SPDX-License-Identifier: Apache-2.0
// Go path.Match behaviour beyond the corpus rows (https://pkg.go.dev/path#Match).
import assert from "node:assert/strict";
import { test } from "node:test";
import { matchGlob } from "./match.ts";
import { InvalidReferenceError } from "./reference-error.ts";

const cases: { pattern: string; name: string; want: boolean }[] = [
  { pattern: "abc", name: "abc", want: true },
  { pattern: "*", name: "abc", want: true },
  { pattern: "*c", name: "abc", want: true },
  { pattern: "a*", name: "a", want: true },
  { pattern: "a*", name: "ab/c", want: false },
  { pattern: "a*/b", name: "abc/b", want: true },
  { pattern: "a*/b", name: "a/c/b", want: false },
  { pattern: "a*b*c*d*e*/f", name: "axbxcxdxe/f", want: true },
  { pattern: "a*b*c*d*e*/f", name: "axbxcxdxexxx/fff", want: false },
  { pattern: "ab[c]", name: "abc", want: true },
  { pattern: "ab[b-d]", name: "abc", want: true },
  { pattern: "ab[^c]", name: "abc", want: false },
  { pattern: "ab[^e-g]", name: "abc", want: true },
  { pattern: "a\\*b", name: "a*b", want: true },
  { pattern: "a\\*b", name: "ab", want: false },
  { pattern: "a?b", name: "a☺b", want: true },
  { pattern: "a[^a]b", name: "a☺b", want: true },
  { pattern: "a?b", name: "a/b", want: false },
  { pattern: "[\\]a]", name: "]", want: true },
  { pattern: "[x\\-]", name: "-", want: true },
  { pattern: "*x", name: "xxx", want: true },
];

for (const c of cases) {
  test(`matchGlob(${JSON.stringify(c.pattern)}, ${JSON.stringify(c.name)}) = ${c.want}`, () => {
    assert.equal(matchGlob(c.pattern, c.name), c.want);
  });
}

const bad = ["[", "[^", "[^bc", "a[", "a\\", "[a-", "[-]", "[x-]", "[]a]", "a[", "*x]a[", "ab[c"];
for (const pattern of bad) {
  test(`matchGlob rejects ${JSON.stringify(pattern)}`, () => {
    assert.throws(
      () => matchGlob(pattern, "abc"),
      (err: unknown) => err instanceof InvalidReferenceError && err.reason === "syntax error in pattern",
    );
  });
}
