// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { diffLines, unifiedDiff } from "./unified-diff.ts";

const L = { from: "a", to: "b" };
const cases = [
  { name: "equal texts give no diff", before: "x\ny\n", after: "x\ny\n", want: "" },
  { name: "created", before: "", after: "x\ny\n", want: "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n" },
  { name: "deleted", before: "x\n", after: "", want: "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n" },
  {
    name: "two hunks, as GNU diff -u prints them",
    before: "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n",
    after: "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n",
    want: "--- a\n+++ b\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n",
  },
  {
    name: "changes close together share a hunk",
    before: "1\n2\n3\n4\n5\n6\n7\n8\n",
    after: "1\nX\n3\n4\n5\n6\nY\n8\n",
    want: "--- a\n+++ b\n@@ -1,8 +1,8 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n-7\n+Y\n 8\n",
  },
];
for (const c of cases) {
  test(`unifiedDiff: ${c.name}`, () => {
    assert.equal(unifiedDiff(c.before, c.after, L), c.want);
  });
}

test("diffLines gives a shortest edit script", () => {
  const edits = diffLines("a\nb\nc\na\nb\nb\na\n", "c\nb\na\nb\na\nc\n");
  assert.equal(edits.filter((e) => e.op !== " ").length, 5); // Myers' paper example: D = 5
  const after = edits.filter((e) => e.op !== "-").map((e) => e.line);
  const before = edits.filter((e) => e.op !== "+").map((e) => e.line);
  assert.deepEqual(after, ["c", "b", "a", "b", "a", "c"]);
  assert.deepEqual(before, ["a", "b", "c", "a", "b", "b", "a"]);
});
